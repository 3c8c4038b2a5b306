"""Calendar import: entries of an ICS file into a room's events and meetups, in one transaction, with a report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.ical import CalendarEntry, event_from_entry, parse_calendar
from bot.models import Meetup
from bot.parsing.fields import MAX_TITLE, MAX_YEAR, MIN_YEAR, clean_text
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


async def import_calendar(storage: Storage, room_id: str, data: bytes, *, zone: ZoneInfo, submitter: str,
                          now: datetime, feed_id: int | None = None) -> ImportReport:
    """Import an ICS file; raises CalendarError (nothing changed) when the file cannot be read."""
    entries = parse_calendar(data, zone)
    events, meetups, skipped = [], [], []
    for entry in entries:
        title = clean_text(entry.title)
        if not title:
            skipped.append(("?", "no title (SUMMARY)"))
        elif len(title) > MAX_TITLE:
            skipped.append((title[:60] + "…", f"title longer than {MAX_TITLE} characters"))
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
    counts = await storage.import_items(room_id, events, meetups, feed_id=feed_id, now=now)
    return ImportReport(counts, tuple(skipped))
