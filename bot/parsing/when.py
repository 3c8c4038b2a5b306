"""Read the <when> part of an event command ("04.12.2025 18:00-21:00", "morgen 19 Uhr") into aware datetimes.

Three steps, each pure: a tokenizer cuts the text into dates, times, names and small words (every regex is
anchored at one position and has no nested repetition, so the time is linear); a small grammar puts the tokens
together as `[time] date [time] [bis|und date [time]]`, with a zone, a duration and "all day" anywhere; then the
pieces are checked and resolved against `now`. What cannot be read for certain is refused, naming the smallest
piece that could not be read, and a text with two readings is answered with both ("4/12/2026").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import get_day_names, get_month_names

from bot.errors import InputError

__all__ = ["ERROR_CODES", "MAX_LENGTH", "When", "WhenCode", "WhenError", "parse_when"]


# --- public types -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """A parsed event time: zone-aware start, optional end, and whether it is an all-day event."""

    start: datetime
    end: datetime | None
    all_day: bool


class WhenCode(StrEnum):
    """Why a <when> text is refused (its message: `when_<code>`)."""

    UNREADABLE = "unreadable"  # the fragment is no date, time or word I know
    IMPOSSIBLE_DATE = "impossible_date"
    IMPOSSIBLE_TIME = "impossible_time"
    PAST = "past"
    END_BEFORE_START = "end_before_start"
    WEEKDAY_MISMATCH = "weekday_mismatch"  # options: the date as written, to show its real weekday
    AMBIGUOUS = "ambiguous"  # options: the readings that are possible ("4/12/2026", "next Friday", "midnight")
    NO_DATE = "no_date"  # a time without a day
    NOT_A_TIME = "not_a_time"  # a lone number ("18") where a time belongs
    MISSING_END_TIME = "missing_end_time"  # "2.12. 13:00 bis 5.12.": when on the 5th?
    NO_START_TIME = "no_start_time"  # "4.12. für 3 Stunden": from when?
    ZONE_MISMATCH = "zone_mismatch"  # "MEZ" on a summer day
    SEPARATE_DAYS = "separate_days"  # "4. und 6. Dezember" are two days, not one event
    CONTRADICTION = "contradiction"  # "ganztägig 18 Uhr", two zones, a duration and an end
    TOO_FAR = "too_far"  # beyond the years the bot keeps (raised by the commands, not by parse_when)


ERROR_CODES: Final = frozenset(WhenCode) - {WhenCode.TOO_FAR}  # the codes parse_when raises
MAX_LENGTH: Final = 200


class WhenError(InputError, ValueError):
    """The text could not be read as a date/time; says which part and why, with the possible readings if any."""

    prefix = "when"
    codes = WhenCode
    code: WhenCode

    def __init__(self, code: WhenCode, fragment: str, options: tuple[When, ...] = ()) -> None:
        """Keep the error code, the exact piece of the user's input it is about and the readings to offer."""
        super().__init__(code, fragment, options)
        self.fragment = fragment
        self.options = options

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
_BERLIN: Final = ZoneInfo("Europe/Berlin")  # MEZ/MESZ and CET/CEST are its two offsets


def _alternation(words: Iterable[str]) -> str:
    """Return a regex alternation of words, longest first so "dezember" wins over "dez"."""
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


@functools.cache
def _zone_names() -> Mapping[str, str]:
    """The IANA zone names ("Europe/Berlin"), case-folded to as written; read once, on first use."""
    return MappingProxyType({name.casefold(): name for name in available_timezones() if "/" in name})


# --- regexes: small, anchored at a position, no nested repetition (linear time) ---------------------------

_I: Final = re.IGNORECASE
_WORD_END: Final = r"(?![^\W\d_])"  # the next character is not a letter, so "Do" does not match "Dokumente"
_DASHES: Final = "-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, en/em dash, minus: all mean "to"
_YEAR4: Final = r"([0-9]{4})(?![0-9:])"  # not the start of "18:00" or of a longer number

