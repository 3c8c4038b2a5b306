"""Calendars in and out: reading real-world ICS feeds into plain entries, and writing RFC 5545 calendars."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import icalendar

from bot.models import Event, Meetup
from bot.parsing.fields import clean_text, parse_place

PRODID = "-//eventbot//eventbot//DE"
RECURRING_ZONE_YEARS = 5  # a recurring meetup's VTIMEZONE covers this many years past its first date


class CalendarError(ValueError):
    """The data is not a readable iCalendar file."""


@dataclass(frozen=True)
class CalendarEntry:
    """One VEVENT as the bot understands it: wall-clock times in one zone, place and link resolved."""

    uid: str
    title: str
    start: datetime
    end: datetime | None
    all_day: bool
    place: str | None
    online: bool
    link: str | None
    geo: tuple[float, float] | None
    description: str | None
    rrule: str | None
    exdates: tuple[datetime, ...] = ()
    rdates: tuple[datetime, ...] = ()
    rule_text: str | None = None
    city: str | None = None


def _text(component: icalendar.Component, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _moment(value: date | datetime, zone: tzinfo) -> tuple[datetime, bool]:
    """(aware datetime in zone, is a DATE); floating times are taken as wall-clock times in zone."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), zone), True
    if value.tzinfo is None:
        return value.replace(tzinfo=zone), False
    return value.astimezone(zone), False


def _link(component: icalendar.Component) -> str | None:
    """URL, or the non-standard `LINK;VALUE=URI/UID` property some feeds use instead."""
    for name in ("URL", "LINK"):
        value = _text(component, name)
        if value and value.lower().startswith(("http://", "https://")):
            return value
    return None


def _geo(component: icalendar.Component) -> tuple[float, float] | None:
    value = component.get("GEO")
    if value is None:
        return None
    try:
        return float(value.latitude), float(value.longitude)
    except (AttributeError, TypeError, ValueError):
        return None


def _entry(component: icalendar.Component, zone: tzinfo) -> CalendarEntry:
    title = _text(component, "SUMMARY") or ""
    raw_start = component.decoded("DTSTART")
    start, start_is_date = _moment(raw_start, zone)
    end = None
    if component.get("DTEND") is not None:
        end, _ = _moment(component.decoded("DTEND"), zone)
    elif component.get("DURATION") is not None:
        end = start + component.decoded("DURATION")
    # a DATE, or midnight to midnight (some feeds write all-day events so), is an all-day event
    all_day = start_is_date or (end is not None and start.time() == time() and end.time() == time())
    if all_day and not start_is_date and end == start:
        end = start + timedelta(days=1)  # DTEND is exclusive; start == end meant "that day"
    if all_day:
        last = end - timedelta(days=1) if end is not None and end > start else start
        end = last if last.date() != start.date() else None
    elif end is not None and end <= start:
        end = None
    place, online = parse_place(_text(component, "LOCATION") or "")
    rrule = component.get("RRULE")
    exdates = tuple(_moment(value, zone)[0] for value in _date_list(component, "EXDATE"))
    rdates = tuple(_moment(value, zone)[0] for value in _date_list(component, "RDATE"))
    uid = _text(component, "UID") or _derived_uid(title, start, place)
    return CalendarEntry(
        uid=uid, title=clean_text(title), start=start, end=end, all_day=all_day, place=place or None,
        online=online, link=_link(component), geo=_geo(component), description=_text(component, "DESCRIPTION"),
        rrule=rrule.to_ical().decode() if rrule is not None else None, exdates=exdates, rdates=rdates,
        rule_text=_text(component, "X-EVENTBOT-RULE-TEXT"), city=_text(component, "X-EVENTBOT-CITY"),
    )


def _date_list(component: icalendar.Component, name: str) -> list[date | datetime]:
    """All values of EXDATE or RDATE (each property may repeat and hold several values)."""
    values = component.get(name)
    if values is None:
        return []
    found: list[date | datetime] = []
    for prop in values if isinstance(values, list) else [values]:
        found += [item.dt for item in getattr(prop, "dts", [])]
    return found


def _derived_uid(title: str, start: datetime, place: str | None) -> str:
    """A stable UID for feeds that have none: the same content gives the same UID on every import."""
    digest = hashlib.sha256(f"{title}\n{start.isoformat()}\n{place or ''}".encode()).hexdigest()[:32]
    return f"{digest}@import.eventbot"


