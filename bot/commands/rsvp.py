"""RSVP by 👍 on the bot's announcements, `who` lists, and `!reminders` lead times per room."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Command, Context, UserError, command
from bot.commands.args import Item, Keyword, Text, keyword_table
from bot.commands.common import read_when
from bot.models import Event, Meetup, Reaction, Redaction, Target
from bot.reminders import LeadTimeError, format_lead, parse_lead
from bot.schedule import next_dates
from bot.text import Rich

RSVP_KEY = "👍"
# `!reminders meetups …` sets the meetups' lead times (`!reminders events …` or none: the events'); the words in
# every language are the catalogs' `reminders.<kind>`; `off` (and `aus`, …) are the catalogs' `switch.off`
KIND = Keyword("meetups", optional=True, group="reminders", choices=("meetups", "events"))
OFF = keyword_table("switch", ("off",))


async def rsvp_by_reaction(context: Context, reaction: Reaction) -> None:
    """👍 on an announcement (event confirmation or meetup reminder) means "I'm coming"."""
    target = await context.storage.announced(reaction.room_id, reaction.target_event_id)
    if target is not None:
        await context.storage.add_rsvp(reaction.room_id, target, reaction.sender, reaction.event_id)


async def withdraw_by_redaction(context: Context, redaction: Redaction) -> None:
    """Removing the 👍 withdraws the yes."""
    await context.storage.withdraw_rsvp(redaction.room_id, redaction.redacts)


def _who(context: Context, number: int, users: list[str]) -> Rich:
    if not users:
        return context.t("who_none", number=number)
    return (
        context.t("who_list", number=number, count=len(users))
        + Rich.plain(" ")
        + Rich.join((Rich.mention(user) for user in users), ", ")
    )


@command("event who", Item(kind="event"), examples="event who #1", on_edit="rerun")
async def event_who(context: Context, event: Event) -> Rich:
    return _who(context, event.id, await context.storage.rsvps(event.room_id, Target("event", event.id)))


@command(
    "meetup who",
    Item(kind="meetup"),
    Text("date", optional=True, example="morgen"),
    examples="meetup who #1",
    on_edit="rerun",
)
async def meetup_who(context: Context, meetup: Meetup, day: str) -> Rich:
    """Who comes to a meetup's next date (or the date given)."""
    if day:
        start = read_when(context, day).start
        upcoming = [d for d in next_dates(meetup, start.replace(hour=0, minute=0), 1) if d.date() == start.date()]
    else:
        upcoming = next_dates(meetup, context.now, 1)
    if not upcoming:
        raise UserError(context.t("meetup_no_dates_known", number=meetup.id))
    target = Target("meetup", meetup.id, upcoming[0].strftime("%Y-%m-%dT%H:%M"))
    users = await context.storage.rsvps(meetup.room_id, target)
    return Rich.plain(f"{context.t.date(upcoming[0])}, {upcoming[0]:%H:%M}: ") + _who(context, meetup.id, users)


def _describe(context: Context, leads: tuple[int, ...]) -> str:
    if not leads:
        return context.t.raw("reminders_off")
    return context.t.raw("reminders_before").format(leads=", ".join(format_lead(lead) for lead in leads))


@command(
    "reminders",
    KIND,
    Text("<lead> ... | off", optional=True, example="1d 1h"),
    examples=("reminders 1d 1h", "reminders meetups 3h"),
    on_edit="rerun",
)
async def reminders_command(context: Context, kind: str | None, text: str) -> Rich:
    """`!reminders`, `!reminders 1d 1h`, `!reminders meetups 3h`, `!reminders off`."""
    settings, config = context.settings, context.config.reminders
    words = text.split()
    if words:
        context.require_moderator()
        if len(words) == 1 and words[0].casefold() in OFF:
            leads: tuple[int, ...] = ()
        else:
            try:
                leads = tuple(sorted({parse_lead(word) for word in words}, reverse=True))
            except LeadTimeError as error:
                raise UserError(context.t("reminders_bad_lead", value=str(error))) from None
        settings = (
            replace(settings, meetup_lead_times=leads)
            if kind == "meetups"
            else replace(settings, event_lead_times=leads)
        )
        await context.storage.save_room_settings(settings)
    events = settings.event_lead_times
    meetups = settings.meetup_lead_times
    shown = context.t(
        "reminders_show",
        events=_describe(context, tuple(parse_lead(x) for x in config.lead_times) if events is None else events),
        meetups=_describe(
            context, tuple(parse_lead(x) for x in config.meetup_lead_times) if meetups is None else meetups
        ),
    )
    return context.t("settings_saved") + shown if words else shown


REMINDERS: Command = reminders_command
EVENT_WHO: Command = event_who
MEETUP_WHO: Command = meetup_who