_RE_BLANKS: Final = re.compile(r"[\s,()\[\]]+")  # blanks, commas and brackets carry no meaning here
_RE_ISO: Final = re.compile(r"([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})(?![0-9])")  # "2026-12-04", "2026/12/04"
# "4.12.", "04.12.2025", "4. 12. 2025", "4.12.25", "19.09.2024." (a dot after the year ends a sentence); a
# two-digit year must touch the dot and not be an hour.
_RE_NUMERIC: Final = re.compile(
    rf"([0-9]{{1,2}})\.\s?([0-9]{{1,2}})\."
    rf"(?:\s?{_YEAR4}(?:\.(?![0-9]))?|([0-9]{{2}})(?![0-9:.]|\s*(?:uhr|h){_WORD_END}))?",
    _I,
)
_RE_NUMERIC_YEAR_APART: Final = re.compile(rf"([0-9]{{1,2}})\.([0-9]{{1,2}})\s+{_YEAR4}")  # "02.06 2024"
_RE_SLASH: Final = re.compile(r"([0-9]{1,2})/([0-9]{1,2})(?:/([0-9]{4}|[0-9]{2}))?(?![0-9/:])")  # "4/12/2026"
_RE_PAIR: Final = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})(?![0-9.])")  # "22.08" (a date) or "18.30" (a time)
_RE_DAY: Final = re.compile(rf"([0-9]{{1,2}})(?:\.|(?:st|nd|rd|th){_WORD_END})(?![0-9])", _I)  # "15." "4th"
_RE_YEAR: Final = re.compile(r"([0-9]{4})(?![0-9])")
_RE_NUMBER: Final = re.compile(r"([0-9]{1,2})(?![0-9])")
_RE_DIGITS: Final = re.compile(r"[0-9]+")
_RE_DAY_MONTH: Final = re.compile(  # "4. Dezember", "4. Dez. 2025", "4th of December 2025"
    rf"([0-9]{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?({_alternation(_MONTHS)}){_WORD_END}\.?"
    rf"(?:\s*(?:,\s*)?{_YEAR4})?",
    _I,
)
_RE_MONTH_DAY: Final = re.compile(  # "December 4", "Dec 4, 2025"; not "Dec 18:00"
    rf"({_alternation(_MONTHS)}){_WORD_END}\.?\s*(?:the\s+)?([0-9]{{1,2}})(?:\.|st|nd|rd|th)?(?![0-9:])"
    rf"(?:\s*(?:,\s*)?{_YEAR4})?",
    _I,
)
_RE_MONTH: Final = re.compile(rf"({_alternation(_MONTHS)}){_WORD_END}\.?", _I)
_RE_WEEKDAY: Final = re.compile(rf"({_alternation(_WEEKDAYS)}){_WORD_END}\.?", _I)
_RE_RELATIVE: Final = re.compile(rf"({_alternation(_RELATIVE_DAYS)}){_WORD_END}", _I)
_RE_NEXT_WEEK: Final = re.compile(rf"(?:next|nächste|naechste|kommende)\s+(?:week|woche){_WORD_END}", _I)
_RE_NEXT: Final = re.compile(
    rf"(?:(?P<next>next|nächsten|nächster|nächste|naechsten|naechster|naechste)|"
    rf"(?P<coming>coming|kommenden|kommender|kommende)|(?P<this>this|diesen|dieser|diese)){_WORD_END}",
    _I,
)
# The end of a time: am/pm ("7pm", "7:30 p.m."), or "Uhr"/"h" ("18 Uhr", "18h"), perhaps "12 Uhr mittags".
_SUFFIX: Final = rf"(?:\s*(?P<ap>[ap])\.?m{_WORD_END}\.?|\s*(?P<uhr>uhr|h){_WORD_END}(?P<noon>\s+mittags{_WORD_END})?)"
_RE_CLOCK_COLON: Final = re.compile(
    rf"(?P<h>[0-9]{{1,2}}):(?P<m>[0-9]{{2}})(?::(?P<s>[0-9]{{2}})(?:\.[0-9]{{1,6}})?)?(?![0-9]){_SUFFIX}?", _I
)
_RE_CLOCK_FRENCH: Final = re.compile(r"(?P<h>[0-9]{1,2})h(?P<m>[0-9]{2})(?![0-9])", _I)  # "18h30"
_RE_CLOCK_DOT: Final = re.compile(rf"(?P<h>[0-9]{{1,2}})\.(?P<m>[0-9]{{2}})(?![0-9]){_SUFFIX}", _I)  # "18.30 Uhr"
_RE_CLOCK_HOUR: Final = re.compile(rf"(?P<h>[0-9]{{1,2}})(?![0-9]){_SUFFIX}", _I)  # "18 Uhr", "6pm"
_RE_NOON: Final = re.compile(rf"(?:12\s*)?(?:noon|midday|mittags|mittag){_WORD_END}", _I)
_RE_MIDNIGHT: Final = re.compile(rf"(?:12\s*)?(?:midnight|mitternacht){_WORD_END}", _I)
_RE_DURATION: Final = re.compile(  # "3 Stunden", "for 2.5 hours", "90 min", "für eine Stunde", "2 Tage"
    rf"(?:(?P<for>for|für|fuer)\s+)?(?:(?P<n>[0-9]{{1,3}}(?:[.,][0-9]{{1,2}})?)\s*|(?P<one>an?|one|eine?|einer)\s+)"
    rf"(?P<unit>stunden|stunde|std|hours|hour|hrs|hr|minuten|minutes|minute|mins|min|tagen|tage|tag|days|day|h)"
    rf"\.?{_WORD_END}",
    _I,
)
_RE_ALL_DAY: Final = re.compile(
    rf"(?:ganztägig|ganztaegig|ganztags|all[\s-]?day|whole\s+day|(?:den\s+)?ganzen\s+tag|ganzer\s+tag){_WORD_END}",
    _I,
)
_RE_ZONE_ABBREVIATION: Final = re.compile(
    rf"(?P<name>mesz|mez|cest|cet|utc|gmt)(?:(?P<sign>[+\-\u2212])(?P<h>[0-9]{{1,2}})(?::?(?P<m>[0-9]{{2}}))?)?"
    rf"{_WORD_END}(?![0-9])",
    _I,
)
_RE_ZONE_OFFSET: Final = re.compile(r"\+(?P<h>[0-9]{2}):?(?P<m>[0-9]{2})(?![0-9])")  # ISO "+01:00"
_RE_ZONE_NEGATIVE: Final = re.compile(r"[-\u2212](?P<h>0[0-9]|1[0-4])(?::?(?P<m>[0-9]{2}))?(?![0-9])")
_RE_ZONE_NAME: Final = re.compile(r"[A-Za-z]+(?:/[A-Za-z0-9_+\-]+){1,2}")  # "Europe/Berlin"
_RE_RANGE: Final = re.compile(rf"[{re.escape(_DASHES)}/]|(?:bis|to|until|till|til|through|thru){_WORD_END}", _I)
_RE_AND: Final = re.compile(rf"&|(?:und|and){_WORD_END}", _I)
# Words around dates and times that carry no meaning of their own ("am 4.12. um 18 Uhr", "vom 2. bis zum 5.",
# "on the 4th at 6pm", "jeweils 10-18 Uhr").
_RE_FILLER: Final = re.compile(
    r"@|(?:am|on|vom|von|from|ab|zum|the|den|der|um|at|of|jeweils|täglich|taeglich|daily|each\s+day|"
    rf"starting|einschließlich|einschliesslich|inklusive){_WORD_END}|(?:einschl|inkl)\.",
    _I,
)
_RE_LETTERS: Final = re.compile(r"[^\W\d_]+")
_RE_NOT_BLANK: Final = re.compile(r"[^\s,]+")


# --- tokens -----------------------------------------------------------------------------------------------

_Kind = Literal[
    "date",  # a whole calendar date, perhaps without a year
    "slash",  # "4/12/2026": day and month in an order yet to be settled
    "pair",  # "22.08" without the final dot: a date or a time
    "day",  # "15.", "4th": a day whose month comes later
    "number",  # "4", "18": a day or an hour, by what follows
    "year",
    "month",
    "weekday",
    "relative",
    "next",  # "next"/"nächsten" (flag "next"), "coming"/"kommenden" ("coming"), "this"/"diesen" ("this")
    "next_week",
    "clock",
    "range",
    "and",
    "zone",
    "duration",
    "all_day",
    "unknown",
]


@dataclass(frozen=True)
class _Clock:
    """One time of day as written, not yet checked."""

    text: str
    hour: int
    minute: int
    second: int
    has_minutes: bool
    meridiem: str | None  # "a" or "p"
    uhr: bool  # "Uhr" or "h" was written, or a word like "noon"
    second_written: bool = False  # "18:00:00": seconds, as machines write times
    midnight: bool = False  # "midnight": the end of a day, or (as a start) ambiguous
    day_end: bool = False  # a start at midnight read as the end of its day

    @property
    def bare(self) -> bool:
        """Tell whether this is a lone number ("18"), which is a time only next to a clearer one."""
        return not self.has_minutes and self.meridiem is None and not self.uhr


@dataclass(frozen=True)
class _Zone:
    """A zone written after a time: a fixed offset, MEZ/MESZ (Berlin's offsets, checked) or an IANA name."""

    kind: Literal["fixed", "central", "named"]
    offset: timedelta
    name: str = ""


@dataclass(frozen=True)
class _Token:
    """One piece of the text with what it says."""

    kind: _Kind
    start: int
    end: int
    text: str
    day: int = 0
    month: int = 0
    year: int | None = None
    value: int = 0  # a number, weekday (0 = Monday), relative day offset, or a duration in seconds or days
    digits: tuple[str, str] = ("", "")  # a pair's or slash date's two numbers as written
    clock: _Clock | None = None
    zone: _Zone | None = None
    month_first: bool = False  # "Dec 4": a following "–6" is the 6th of the same month
    flag: str = ""  # "next"/"coming"/"this"; "days"/"seconds" for a duration


