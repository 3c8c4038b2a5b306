"""What a public page shows: every date of a window as one `Occurrence` (an event, or one date of a meetup)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.models import Event, EventStatus, Meetup
from bot.parsing.fields import FieldError, parse_link
from bot.schedule import meetup_dates

SHOWN_STATUSES = (EventStatus.APPROVED, EventStatus.CANCELLED)  # pending and rejected events are never public
# the usual form of a link, an http(s) URL with a host and no user: accepted without parsing it (pages list many)
_PLAIN_LINK = re.compile(r"https?://[^\s/?#@:\[\]][^\s/?#@\[\]]*(?:[/?#]\S*)?", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def safe_link(url: str | None) -> str | None:
    """The URL if it is an http(s) link with a host (only those become links), else None."""
    if not url:
        return None
    if _PLAIN_LINK.fullmatch(url):
        return url
    try:
        return parse_link(url)
    except FieldError:
        return None


class Occurrence(NamedTuple):
    """One date on a page. Times are in the room's zone; an all-day one starts at midnight of its first day and
    `end` is its last day (at midnight), or None for one day. (A named tuple: pages make thousands of them.)"""

    key: str  # unique on the page, the anchor of its list entry: `e12`, `m3-20261203`
    kind: str  # "event" or "meetup"
    item_id: int
    title: str
    start: datetime
    end: datetime | None
    all_day: bool
    place: str | None
    online: bool
    online_url: str | None
    link: str | None
    geo: tuple[float, float] | None
    cancelled: bool = False
    city: str | None = None

    @property
    def online_only(self) -> bool:
        return self.online and not self.place

    @property
    def days(self) -> tuple[date, ...]:
        """Every day it takes place on (a timed one ending at midnight does not take the next day)."""
        first = self.start.date()
        if self.end is None:
            return (first,)
        last = self.end.date()
        if last == first:
            return (first,)
        if not self.all_day and self.end.time() == time() and last > first:
            last -= timedelta(days=1)
        return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))


def over_at(item: Occurrence) -> datetime:
    """When it is over: its end, its start when it has none; an all-day one at midnight after its last day."""
    if item.all_day:
        return datetime.combine(item.days[-1] + timedelta(days=1), time(), item.start.tzinfo)
    return item.end or item.start


def event_occurrence(event: Event, zone: ZoneInfo) -> Occurrence:
    if event.all_day:
        # the dates as written, whatever the zone: an all-day event is a date, not a moment
        start = datetime.combine(event.start.date(), time(), zone)
        end = datetime.combine(event.end.date(), time(), zone) if event.end else None
    else:
        start = event.start.astimezone(zone)
        end = event.end.astimezone(zone) if event.end else None
    return Occurrence(
        key=f"e{event.id}",
        kind="event",
        item_id=event.id,
        title=event.title,
        start=start,
        end=end if end != start else None,
        all_day=event.all_day,
        place=event.place,
        online=event.online,
        online_url=safe_link(event.online_url),
        link=safe_link(event.link),
        geo=event.geo,
        cancelled=event.status == EventStatus.CANCELLED,
    )


def meetup_occurrences(meetup: Meetup, after: datetime, before: datetime, zone: ZoneInfo) -> list[Occurrence]:
    """The meetup's dates starting in [after, before), each its own occurrence."""
    found = []
    for moment in meetup_dates(meetup, after, before):
        start = moment.astimezone(zone)
        end = None
        if meetup.end_time is not None:
            local_end = datetime.combine(moment.date(), meetup.end_time, moment.tzinfo)
            end = (local_end if local_end > moment else local_end + timedelta(days=1)).astimezone(zone)
        found.append(
            Occurrence(
                key=f"m{meetup.id}-{moment:%Y%m%dT%H%M}",
                kind="meetup",
                item_id=meetup.id,
                title=meetup.name,
                start=start,
                end=end,
                all_day=False,
                place=meetup.place,
                online=meetup.online,
                online_url=None,
                link=safe_link(meetup.link),
                geo=meetup.geo,
                city=meetup.city,
            )
        )
    return found


def occurrences(
    events: Iterable[Event], meetups: Iterable[Meetup], after: datetime, before: datetime, zone: ZoneInfo
) -> list[Occurrence]:
    """The window's events (approved and cancelled ones, whatever the caller passed) and meetup dates, by start.

    Events are expected to be those not over before `after` and starting before `before` (as the storage's
    window query returns them); meetup dates are those starting in the window."""
    found = [event_occurrence(event, zone) for event in events if event.status in SHOWN_STATUSES]
    for meetup in meetups:
        found += meetup_occurrences(meetup, after, before, zone)
    found.sort(key=lambda o: (o.start, o.kind, o.item_id))
    return found


def by_day(items: Iterable[Occurrence], first_day: date) -> list[tuple[date, list[Occurrence]]]:
    """The occurrences grouped under the day they start on, or `first_day` for those that started before it."""
    days: dict[date, list[Occurrence]] = {}
    for item in items:
        days.setdefault(max(item.start.date(), first_day), []).append(item)
    return sorted(days.items())


def on_days(items: Iterable[Occurrence]) -> dict[date, list[Occurrence]]:
    """Each day with the occurrences taking place on it (a multi-day event on each of its days)."""
    days: dict[date, list[Occurrence]] = {}
    for item in items:
        for day in item.days:
            days.setdefault(day, []).append(item)
    return days
