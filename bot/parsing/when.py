"""Read the <when> part of an event command ("04.12.2025 18:00-21:00", "morgen 19 Uhr") into aware datetimes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Final, Literal

from babel.dates import get_day_names, get_month_names

__all__ = ["ERROR_CODES", "MAX_LENGTH", "When", "WhenError", "parse_when"]


# --- public types -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """A parsed event time: zone-aware start, optional end, and whether it is an all-day event."""

    start: datetime
    end: datetime | None
    all_day: bool


ERROR_CODES: Final = frozenset(
    {"unreadable", "impossible_date", "impossible_time", "past", "end_before_start", "weekday_mismatch"}
)
MAX_LENGTH: Final = 200


class WhenError(ValueError):
    """The text could not be read as a date/time; says which part and why."""

    def __init__(self, code: str, fragment: str) -> None:
        """Keep the error code and the exact piece of the user's input it is about."""
        super().__init__(code, fragment)
        self.code = code
        self.fragment = fragment

    def __str__(self) -> str:
        """Show code and fragment, e.g. "impossible_date: '31.02.2025'"."""
        return f"{self.code}: {self.fragment!r}"


# --- month and weekday names (from Babel, built once) -----------------------------------------------------

_LOCALES: Final = ("de", "en")
_WIDTHS: Final = ("wide", "abbreviated")  # "narrow" is single letters ("M", "D"): far too ambiguous
_CONTEXTS: Final = ("format", "stand-alone")
# Users without a German keyboard write "Maerz"; derive those spellings from Babel's names, too.
_UMLAUTS: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _spellings(name: str) -> set[str]:
    """Return the lookup keys of one Babel name: case-folded, without a trailing dot, umlauts spelled out."""
    key = name.casefold().rstrip(".")
    return {key, key.translate(_UMLAUTS)}


def _name_table(names_of: Callable[..., Mapping[int, str]]) -> Mapping[str, int]:
    """Map every German/English wide and abbreviated name Babel knows to its number, read-only."""
    table: dict[str, int] = {}
    for locale in _LOCALES:
        for width in _WIDTHS:
            for context in _CONTEXTS:
                for number, name in names_of(width, context, locale=locale).items():
                    for key in _spellings(name):
                        table.setdefault(key, number)
    return MappingProxyType(table)


_MONTHS: Final = _name_table(get_month_names)  # "dezember", "dez", "dec", "maerz", ... -> 1..12
_WEEKDAYS: Final = _name_table(get_day_names)  # "donnerstag", "do", "thu", ... -> 0 (Monday)..6
# Relative day words are not calendar names, so Babel has no list of them.
_RELATIVE_DAYS: Final = MappingProxyType(
    {"heute": 0, "today": 0, "morgen": 1, "tomorrow": 1, "übermorgen": 2, "uebermorgen": 2}
)


def _alternation(words: Iterable[str]) -> str:
    """Return a regex alternation of words, longest first so "dezember" wins over "dez"."""
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


# --- regexes: small, anchored at a position, no nested repetition (linear time) ---------------------------

_I: Final = re.IGNORECASE
_WORD_END: Final = r"(?![^\W\d_])"  # the next character is not a letter, so "Do" does not match "Dokumente"
_DASHES: Final = "-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, en/em dash, minus: all mean "to"
_YEAR4: Final = r"([0-9]{4})(?![0-9:])"  # not the start of "18:00" or of a longer number