def _token(kind: _Kind, match: re.Match[str], **fields: Any) -> _Token:
    """Build a token from a regex match."""
    return _Token(kind, match.start(), match.end(), match[0], **fields)


def _year(text: str | None) -> int | None:
    """Read a year; "25" is 2025 (nobody plans events in the 1920s)."""
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _clock(match: re.Match[str]) -> _Clock:
    """Build a clock from a match with the groups h, m, s, ap, uhr, noon (those it has)."""
    groups = match.groupdict()
    meridiem = groups.get("ap")
    if groups.get("noon"):
        meridiem = "p"  # "12 Uhr mittags" is 12:00, "1 Uhr mittags" 13:00
    return _Clock(
        text=match[0],
        hour=int(groups["h"]),
        minute=int(groups.get("m") or 0),
        second=int(groups.get("s") or 0),
        has_minutes=groups.get("m") is not None,
        meridiem=meridiem.lower() if meridiem else None,
        uhr=groups.get("uhr") is not None,
        second_written=groups.get("s") is not None,
    )


def _read_duration(text: str, pos: int) -> _Token | None:
    """Read "3 Stunden", "for 2 hours", "90 min", "eine Stunde", "2 Tage"; a bare "3h" is a time, not this."""
    match = _RE_DURATION.match(text, pos)
    if match is None:
        return None
    unit = match["unit"].casefold()
    number = match["n"]
    if unit == "h" and not match["for"] and not (number and len(number) >= 3 and number[-2] in ".,"):
        return None  # "3h" and "18.30h" are times; "1,5 h" is not
    amount = float(number.replace(",", ".")) if number else 1.0
    if unit.startswith(("tag", "day")):
        if not amount.is_integer() or amount < 1:
            return None
        return _token("duration", match, value=int(amount), flag="days")
    seconds = amount * (60 if unit.startswith("min") else 3600)
    return _token("duration", match, value=round(seconds), flag="seconds")


def _read_zone(text: str, pos: int) -> _Token | None:
    """Read "MEZ", "CEST", "UTC", "UTC+1", "GMT", "+01:00" or an IANA name like "Europe/Berlin"."""
    if match := _RE_ZONE_ABBREVIATION.match(text, pos):
        name = match["name"].casefold()
        hours = {"mez": 1, "cet": 1, "mesz": 2, "cest": 2}.get(name)
        if hours is not None:
            if match["sign"]:
                return None  # "MEZ+1" means nothing
            return _token("zone", match, zone=_Zone("central", timedelta(hours=hours)))
        offset = timedelta(hours=int(match["h"] or 0), minutes=int(match["m"] or 0))
        if offset >= timedelta(hours=15):
            return None
        sign = -1 if match["sign"] in ("-", "\u2212") else 1
        return _token("zone", match, zone=_Zone("fixed", sign * offset))
    if match := _RE_ZONE_OFFSET.match(text, pos):
        offset = timedelta(hours=int(match["h"]), minutes=int(match["m"]))
        return _token("zone", match, zone=_Zone("fixed", offset)) if offset < timedelta(hours=15) else None
    if match := _RE_ZONE_NAME.match(text, pos):
        name = _zone_names().get(match[0].casefold())
        return _token("zone", match, zone=_Zone("named", timedelta(), name)) if name else None
    return None


def _read_numeric_date(text: str, pos: int) -> _Token | None:
    """Read an ISO, dotted or slashed date at pos."""
    if match := _RE_ISO.match(text, pos):
        return _token("date", match, day=int(match[4]), month=int(match[3]), year=int(match[1]))
    if match := _RE_NUMERIC.match(text, pos):
        return _token("date", match, day=int(match[1]), month=int(match[2]), year=_year(match[3] or match[4]))
    if match := _RE_NUMERIC_YEAR_APART.match(text, pos):
        return _token("date", match, day=int(match[1]), month=int(match[2]), year=int(match[3]))
    if match := _RE_SLASH.match(text, pos):
        return _token("slash", match, digits=(match[1], match[2]), year=_year(match[3]))
    return None


def _read_clock(text: str, pos: int) -> _Token | None:
    """Read a time that says it is one: "18:00", "18h30", "18.30 Uhr", "18 Uhr", "6pm", "noon", "midnight"."""
    for pattern in (_RE_CLOCK_COLON, _RE_CLOCK_FRENCH, _RE_CLOCK_DOT, _RE_CLOCK_HOUR):
        if match := pattern.match(text, pos):
            if (match.groupdict().get("ap") or "").casefold() == "a" and int(match["h"]) > 12:
                # "18 am Freitag", "18:00 am 4.12.": German "am" before a day, not a.m.
                if pattern is not _RE_CLOCK_COLON:
                    return None
                match = pattern.match(text[: match.start("ap")].rstrip(), pos)
                assert match is not None
            return _token("clock", match, clock=_clock(match))
    if match := _RE_NOON.match(text, pos):
        return _token("clock", match, clock=_Clock(match[0], 12, 0, 0, True, None, True))
    if match := _RE_MIDNIGHT.match(text, pos):
        return _token("clock", match, clock=_Clock(match[0], 24, 0, 0, True, None, True, midnight=True))
    return None


def _read_named_date(text: str, pos: int) -> _Token | None:
    """Read "4. Dezember 2025" or "Dec 4, 2025"."""
    if match := _RE_DAY_MONTH.match(text, pos):
        month = _MONTHS.get(match[2].casefold())
        if month is not None:
            return _token("date", match, day=int(match[1]), month=month, year=_year(match[3]))
    if match := _RE_MONTH_DAY.match(text, pos):
        month = _MONTHS.get(match[1].casefold())
        if month is not None:
            return _token("date", match, day=int(match[2]), month=month, year=_year(match[3]), month_first=True)
    return None


def _read_number(text: str, pos: int) -> _Token | None:
    """Read what is left of digits: "22.08", "15.", "2026", "4"."""
    if match := _RE_PAIR.match(text, pos):
        return _token("pair", match, digits=(match[1], match[2]))
    if match := _RE_DAY.match(text, pos):
        return _token("day", match, day=int(match[1]))
    if match := _RE_YEAR.match(text, pos):
        return _token("year", match, year=int(match[1]))
    if match := _RE_NUMBER.match(text, pos):
        return _token("number", match, value=int(match[1]))
    return None


def _read_word(text: str, pos: int) -> _Token | None:
    """Read a word: "next (week)", a relative day, weekday or month, a range word ("bis", "-"), "und"."""
    if match := _RE_NEXT_WEEK.match(text, pos):
        return _token("next_week", match)
    if match := _RE_NEXT.match(text, pos):
        return _token("next", match, flag=match.lastgroup or "")
    if (match := _RE_RELATIVE.match(text, pos)) and (offset := _RELATIVE_DAYS.get(match[1].casefold())) is not None:
        return _token("relative", match, value=offset)
    if (match := _RE_WEEKDAY.match(text, pos)) and (weekday := _WEEKDAYS.get(match[1].casefold())) is not None:
        return _token("weekday", match, value=weekday)
    if (match := _RE_MONTH.match(text, pos)) and (month := _MONTHS.get(match[1].casefold())) is not None:
        return _token("month", match, month=month)
    if match := _RE_RANGE.match(text, pos):
        return _token("range", match)
    if match := _RE_AND.match(text, pos):
        return _token("and", match)
    return None


