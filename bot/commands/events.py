"""`!event ...`: submit, list, show, edit, cancel, delete, search, approve and reject a room's events."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.commands import Answer, Command, Context, UsageError, command, family
from bot.commands.args import Fields, Item, Keyword, Month, Text, item_kind
from bot.commands.common import (
    added_by_original,
    announced_kind,
    field_error,
    read_title,
    read_when,
)
from bot.models import Event, EventStatus, QueuedMessage, Reaction, Target
from bot.parsing.fields import FieldError, parse_geo, parse_link, parse_place, plain_words
from bot.reminders import notify_cancelled, reminder_txn
from bot.text import Rich

LIST_LIMIT = 30
APPROVE_KEY = "✅"
# `title | when | where | link`, or one `key: value` per line (then also geo, description, online); the keys in
# every language are the catalogs' `event.<field>` words (Titel, Wann, Wo, …)
FIELDS = Fields(
    "fields",
    group="event",
    names=("title", "when", "where", "link"),
    extra=("geo", "description", "online"),
    samples=(
        "Jugend editiert",
        "{date} 18:00-21:00",
        "WikiBär, Köpenicker Straße 45, 10179 Berlin",
        "https://www.wikimedia.de/veranstaltungen/jugend-editiert/",
    ),
)
EVENT_FIELDS = FIELDS.table()
EXAMPLE_ADD = (
    "event add Jugend editiert | {date} 18:00-21:00 | WikiBär, Köpenicker Straße 45, 10179 Berlin "
    "| https://www.wikimedia.de/veranstaltungen/jugend-editiert/"
)


item_kind(
    "event",
    announced_kind(
        "event", lambda context, number: context.storage.get_event(context.message.room_id, number), "event_not_found"
    ),
)


def _apply_fields(context: Context, event: Event, values: dict[str, str]) -> Event:
    """The event with the given fields set, each validated; raises UserError naming the first bad one."""
    changes: dict[str, Any] = {}
    try:
        if "title" in values:
            changes["title"] = read_title(context, values["title"])
        if "when" in values:
            when = read_when(context, values["when"])
            changes.update(start=when.start, end=when.end, all_day=when.all_day, timezone=str(context.tz))
        if "where" in values:
            place, online = parse_place(plain_words(values["where"]))
            changes.update(place=place, online=online or bool(event.online_url))
        if "link" in values:
            changes["link"] = parse_link(values["link"])
        if "geo" in values:
            changes["geo"] = parse_geo(values["geo"])
        if "description" in values:
            changes["description"] = values["description"]
        if "online" in values:
            changes.update(online_url=parse_link(values["online"]), online=True)
    except FieldError as error:
        raise field_error(context, error, FIELDS.table()) from None
    return replace(event, **changes)


def describe(context: Context, event: Event, *, full: bool = False) -> Rich:
    """How the bot understood an event: weekday, date, time, place, link (and more when full)."""
    t = context.t
    status = "" if event.status == EventStatus.APPROVED else f" ({t.raw('status_' + event.status.value)})"
    lines = [Rich.bold(event.title) + Rich.plain(status), Rich.plain(t.when(event.start, event.end, event.all_day))]
    lines += t.place_and_link(event.place, event.online, event.link)
    if full:
        if event.online_url:
            lines.append(Rich.plain(f"{t.raw('label_online')}: {event.online_url}"))
        if event.geo:
            lines.append(Rich.plain(f"{t.raw('label_geo')}: {event.geo[0]}, {event.geo[1]}"))
        if event.description:
            lines.append(Rich.plain(f"{t.raw('label_description')}: {event.description}"))
        lines.append(Rich.plain(f"{t.raw('label_submitter')}: {event.submitter}"))
    return Rich.join(lines)


def list_line(context: Context, event: Event) -> Rich:
    """One event in a list: `#12 <weekday, date, time> — Title (place)`."""
    t = context.t
    place = t.place(event.place, event.online)
    status = "" if event.status == EventStatus.APPROVED else f" ({t.raw('status_' + event.status.value)})"
    tail = f" ({place})" if place else ""
    return (
        Rich.bold(f"#{event.id}")
        + Rich.plain(f" {t.when(event.start, event.end, event.all_day)} — ")
        + Rich.plain(event.title)
        + Rich.plain(tail + status)
    )


@command("event add", FIELDS, examples=EXAMPLE_ADD, on_edit="update")
async def add_event(context: Context, values: dict[str, str]) -> Answer:
    """Store a new event from one line or `key: value` lines."""
    t, message = context.t, context.message
    missing = [t.raw(f"field_{name}") for name in ("title", "when") if name not in values]
    if missing:
        raise UsageError(t("missing_fields", fields=", ".join(missing)))
    source, edited = await added_by_original(context, context.storage.event_by_source)
    if edited is not None:  # an edit of the command changes the event it added
        context.require_owner_or_moderator(edited.submitter)
        updated = await context.storage.update_event(_apply_fields(context, edited, values))
        return Answer(confirmation(context, updated))
    draft = Event(
        id=0,
        room_id=message.room_id,
        title="",
        start=context.now,
        end=None,
        all_day=False,
        timezone=str(context.tz),
        submitter=message.sender,
        source_event_id=source,
        status=(
            EventStatus.PENDING if context.settings.approval and not context.is_moderator else EventStatus.APPROVED
        ),
    )
    event, created = await context.storage.add_event(_apply_fields(context, draft, values))
    replayed = not created and event.source_event_id == source
    if not created and not replayed:
        return Answer(t("event_duplicate", number=event.id) + Rich.plain("\n") + describe(context, event))

    async def remember_announcement(sent_event_id: str) -> None:
        await context.storage.announce(event.room_id, sent_event_id, Target("event", event.id))

    body = confirmation(context, event)
    if morning_reading(values["when"], event):
        assert event.end is not None
        evening = (
            f"{(event.start.hour + 12):02d}:{event.start.minute:02d}-{(event.end.hour + 12):02d}:{event.end.minute:02d}"
        )
        body += Rich.plain("\n") + t(
            "when_read_as_morning", start=f"{event.start:%H:%M}", end=f"{event.end:%H:%M}", evening=evening
        )
    return Answer(body, on_sent=remember_announcement)


# `8:30-10`: a range of small hours without `Uhr`, am/pm or a leading zero could mean the evening
_BARE_SMALL_RANGE = re.compile(
    r"(?<![\d:.])(?:[1-9]|1[01])(?::[0-5]\d)?\s*[-–]\s*(?:[1-9]|1[0-2])(?::[0-5]\d)?(?![\d:])(?!\s*(?:uhr|h\b|[ap]\.?m))",
    re.IGNORECASE,
)


def morning_reading(when_text: str, event: Event) -> bool:
    """Whether the bot read a bare `8:30-10` as the morning although it could be the evening (it says so)."""
    if event.all_day or event.end is None or event.start.hour >= 12 or event.end.hour > 12:
        return False
    return _BARE_SMALL_RANGE.search(when_text) is not None


def confirmation(context: Context, event: Event) -> Rich:
    """The bot's confirmation of an event, as it stands now (people 👍 it; it is edited when the event changes)."""
    t = context.t
    body = t("event_added", number=event.id) + Rich.plain("\n") + describe(context, event)
    if event.status == EventStatus.PENDING:
        body += Rich.plain("\n") + t("event_pending_note", prefix=context.prefix, number=event.id)
    return body