# Words people put before a date ("am 4.12.", "vom 2. bis zum 5.12.", "on the 4th"); they carry no meaning.
_RE_DATE_FILLER: Final = re.compile(r"(?:(?:am|on|vom|von|from|ab|zum|the|den)\s+)?", _I)
_RE_RELATIVE: Final = re.compile(rf"({_alternation(_RELATIVE_DAYS)}){_WORD_END}", _I)
_RE_WEEKDAY: Final = re.compile(rf"({_alternation(_WEEKDAYS)}){_WORD_END}\.?", _I)
# Between a weekday and its date: "Do 4.12.", "Donnerstag, den 4.12.", "Thu, Dec 4".
_RE_WEEKDAY_GAP: Final = re.compile(r"\s*(?:,\s*)?(?:(?:den|the)\s+)?", _I)
_RE_ISO: Final = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?![0-9])")
# "4.12.", "04.12.2025", "4. 12. 2025", "4.12.25"; a two-digit year must touch the dot and not be an hour.
_RE_NUMERIC: Final = re.compile(
    rf"([0-9]{{1,2}})\.\s?([0-9]{{1,2}})\."
    rf"(?:\s?{_YEAR4}|([0-9]{{2}})(?![0-9:.]|\s*(?:uhr|h){_WORD_END}))?",
    _I,
)
_RE_DAY_MONTH: Final = re.compile(  # "4. Dezember", "4. Dez. 2025", "4th of December 2025"
    rf"([0-9]{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?({_alternation(_MONTHS)}){_WORD_END}\.?"
    rf"(?:\s*(?:,\s*)?{_YEAR4})?",
    _I,
)
_RE_MONTH_DAY: Final = re.compile(  # "December 4", "Dec 4, 2025"
    rf"({_alternation(_MONTHS)}){_WORD_END}\.?\s*(?:the\s+)?([0-9]{{1,2}})(?:\.|st|nd|rd|th)?(?![0-9])"
    rf"(?:\s*(?:,\s*)?{_YEAR4})?",
    _I,
)
# "18", "18:30", "18.30", "18:30:00", each optionally with "Uhr"/"h" or am/pm ("7pm", "7:30 p.m.").
_RE_CLOCK: Final = re.compile(
    r"([0-9]{1,2})(?:[:.]([0-9]{2})(?::([0-9]{2}))?)?(?![0-9])"
    rf"(?:\s*([ap])\.?m{_WORD_END}\.?|\s*(?:uhr|h){_WORD_END}())?",
    _I,
)
# Between a date and its time: ISO "T", a comma, "um"/"at"/"ab"/"von", "@".
_RE_CLOCK_FILLER: Final = re.compile(r"t(?=[0-9])|\s*(?:,\s*)?(?:(?:um|at|ab|von|from)\s+|@\s*)?", _I)
# Between start and end: any dash, "/" (ISO intervals), "bis", "to", "until".
_RE_RANGE: Final = re.compile(rf"\s*(?:[{re.escape(_DASHES)}/]|(?:bis|to|until|till|through|thru){_WORD_END})\s*", _I)


# --- syntax: what the user wrote --------------------------------------------------------------------------


@dataclass(frozen=True)
class _DatePart:
    """One date as written: a calendar date, a relative word or a bare weekday."""

    kind: Literal["calendar", "relative", "weekday"]
    text: str  # as written, with a weekday prefix ("Do 4.12."), without fillers ("am")
    core: str  # the calendar date alone ("4.12."), for impossible_date
    start: int  # offset of text in the input
    day: int = 0
    month: int = 0
    year: int | None = None
    offset: int = 0  # days after today, for relative words
    weekday: int | None = None  # given weekday, 0 = Monday
    weekday_text: str = ""


@dataclass(frozen=True)
class _Clock:
    """One time of day as written, not yet checked."""

    text: str
    hour: int
    minute: int
    second: int
    has_minutes: bool
    meridiem: str | None  # "a" or "p"
    uhr: bool  # "Uhr" or "h" was written

    @property
    def bare(self) -> bool:
        """Tell whether this is a lone number ("18"), which is a time only next to a clearer one."""
        return not self.has_minutes and self.meridiem is None and not self.uhr


@dataclass(frozen=True)
class _Syntax:
    """The pieces of a <when> text: start date and time, and an optional end."""

    source: str
    start: _DatePart
    start_clock: _Clock | None
    end: _DatePart | None  # None for a same-day range or no range
    end_clock: _Clock | None
    end_text: str  # the end part as written, for end_before_start


def _unreadable(text: str) -> WhenError:
    """Build the error for text that is not a date/time at all."""
    return WhenError("unreadable", text)


def _read_relative(text: str, pos: int) -> tuple[_DatePart, int] | None:
    """Read "heute", "morgen", "tomorrow", ... at pos."""
    match = _RE_RELATIVE.match(text, pos)
    offset = _RELATIVE_DAYS.get(match[1].casefold()) if match else None
    if match is None or offset is None:
        return None
    return _DatePart("relative", match[0], match[0], pos, offset=offset), match.end()


def _calendar_part(match: re.Match[str], day: str, month: int | None, year: str | None) -> _DatePart | None:
    """Build a calendar date part from a regex match (None when a month name is not in the table)."""
    if month is None:
        return None
    number = int(year) if year else None
    if year is not None and len(year) == 2:
        number = 2000 + int(year)  # "4.12.25": nobody plans events in the 1920s
    return _DatePart("calendar", match[0], match[0], match.start(), day=int(day), month=month, year=number)