def _read_all_day(text: str, pos: int) -> _Token | None:
    """Read "ganztägig", "all day", "den ganzen Tag"."""
    match = _RE_ALL_DAY.match(text, pos)
    return _token("all_day", match) if match else None


_DIGIT_READERS: Final = (_read_numeric_date, _read_duration, _read_clock, _read_named_date, _read_number)
_OTHER_READERS: Final = (_read_all_day, _read_duration, _read_named_date, _read_zone, _read_clock, _read_word)


def _read_token(text: str, pos: int, previous: _Token | None) -> _Token | int:
    """Read the token at pos; a filler word gives the position after it instead, unknown text an "unknown"."""
    char = text[pos]
    if char in "Tt" and previous is not None and previous.kind == "date" and text[pos + 1 : pos + 2].isdigit():
        return pos + 1  # ISO "2025-12-04T18:00"
    if previous is not None and previous.kind == "clock" and previous.end == pos:
        if char == "Z" and not _RE_LETTERS.match(text, pos + 1):
            return _Token("zone", pos, pos + 1, char, zone=_Zone("fixed", timedelta()))  # "18:00Z"
        if previous.clock and previous.clock.second_written and text[previous.start - 1 : previous.start] in ("T", "t"):
            # a machine's timestamp "2026-12-04T18:00:00-05:00": the offset, not a range to 05:00
            if match := _RE_ZONE_NEGATIVE.match(text, pos):
                offset = timedelta(hours=int(match["h"]), minutes=int(match["m"] or 0))
                return _token("zone", match, zone=_Zone("fixed", -offset))
    for reader in _DIGIT_READERS if char.isdigit() else _OTHER_READERS:
        if (token := reader(text, pos)) is not None:
            return token
    if (filler := _RE_FILLER.match(text, pos)) and filler.end() > pos:
        return filler.end()
    match = _RE_LETTERS.match(text, pos) or _RE_DIGITS.match(text, pos)
    end = match.end() if match else pos + 1
    return _Token("unknown", pos, end, text[pos:end])


