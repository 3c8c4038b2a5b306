"""`!meetup ...`: a lab's regular meetups, kept as recurrence rules and shown in the lab's own words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from bot.commands import Answer, Command, Context, UsageError, UserError, command, family
from bot.commands.args import Count, Fields, Item, Keyword, Several, Text, Word, item_kind
from bot.commands.common import added_by_original, announced_kind, field_error, read_title, read_when
from bot.models import Meetup
from bot.parsing.fields import FieldError, parse_geo, parse_link, parse_place, parse_time_range, plain_words
from bot.parsing.recurrence import RecurrenceError, first_occurrence, parse_recurrence
from bot.schedule import city_sort_key, meetup_dates, next_dates
from bot.text import Rich

NEXT_DEFAULT = 5
NEXT_MAX = 50
MAX_EXPLICIT_DATES = 100
FIELDS = Fields(
    "fields",
    group="meetup",
    names=("city", "rule", "time", "where", "name", "link"),
    extra=("geo",),
    samples=(
        "Leipzig",
        "jeden Mittwoch",
        "19:00-22:00",
        "Basislager Coworking Leipzig, Peterssteinweg 14, 04107 Leipzig",
        "OKLab Leipzig",
        "https://www.meetup.com/de-DE/oklab-leipzig/",
    ),
)
MEETUP_FIELDS = FIELDS.table()
REQUIRED = ("city", "rule", "time", "name")
# Meetup #1 of the examples (and of the generated tests): every Wednesday. The examples that name one of its dates
# (skip, move) name `{wednesday}`.
EXAMPLE_ADD = "meetup add " + " | ".join(FIELDS.samples)


def _read_rule(context: Context, text: str) -> str | None:
    try:
        return parse_recurrence(text)
    except RecurrenceError as error:
        raise UserError(context.t("rule_bad_rrule", value=text.strip()[:200], reason=str(error))) from None


def _apply_fields(context: Context, meetup: Meetup, values: dict[str, str]) -> Meetup:
    """The meetup with the given fields set, each validated."""
    changes: dict[str, Any] = {}
    try:
        if "city" in values:
            changes["city"] = read_title(context, values["city"])
        if "name" in values:
            changes["name"] = read_title(context, values["name"])
        if "rule" in values:
            rule_text = read_title(context, values["rule"])
            rrule = _read_rule(context, rule_text)
            today = context.now.astimezone(context.tz).date()
            changes.update(
                rule_text=rule_text,
                rrule=rrule,
                timezone=str(context.tz),
                dtstart=first_occurrence(rrule, on_or_after=today) if rrule else today,
            )
        if "time" in values:
            changes["start_time"], changes["end_time"] = parse_time_range(values["time"])
        if "where" in values:
            changes["place"], changes["online"] = parse_place(plain_words(values["where"]))
        if "link" in values:
            changes["link"] = parse_link(values["link"])
        if "geo" in values:
            changes["geo"] = parse_geo(values["geo"])
    except FieldError as error:
        raise field_error(context, error, MEETUP_FIELDS) from None
    except RecurrenceError as error:  # a rule that never produces a date (e.g. UNTIL in the past)
        raise UserError(context.t("rule_bad_rrule", value=values.get("rule", ""), reason=str(error))) from None
    return replace(meetup, **changes)


def describe_meetup(context: Context, meetup: Meetup) -> Rich:
    """`Leipzig: jeden Mittwoch, 19:00-22:00, Basislager ...: OKLab Leipzig` and its link."""
    t = context.t
    times = meetup.start_time.strftime("%H:%M") + (f"-{meetup.end_time:%H:%M}" if meetup.end_time else "")
    place = t.place(meetup.place, meetup.online)
    head = ", ".join(part for part in (f"{meetup.city}: {meetup.rule_text}", times, place) if part)
    line = Rich.plain(head + ": ") + Rich.bold(meetup.name)
    return line + Rich.plain(f"\n{meetup.link}") if meetup.link else line


item_kind(
    "meetup",
    announced_kind(
        "meetup",
        lambda context, number: context.storage.get_meetup(context.message.room_id, number),
        "meetup_not_found",
    ),
)


def _format_dates(context: Context, dates: list[datetime]) -> Rich:
    if not dates:
        return Rich.plain(context.t.raw("meetup_no_dates"))
    return Rich.join(Rich.plain(f"  {context.t.date(d)}, {d:%H:%M}") for d in dates)


@command("meetup add", FIELDS, examples=EXAMPLE_ADD, on_edit="update")
async def add_meetup(context: Context, values: dict[str, str]) -> Answer:
    t, message = context.t, context.message
    missing = [t.raw(f"field_{name}") for name in REQUIRED if name not in values]
    if missing:
        raise UsageError(t("missing_fields", fields=", ".join(missing)))
    source, edited = await added_by_original(context, context.storage.meetup_by_source)
    if edited is not None:  # an edit of the command changes the meetup it added
        context.require_owner_or_moderator(edited.submitter)
        updated = await context.storage.update_meetup(_apply_fields(context, edited, values))
        return Answer(_added(context, updated))
    draft = Meetup(
        id=0,
        room_id=message.room_id,
        city="",
        rule_text="",
        rrule=None,
        dtstart=context.now.date(),
        start_time=context.now.time(),
        end_time=None,
        timezone=str(context.tz),
        name="",
        submitter=message.sender,
        source_event_id=source,
    )
    meetup, created = await context.storage.add_meetup(_apply_fields(context, draft, values))
    if not created and meetup.source_event_id != source:
        return Answer(t("event_duplicate", number=meetup.id) + Rich.plain("\n") + describe_meetup(context, meetup))
    return Answer(_added(context, meetup))


def _added(context: Context, meetup: Meetup) -> Rich:
    """The confirmation of a meetup as it stands: how the bot read it and its next dates."""
    t = context.t
    lines = [t("event_added", number=meetup.id), describe_meetup(context, meetup)]
    if meetup.rrule is None:
        lines.append(t("rule_not_computable", rule=meetup.rule_text, prefix=context.prefix, number=meetup.id))
    else:
        lines += [t("meetup_next_header"), _format_dates(context, next_dates(meetup, context.now, 3))]
    return Rich.join(lines)


@command("meetup list", examples="meetup list", on_edit="rerun")
async def list_meetups(context: Context) -> Rich:
    meetups = sorted(await context.storage.list_meetups(context.message.room_id), key=city_sort_key)
    if not meetups:
        return context.t("meetups_none")
    return Rich.join(
        [
            context.t("meetups_header"),
            *(Rich.bold(f"#{m.id}") + Rich.plain(" ") + describe_meetup(context, m) for m in meetups),
        ]
    )


@command("meetup show", Item(kind="meetup"), examples="meetup show #1", on_edit="rerun")
async def show_meetup(context: Context, meetup: Meetup) -> Rich:
    lines = [Rich.bold(f"#{meetup.id}") + Rich.plain(" ") + describe_meetup(context, meetup)]
    if meetup.rrule:
        lines.append(Rich.plain(f"RRULE: {meetup.rrule}"))
    lines += [context.t("meetup_next_header"), _format_dates(context, next_dates(meetup, context.now, NEXT_DEFAULT))]
    return Rich.join(lines)


@command(
    "meetup next",
    Item(kind="meetup", optional=True),
    Count("count", optional=True, high=NEXT_MAX),
    examples=("meetup next #1 10", "meetup next"),
    on_edit="rerun",
)
async def next_meetups(context: Context, meetup: Meetup | None, count: int | None) -> Rich:
    """The next dates of one meetup, or the next date of each."""
    if meetup is not None:
        return Rich.join(
            [
                describe_meetup(context, meetup),
                context.t("meetup_next_header"),
                _format_dates(context, next_dates(meetup, context.now, count or NEXT_DEFAULT)),
            ]
        )
    meetups = sorted(await context.storage.list_meetups(context.message.room_id), key=city_sort_key)
    if not meetups:
        return context.t("meetups_none")
    lines = [context.t("meetup_next_header")]
    for each in meetups:
        upcoming = next_dates(each, context.now, 1)
        when = f"{context.t.date(upcoming[0])}, {upcoming[0]:%H:%M}" if upcoming else context.t.raw("meetup_no_dates")
        lines.append(Rich.bold(f"#{each.id}") + Rich.plain(f" {each.city} ({each.name}): {when}"))
    return Rich.join(lines)


@command(
    "meetup edit",
    Item(kind="meetup"),
    Keyword("field", group="meetup", choices=(*FIELDS.names, *FIELDS.extra)),
    Text("value", example="Leipzig"),
    examples="meetup edit #1 time 18:30-21:00",
    on_edit="rerun",
)
async def edit_meetup(context: Context, meetup: Meetup, field: str, value: str) -> Rich:
    context.require_owner_or_moderator(meetup.submitter)
    updated = await context.storage.update_meetup(_apply_fields(context, meetup, {field: value}))
    lines = [context.t("event_updated", number=updated.id), describe_meetup(context, updated)]
    if field == "rule" and updated.rrule is None and not updated.extra:
        lines.append(context.t("rule_not_computable", rule=updated.rule_text, prefix=context.prefix, number=updated.id))
    return Rich.join(lines)


@command("meetup delete", Item(kind="meetup"), examples="meetup delete #1")
async def delete_meetup(context: Context, meetup: Meetup) -> Rich:
    context.require_owner_or_moderator(meetup.submitter)
    await context.storage.delete_meetup(meetup.room_id, meetup.id)
    return context.t("meetup_deleted", number=meetup.id, name=meetup.name)


def _read_day(context: Context, text: str) -> date:
    return read_when(context, text).start.astimezone(context.tz).date()


def _is_date_of(meetup: Meetup, day: date) -> bool:
    start = datetime.combine(day, datetime.min.time(), meetup.zone)
    return any(d.date() == day for d in meetup_dates(meetup, start, start + timedelta(days=1)))


def _rule_day(context: Context, meetup: Meetup, text: str) -> tuple[date, str]:
    """The day `text` names and how replies show it; a UserError when the meetup does not meet that day."""
    day = _read_day(context, text)
    shown = context.t.date(datetime.combine(day, datetime.min.time()))
    if not _is_date_of(meetup, day):
        raise UserError(context.t("meetup_not_a_date", date=shown, number=meetup.id))
    return day, shown


@command(
    "meetup skip",
    Item(kind="meetup"),
    Text("date", example="nächsten Mittwoch"),
    examples="meetup skip #1 {wednesday}",
)
async def skip_date(context: Context, meetup: Meetup, text: str) -> Rich:
    """One date does not take place."""
    context.require_owner_or_moderator(meetup.submitter)
    day, shown = _rule_day(context, meetup, text)
    moved = {k: v for k, v in meetup.moved.items() if k != day}
    extra = frozenset(d for d in meetup.extra if d.date() != day)
    await context.storage.update_meetup(
        replace(meetup, skipped=meetup.skipped | {day}, moved=MappingProxyType(moved), extra=extra)
    )
    return context.t("meetup_skipped", number=meetup.id, name=meetup.name, date=shown)


@command(
    "meetup move",
    Item(kind="meetup"),
    Word("date", example="Mittwoch"),
    Text("new date and time", example="Donnerstag 19:00"),
    examples="meetup move #1 {wednesday} {date2} 19:00",
)
async def move_date(context: Context, meetup: Meetup, old: str, new: str) -> Rich:
    """One date moves: `#N <Wednesday> <the Thursday after> 19:00`."""
    context.require_owner_or_moderator(meetup.submitter)
    day, shown = _rule_day(context, meetup, old)
    when = read_when(context, new)
    new_start = when.start if not when.all_day else datetime.combine(when.start.date(), meetup.start_time, context.tz)
    await context.storage.update_meetup(replace(meetup, moved=MappingProxyType({**meetup.moved, day: new_start})))
    return context.t(
        "meetup_moved",
        number=meetup.id,
        name=meetup.name,
        date=shown,
        when=f"{context.t.date(new_start)}, {new_start:%H:%M}",
    )


@command(
    "meetup dates",
    Item(kind="meetup"),
    Several("date", example="6.1. 3.2. 19:30"),
    examples="meetup dates #1 {date} {date3} 19:30",
)
async def set_dates(context: Context, meetup: Meetup, text: str) -> Rich:
    """Explicit dates (for rules the bot cannot compute): `#N <date> <date> 19:30`, each date with its own time
    or the meetup's."""
    context.require_owner_or_moderator(meetup.submitter)
    words = text.split()
    dates: set[datetime] = set()
    index = 0
    while index < len(words):
        # a date may be followed by its own time: `12.01. 19:30`
        with_time = index + 1 < len(words) and words[index + 1][:1].isdigit() and ":" in words[index + 1]
        when = read_when(context, " ".join(words[index : index + (2 if with_time else 1)]))
        dates.add(
            when.start if not when.all_day else datetime.combine(when.start.date(), meetup.start_time, context.tz)
        )
        index += 2 if with_time else 1
    if len(dates) > MAX_EXPLICIT_DATES:
        raise UserError(context.t("too_long", length=len(dates), limit=MAX_EXPLICIT_DATES))
    await context.storage.update_meetup(replace(meetup, extra=frozenset(dates)))
    return context.t.count("meetup_dates_set", len(dates), number=meetup.id, name=meetup.name)


MEETUP: Command = family(
    "meetup",
    add_meetup,
    list_meetups,
    show_meetup,
    next_meetups,
    edit_meetup,
    delete_meetup,
    skip_date,
    move_date,
    set_dates,
    examples=(EXAMPLE_ADD,),
)