def parse_calendar(data: bytes, zone: ZoneInfo) -> list[CalendarEntry]:
    """Every VEVENT of an iCalendar file; X-WR-TIMEZONE (else `zone`) for floating times."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise CalendarError(f"not an iCalendar file: {exc}") from None
    feed_zone = _text(calendar, "X-WR-TIMEZONE")
    if feed_zone:
        try:
            zone = ZoneInfo(feed_zone)
        except (KeyError, ValueError):
            pass
    entries = []
    for component in calendar.walk("VEVENT"):
        try:
            entries.append(_entry(component, zone))
        except (KeyError, ValueError, TypeError, AttributeError, OverflowError) as exc:
            raise CalendarError(f"unreadable event {_text(component, 'SUMMARY')!r}: {exc}") from None
    return entries


def event_from_entry(entry: CalendarEntry, *, room_id: str, submitter: str) -> Event:
    """A calendar entry as a new event of a room (the room's number is assigned when it is stored)."""
    return Event(id=0, room_id=room_id, title=entry.title, start=entry.start, end=entry.end, all_day=entry.all_day,
                 timezone=str(entry.start.tzinfo), place=entry.place, online=entry.online, link=entry.link,
                 geo=entry.geo, description=entry.description, submitter=submitter, uid=entry.uid)


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE covering the given years, serialized; building one is slow (icalendar says: cache it)."""
    zone = icalendar.Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31))
    return zone.to_ical()


@functools.lru_cache(maxsize=8)
def _calendar_head(name: str | None) -> bytes:
    """`BEGIN:VCALENDAR` and the calendar's properties (without its END line)."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if name:
        calendar.add("X-WR-CALNAME", name)
    return calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")


def _text_value(text: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and line breaks escaped."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _content_line(name: str, params: str, value: str) -> bytes:
    """One content line, folded at 75 octets (never inside a UTF-8 sequence), with its CRLF."""
    line = f"{name}{params}:{value}".encode()
    if len(line) <= 75:
        return line + b"\r\n"
    parts, start, limit = [], 0, 75
    while start < len(line):
        end = min(start + limit, len(line))
        while end < len(line) and line[end] & 0xC0 == 0x80:  # a continuation byte: cut before its sequence
            end -= 1
        parts.append(line[start:end])
        start, limit = end, 74  # continuation lines start with a space
    return b"\r\n ".join(parts) + b"\r\n"


class _VEvent:
    """A VEVENT being written: its content lines, and the time zones its times use with the years they span."""

    def __init__(self) -> None:
        self.lines: list[bytes] = [b"BEGIN:VEVENT\r\n"]
        self.zones: dict[str, tuple[int, int]] = {}

    def text(self, name: str, value: str) -> None:
        self.lines.append(_content_line(name, "", _text_value(value)))

    def raw(self, name: str, value: str) -> None:
        """A value that is written as it is (URI, GEO, RECUR, status keyword)."""
        self.lines.append(_content_line(name, "", value))

    def moments(self, name: str, values: list[date] | list[datetime], *, years_on: int = 0) -> None:
        """DATE or DATE-TIME values: wall-clock times with TZID, UTC with Z, floating as they are."""
        first = values[0]
        if not isinstance(first, datetime):
            self.lines.append(_content_line(name, ";VALUE=DATE", ",".join(f"{v:%Y%m%d}" for v in values)))
            return
        key = getattr(first.tzinfo, "key", None)
        if first.tzinfo is None:
            params, text = "", ",".join(f"{v:%Y%m%dT%H%M%S}" for v in values)
        elif key and key not in ("UTC", "Etc/UTC"):
            zone = first.tzinfo
            params, text = f";TZID={key}", ",".join(f"{v.astimezone(zone):%Y%m%dT%H%M%S}" for v in values)
            low, high = self.zones.get(key, (first.year, first.year))
            years = [v.astimezone(zone).year for v in values]
            self.zones[key] = (min(low, *years), max(high, *years) + years_on)
        else:
            params, text = "", ",".join(f"{v.astimezone(UTC):%Y%m%dT%H%M%SZ}" for v in values)
        self.lines.append(_content_line(name, params, text))

    def to_ical(self) -> bytes:
        return b"".join(self.lines) + b"END:VEVENT\r\n"


def _calendar(components: list[_VEvent], name: str | None = None) -> bytes:
    """A VCALENDAR of the components with the VTIMEZONEs they need (zones cached)."""
    spans: dict[str, tuple[int, int]] = {}
    for component in components:
        for key, (low, high) in component.zones.items():
            known = spans.get(key, (low, high))
            spans[key] = (min(known[0], low), max(known[1], high))
    zones = [_vtimezone(tzid, first, last) for tzid, (first, last) in spans.items()]
    return b"".join([_calendar_head(name), *zones, *(c.to_ical() for c in components), b"END:VCALENDAR\r\n"])


def _common(vevent: _VEvent, uid: str, title: str, place: str | None, online: bool, link: str | None,
            geo: tuple[float, float] | None, description: str | None, stamp: datetime) -> None:
    vevent.text("UID", uid)
    vevent.moments("DTSTAMP", [stamp.astimezone(UTC)])
    vevent.text("SUMMARY", title)
    location = place or ("online" if online else None)
    if place and online:
        location = f"{place} und auch online"
    if location:
        vevent.text("LOCATION", location)
    if link:
        vevent.raw("URL", link)
    if description:
        vevent.text("DESCRIPTION", description)
    if geo:
        vevent.raw("GEO", ";".join(f"{value:.6f}".rstrip("0").rstrip(".") for value in geo))  # never 1e-05


def event_ics(event: Event, stamp: datetime) -> bytes:
    """One event as a complete calendar, VTIMEZONE included."""
    return _calendar([event_vevent(event, stamp)])


def event_vevent(event: Event, stamp: datetime) -> _VEvent:
    """An event's VEVENT; DTSTAMP is when it was stored (stable across exports), else `stamp`."""
    vevent = _VEvent()
    _common(vevent, event.uid, event.title, event.place, event.online, event.link, event.geo, event.description,
            event.created_at or stamp)
    if event.all_day:
        vevent.moments("DTSTART", [event.start.date()])
        vevent.moments("DTEND", [(event.end or event.start).date() + timedelta(days=1)])
    else:
        vevent.moments("DTSTART", [event.start])
        if event.end:
            vevent.moments("DTEND", [event.end])
    if event.online_url:
        vevent.text("X-EVENTBOT-STREAM", event.online_url)
    if event.status.value == "cancelled":
        vevent.raw("STATUS", "CANCELLED")
    return vevent


def meetup_ics(meetup: Meetup, stamp: datetime) -> bytes | None:
    """A meetup as a complete calendar; None when it has no dates at all."""
    vevent = meetup_vevent(meetup, stamp)
    return _calendar([vevent]) if vevent is not None else None


def room_ics(events: list[Event], meetups: list[Meetup], stamp: datetime, name: str) -> bytes:
    """A room's events and meetups as one calendar, for subscriptions."""
    components = [event_vevent(event, stamp) for event in events]
    components += [v for v in (meetup_vevent(meetup, stamp) for meetup in meetups) if v is not None]
    return _calendar(components, name=name)


def meetup_vevent(meetup: Meetup, stamp: datetime) -> _VEvent | None:
    """A meetup with its RRULE, skipped dates (EXDATE) and moved or explicit dates (RDATE); None without dates."""
    zone = meetup.zone
    extra = sorted([*meetup.extra, *meetup.moved.values()])
    if meetup.rrule:
        start = datetime.combine(meetup.dtstart, meetup.start_time, zone)
    elif extra:
        start = extra[0]
    else:
        return None
    vevent = _VEvent()
    _common(vevent, meetup.uid, meetup.name, meetup.place, meetup.online, meetup.link, meetup.geo,
            meetup.rule_text, stamp)
    vevent.text("X-EVENTBOT-RULE-TEXT", meetup.rule_text)
    vevent.text("X-EVENTBOT-CITY", meetup.city)
    vevent.moments("DTSTART", [start], years_on=RECURRING_ZONE_YEARS if meetup.rrule else 0)
    if meetup.end_time:
        end = datetime.combine(start.date(), meetup.end_time, zone)
        vevent.moments("DTEND", [end if end > start else end + timedelta(days=1)])
    if meetup.rrule:
        vevent.raw("RRULE", icalendar.vRecur.from_ical(meetup.rrule).to_ical().decode())
        removed = sorted({*meetup.skipped, *meetup.moved})
        if removed:
            vevent.moments("EXDATE", [datetime.combine(day, meetup.start_time, zone) for day in removed])
    rdates = [moment for moment in extra if moment != start]
    if rdates:
        vevent.moments("RDATE", rdates)
    return vevent