def _tokenize(text: str) -> list[_Token]:
    """Cut text into tokens, or raise unreadable naming the first piece that is nothing I know."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if blanks := _RE_BLANKS.match(text, pos):
            pos = blanks.end()
            continue
        if text[pos] == "." and pos == len(text) - 1:
            break  # the full stop of a sentence
        found = _read_token(text, pos, tokens[-1] if tokens else None)
        if isinstance(found, int):
            pos = found
            continue
        if found.kind == "unknown":
            # the word or run of signs at pos, up to the next blank, so that "\u200b18:00" shows what it is
            piece = _RE_NOT_BLANK.match(text, pos)
            raise WhenError(WhenCode.UNREADABLE, piece[0] if piece else found.text)
        tokens.append(found)
        pos = found.end
    return tokens


# --- syntax: what the user wrote --------------------------------------------------------------------------


@dataclass(frozen=True)
class _DatePart:
    """One date as written: a calendar date, a day whose month comes later, a relative word or a weekday."""

    kind: Literal["calendar", "slash", "partial", "relative", "weekday"]
    text: str  # as written, with a weekday prefix ("Do 4.12."), without fillers ("am")
    core: str  # the calendar date alone ("4.12."), for impossible_date
    start: int  # offset of text in the input
    day: int = 0
    month: int = 0
    year: int | None = None
    offset: int = 0  # days after today, for relative words
    weekday: int | None = None  # given weekday, 0 = Monday
    weekday_text: str = ""
    next: str = ""  # "next" ("next Friday"), "coming" ("kommenden Freitag") or "this" ("diesen Freitag")
    next_week: bool = False  # "Freitag nächste Woche"
    month_first: bool = False
    digits: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class _ClockSpec:
    """A time ("18 Uhr") or a time range ("18-21 Uhr") as written."""

    first: _Clock
    second: _Clock | None
    text: str


@dataclass(frozen=True)
class _Syntax:
    """The pieces of a <when> text: start date and times, an optional end, and the words that qualify them."""

    source: str
    start: _DatePart
    start_clocks: _ClockSpec | None
    end: _DatePart | None
    end_clocks: _ClockSpec | None
    joined: bool  # "und"/"&" between the dates: two neighbouring days
    end_text: str  # the end part as written, for end_before_start
    zone: _Zone | None = None
    zone_text: str = ""
    duration: _Token | None = None
    all_day_text: str = ""
    compressed: bool = False  # one end was written as a day alone ("2.–5.12.", "Dec 4–6")
    unsure: bool = False  # a likely reading that is still to be confirmed ("4.12" is 4.12. or 4:12)

    @property
    def span(self) -> str:
        """The dates and times as written, from the start to the end."""
        if self.end is None:
            return self.source[self.start.start :]
        return self.source[self.start.start : self.end.start + len(self.end_text)]


def _unreadable(text: str) -> WhenError:
    """Build the error for text that is not a date/time at all."""
    return WhenError(WhenCode.UNREADABLE, text)


_DATE_KINDS: Final = frozenset({"date", "slash", "pair", "day", "weekday", "relative", "next", "month"})
_BOUNDARIES: Final = frozenset({"range", "and"})
_DAY_KINDS: Final = frozenset({"date", "slash", "pair", "day", "number"})  # what a day of a range starts with


def _valid_day_month(day: str, month: str) -> bool:
    """Tell whether two written numbers can be a day and a month."""
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


class _Grammar:
    """Put the tokens together: `[time] date [time] [(bis | und) date [time]]`."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens

    def kind(self, i: int) -> str:
        """The kind of token i, or "" past the end."""
        return self.tokens[i].kind if i < len(self.tokens) else ""

    def span(self, first: int, last: int) -> str:
        """The text of tokens first..last (inclusive), as written."""
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def fail(self, i: int) -> WhenError:
        """The error for tokens that do not fit at i: the piece from there to the next "bis"/"und"."""
        if not self.tokens:
            return _unreadable(self.text)
        i = min(i, len(self.tokens) - 1)
        j = i + 1
        while j < len(self.tokens) and self.tokens[j].kind not in _BOUNDARIES:
            j += 1
        return _unreadable(self.span(i, j - 1))

    # dates

    def calendar(self, token: _Token, first: int, weekday: _Token | None) -> _DatePart:
        """A date part from a date, slash or pair token, with the weekday written before it."""
        day, month = token.day, token.month
        kind: Literal["calendar", "slash"] = "calendar"
        if token.kind == "pair":
            day, month = int(token.digits[0]), int(token.digits[1])
        elif token.kind == "slash":
            kind = "slash"
        return _DatePart(
            kind,
            self.text[self.tokens[first].start : token.end],
            token.text,
            self.tokens[first].start,
            day=day,
            month=month,
            year=token.year,
            weekday=weekday.value if weekday else None,
            weekday_text=_weekday_name(weekday),
            month_first=token.month_first,
            digits=token.digits,
        )

    def date_part(self, i: int, end_of: _DatePart | None = None, timed: bool = False) -> tuple[_DatePart, int] | None:
        """Read one date part at token i; end_of is the start date when this is the end of a range."""
        kind = self.kind(i)
        if kind == "next" and self.kind(i + 1) == "weekday":
            found = self.weekday_part(i + 1, i)
            return (replace(found[0], next=self.tokens[i].flag), found[1]) if found[0].kind == "weekday" else found
        if kind == "weekday":
            return self.weekday_part(i, i)
        if kind == "next_week" and self.kind(i + 1) == "weekday":  # "nächste Woche Freitag"
            part, j = self.weekday_part(i + 1, i)
            return (replace(part, next_week=True), j) if part.kind == "weekday" else None
        if kind == "relative":
            token = self.tokens[i]
            return _DatePart("relative", token.text, token.text, token.start, offset=token.value), i + 1
        return self.bare_date(i, end_of, timed)

    def weekday_part(self, i: int, first: int) -> tuple[_DatePart, int]:
        """Read a weekday with the date it announces ("Do, 4.12."), or alone ("Donnerstag", "Fr nächste Woche")."""
        weekday = self.tokens[i]
        after = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if after is not None:
            if after.kind in ("date", "slash") or (after.kind == "pair" and _valid_day_month(*after.digits)):
                return self.calendar(after, first, weekday), i + 2
            if after.kind == "day":
                part = self.calendar(after, first, weekday)
                return replace(part, kind="partial", day=after.day), i + 2
        text = self.span(first, i)
        part = _DatePart("weekday", text, text, self.tokens[first].start, weekday=weekday.value)
        if self.kind(i + 1) == "next_week":
            return replace(part, next_week=True, text=self.span(first, i + 1)), i + 2
        return part, i + 1

    def bare_date(self, i: int, end_of: _DatePart | None, timed: bool) -> tuple[_DatePart, int] | None:
        """Read a date without a weekday: a whole date, "22.08" where it must be a date, or a day of a range."""
        if i >= len(self.tokens):
            return None
        token = self.tokens[i]
        if token.kind in ("date", "slash"):
            return self.calendar(token, i, None), i + 1
        if token.kind == "pair" and _valid_day_month(*token.digits) and self.pair_is_date(i, end_of, timed):
            return self.calendar(token, i, None), i + 1
        if end_of is None:
            # "15. bis 18. März", "2.–5.12.2026", "4-6 December 2026": the month (and year) come with the end
            ahead = self.kind(i + 1) in _BOUNDARIES and self.kind(i + 2) in ("date", "weekday")
            if token.kind == "day" or (token.kind == "number" and ahead and self.kind(i + 2) == "date"):
                return _DatePart("partial", token.text, token.text, token.start, day=token.day or token.value), i + 1
            return None
        if end_of.month_first and not timed and token.kind in ("day", "number"):
            # "Dec 4–6, 2026": the 6th of the start's month, perhaps with the year of both
            part = _DatePart("partial", token.text, token.text, token.start, day=token.day or token.value)
            if self.kind(i + 1) == "year":
                year = self.tokens[i + 1]
                return replace(part, year=year.year, text=self.span(i, i + 1)), i + 2
            return part, i + 1
        return None

    def pair_is_date(self, i: int, end_of: _DatePart | None, timed: bool) -> bool:
        """Tell whether "22.08" at i is a date: a time follows, or it ends a range of days."""
        if self.kind(i + 1) == "clock" or (self.kind(i + 1) == "pair" and len(self.tokens[i + 1].digits[1]) == 2):
            return True  # "22.08, 10:00", "22.08 18.30"
        if end_of is not None:
            return not timed
        return self.kind(i + 1) in _BOUNDARIES and self.kind(i + 2) in ("date", "weekday")

    # times

    def clock_item(self, i: int) -> _Clock | None:
        """A time at token i: a clear one, "18.30", or a lone number (a time only next to a clear one)."""
        if i >= len(self.tokens):
            return None
        token = self.tokens[i]
        if token.kind == "clock":
            return token.clock
        if token.kind == "pair" and len(token.digits[1]) == 2:
            hour, minute = token.digits
            return _Clock(token.text, int(hour), int(minute), 0, True, None, False)
        if token.kind == "number":
            return _Clock(token.text, token.value, 0, 0, False, None, False)
        return None

    def clock_spec(self, i: int, *, leading: bool = False) -> tuple[_ClockSpec, int] | None:
        """Read a time or time range at i ("18 Uhr, 4.12." has it before the date)."""
        first = self.clock_item(i)
        if first is None:
            return None
        j = i + 1
        second = None
        if self.kind(j) == "range" and (item := self.clock_item(j + 1)) is not None:
            if not (self.kind(j + 1) == "pair" and self.kind(j + 2) == "clock"):  # "- 23.08 02:00" is a date
                second, j = item, j + 2
        if leading and self.kind(i) == "pair" and _valid_day_month(*self.tokens[i].digits) and second is None:
            return None  # "10.12 04.12.2026" is no time before a date
        return _ClockSpec(first, second, self.span(i, j - 1)), j

    # the whole

    def weekdays_first(self) -> _Syntax:
        """Read "Fr.–So., 4.–6.12.2026" ("Fri–Sun, Dec 4–6"): the weekdays of a range of days written before it."""
        inner = _Grammar(self.text, self.tokens[3:]).parse()
        if inner.end is None or inner.unsure or inner.start.weekday is not None or inner.end.weekday is not None:
            raise self.fail(3)
        first, last = self.tokens[0], self.tokens[2]
        start = replace(inner.start, weekday=first.value, weekday_text=_weekday_name(first))
        end = replace(inner.end, weekday=last.value, weekday_text=_weekday_name(last))
        return replace(inner, start=start, end=end)

    def lone_pair(self) -> _Syntax | None:
        """ "4.12" alone: the date 4.12., most likely, but perhaps a time whose date was forgotten: to be asked."""
        if len(self.tokens) != 1 or self.kind(0) != "pair" or not _valid_day_month(*self.tokens[0].digits):
            return None
        return _Syntax(self.text, self.calendar(self.tokens[0], 0, None), None, None, None, False, "", unsure=True)

    def beginning(self) -> tuple[_DatePart, _ClockSpec | None, int]:
        """Read the start: a date with the time after it, or a time and then the date ("18 Uhr, 4.12.")."""
        lead = None
        found = self.date_part(0)
        if found is None:
            spec = self.clock_spec(0, leading=True)
            if spec is None:
                raise self.fail(0)
            lead, i = spec
            found = self.date_part(i)
            if found is None:  # "22.08 - 23.08": a time range with no date, or dates that do not say so
                raise _unreadable(self.span(0, len(self.tokens) - 1))
        start, i = found
        if spec := self.clock_spec(i):
            if lead is not None:
                raise WhenError(WhenCode.CONTRADICTION, spec[0].text)  # "18 Uhr, 4.12. 19 Uhr"
            return start, spec[0], spec[1]
        return start, lead, i

    def parse(self) -> _Syntax:
        """Read the tokens as `[time] date [time] [(bis | und) date [time]]`, or raise unreadable."""
        head = (self.kind(0), self.kind(1), self.kind(2))
        if head == ("weekday", "range", "weekday") and self.kind(3) in _DAY_KINDS:
            return self.weekdays_first()
        if lone := self.lone_pair():
            return lone
        start, start_clocks, i = self.beginning()
        end = end_clocks = None
        joined = False
        end_text = ""
        if self.kind(i) in _BOUNDARIES:
            joined = self.kind(i) == "and"
            found = self.date_part(i + 1, end_of=start, timed=start_clocks is not None)
            if found is None:
                raise self.fail(i)
            end, j = found
            if spec := self.clock_spec(j):
                end_clocks, j = spec
            end_text = self.text[end.start : self.tokens[j - 1].end]
            i = j
        if i < len(self.tokens):
            raise self.fail(i)
        if start.kind == "partial" and (end is None or end.kind not in ("calendar", "slash")):
            raise _unreadable(start.text)  # "15.", "Mittwoch, 16.": a day without its month
        return _Syntax(self.text, start, start_clocks, end, end_clocks, joined, end_text)


