"""Calendar import: entries of an ICS file into a room's events and meetups, in one transaction, with a report."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.fetch import describe_body
from bot.i18n import Translator
from bot.ical import MAX_ENTRIES, CalendarEntry, CalendarError, event_from_entry
from bot.icalbox import parse_calendar_boxed
from bot.models import Event, Meetup
from bot.parsing.fields import MAX_YEAR, MIN_YEAR, clean_text
from bot.parsing.recurrence import RecurrenceError, check_rule_yields, parse_recurrence
from bot.reminders import notify_cancelled
from bot.storage import ImportCounts, Storage

_CITY = re.compile(r"\b\d{4,5}\s+([^,\d][^,]*)$")


@dataclass(frozen=True)
class ImportReport:
    counts: ImportCounts
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _city(entry: CalendarEntry) -> str:
    """The city of a meetup from its address (`..., 04107 Leipzig`), else its title."""
    match = _CITY.search(entry.place or "")
    return match.group(1).strip() if match else entry.title


def meetup_from_entry(entry: CalendarEntry, *, room_id: str, submitter: str) -> Meetup:
    """A recurring calendar entry as a meetup; its rule is shown as the RRULE (feeds carry no phrase)."""
    rrule = parse_recurrence("RRULE:" + (entry.rrule or ""))
    if rrule is None:
        raise RecurrenceError(entry.rrule or "")
    start = entry.start
    check_rule_yields(rrule, start.replace(tzinfo=None))  # a rule that yields no date soon is refused here
    extra = frozenset(moment for moment in entry.rdates)
    return Meetup(
        id=0,
        room_id=room_id,
        city=entry.city or _city(entry),
        rule_text=entry.rule_text or f"RRULE:{rrule}",
        rrule=rrule,
        dtstart=start.date(),
        start_time=start.time(),
        end_time=entry.end.time() if entry.end else None,
        timezone=str(start.tzinfo),
        name=entry.title,
        place=entry.place,
        online=entry.online,
        link=entry.link,
        geo=entry.geo,
        submitter=submitter,
        uid=entry.uid,
        skipped=frozenset(moment.date() for moment in entry.exdates),
        extra=extra,
    )


def _sort_entries(
    entries: list[CalendarEntry], room_id: str, submitter: str
) -> tuple[list[Event], list[Meetup], list[tuple[str, str]]]:
    """(events, meetups, skipped with reasons) of the entries read from a file."""
    events, meetups, skipped = [], [], []
    for entry in entries:
        title = clean_text(entry.title)
        if entry.skip_reason:
            skipped.append((title or "?", entry.skip_reason))
        elif not title:
            skipped.append(("?", "no title (SUMMARY)"))
        elif any(
            not MIN_YEAR <= moment.year <= MAX_YEAR
            for moment in (entry.start, entry.end or entry.start, *entry.rdates, *entry.exdates)
        ):
            skipped.append((title, f"dated outside {MIN_YEAR}-{MAX_YEAR}"))
        elif entry.rrule:
            try:
                meetups.append(meetup_from_entry(entry, room_id=room_id, submitter=submitter))
            except RecurrenceError as error:
                skipped.append((title, f"recurrence not supported: {error}"))
        else:
            events.append(event_from_entry(entry, room_id=room_id, submitter=submitter))
    return events, meetups, skipped


async def import_calendar(
    storage: Storage,
    room_id: str,
    data: bytes,
    *,
    zone: ZoneInfo,
    submitter: str,
    now: datetime,
    t: Translator,
    feed_id: int | None = None,
    max_entries: int = MAX_ENTRIES,
    content_type: str | None = None,
) -> ImportReport:
    """Import an ICS file (read in a child process with limits), in one transaction with the notices to those who
    said yes to events a feed no longer lists.

    Raises CalendarError (nothing changed) when the file cannot be read or has more than `max_entries` entries;
    its message describes the data (size, type) but never quotes it. Entries with an over-long title, place or
    description are skipped (bot.ical.parse_calendar), with the reason in the report.
    """
    try:
        entries = await parse_calendar_boxed(data, zone, max_entries=max_entries)
    except CalendarError as error:
        raise CalendarError(f"{error}; {describe_body(data, content_type)}") from None
    # off the event loop: checking a rule that matches no date searches ten years (~10 ms), times 5,000 entries
    events, meetups, skipped = await asyncio.to_thread(_sort_entries, entries, room_id, submitter)
    async with storage.transaction():
        counts = await storage.import_items(room_id, events, meetups, feed_id=feed_id, now=now)
        for event_id in counts.cancelled_ids:
            event = await storage.get_event(room_id, event_id)
            if event is not None:
                await notify_cancelled(storage, event, t)
    return ImportReport(counts, tuple(skipped))