async def keep_confirmation_true(context: Context, event: Event) -> None:
    """Edit the bot's confirmation of the event to its new state (queued, sent once, like a reminder)."""
    body = confirmation(context, event).to_reply()
    for message_id in await context.storage.announcements_of(event.room_id, Target("event", event.id)):
        key = f"confirm:{event.room_id}:{message_id}:{hashlib.sha256(body.text.encode()).hexdigest()[:16]}"
        await context.storage.queue_messages(
            [QueuedMessage(txn_id=reminder_txn([key]), room_id=event.room_id, reply=body, replaces=message_id)]
        )


@command("event list", Month(optional=True), examples=("event list {month}", "event list"), on_edit="rerun")
async def list_events(context: Context, month: tuple[int, int] | None) -> Rich:
    """Upcoming events, or those of one month."""
    t, storage, room = context.t, context.storage, context.message.room_id
    start, end = context.now, None
    header, empty = t("events_header_upcoming"), t("events_none_upcoming")
    if month is not None:
        year, number = month
        start = datetime(year, number, 1, tzinfo=context.tz)
        end = (start + timedelta(days=32)).replace(day=1)
        name = t.month(year, number)
        header, empty = t("events_header_month", month=name), t("events_none_month", month=name)
    shown = (EventStatus.APPROVED, EventStatus.CANCELLED)
    events = await storage.list_events(room, start=start, end=end, statuses=shown, limit=LIST_LIMIT)
    if not events:
        return empty
    lines = [header, *(list_line(context, event) for event in events)]
    if len(events) == LIST_LIMIT:
        more = await storage.count_events(room, start=start, end=end, statuses=shown) - LIST_LIMIT
        if more > 0:
            lines.append(await _more_hint(context, more, events[-1], whole_month=end is not None))
    return Rich.join(lines)