def _weekday_name(token: _Token | None) -> str:
    """A weekday token's name without its dot ("Do." -> "Do")."""
    return token.text.rstrip(".") if token else ""


def _parse_syntax(text: str) -> _Syntax:
    """Tokenize text and read it, with zone, duration and "all day" taken out first (they may stand anywhere)."""
    tokens = _tokenize(text)
    core = [token for token in tokens if token.kind not in ("zone", "duration", "all_day")]
    if not any(token.kind in _DATE_KINDS for token in core):
        if any(token.kind == "clock" for token in core):
            raise WhenError(WhenCode.NO_DATE, text)
        if not core:
            raise _unreadable(text)
    syntax = _Grammar(text, core).parse()
    zones = [token for token in tokens if token.kind == "zone"]
    durations = [token for token in tokens if token.kind == "duration"]
    all_day = [token for token in tokens if token.kind == "all_day"]
    for token in zones[1:]:
        if token.zone != zones[0].zone:
            raise WhenError(WhenCode.CONTRADICTION, token.text)  # "18:00 MEZ - 21:00 UTC"
    if len(durations) > 1:
        raise WhenError(WhenCode.CONTRADICTION, durations[1].text)
    return replace(
        syntax,
        zone=zones[0].zone if zones else None,
        zone_text=zones[0].text if zones else "",
        duration=durations[0] if durations else None,
        all_day_text=all_day[0].text if all_day else "",
    )


# --- times of day -----------------------------------------------------------------------------------------

_DAY: Final = 24 * 3600
_MAX_OVERNIGHT: Final = 12 * 3600


def _seconds(clock: _Clock, meridiem: str | None, *, is_end: bool = False) -> int:
    """Return seconds after midnight for clock read with meridiem, or raise impossible_time."""
    if clock.midnight:
        if is_end or clock.day_end:
            return _DAY
        raise WhenError(WhenCode.AMBIGUOUS, clock.text)  # the start of the day or its end? (_settle_midnight asks)
    hour = clock.hour
    if clock.minute > 59 or clock.second > 59:
        raise WhenError(WhenCode.IMPOSSIBLE_TIME, clock.text)
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise WhenError(WhenCode.IMPOSSIBLE_TIME, clock.text)
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    elif hour == 24 and is_end and clock.minute == clock.second == 0:
        pass  # "18-24 Uhr" ends at midnight, which the caller turns into the next day
    elif hour > 23:
        raise WhenError(WhenCode.IMPOSSIBLE_TIME, clock.text)
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


def _range_seconds(spec: _ClockSpec) -> tuple[int, int]:
    """Return start and end seconds of "18-21 Uhr"; an end past midnight is counted from the start day."""
    first, second = spec.first, spec.second
    assert second is not None
    if first.bare and second.bare:
        raise WhenError(WhenCode.NOT_A_TIME, spec.text)  # "18-21" alone could be anything
    for start_meridiem, end_meridiem in _meridiem_options(first, second):
        start = _seconds(first, start_meridiem)
        end = _seconds(second, end_meridiem, is_end=True)
        if _fits(start, end):
            return start, end if end >= start else end + _DAY
    raise WhenError(WhenCode.END_BEFORE_START, second.text)


def _single_seconds(spec: _ClockSpec, *, is_end: bool = False) -> int:
    """Return the seconds of a single time; a lone number ("18") is not one."""
    if spec.first.bare:
        raise WhenError(WhenCode.NOT_A_TIME, spec.text)
    return _seconds(spec.first, spec.first.meridiem, is_end=is_end)


def _clock_seconds(syntax: _Syntax) -> tuple[int | None, int | None]:
    """Return start and end as seconds after midnight of their days (None when not given).

    With two dates, a time range on one side gives the hours of every day ("Fr 2.2. bis Sa 3.2., 08:00 - 20:00"
    is from Friday 8:00 to Saturday 20:00), and an end time without a start time counts from the start of the
    first day; a start time without an end time leaves open when it ends, so it is refused.
    """
    first, last = syntax.start_clocks, syntax.end_clocks
    if syntax.end is None:
        if first is None:
            return None, None
        return (_single_seconds(first), None) if first.second is None else _range_seconds(first)
    if first is None:
        if last is None:
            return None, None
        if last.second is not None:
            return _range_seconds(last)
        if syntax.compressed or syntax.joined:
            # "2.–5.12., 18 Uhr", "Sa und So 17 Uhr": the start of it all, or each day at six?
            raise WhenError(WhenCode.NO_START_TIME, syntax.span)
        return 0, _single_seconds(last, is_end=True)
    if last is None:
        if first.second is None:
            _single_seconds(first)  # a lone number is the first thing wrong: "Freitag 4 - Sonntag 6 Dezember"
            raise WhenError(WhenCode.MISSING_END_TIME, syntax.end_text)
        return _range_seconds(first)
    start = _single_seconds(first) if first.second is None else _range_seconds(first)[0]
    end = _single_seconds(last, is_end=True) if last.second is None else _range_seconds(last)[1]
    return start, end


# --- dates ------------------------------------------------------------------------------------------------


def _day_reading(day: date, tz: tzinfo) -> When:
    """A whole day as a When, to show a date back to the user."""
    return When(datetime(day.year, day.month, day.day, tzinfo=tz), None, all_day=True)


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