def _read_calendar(text: str, pos: int) -> tuple[_DatePart, int] | None:
    """Read a numeric, ISO or month-name date at pos."""
    part = None
    if match := _RE_ISO.match(text, pos):
        part = _calendar_part(match, match[3], int(match[2]), match[1])
    elif match := _RE_NUMERIC.match(text, pos):
        part = _calendar_part(match, match[1], int(match[2]), match[3] or match[4])
    elif match := _RE_DAY_MONTH.match(text, pos):
        part = _calendar_part(match, match[1], _MONTHS.get(match[2].casefold()), match[3])
    elif match := _RE_MONTH_DAY.match(text, pos):
        part = _calendar_part(match, match[2], _MONTHS.get(match[1].casefold()), match[3])
    return (part, match.end()) if part is not None and match is not None else None


def _read_weekday_date(text: str, pos: int) -> tuple[_DatePart, int] | None:
    """Read a weekday at pos, with the calendar date it announces ("Do, 4.12.") or alone ("Donnerstag")."""
    match = _RE_WEEKDAY.match(text, pos)
    weekday = _WEEKDAYS.get(match[1].casefold()) if match else None
    if match is None or weekday is None:
        return None
    gap = _RE_WEEKDAY_GAP.match(text, match.end())
    found = _read_calendar(text, gap.end() if gap else match.end())
    if found is None:
        part = _DatePart("weekday", match[0], match[0], pos, weekday=weekday, weekday_text=match[1])
        return part, match.end()
    dated, end = found
    return replace(dated, text=text[pos:end], start=pos, weekday=weekday, weekday_text=match[1]), end


def _read_date(text: str, pos: int) -> tuple[_DatePart, int] | None:
    """Read one date part at pos, skipping a leading "am"/"vom"/"on"."""
    filler = _RE_DATE_FILLER.match(text, pos)
    at = filler.end() if filler else pos
    for reader in (_read_relative, _read_weekday_date, _read_calendar):
        if found := reader(text, at):
            return found
    return None


def _read_clock(text: str, pos: int) -> tuple[_Clock, int] | None:
    """Read one time of day at pos."""
    match = _RE_CLOCK.match(text, pos)
    if match is None:
        return None
    hour, minute, second, meridiem, uhr = match.groups()
    clock = _Clock(
        text=match[0],
        hour=int(hour),
        minute=int(minute or 0),
        second=int(second or 0),
        has_minutes=minute is not None,
        meridiem=meridiem.lower() if meridiem else None,
        uhr=uhr is not None,
    )
    return clock, match.end()


def _read_clock_after_date(text: str, pos: int) -> tuple[_Clock, int] | None:
    """Read the time that follows a date (", 18:00", " um 19 Uhr", "T18:00"); None leaves pos unused."""
    filler = _RE_CLOCK_FILLER.match(text, pos)
    return _read_clock(text, filler.end() if filler else pos)


def _parse_syntax(text: str) -> _Syntax:
    """Split text into start date/time and optional end, or raise unreadable."""
    found = _read_date(text, 0)
    if found is None:
        raise _unreadable(text)
    start, pos = found
    start_clock = end_clock = end = None
    end_text = ""
    if clock := _read_clock_after_date(text, pos):
        start_clock, pos = clock
    if sep := _RE_RANGE.match(text, pos):
        pos = sep.end()
        if dated := _read_date(text, pos):
            end, pos = dated
            if clock := _read_clock_after_date(text, pos):
                end_clock, pos = clock
            # "2.12. 13:00 bis 5.12." leaves it open when the event ends: refuse rather than guess.
            if (start_clock is None) != (end_clock is None):
                raise _unreadable(text)
            end_text = text[end.start : pos]
        elif start_clock is not None and (clock := _read_clock(text, pos)):
            end_clock, pos = clock
            end_text = end_clock.text
        else:
            raise _unreadable(text)
    if pos != len(text):
        raise _unreadable(text)
    return _Syntax(text, start, start_clock, end, end_clock, end_text)


# --- times of day -----------------------------------------------------------------------------------------

_DAY: Final = 24 * 3600
_MAX_OVERNIGHT: Final = 12 * 3600


def _seconds(clock: _Clock, meridiem: str | None, *, is_end: bool = False) -> int:
    """Return seconds after midnight for clock read with meridiem, or raise impossible_time."""
    hour = clock.hour
    if clock.minute > 59 or clock.second > 59:
        raise WhenError("impossible_time", clock.text)
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise WhenError("impossible_time", clock.text)
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    elif hour == 24 and is_end and clock.minute == clock.second == 0:
        pass  # "18-24 Uhr" ends at midnight, which the caller turns into the next day
    elif hour > 23:
        raise WhenError("impossible_time", clock.text)
    return hour * 3600 + clock.minute * 60 + clock.second