async def _more_hint(context: Context, more: int, last_shown: Event, *, whole_month: bool) -> Rich:
    """How to see what a cut list leaves out: the month it reached, or a search; and the public calendar."""
    t = context.t
    local = last_shown.start.astimezone(context.tz)
    if whole_month:
        hint = t("events_more_search", count=more, prefix=context.prefix)
    else:
        hint = t("events_more", count=more, prefix=context.prefix, month=t.month(local.year, local.month))
    name = await context.storage.public_name(context.message.room_id) if context.config.http.enabled else None
    if name is None:
        return hint
    page = f"{context.config.http.base_url}/{name}/{local.year:04d}/{local.month:02d}/"
    return hint + Rich.plain(" ") + t("events_more_page", url=page)


@command("event show", Item(kind="event"), examples="event show #1", on_edit="rerun")
async def show_event(context: Context, event: Event) -> Rich:
    return Rich.bold(f"#{event.id}") + Rich.plain(" ") + describe(context, event, full=True)


@command(
    "event edit",
    Item(kind="event"),
    Keyword("field", group="event", choices=(*FIELDS.names, *FIELDS.extra)),
    Text("value", example="Jugend editiert im WikiBär"),
    examples="event edit #1 when {date2} 18:00-21:00",
    on_edit="rerun",
)
async def edit_event(context: Context, event: Event, field: str, value: str) -> Rich:
    """Change one field: `#12 when 05.12. 18:00-21:00`."""
    context.require_owner_or_moderator(event.submitter)
    async with context.storage.transaction():
        updated = await context.storage.update_event(_apply_fields(context, event, {field: value}))
        await keep_confirmation_true(context, updated)
    return context.t("event_updated", number=event.id) + Rich.plain("\n") + describe(context, updated)


@command("event cancel", Item(kind="event"), examples="event cancel #1")
async def cancel_event(context: Context, event: Event) -> Rich:
    context.require_owner_or_moderator(event.submitter)
    if event.status == EventStatus.CANCELLED:
        return context.t("event_already_cancelled", number=event.id)
    async with context.storage.transaction():
        cancelled = await context.storage.set_event_status(event, EventStatus.CANCELLED)
        await notify_cancelled(context.storage, event, context.t)
        await keep_confirmation_true(context, cancelled)
    return context.t("event_cancelled", number=event.id, title=event.title)


@command("event delete", Item(kind="event"), examples="event delete #1")
async def delete_event(context: Context, event: Event) -> Rich:
    context.require_owner_or_moderator(event.submitter)
    await context.storage.delete_event(event.room_id, event.id)
    return context.t("event_deleted", number=event.id, title=event.title)


@command("event search", Text("words", example="editiert"), examples="event search editiert", on_edit="rerun")
async def search_events(context: Context, text: str) -> Rich:
    words = text.split()
    events = await context.storage.search_events(context.message.room_id, words[:10])
    phrase = " ".join(words)
    if not events:
        return context.t("search_none", words=phrase)
    lines = [context.t("search_header", words=phrase), *(list_line(context, e) for e in events[:LIST_LIMIT])]
    if len(events) > LIST_LIMIT:
        lines.append(context.t("search_more", count=len(events) - LIST_LIMIT, prefix=context.prefix, words=phrase))
    return Rich.join(lines)


async def _approve(context: Context, event: Event) -> Rich:
    context.require_moderator()
    if event.status != EventStatus.PENDING:
        return context.t("event_not_pending", number=event.id)
    async with context.storage.transaction():
        approved = await context.storage.set_event_status(event, EventStatus.APPROVED)
        await keep_confirmation_true(context, approved)
    return context.t("event_approved", number=event.id, title=event.title)


@command("event approve", Item(kind="event"), examples="event approve #1")
async def approve_event(context: Context, event: Event) -> Rich:
    return await _approve(context, event)


async def approve_by_reaction(context: Context, reaction: Reaction) -> Rich | None:
    """✅ on the bot's announcement of a pending event approves it (moderators only)."""
    event = await context.storage.event_by_announcement(reaction.room_id, reaction.target_event_id)
    if event is None or event.status != EventStatus.PENDING:
        return None
    return await _approve(context, event)


@command(
    "event reject",
    Item(kind="event"),
    Text("reason", optional=True, example="kein Bezug zu Open Data"),
    examples="event reject #1 kein Bezug zu Open Data",
)
async def reject_event(context: Context, event: Event, reason: str) -> Rich:
    context.require_moderator()
    if event.status != EventStatus.PENDING:
        return context.t("event_not_pending", number=event.id)
    async with context.storage.transaction():
        rejected = await context.storage.set_event_status(event, EventStatus.REJECTED)
        await keep_confirmation_true(context, rejected)
    reply = context.t("event_rejected", number=event.id, title=event.title)
    return reply + Rich.plain("\n") + context.t("event_rejected_reason", reason=reason) if reason else reply


EVENT: Command = family(
    "event",
    add_event,
    list_events,
    show_event,
    edit_event,
    cancel_event,
    delete_event,
    search_events,
    approve_event,
    reject_event,
    examples=(EXAMPLE_ADD,),
)
