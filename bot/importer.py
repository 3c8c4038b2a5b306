"""Calendar import: entries of an ICS file into a room's events and meetups, in one transaction, with a report."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.ical import MAX_ENTRIES, CalendarEntry, event_from_entry
from bot.icalbox import parse_calendar_boxed
from bot.models import Event, Meetup
from bot.parsing.fields import MAX_YEAR, MIN_YEAR, clean_text
from bot.parsing.recurrence import RecurrenceError, first_occurrence, parse_recurrence
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
    first_occurrence(rrule, on_or_after=start.date())  # a rule that yields no date at all is refused here
    extra = frozenset(moment for moment in entry.rdates)
    return Meetup(id=0, room_id=room_id, city=entry.city or _city(entry), rule_text=entry.rule_text or f"RRULE:{rrule}",
                  rrule=rrule, dtstart=start.date(), start_time=start.time(),
                  end_time=entry.end.time() if entry.end else None, timezone=str(start.tzinfo), name=entry.title,
                  place=entry.place, online=entry.online, link=entry.link, geo=entry.geo, submitter=submitter,
                  uid=entry.uid, skipped=frozenset(moment.date() for moment in entry.exdates), extra=extra)


def _sort_entries(entries: list[CalendarEntry], room_id: str,
                  submitter: str) -> tuple[list[Event], list[Meetup], list[tuple[str, str]]]:
    """(events, meetups, skipped with reasons) of the entries read from a file."""
    events, meetups, skipped = [], [], []
    for entry in entries:
        title = clean_text(entry.title)
        if entry.skip_reason:
            skipped.append((title or "?", entry.skip_reason))
        elif not title:
            skipped.append(("?", "no title (SUMMARY)"))
        elif any(not MIN_YEAR <= moment.year <= MAX_YEAR
                 for moment in (entry.start, entry.end or entry.start, *entry.rdates, *entry.exdates)):
            skipped.append((title, f"dated outside {MIN_YEAR}-{MAX_YEAR}"))
        elif entry.rrule:
            try:
                meetups.append(meetup_from_entry(entry, room_id=room_id, submitter=submitter))
            except RecurrenceError as error:
                skipped.append((title, f"recurrence not supported: {error}"))
        else:
            events.append(event_from_entry(entry, room_id=room_id, submitter=submitter))
    return events, meetups, skipped


async def import_calendar(storage: Storage, room_id: str, data: bytes, *, zone: ZoneInfo, submitter: str,
                          now: datetime, feed_id: int | None = None, max_entries: int = MAX_ENTRIES) -> ImportReport:
    """Import an ICS file (read in a child process with limits); raises CalendarError (nothing changed) when the
    file cannot be read or has more than `max_entries` entries. Entries with an over-long title, place or
    description are skipped (bot.ical.parse_calendar), with the reason in the report."""
    entries = await parse_calendar_boxed(data, zone, max_entries=max_entries)
    # off the event loop: checking a rule that matches no date searches ten years (~10 ms), times 5,000 entries
    events, meetups, skipped = await asyncio.to_thread(_sort_entries, entries, room_id, submitter)
    counts = await storage.import_items(room_id, events, meetups, feed_id=feed_id, now=now)
    return ImportReport(counts, tuple(skipped))