def _fits(start: int, end: int) -> bool:
    """Tell whether end can follow start the same day, or overnight within twelve hours."""
    # "22:00-02:00" is a late event ending the next morning; "21:00-18:00" is a typo, not a 21-hour event.
    return end >= start or end + _DAY - start <= _MAX_OVERNIGHT


def _borrows(clock: _Clock, partner: _Clock) -> bool:
    """Tell whether clock has no am/pm of its own and takes its partner's ("7-9pm")."""
    return clock.meridiem is None and partner.meridiem is not None and not clock.uhr and 1 <= clock.hour <= 12


def _other(meridiem: str | None) -> str | None:
    """Return the opposite of "a"/"p"."""
    return {"a": "p", "p": "a"}.get(meridiem or "")


def _meridiem_options(first: _Clock, second: _Clock) -> list[tuple[str | None, str | None]]:
    """List the am/pm readings of a time range to try, the shared meridiem first ("7-9pm" is 19-21)."""
    if _borrows(first, second):
        return [(second.meridiem, second.meridiem), (_other(second.meridiem), second.meridiem)]
    if _borrows(second, first):
        return [(first.meridiem, first.meridiem), (first.meridiem, _other(first.meridiem))]
    return [(first.meridiem, second.meridiem)]


def _same_day_range(syntax: _Syntax, first: _Clock, second: _Clock) -> tuple[int, int]:
    """Return start and end seconds of "18-21 Uhr"; an end past midnight is counted from the start day."""
    if first.bare and second.bare:
        raise _unreadable(syntax.source)  # "18-21" alone could be anything
    for start_meridiem, end_meridiem in _meridiem_options(first, second):
        start = _seconds(first, start_meridiem)
        end = _seconds(second, end_meridiem, is_end=True)
        if _fits(start, end):
            return start, end if end >= start else end + _DAY
    raise WhenError("end_before_start", syntax.end_text)


def _clock_seconds(syntax: _Syntax) -> tuple[int | None, int | None]:
    """Return start and end as seconds after midnight of their days (None when not given)."""
    first, second = syntax.start_clock, syntax.end_clock
    if first is None:
        return None, None
    if second is None:
        if first.bare:
            raise _unreadable(syntax.source)
        return _seconds(first, first.meridiem), None
    if syntax.end is None:
        return _same_day_range(syntax, first, second)
    if first.bare or second.bare:
        raise _unreadable(syntax.source)
    return _seconds(first, first.meridiem), _seconds(second, second.meridiem, is_end=True)


# --- dates ------------------------------------------------------------------------------------------------


def _first_fitting(part: _DatePart, years: Iterable[int], fits: Callable[[date], bool]) -> date | None:
    """Return the first valid date of part's day and month in years that fits, if any."""
    for year in years:
        try:
            candidate = date(year, part.month, part.day)
        except ValueError:  # 29.02. in a common year, or a year outside 1..9999
            continue
        if fits(candidate):
            return candidate
    return None


def _calendar_day(part: _DatePart, *, after: date, before: date | None = None) -> date:
    """Return part's date; without a year the next one on/after after (or last one on/before before)."""
    # Nine years always reach the next 29 February (2096 -> 2104 is the longest gap).
    if part.year is not None:
        day = _first_fitting(part, [part.year], lambda _: True)
    elif before is not None:
        day = _first_fitting(part, range(before.year, before.year - 9, -1), lambda d: d <= before)
    else:
        day = _first_fitting(part, range(after.year, after.year + 9), lambda d: d >= after)
    if day is None:
        raise WhenError("impossible_date", part.core)
    if part.weekday is not None and day.weekday() != part.weekday:
        raise WhenError("weekday_mismatch", part.weekday_text)
    return day


def _next_weekday(weekday: int, on_or_after: date) -> date:
    """Return the first date on or after on_or_after that falls on weekday."""
    return on_or_after + timedelta(days=(weekday - on_or_after.weekday()) % 7)


def _start_day(part: _DatePart, local_now: datetime, start_seconds: int | None, explicit_end: date | None) -> date:
    """Return the start date; a yearless date takes an explicit end's year, else the next such date."""
    today = local_now.date()
    if part.kind == "relative":
        return today + timedelta(days=part.offset)
    if part.kind == "calendar":
        return _calendar_day(part, after=today, before=explicit_end)
    day = _next_weekday(part.weekday or 0, today)
    # "Donnerstag 10 Uhr" said on a Thursday at noon means next week; an all-day "Donnerstag" is still today.
    if day == today and start_seconds is not None:
        if datetime.combine(today, time()) + timedelta(seconds=start_seconds) < local_now.replace(tzinfo=None):
            day += timedelta(days=7)
    return day


