"""RSVP by 👍 on the bot's announcements, `who` lists, and `!reminders` lead times per room."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Command, Context, UserError, redo_on_edit
from bot.commands.common import read_when, split_number
from bot.commands.events import find_event
from bot.commands.meetups import find_meetup
from bot.models import Reaction, Redaction, Target
from bot.reminders import LeadTimeError, format_lead, parse_lead
from bot.schedule import next_dates
from bot.text import Rich

RSVP_KEY = "👍"


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


@redo_on_edit("rerun")
async def event_who(context: Context, args: str) -> Rich:
    event = await find_event(context, args)
    return _who(context, event.id, await context.storage.rsvps(event.room_id, Target("event", event.id)))


@redo_on_edit("rerun")
async def meetup_who(context: Context, args: str) -> Rich:
    """Who comes to a meetup's next date (or the date given)."""
    number, rest = await split_number(context, args, "meetup")
    parts = [number, *([rest] if rest else [])]
    meetup = await find_meetup(context, parts[0])
    if len(parts) > 1:
        start = read_when(context, parts[1]).start
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


@redo_on_edit("rerun")
async def reminders_command(context: Context, args: str) -> Rich:
    """`!reminders`, `!reminders 1d 1h`, `!reminders meetups 3h`, `!reminders off`."""
    settings, config = context.settings, context.config.reminders
    words = args.split()
    kind = "events"
    if words and words[0].casefold() in ("events", "event", "veranstaltungen", "meetups", "meetup", "treffen"):
        kind = "meetups" if words.pop(0).casefold() in ("meetups", "meetup", "treffen") else "events"
    if words:
        context.require_moderator()
        if [w.casefold() for w in words] in (["off"], ["aus"]):
            leads: tuple[int, ...] = ()
        else:
            try:
                leads = tuple(sorted({parse_lead(word) for word in words}, reverse=True))
            except LeadTimeError as error:
                raise UserError(context.t("reminders_bad_lead", value=str(error))) from None
        settings = (
            replace(settings, event_lead_times=leads)
            if kind == "events"
            else replace(settings, meetup_lead_times=leads)
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


REMINDERS = Command(
    name="reminders",
    aliases=("erinnerungen", "erinnerung"),
    usage="reminders [meetups] [<lead> ... | off]",
    handler=reminders_command,
    example="reminders 1d 1h",
    help={
        "de": "zeigt oder setzt, wie lange vorher erinnert wird (Moderation); Einheiten s m h d w",
        "en": "shows or sets how long before reminders come (moderators); units s m h d w",
    },
)
EVENT_WHO = Command(
    name="who",
    aliases=("wer", "zusagen"),
    usage="event who #N",
    handler=event_who,
    help={"de": "wer kommt (👍 auf die Ankündigung)", "en": "who is coming (👍 on the announcement)"},
    example="event who #12",
)
MEETUP_WHO = Command(
    name="who",
    aliases=("wer", "zusagen"),
    usage="meetup who #N [date]",
    handler=meetup_who,
    help={
        "de": "wer zum nächsten Termin kommt (👍 auf die Erinnerung)",
        "en": "who comes to the next date (👍 on the reminder)",
    },
    example="meetup who #3",
)
