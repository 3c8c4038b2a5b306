"""Calendars in and out: reading real-world ICS feeds into plain entries, and writing RFC 5545 calendars."""

from __future__ import annotations

import functools
import hashlib
import math
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, available_timezones

import icalendar
from icalendar.parser.content_line import NEWLINE, UFOLD, Contentline
from icalendar.parser_tools import to_unicode

from bot.errors import InputError
from bot.models import Event, Meetup
from bot.parsing.fields import MAX_TITLE, clean_text, parse_place

try:  # Windows zone names (`W. Europe Standard Time`), as icalendar maps them
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
except ImportError:  # pragma: no cover - older icalendar
    WINDOWS_TO_OLSON = {}

PRODID = "-//eventbot//eventbot//DE"
FEED_REFRESH = "PT6H"  # how often subscribers should fetch a room's feed (REFRESH-INTERVAL, X-PUBLISHED-TTL)
RECURRING_ZONE_YEARS = 5  # a recurring meetup's VTIMEZONE covers this many years past its first date

# Limits of a calendar that is read (an import): files beyond them are refused, entries beyond them skipped.
MAX_ENTRIES = 5000  # VEVENTs in one file (config `import.max_entries`)
MAX_DEPTH = 4  # nesting of BEGIN blocks: VCALENDAR > VEVENT > VALARM is 3
MAX_PLACE = 500  # characters of LOCATION
MAX_DESCRIPTION = 5000  # characters of DESCRIPTION
MAX_TZID = 200  # characters of a TZID that is looked up at all
_ZONE_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")
_NAME = re.compile(r"[^;:]*")
_PLAIN_NAME = re.compile(r"[A-Z0-9-]+(?=[;:])", re.ASCII | re.IGNORECASE)
_PLAIN_MARKER = re.compile(r"(BEGIN|END):([A-Z0-9-]+)", re.ASCII | re.IGNORECASE)
_DATE_TIMES = frozenset(("DTSTART", "DTEND", "RECURRENCE-ID", "DUE", "RDATE", "EXDATE"))  # TZID is read for these
_UTC_ZONES = (UTC, ZoneInfo("UTC"))
_BLANKS = re.compile(r"[ \t]+")


class CalendarError(InputError, ValueError):
    """The data is not a readable iCalendar file: `str(error)` says why, in English (no codes: the message
    quotes it as the detail)."""

    def __init__(self, detail: str) -> None:
        super().__init__(None, detail)


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
    skip_reason: str | None = None  # why it is not imported (a property too long); then only uid, title, start count