def _calendar_day(part: _DatePart, tz: tzinfo, *, after: date, before: date | None = None) -> date:
    """Return part's date; without a year the next one on/after after (or last one on/before before)."""
    # Nine years always reach the next 29 February (2096 -> 2104 is the longest gap).
    if part.year is not None:
        day = _first_fitting(part, [part.year], lambda _: True)
    elif before is not None:
        day = _first_fitting(part, range(before.year, before.year - 9, -1), lambda d: d <= before)
    else:
        day = _first_fitting(part, range(after.year, after.year + 9), lambda d: d >= after)
    if day is None:
        raise WhenError(WhenCode.IMPOSSIBLE_DATE, part.core)
    if part.weekday is not None and day.weekday() != part.weekday:
        raise WhenError(WhenCode.WEEKDAY_MISMATCH, part.weekday_text, (_day_reading(day, tz),))
    return day


def _next_weekday(weekday: int, on_or_after: date) -> date:
    """Return the first date on or after on_or_after that falls on weekday."""
    return on_or_after + timedelta(days=(weekday - on_or_after.weekday()) % 7)


def _weekday_day(part: _DatePart, today: date, on_or_after: date) -> date:
    """Return the day of a weekday part: "Fr nächste Woche" in next week, "next Friday" after today."""
    weekday = part.weekday or 0
    if part.next_week:
        return today + timedelta(days=7 - today.weekday() + weekday)
    if part.next in ("next", "coming"):
        return _next_weekday(weekday, today + timedelta(days=1))
    return _next_weekday(weekday, on_or_after)


def _start_day(
    part: _DatePart, local_now: datetime, start_seconds: int | None, explicit_end: date | None, tz: tzinfo
) -> date:
    """Return the start date; a yearless date takes an explicit end's year, else the next such date."""
    today = local_now.date()
    if part.kind == "relative":
        return today + timedelta(days=part.offset)
    if part.kind == "calendar":
        return _calendar_day(part, tz, after=today, before=explicit_end)
    if part.kind != "weekday":
        raise _unreadable(part.text)  # a day without its month, never read as anything else
    day = _weekday_day(part, today, today)
    # "Donnerstag 10 Uhr" said on a Thursday at noon means next week; an all-day "Donnerstag" is still today.
    if day == today and start_seconds is not None and not part.next:
        if datetime.combine(today, time()) + timedelta(seconds=start_seconds) < local_now.replace(tzinfo=None):
            day += timedelta(days=7)
    return day


def _end_day(part: _DatePart, start_day: date, today: date, tz: tzinfo) -> date:
    """Return the end date; yearless dates and bare weekdays count from the start date."""
    if part.kind == "relative":
        return today + timedelta(days=part.offset)
    if part.kind == "calendar":
        return _calendar_day(part, tz, after=start_day)
    if part.kind != "weekday":
        raise _unreadable(part.text)
    return _weekday_day(part, today, start_day)


def _days(syntax: _Syntax, local_now: datetime, start_seconds: int | None, tz: tzinfo) -> tuple[date, date | None]:
    """Return the start date and the end date (None without a second date)."""
    start, end = syntax.start, syntax.end
    today = local_now.date()
    if end is None:
        return _start_day(start, local_now, start_seconds, None, tz), None
    if start.kind == end.kind == "calendar" and start.year is None and end.year is None:
        # "2.12. - 5.12." said on the 3rd is the range going on now, not one next year: the end decides.
        last = _calendar_day(end, tz, after=today)
        return _calendar_day(start, tz, after=today, before=last), last
    explicit_end = None
    if end.kind == "calendar" and end.year is not None:
        # Resolve "2.1.2026" first so that "30.12. - 2.1.2026" starts in 2025.
        explicit_end = _calendar_day(end, tz, after=today)
    first = _start_day(start, local_now, start_seconds, explicit_end, tz)
    return first, explicit_end or _end_day(end, first, today, tz)


def _complete_partials(syntax: _Syntax) -> _Syntax:
    """Give "15." in "15. bis 18. März" its month and year from the end, and "6" in "Dec 4–6" the start's month."""
    start, end = syntax.start, syntax.end
    if end is None:
        return syntax
    if start.kind == "partial":
        if end.kind != "calendar":
            raise _unreadable(start.text)
        start = replace(start, kind="calendar", month=end.month, year=end.year)
        if start.day > end.day:
            # "30. bis 2. Dezember": which month is the 30th?
            raise WhenError(WhenCode.END_BEFORE_START, syntax.end_text)
    elif end.kind == "partial":
        end = replace(end, kind="calendar", month=start.month, year=end.year if end.year is not None else start.year)
        if end.day < start.day:
            raise WhenError(WhenCode.END_BEFORE_START, syntax.end_text)
    else:
        return syntax
    return replace(syntax, start=start, end=end, compressed=True)


# --- readings: settle what can be read two ways, or ask ---------------------------------------------------


def _slash_as(part: _DatePart, day_first: bool) -> _DatePart:
    """Read a slash date day first ("4/12" = 4 December) or month first (= April 12)."""
    if part.kind != "slash":
        return part
    first, second = int(part.digits[0]), int(part.digits[1])
    day, month = (first, second) if day_first else (second, first)
    return replace(part, kind="calendar", day=day, month=month)


def _settle_slashes(syntax: _Syntax, today: date) -> tuple[str, list[_Syntax]]:
    """The readings of slash dates: one when a number over 12 or equal numbers settle the order, else two."""
    parts = [part for part in (syntax.start, syntax.end) if part is not None and part.kind == "slash"]
    if not parts:
        return "", [syntax]
    day_first = [part for part in parts if int(part.digits[0]) > 12]
    month_first = [part for part in parts if int(part.digits[1]) > 12]
    if day_first and month_first:
        fragment = month_first[-1].core if month_first[-1] is not parts[0] else parts[-1].core
        raise WhenError(WhenCode.IMPOSSIBLE_DATE, fragment)
    if day_first or all(part.digits[0] == part.digits[1] for part in parts):
        orders = [True]
    else:
        orders = [False] if month_first else [True, False]
    readings = [
        replace(syntax, start=_slash_as(syntax.start, order), end=syntax.end and _slash_as(syntax.end, order))
        for order in orders
    ]
    return parts[0].core, readings


def _on(part: _DatePart, day: date) -> _DatePart:
    """The part fixed to one calendar day (its weekday stays, and fits)."""
    return replace(part, kind="calendar", day=day.day, month=day.month, year=day.year, next="")


def _settle_next(syntax: _Syntax, today: date) -> tuple[str, list[_Syntax]]:
    """ "next Friday" said early in the week may be this week's or next week's: two readings; later, one."""
    for part in (syntax.start, syntax.end):
        if part is None or part.kind != "weekday" or part.next != "next":
            continue
        day = _next_weekday(part.weekday or 0, today + timedelta(days=1))
        if day.isocalendar()[:2] != today.isocalendar()[:2]:
            continue  # the coming one is in next week already: that is the one
        if part is syntax.start:
            return part.text, [replace(syntax, start=_on(part, d)) for d in (day, day + timedelta(days=7))]
        return part.text, [replace(syntax, end=_on(part, d)) for d in (day, day + timedelta(days=7))]
    return "", [syntax]


