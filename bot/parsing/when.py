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
from types import MappingProxyType
from typing import Final, Literal
from zoneinfo import ZoneInfo, available_timezones

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
    {
        "unreadable",  # the fragment is no date, time or word I know
        "impossible_date",
        "impossible_time",
        "past",
        "end_before_start",
        "weekday_mismatch",  # options: the date as written, to show its real weekday
        "ambiguous",  # options: the readings that are possible ("4/12/2026", "next Friday", "midnight")
        "no_date",  # a time without a day
        "not_a_time",  # a lone number ("18") where a time belongs
        "missing_end_time",  # "2.12. 13:00 bis 5.12.": when on the 5th?
        "no_start_time",  # "4.12. für 3 Stunden": from when?
        "zone_mismatch",  # "MEZ" on a summer day
        "separate_days",  # "4. und 6. Dezember" are two days, not one event
        "contradiction",  # "ganztägig 18 Uhr", two zones, a duration and an end
    }
)
MAX_LENGTH: Final = 200


class WhenError(ValueError):
    """The text could not be read as a date/time; says which part and why, with the possible readings if any."""

    def __init__(self, code: str, fragment: str, options: tuple[When, ...] = ()) -> None:
        """Keep the error code, the exact piece of the user's input it is about and the readings to offer."""
        super().__init__(code, fragment, options)
        self.code = code
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
_RE_ISO: Final = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?![0-9])")
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
    rf"(?:(next|nächsten|nächster|nächste|naechsten|naechster|naechste)|"
    rf"(this|coming|kommenden|kommender|kommende|diesen|dieser|diese)){_WORD_END}",
    _I,
)
# The end of a time: am/pm ("7pm", "7:30 p.m."), or "Uhr"/"h" ("18 Uhr", "18h"), perhaps "12 Uhr mittags".
_SUFFIX: Final = (
    rf"(?:\s*(?P<ap>[ap])\.?m{_WORD_END}\.?|\s*(?P<uhr>uhr|h){_WORD_END}(?P<noon>\s+mittags{_WORD_END})?)"
)
_RE_CLOCK_COLON: Final = re.compile(rf"(?P<h>[0-9]{{1,2}}):(?P<m>[0-9]{{2}})(?::(?P<s>[0-9]{{2}}))?(?![0-9]){_SUFFIX}?", _I)
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
    "next",  # "next"/"nächsten" (flag "next") or "this"/"kommenden" (flag "this")
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
    flag: str = ""  # "next"/"this"; "days"/"seconds" for a duration


def _token(kind: _Kind, match: re.Match[str], **fields: object) -> _Token:
    """Build a token from a regex match."""
    return _Token(kind, match.start(), match.end(), match[0], **fields)  # type: ignore[arg-type]


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
    )


def _read_duration(text: str, pos: int) -> _Token | None:
    """Read "3 Stunden", "for 2 hours", "90 min", "eine Stunde", "2 Tage"; a bare "3h" is a time, not this."""
    match = _RE_DURATION.match(text, pos)
    if match is None:
        return None
    unit = match["unit"].casefold()
    number = match["n"]
    if unit == "h" and not match["for"] and (number is None or number.isdigit()):
        return None
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
        return _token("date", match, day=int(match[3]), month=int(match[2]), year=int(match[1]))
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
    """Read a word: a weekday, month, relative day, "next", a range word, "und", a filler."""
    if match := _RE_NEXT_WEEK.match(text, pos):
        return _token("next_week", match)
    if match := _RE_NEXT.match(text, pos):
        return _token("next", match, flag="next" if match[1] else "this")
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


_DIGIT_READERS: Final = (_read_numeric_date, _read_duration, _read_clock, _read_named_date, _read_number)
_WORD_READERS: Final = (_read_duration, _read_named_date, _read_zone, _read_clock, _read_word)
_SKIPPED: Final = object()  # a filler was read: no token