def _text(component: icalendar.Component, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@functools.cache
def _iana_ids() -> frozenset[str]:
    """IANA zone ids, without the machine's own `localtime` and tzdata's placeholder `Factory`."""
    return frozenset(available_timezones() - {"localtime", "Factory"})


@functools.lru_cache(maxsize=256)
def iana_zone(tzid: str) -> ZoneInfo | None:
    """The IANA zone a TZID means, or None: an IANA id (also quoted, or with a vendor prefix like
    `/mozilla.org/20050126_1/Europe/Berlin`), or a Windows zone name. A file's own VTIMEZONE rules are never used."""
    cleaned = tzid.strip().strip('"').strip().strip("/")
    if not cleaned or len(cleaned) > MAX_TZID:
        return None
    candidates = [cleaned]
    if cleaned in WINDOWS_TO_OLSON:
        candidates.append(WINDOWS_TO_OLSON[cleaned])
    parts = cleaned.split("/")
    candidates += ["/".join(parts[start:]) for start in range(1, len(parts))]  # longest IANA tail first
    for key in candidates:
        if _ZONE_KEY.fullmatch(key) and key in _iana_ids():
            try:
                return ZoneInfo(key)
            except (KeyError, ValueError, OSError):
                continue
    return None


def _zoned(value: date | datetime, prop: object) -> date | datetime:
    """A value read with a TZID parameter, in the IANA zone that TZID means; an unknown TZID refuses the file.

    Without the file's VTIMEZONEs icalendar returns naive times for a TZID it cannot resolve: those get the zone."""
    params = getattr(prop, "params", None)
    tzid = params.get("TZID") if params is not None else None
    if tzid is None or not isinstance(value, datetime):
        return value
    zone = iana_zone(tzid) if isinstance(tzid, str) else None
    if zone is None:
        raise CalendarError(f"unknown time zone {str(tzid)[:60]!r}")
    if value.tzinfo is not None and (value.tzinfo is zone or value.tzinfo in _UTC_ZONES):
        return value  # icalendar found the same IANA zone, or the value is in UTC
    return value.replace(tzinfo=zone)  # naive, or any other tzinfo: the wall-clock time in the IANA zone


def _decoded(component: icalendar.Component, name: str) -> date | datetime:
    return _zoned(component.decoded(name), component.get(name))


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
        geo = float(value.latitude), float(value.longitude)
    except (AttributeError, TypeError, ValueError):
        return None
    return geo if all(math.isfinite(number) for number in geo) else None


def _too_long(title: str, location: str, description: str | None) -> str | None:
    """Why an entry is skipped for an over-long property (nothing is truncated), else None."""
    if len(title) > MAX_TITLE:
        return f"title longer than {MAX_TITLE} characters"
    if len(location) > MAX_PLACE:
        return f"place (LOCATION) longer than {MAX_PLACE} characters"
    if description is not None and len(description) > MAX_DESCRIPTION:
        return f"description longer than {MAX_DESCRIPTION} characters"
    return None


def _entry(component: icalendar.Component, zone: tzinfo) -> CalendarEntry:
    title = _text(component, "SUMMARY") or ""
    raw_start = _decoded(component, "DTSTART")
    start, start_is_date = _moment(raw_start, zone)
    location, description = _text(component, "LOCATION") or "", _text(component, "DESCRIPTION")
    reason = _too_long(clean_text(title), location, description)
    if reason is not None:  # checked before parse_place sees the text
        uid = _text(component, "UID") or _derived_uid(title, start, None)
        label = clean_text(title)
        label = label[:60] + "…" if len(label) > MAX_TITLE else label
        return CalendarEntry(
            uid=uid,
            title=label,
            start=start,
            end=None,
            all_day=start_is_date,
            place=None,
            online=False,
            link=None,
            geo=None,
            description=None,
            rrule=None,
            skip_reason=reason,
        )
    end = None
    if component.get("DTEND") is not None:
        end, _ = _moment(_decoded(component, "DTEND"), zone)
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
    place, online = parse_place(location)
    rrule = component.get("RRULE")
    exdates = tuple(_moment(value, zone)[0] for value in _date_list(component, "EXDATE"))
    rdates = tuple(_moment(value, zone)[0] for value in _date_list(component, "RDATE"))
    uid = _text(component, "UID") or _derived_uid(title, start, place)
    return CalendarEntry(
        uid=uid,
        title=clean_text(title),
        start=start,
        end=end,
        all_day=all_day,
        place=place or None,
        online=online,
        link=_link(component),
        geo=_geo(component),
        description=description,
        rrule=rrule.to_ical().decode() if rrule is not None else None,
        exdates=exdates,
        rdates=rdates,
        rule_text=_text(component, "X-EVENTBOT-RULE-TEXT"),
        city=_text(component, "X-EVENTBOT-CITY"),
    )


def _date_list(component: icalendar.Component, name: str) -> list[date | datetime]:
    """All values of EXDATE or RDATE (each property may repeat and hold several values)."""
    values = component.get(name)
    if values is None:
        return []
    found: list[date | datetime] = []
    for prop in values if isinstance(values, list) else [values]:
        found += [_zoned(item.dt, prop) for item in getattr(prop, "dts", [])]
    return found


def _derived_uid(title: str, start: datetime, place: str | None) -> str:
    """A stable UID for feeds that have none: the same content gives the same UID on every import."""
    digest = hashlib.sha256(f"{title}\n{start.isoformat()}\n{place or ''}".encode()).hexdigest()[:32]
    return f"{digest}@import.eventbot"


def _line_name(line: str) -> str:
    """A content line's property name as icalendar reads it: blanks dropped, upper case."""
    plain = _PLAIN_NAME.match(line)
    if plain is not None:
        return plain.group().upper()
    name = _NAME.match(line).group().strip()  # type: ignore[union-attr]
    return _BLANKS.sub("", name).upper()


def _classify(line: str) -> tuple[str, str] | None:
    """("BEGIN" or "END", component name) of a line icalendar reads as one, ("TZID", the TZID) of a date-time
    line with a TZID parameter, else None."""
    plain = _PLAIN_MARKER.fullmatch(line)
    if plain is not None:  # the usual form, read so by icalendar too (no parameters, nothing escaped)
        return plain.group(1).upper(), plain.group(2).upper()
    name = _line_name(line)
    if name not in ("BEGIN", "END") and (name not in _DATE_TIMES or "TZID" not in line.upper()):
        return None
    try:
        _, params, value = Contentline(line).parts()
    except ValueError:
        return None  # icalendar cannot read the line either
    if name in ("BEGIN", "END"):
        return name, value.strip().upper()
    tzid = params.get("TZID")
    return None if tzid is None else ("TZID", tzid if isinstance(tzid, str) else repr(tzid))


def _without_time_zones(data: bytes, max_entries: int) -> str:
    """The calendar's unfolded content lines without any VTIMEZONE: their rules are never read (a hostile one
    makes icalendar expand a per-second RRULE from 1601 for ever); a TZID means its IANA zone (`iana_zone`).
    Refuses a file with a TZID that is no IANA zone, more than `max_entries` VEVENTs, or BEGIN blocks nested
    deeper than MAX_DEPTH, before icalendar sees it."""
    lines: list[str] = []
    for line in NEWLINE.split(UFOLD.sub("", to_unicode(data))):  # as icalendar splits (icalendar.parser)
        if not line:
            continue
        if line[0] in " \t" and lines:  # what icalendar would unfold once the lines are joined again
            lines[-1] += line[1:]
        else:
            lines.append(line)
    max_components, max_lines = 4 * max_entries + 16, 100 * max_entries + 1000
    if len(lines) > max_lines:
        raise CalendarError(f"more than {max_lines} lines")
    kept: list[str] = []
    depth, zone_depth, events, components = 0, 0, 0, 0  # zone_depth: depth inside the VTIMEZONE being dropped
    for line in lines:
        marker = _classify(line)
        if marker is not None and marker[0] == "TZID":
            if zone_depth:
                continue
            if iana_zone(marker[1]) is None:
                raise CalendarError(f"unknown time zone {marker[1][:60]!r}")
        elif marker is not None and marker[0] == "BEGIN":
            depth += 1
            components += 1
            if depth > MAX_DEPTH:
                raise CalendarError(f"components nested deeper than {MAX_DEPTH} levels")
            if components > max_components:
                raise CalendarError(f"more than {max_components} components")
            if marker[1] == "VEVENT":
                events += 1
                if events > max_entries:
                    raise CalendarError(f"more than {max_entries} entries")
            if zone_depth or marker[1] == "VTIMEZONE":
                zone_depth += 1
                continue
        elif marker is not None:
            depth = max(depth - 1, 0)
            if zone_depth:
                zone_depth -= 1
                continue
            if marker[1] == "VTIMEZONE":
                raise CalendarError("not an iCalendar file: END:VTIMEZONE without its BEGIN")
        elif zone_depth:
            continue
        kept.append(line)
    return "\r\n".join(kept) + "\r\n"


def _out_of_memory(exc: BaseException) -> bool:
    """Whether the exception was raised for a MemoryError (a few causes deep)."""
    for _ in range(5):
        if isinstance(exc, MemoryError):
            return True
        if (cause := exc.__cause__ or exc.__context__) is None:
            return False
        exc = cause
    return False


def parse_calendar(data: bytes, zone: ZoneInfo, *, max_entries: int = MAX_ENTRIES) -> list[CalendarEntry]:
    """Every VEVENT of an iCalendar file; X-WR-TIMEZONE (else `zone`) for floating times.

    Times with a TZID use the IANA rules of that zone (see `iana_zone`); a TZID that is none refuses the file,
    as do more than `max_entries` VEVENTs and too deep nesting. An entry with an over-long title, place or
    description comes back with `skip_reason` set. The limits keep the work bounded; run it in the box
    (bot.icalbox.parse_calendar_boxed) for anything that comes from outside."""
    text = _without_time_zones(data, max_entries)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "globally unique TZID guessed": resolved again by iana_zone
            calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        if _out_of_memory(exc):
            raise MemoryError from None  # icalendar wraps it ("Expected StringType with content lines")
        # the parser's message quotes the data; what was fetched is never shown back (a blind fetch stays blind)
        raise CalendarError("not an iCalendar file") from None
    except OSError:  # e.g. a time zone file name too long: its text names a path of this machine
        raise CalendarError("not an iCalendar file") from None
    components = calendar.walk()
    if any(isinstance(component, icalendar.Timezone) or component.name == "VTIMEZONE" for component in components):
        raise CalendarError("not an iCalendar file: a VTIMEZONE could not be removed")  # never: _without_time_zones
    feed_zone = _text(calendar, "X-WR-TIMEZONE")
    if feed_zone:
        zone = iana_zone(feed_zone) or zone
    entries = []
    for component in components:
        if component.name != "VEVENT":
            continue
        try:
            entries.append(_entry(component, zone))
        except CalendarError:
            raise
        except (KeyError, ValueError, TypeError, AttributeError, OverflowError) as exc:
            number = len(entries) + 1
            raise CalendarError(f"entry {number} cannot be read ({type(exc).__name__})") from None
    return entries


def event_from_entry(entry: CalendarEntry, *, room_id: str, submitter: str) -> Event:
    """A calendar entry as a new event of a room (the room's number is assigned when it is stored)."""
    return Event(
        id=0,
        room_id=room_id,
        title=entry.title,
        start=entry.start,
        end=entry.end,
        all_day=entry.all_day,
        timezone=str(entry.start.tzinfo),
        place=entry.place,
        online=entry.online,
        link=entry.link,
        geo=entry.geo,
        description=entry.description,
        submitter=submitter,
        uid=entry.uid,
    )


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
    head = calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")
    if not name:
        return head
    # a subscribed feed: its name (RFC 7986 and the older X-WR- form) and how often to fetch it
    return b"".join(
        [
            head,
            _content_line("NAME", "", _text_value(name)),
            _content_line("X-WR-CALNAME", "", _text_value(name)),
            _content_line("REFRESH-INTERVAL", ";VALUE=DURATION", FEED_REFRESH),
            _content_line("X-PUBLISHED-TTL", "", FEED_REFRESH),
        ]
    )


def _text_value(text: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and line breaks escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


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
        moments = [v for v in values if isinstance(v, datetime)]
        key = getattr(first.tzinfo, "key", None)
        if first.tzinfo is None:
            params, text = "", ",".join(f"{v:%Y%m%dT%H%M%S}" for v in moments)
        elif key and key not in ("UTC", "Etc/UTC"):
            zone = first.tzinfo
            params, text = f";TZID={key}", ",".join(f"{v.astimezone(zone):%Y%m%dT%H%M%S}" for v in moments)
            low, high = self.zones.get(key, (first.year, first.year))
            years = [v.astimezone(zone).year for v in moments]
            self.zones[key] = (min(low, *years), max(high, *years) + years_on)
        else:
            params, text = "", ",".join(f"{v.astimezone(UTC):%Y%m%dT%H%M%SZ}" for v in moments)
        self.lines.append(_content_line(name, params, text))

    def to_ical(self) -> bytes:
        return b"".join(self.lines) + b"END:VEVENT\r\n"


def _calendar(components: list[_VEvent], name: str | None = None) -> bytes:
    """A VCALENDAR of the components with the VTIMEZONEs they need (zones cached); a named one is a feed."""
    spans: dict[str, tuple[int, int]] = {}
    for component in components:
        for key, (low, high) in component.zones.items():
            known = spans.get(key, (low, high))
            spans[key] = (min(known[0], low), max(known[1], high))
    zones = [_vtimezone(tzid, first, last) for tzid, (first, last) in spans.items()]
    return b"".join([_calendar_head(name), *zones, *(c.to_ical() for c in components), b"END:VCALENDAR\r\n"])


def _common(
    vevent: _VEvent,
    uid: str,
    title: str,
    place: str | None,
    online: bool,
    link: str | None,
    geo: tuple[float, float] | None,
    description: str | None,
    stamp: datetime,
) -> None:
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
    _common(
        vevent,
        event.uid,
        event.title,
        event.place,
        event.online,
        event.link,
        event.geo,
        event.description,
        event.created_at or stamp,
    )
    if event.all_day:
        vevent.moments("DTSTART", [event.start.date()])
        vevent.moments("DTEND", [(event.end or event.start).date() + timedelta(days=1)])
    else:
        vevent.moments("DTSTART", [event.start])
        if event.end:
            vevent.moments("DTEND", [event.end])
    vevent.raw("SEQUENCE", str(event.sequence))
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
    """A room's events and meetups as one calendar, for subscriptions: NAME and X-WR-CALNAME `name`, fetched
    every FEED_REFRESH; each event with its SEQUENCE (its number of edits), URL and STATUS."""
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
    _common(
        vevent, meetup.uid, meetup.name, meetup.place, meetup.online, meetup.link, meetup.geo, meetup.rule_text, stamp
    )
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