def _settle_midnight(syntax: _Syntax, today: date) -> tuple[str, list[_Syntax]]:
    """ "Freitag Mitternacht" as a start: the night before Friday or after it? Two readings."""
    spec = syntax.start_clocks
    if spec is None or not spec.first.midnight:
        return "", [syntax]
    early = replace(spec.first, hour=0, midnight=False)
    late = replace(spec.first, day_end=True)
    return spec.first.text, [replace(syntax, start_clocks=replace(spec, first=clock)) for clock in (early, late)]


_SETTLERS: Final = (_settle_slashes, _settle_next, _settle_midnight)


# --- building the result ----------------------------------------------------------------------------------


def _wall(naive: datetime, tz: tzinfo, fragment: str) -> datetime:
    """Return the wall-clock time in tz (fold=0 when ambiguous), or raise impossible_time inside a DST gap."""
    aware = naive.replace(tzinfo=tz)
    # A wall time skipped by spring-forward does not come back unchanged from a round trip through UTC.
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise WhenError(WhenCode.IMPOSSIBLE_TIME, fragment)
    return aware


def _localize(day: date, seconds: int, tz: tzinfo, fragment: str, syntax: _Syntax) -> datetime:
    """Return the time in tz of a wall-clock time written in tz, or in the zone the text names."""
    naive = datetime.combine(day, time()) + timedelta(seconds=seconds)
    zone = syntax.zone
    if zone is None:
        return _wall(naive, tz, fragment)
    if zone.kind == "named":
        return _wall(naive, ZoneInfo(zone.name), fragment).astimezone(tz)
    aware = naive.replace(tzinfo=timezone(zone.offset))
    # "MEZ" on a summer day is not what Germany's clocks show then: ask rather than shift by an hour.
    if zone.kind == "central" and aware.astimezone(_BERLIN).utcoffset() != zone.offset:
        raise WhenError(WhenCode.ZONE_MISMATCH, syntax.zone_text)
    return aware.astimezone(tz)


def _all_day(syntax: _Syntax, days: tuple[date, date | None], today: date, tz: tzinfo) -> When:
    """Build an all-day When: midnight of the first day, and of the last day when there are several."""
    first, last = days
    last_text = syntax.end_text or syntax.start.text
    if syntax.duration is not None:  # "4.12. für 3 Tage"
        last, last_text = first + timedelta(days=syntax.duration.value - 1), syntax.duration.text
    # Midnight is used without a gap check: an all-day event only names days, never a wall-clock time.
    start = datetime(first.year, first.month, first.day, tzinfo=tz)
    end = None
    if last is not None:
        if last < first:
            raise WhenError(WhenCode.END_BEFORE_START, syntax.end_text)
        if last > first:
            end = datetime(last.year, last.month, last.day, tzinfo=tz)
    if (last or first) < today:
        raise WhenError(WhenCode.PAST, last_text if last and last > first else syntax.start.text)
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
    first, last = syntax.start_clocks, syntax.end_clocks
    start = _localize(start_day, start_seconds, tz, first.first.text if first else syntax.start.text, syntax)
    end = None
    if end_seconds is not None:
        end_clock = (last.second or last.first) if last else (first.second if first else None)
        end_text = end_clock.text if end_clock else syntax.end_text
        end = _localize(end_day or start_day, end_seconds, tz, end_text, syntax)
        if end.astimezone(UTC) < start.astimezone(UTC):
            raise WhenError(WhenCode.END_BEFORE_START, syntax.end_text or end_text)
    elif syntax.duration is not None:
        duration = syntax.duration
        if duration.flag == "seconds":  # "for 3 hours" is three hours of time, across a DST change, too
            end = (start.astimezone(UTC) + timedelta(seconds=duration.value)).astimezone(tz)
        else:  # "18:00 für 2 Tage" ends at 18:00 on the clock
            end = _wall(start.astimezone(tz).replace(tzinfo=None) + timedelta(days=duration.value), tz, duration.text)
    if start.astimezone(UTC) < now.astimezone(UTC):
        raise WhenError(WhenCode.PAST, syntax.start.text)
    return When(start, end, all_day=False)


def _separate(syntax: _Syntax, days: tuple[date, date | None]) -> bool:
    """Tell whether "A und B" are two events: days apart, or a time at each ("Sa 10 Uhr und So 17 Uhr").

    One weekend is "Sa 20.8. und So 21.8.", perhaps with the hours of each day ("..., 10-17 Uhr").
    """
    if days[1] != days[0] + timedelta(days=1):
        return True
    times = [spec for spec in (syntax.start_clocks, syntax.end_clocks) if spec is not None]
    return any(spec.second is None for spec in times)


def _resolve_one(syntax: _Syntax, now: datetime, tz: tzinfo) -> When:
    """Turn the pieces of the text, read one way, into a checked When."""
    local_now = now.astimezone(tz)
    syntax = _complete_partials(syntax)
    start_seconds, end_seconds = _clock_seconds(syntax)
    duration = syntax.duration
    if syntax.all_day_text and start_seconds is not None:
        raise WhenError(WhenCode.CONTRADICTION, syntax.all_day_text)  # "ganztägig, 18 Uhr"
    if syntax.zone is not None and start_seconds is None:
        raise WhenError(WhenCode.CONTRADICTION, syntax.zone_text)  # a zone names no day
    if duration is not None:
        if syntax.end is not None or end_seconds is not None:
            raise WhenError(WhenCode.CONTRADICTION, duration.text)  # an end and a length
        if duration.flag == "seconds" and start_seconds is None:
            raise WhenError(WhenCode.NO_START_TIME, duration.text)
    days = _days(syntax, local_now, start_seconds, tz)
    if syntax.joined and _separate(syntax, days):
        raise WhenError(WhenCode.SEPARATE_DAYS, syntax.span)
    if start_seconds is None:
        return _all_day(syntax, days, local_now.date(), tz)
    return _timed(syntax, days, (start_seconds, end_seconds), now, tz)


def _resolve(syntax: _Syntax, now: datetime, tz: tzinfo) -> When:
    """Turn the pieces of the text into a checked When, or ask back with the readings when there are two."""
    today = now.astimezone(tz).date()
    fragment, readings = "", [syntax]
    for settle in _SETTLERS:
        fragment, readings = settle(readings[0], today)
        if len(readings) > 1:
            break
    if len(readings) == 1:
        when = _resolve_one(readings[0], now, tz)
        if syntax.unsure:
            raise WhenError(WhenCode.AMBIGUOUS, syntax.source, (when,))
        return when
    options: list[When] = []
    errors: list[WhenError] = []
    for reading in readings:
        try:
            options.append(_resolve_one(reading, now, tz))
        except WhenError as error:
            errors.append(error)
    if not options:
        raise errors[0]
    raise WhenError(WhenCode.AMBIGUOUS, fragment, tuple(options))


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
        raise WhenError(WhenCode.IMPOSSIBLE_DATE, syntax.start.core) from None