def _read_token(text: str, pos: int, previous: _Token | None) -> _Token | object:
    """Read the token at pos (a filler gives _SKIPPED); unknown text becomes an "unknown" token."""
    char = text[pos]
    if char in "Tt" and previous is not None and previous.kind == "date" and text[pos + 1 : pos + 2].isdigit():
        return _SKIPPED  # ISO "2025-12-04T18:00"
    if char == "Z" and previous is not None and previous.kind == "clock" and previous.end == pos:
        if not _RE_LETTERS.match(text, pos + 1):
            return _Token("zone", pos, pos + 1, char, zone=_Zone("fixed", timedelta()))
    readers = _DIGIT_READERS if char.isdigit() else _WORD_READERS
    for reader in readers:
        if (token := reader(text, pos)) is not None:
            return token
    if match := _RE_FILLER.match(text, pos):
        return _SKIPPED if match.end() > pos else None
    if match := _RE_RANGE.match(text, pos) or _RE_AND.match(text, pos):
        return _read_word(text, pos) or _SKIPPED
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
        if isinstance(found, _Token):
            if found.kind == "unknown":
                # the word or run of signs at pos, up to the next blank, so that "\u200b18:00" shows what it is
                piece = _RE_NOT_BLANK.match(text, pos)
                raise WhenError("unreadable", piece[0] if piece else found.text)
            tokens.append(found)
            pos = found.end
        else:
            filler = _RE_FILLER.match(text, pos)
            pos = filler.end() if filler and filler.end() > pos else pos + 1
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
    next: str = ""  # "next" ("next Friday") or "this" ("this Friday", "kommenden Freitag")
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


def _unreadable(text: str) -> WhenError:
    """Build the error for text that is not a date/time at all."""
    return WhenError("unreadable", text)


_DATE_KINDS: Final = frozenset({"date", "slash", "pair", "day", "weekday", "relative", "next", "month"})
_BOUNDARIES: Final = frozenset({"range", "and"})


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
        if self.kind(i + 1) == "clock":
            return True
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
        """Read a time or time range at i; before the date only a clear time ("18 Uhr, 4.12.") counts."""
        first = self.clock_item(i)
        if first is None:
            return None
        j = i + 1
        second = None
        if self.kind(j) == "range" and (item := self.clock_item(j + 1)) is not None:
            if not (self.kind(j + 1) == "pair" and self.kind(j + 2) == "clock"):  # "- 23.08 02:00" is a date
                second, j = item, j + 2
        if leading and self.kind(i) != "clock" and (second is None or self.kind(j - 1) != "clock"):
            return None
        return _ClockSpec(first, second, self.span(i, j - 1)), j

    # the whole

    def parse(self) -> _Syntax:
        """Read the tokens as `[time] date [time] [(bis | und) date [time]]`, or raise unreadable."""
        lead = None
        found = self.date_part(0)
        i = 0
        if found is None:
            spec = self.clock_spec(0, leading=True)
            if spec is None:
                raise self.fail(0)
            lead, i = spec
            found = self.date_part(i)
            if found is None:
                raise self.fail(i)
        start, i = found
        start_clocks = lead
        if spec := self.clock_spec(i):
            if lead is not None:
                raise WhenError("contradiction", spec[0].text)  # "18 Uhr, 4.12. 19 Uhr"
            start_clocks, i = spec
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
            raise WhenError("no_date", text)
        if not core:
            raise _unreadable(text)
    syntax = _Grammar(text, core).parse()
    zones = [token for token in tokens if token.kind == "zone"]
    durations = [token for token in tokens if token.kind == "duration"]
    all_day = [token for token in tokens if token.kind == "all_day"]
    for token in zones[1:]:
        if token.zone != zones[0].zone:
            raise WhenError("contradiction", token.text)  # "18:00 MEZ - 21:00 UTC"
    if len(durations) > 1:
        raise WhenError("contradiction", durations[1].text)
    return replace(
        syntax,
        zone=zones[0].zone if zones else None,
        zone_text=zones[0].text if zones else "",
        duration=durations[0] if durations else None,
        all_day_text=all_day[0].text if all_day else "",
    )


def _read_all_day(text: str, pos: int) -> _Token | None:
    """Read "ganztägig", "all day", "den ganzen Tag"."""
    match = _RE_ALL_DAY.match(text, pos)
    return _token("all_day", match) if match else None


_WORD_READERS_ALL: Final = (_read_all_day, *_WORD_READERS)
_DIGIT_READERS = _DIGIT_READERS  # noqa: PLW0127 - keeps the name next to its sibling for readers of the code