def _end_day(part: _DatePart, start_day: date, today: date) -> date:
    """Return the end date; yearless dates and bare weekdays count from the start date."""
    if part.kind == "relative":
        return today + timedelta(days=part.offset)
    if part.kind == "calendar":
        return _calendar_day(part, after=start_day)
    return _next_weekday(part.weekday or 0, start_day)


def _days(syntax: _Syntax, local_now: datetime, start_seconds: int | None) -> tuple[date, date | None]:
    """Return the start date and the end date (None without a second date)."""
    explicit_end = None
    if syntax.end is not None and syntax.end.kind == "calendar" and syntax.end.year is not None:
        # Resolve "2.1.2026" first so that "30.12. - 2.1.2026" starts in 2025.
        explicit_end = _calendar_day(syntax.end, after=local_now.date())
    start_day = _start_day(syntax.start, local_now, start_seconds, explicit_end)
    if syntax.end is None:
        return start_day, None
    return start_day, explicit_end or _end_day(syntax.end, start_day, local_now.date())


# --- building the result ----------------------------------------------------------------------------------


def _localize(day: date, seconds: int, tz: tzinfo, fragment: str) -> datetime:
    """Return the wall-clock time in tz (fold=0 when ambiguous), or raise impossible_time inside a DST gap."""
    naive = datetime.combine(day, time()) + timedelta(seconds=seconds)
    aware = naive.replace(tzinfo=tz)
    # A wall time skipped by spring-forward does not come back unchanged from a round trip through UTC.
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise WhenError("impossible_time", fragment)
    return aware


def _all_day(syntax: _Syntax, first: date, last: date | None, today: date, tz: tzinfo) -> When:
    """Build an all-day When: midnight of the first day, and of the last day when there are several."""
    # Midnight is used without a gap check: an all-day event only names days, never a wall-clock time.
    start = datetime(first.year, first.month, first.day, tzinfo=tz)
    end = None
    last_text = syntax.start.text
    if last is not None and syntax.end is not None:
        if last < first:
            raise WhenError("end_before_start", syntax.end_text)
        if last > first:
            end = datetime(last.year, last.month, last.day, tzinfo=tz)
            last_text = syntax.end.text
    if (last or first) < today:
        raise WhenError("past", last_text)
    return When(start, end, all_day=True)


def _timed(
    syntax: _Syntax,
    days: tuple[date, date | None],
    seconds: tuple[int, int | None],
    now: datetime,
    tz: tzinfo,
) -> When:
    """Build a timed When, checking the DST gap, the order of start and end, and that it is not over."""
    (start_day, end_day), (start_seconds, end_seconds) = days, seconds
    start_clock_text = syntax.start_clock.text if syntax.start_clock else syntax.start.text
    start = _localize(start_day, start_seconds, tz, start_clock_text)
    end = None
    if end_seconds is not None and syntax.end_clock is not None:
        end = _localize(end_day or start_day, end_seconds, tz, syntax.end_clock.text)
        if end.astimezone(UTC) < start.astimezone(UTC):
            raise WhenError("end_before_start", syntax.end_text)
    if start.astimezone(UTC) < now.astimezone(UTC):
        raise WhenError("past", syntax.start.text)
    return When(start, end, all_day=False)


def _resolve(syntax: _Syntax, now: datetime, tz: tzinfo) -> When:
    """Turn the pieces of the text into a checked When."""
    local_now = now.astimezone(tz)
    start_seconds, end_seconds = _clock_seconds(syntax)
    start_day, end_day = _days(syntax, local_now, start_seconds)
    if start_seconds is None:
        return _all_day(syntax, start_day, end_day, local_now.date(), tz)
    return _timed(syntax, (start_day, end_day), (start_seconds, end_seconds), now, tz)


def parse_when(text: str, *, now: datetime, tz: tzinfo) -> When:
    """Parse the <when> part of a command into a When in tz, or raise WhenError saying what is wrong."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if len(text) > MAX_LENGTH:  # checked first: nothing below ever sees a long input
        raise _unreadable(text.strip())
    stripped = text.strip()
    syntax = _parse_syntax(stripped)
    try:
        return _resolve(syntax, now, tz)
    except OverflowError:  # a date at the edge of year 1 or 9999 that cannot be shifted or converted
        raise WhenError("impossible_date", syntax.start.core) from None
