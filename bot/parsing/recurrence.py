"""Recurrence rules for regular meetups: German/English phrases to RRULE values, and their dates."""

from __future__ import annotations

import bisect
import calendar
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Final

from babel.dates import get_day_names
from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr, weekdays

from bot.errors import InputError
from bot.parsing.fields import MAX_YEAR

__all__ = [
    "MAX_DATES_PER_WINDOW",
    "RecurrenceError",
    "check_rule_yields",
    "first_occurrence",
    "occurrences",
    "parse_recurrence",
]


class RecurrenceError(InputError, ValueError):
    """A raw RRULE string that is malformed, or a rule without dates: `str(error)` says why, in English (no
    codes: the message quotes it as the reason)."""

    def __init__(self, reason: str) -> None:
        super().__init__(None, reason)


# --- raw RRULE values -------------------------------------------------------------------------------------

# RFC 5545 recur-rule-part names in the order canonical values list them.
_RULE_PARTS: Final = (
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
)
_FREQS: Final = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_SUB_DAILY: Final = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_RAW_PREFIXES: Final = ("rrule:", "freq=")
_POSITIVE_INT: Final = re.compile(r"[0-9]{1,6}")
_ORDINAL_BYDAY: Final = re.compile(r"[+-]?[0-9]+[A-Z]{2}")
_DATE_ONLY: Final = re.compile(r"[0-9]{8}")
_VALIDATION_START: Final = datetime(2000, 1, 1)
# A meetup happens at most a few times a day; more times of day than this are a rule that floods the reminders.
_MAX_TIMES_A_DAY: Final = 4
# COUNT rules are expanded from their first date on (the n-th date can only be found by counting), so stay finite.
_MAX_COUNT: Final = 1000


def _values(items: Mapping[str, str], key: str) -> int:
    """How many distinct values a list part (BYHOUR=18,19) has; 1 when it is not given."""
    return len(set(items[key].split(","))) if key in items else 1


def _rule_items(value: str) -> dict[str, str]:
    """Split a raw RRULE value into checked, upper-case parts (RecurrenceError when malformed)."""
    body = re.sub(r"\s+", "", value).upper().removeprefix("RRULE:")
    items: dict[str, str] = {}
    for part in filter(None, body.split(";")):
        key, sep, val = part.partition("=")
        if not sep or not val:
            raise RecurrenceError(f"malformed RRULE part {part!r}")
        if key not in _RULE_PARTS:
            raise RecurrenceError(f"unsupported RRULE part {key!r}")
        if key in items:
            raise RecurrenceError(f"RRULE part {key!r} given twice")
        items[key] = val
    freq = items.get("FREQ")
    if freq is None:
        raise RecurrenceError("RRULE without FREQ")
    if freq in _SUB_DAILY:
        raise RecurrenceError(f"a meetup rule repeats at most daily, not {freq}")
    if freq not in _FREQS:
        raise RecurrenceError(f"unknown FREQ {freq!r}")
    if "COUNT" in items and "UNTIL" in items:
        raise RecurrenceError("RRULE with both COUNT and UNTIL")
    for key in ("COUNT", "INTERVAL"):
        if key in items and (not _POSITIVE_INT.fullmatch(items[key]) or int(items[key]) == 0):
            raise RecurrenceError(f"{key} must be a positive integer, not {items[key]!r}")
    if "COUNT" in items and int(items["COUNT"]) > _MAX_COUNT:
        raise RecurrenceError(f"COUNT must be at most {_MAX_COUNT}, not {items['COUNT']}")
    if _values(items, "BYSECOND") > 1:
        raise RecurrenceError("BYSECOND must be a single value: a meetup does not repeat within a minute")
    times = _values(items, "BYHOUR") * _values(items, "BYMINUTE") * _values(items, "BYSECOND")
    if times > _MAX_TIMES_A_DAY:
        raise RecurrenceError(
            f"BYHOUR/BYMINUTE/BYSECOND give {times} times a day; a meetup happens at most {_MAX_TIMES_A_DAY} times"
            " a day"
        )
    if freq not in ("MONTHLY", "YEARLY") and any(
        _ORDINAL_BYDAY.fullmatch(day) for day in items.get("BYDAY", "").split(",")
    ):
        raise RecurrenceError("BYDAY with an ordinal needs FREQ=MONTHLY or FREQ=YEARLY")
    if items.get("INTERVAL") is not None:
        items["INTERVAL"] = str(int(items["INTERVAL"]))
        if items["INTERVAL"] == "1":
            del items["INTERVAL"]
    return items


def _join(items: Mapping[str, str]) -> str:
    """Write rule parts as a canonical RRULE value."""
    return ";".join(f"{key}={items[key]}" for key in _RULE_PARTS if key in items)


def _local_until(value: str, tz: tzinfo) -> str:
    """Turn an UNTIL value into naive local wall-clock time; a bare date includes its whole day."""
    if _DATE_ONLY.fullmatch(value):
        return value + "T235959"
    if value.endswith("Z"):
        instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return instant.astimezone(tz).strftime("%Y%m%dT%H%M%S")
    return value


def _build(items: Mapping[str, str], dtstart: datetime, tz: tzinfo) -> RRule:
    """Make a dateutil rule over naive local datetimes from checked parts (RecurrenceError on failure)."""
    parts = dict(items)
    try:
        if "UNTIL" in parts:
            parts["UNTIL"] = _local_until(parts["UNTIL"], tz)
        rule = rrulestr("RRULE:" + _join(parts), dtstart=dtstart)
    except (ValueError, KeyError, TypeError, IndexError, OverflowError) as exc:
        raise RecurrenceError(f"invalid RRULE {_join(items)!r}: {exc}") from exc
    if not isinstance(rule, RRule):  # pragma: no cover - a single RRULE line never yields a set
        raise RecurrenceError(f"invalid RRULE {_join(items)!r}")
    return rule


def _normalize_raw(text: str) -> str:
    """Validate a raw RRULE (with or without the 'RRULE:' prefix) and return it canonical, unprefixed."""
    items = _rule_items(text)
    _build(items, _VALIDATION_START, UTC)
    return _join(items)


# --- phrases ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    """One classified word of a rule phrase."""

    kind: str
    value: int = 0


def _weekday_forms() -> Mapping[str, tuple[int, bool]]:
    """Weekday words from Babel (plus derived adverb/plural forms) -> (weekday index, is adverb)."""
    forms: dict[str, tuple[int, bool]] = {}
    for locale in ("de", "en"):
        for index, name in get_day_names("wide", locale=locale).items():
            word = unicodedata.normalize("NFC", name.lower())
            forms[word] = (index, False)
            forms[word + "s"] = (index, True)  # Montag -> montags, Monday -> mondays
            if locale == "de":
                forms[word + "abend"] = (index, False)  # Dienstagabend
                forms[word + "abends"] = (index, True)  # dienstagabends
    return MappingProxyType(forms)


_WEEKDAY_FORMS: Final = _weekday_forms()

_GERMAN_ORDINAL_STEMS: Final = MappingProxyType(
    {
        "erst": 1,
        "zweit": 2,
        "dritt": 3,
        "viert": 4,
        "fünft": 5,
        "fuenft": 5,
        "letzt": -1,
        "vorletzt": -2,
    }
)
_ENGLISH_ORDINALS: Final = MappingProxyType(
    {
        "first": 1,
        "second": 2,
        "third": 3,
        "fourth": 4,
        "fifth": 5,
        "last": -1,
        "penultimate": -2,
    }
)
_NUMBER_WORDS: Final = MappingProxyType(
    {
        "zwei": 2,
        "drei": 3,
        "vier": 4,
        "fünf": 5,
        "fuenf": 5,
        "vierzehn": 14,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "fourteen": 14,
    }
)
_WORD_KINDS: Final = MappingProxyType(
    {
        "every": ("jede", "jeden", "jeder", "jedes", "alle", "aller", "every", "each"),
        "other": ("other",),
        "and": ("und", "un", "u", "sowie", "and", ",", "&", "+"),
        "or": ("oder", "bzw", "beziehungsweise", "or", "/"),
        "week": ("woche", "wochen", "week", "weeks"),
        "month": ("monat", "monats", "monate", "monaten", "month", "months"),
        "days": ("tag", "tage", "tagen", "tägig", "taegig", "day", "days"),
        "weekly": ("wöchentlich", "woechentlich", "weekly"),
        "monthly": ("monatlich", "monthly"),
        "fortnight": ("vierzehntägig", "vierzehntaegig", "zweiwöchentlich", "zweiwöchig", "fortnightly"),
        "filler": ("im", "in", "am", "an", "des", "der", "dem", "den", "jeweils", "immer", "the", "of", "on"),
    }
)


def _lexicon() -> Mapping[str, _Token]:
    """Every known word of a rule phrase -> its token, built once."""
    words: dict[str, _Token] = {}
    for kind, spellings in _WORD_KINDS.items():
        words.update((spelling, _Token(kind)) for spelling in spellings)
    words.update((word, _Token("num", value)) for word, value in _NUMBER_WORDS.items())
    words.update((word, _Token("ord", value)) for word, value in _ENGLISH_ORDINALS.items())
    for stem, value in _GERMAN_ORDINAL_STEMS.items():
        words.update((stem + ending, _Token("ord", value)) for ending in ("e", "en", "er", "es", "em"))
    for word, (index, adverb) in _WEEKDAY_FORMS.items():
        words[word] = _Token("day_adv" if adverb else "day", index)
    return MappingProxyType(words)


_LEXICON: Final = _lexicon()
_WORD: Final = re.compile(r"[0-9]+(?:\.|st|nd|rd|th)?|[^\W\d_]+|[,&/+]")
_NUMERIC_ORDINAL: Final = re.compile(r"([0-9]+)(\.|st|nd|rd|th)")
_MAX_INTERVAL: Final = 99
_UNITS: Final = frozenset({"week", "month", "days"})


def _tokens(text: str) -> list[_Token] | None:
    """Classify the words of a phrase, or None when one of them is unknown."""
    tokens: list[_Token] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", text.lower())):
        if word[0] in "0123456789":
            ordinal = _NUMERIC_ORDINAL.fullmatch(word)
            digits = ordinal.group(1) if ordinal else word
            if len(digits) > 3:
                return None
            number = int(digits)
            if ordinal is None:
                tokens.append(_Token("num", number))
            elif 1 <= number <= 5:
                tokens.append(_Token("ord", number))
            else:
                return None
            continue
        token = _LEXICON.get(word)
        if token is None:
            return None
        tokens.append(token)
    return tokens


@dataclass(slots=True)
class _Phrase:
    """What a phrase says, collected token by token."""

    groups: list[tuple[tuple[int, ...], list[int]]] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    every: bool = False
    recurring: bool = False
    month: bool = False
    week: bool = False
    weeks: int | None = None
    months: int | None = None


def _set_interval(phrase: _Phrase, count: int, unit: str) -> bool:
    """Record 'every <count> <unit>'; False when it is impossible or contradicts an earlier one."""
    if unit == "days":
        if count % 7:
            return False
        count, unit = count // 7, "week"
    if not 1 <= count <= _MAX_INTERVAL:
        return False
    phrase.recurring = True
    if unit == "week":
        if phrase.weeks not in (None, count):
            return False
        phrase.weeks = count
        phrase.week = True
    else:
        if phrase.months not in (None, count):
            return False
        phrase.months = count
        phrase.month = True
    return True


def _collect(tokens: list[_Token]) -> _Phrase | None:
    """Walk the tokens into a _Phrase, or None when they do not form a rule."""
    phrase = _Phrase()
    open_group = False  # the last group may take more weekdays ("Montag und Mittwoch")
    unit_taken = False  # the previous count already consumed this unit word ("alle 14 Tage")
    for position, token in enumerate(tokens):
        following = tokens[position + 1].kind if position + 1 < len(tokens) else None
        kind = token.kind
        if unit_taken:
            unit_taken = False
            continue
        if kind == "or":
            return None
        if kind in ("num", "ord", "other") and following in _UNITS:
            count = 2 if kind == "other" else token.value
            if count < 1 or not _set_interval(phrase, count, following):
                return None
            unit_taken = True
        elif kind == "num":
            return None
        elif kind == "other":
            if following not in ("day", "day_adv") or not _set_interval(phrase, 2, "week"):
                return None
        elif kind == "ord":
            phrase.pending.append(token.value)
            open_group = False
        elif kind in ("day", "day_adv"):
            phrase.recurring |= kind == "day_adv"
            if phrase.pending or not open_group:
                phrase.groups.append((tuple(phrase.pending), [token.value]))
                phrase.pending = []
                open_group = True
            else:
                phrase.groups[-1][1].append(token.value)
        elif kind == "every":
            phrase.every = phrase.recurring = True
        elif kind in ("week", "weekly"):
            phrase.week = True
            phrase.recurring |= kind == "weekly"
        elif kind in ("month", "monthly"):
            phrase.month = True
            phrase.recurring |= kind == "monthly"
        elif kind == "fortnight":
            if not _set_interval(phrase, 2, "week"):
                return None
        elif kind == "days":
            return None
        # "and" and filler words carry no meaning of their own
    return phrase


def _byday(pairs: Iterable[tuple[int, int]]) -> str:
    """Format (ordinal, weekday index) pairs as a sorted BYDAY list; ordinal 0 means none."""
    unique = sorted(set(pairs), key=lambda pair: (pair[1], pair[0] < 0, pair[0]))
    return ",".join(f"{ordinal or ''}{weekdays[day]}" for ordinal, day in unique)


def _phrase_rule(phrase: _Phrase) -> str | None:
    """Turn a collected phrase into an RRULE value, or None when it is ambiguous or incomplete."""
    if phrase.pending or not phrase.groups or not (phrase.recurring or phrase.month):
        return None  # "im Monat" alone makes a rule of "am ersten Montag"; a bare "Montag" is a date
    with_ordinals = [bool(ordinals) for ordinals, _ in phrase.groups]
    if any(with_ordinals) and not all(with_ordinals):
        return None  # "montags und jeden ersten Mittwoch" is two rules
    if all(with_ordinals):
        ordinals = {ordinal for group, _ in phrase.groups for ordinal in group}
        days = [day for _, group_days in phrase.groups for day in group_days]
        alternate = phrase.every and len(phrase.groups) == 1 and phrase.groups[0][0] == (2,)
        if alternate and not (phrase.month or phrase.week):
            # "jeden zweiten Montag" / "every second Monday": every other week
            return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={_byday((0, day) for day in days)}"
        if phrase.week or not ordinals:
            return None
        byday = _byday((ordinal, day) for group, group_days in phrase.groups for ordinal in group for day in group_days)
        interval = f"INTERVAL={phrase.months};" if phrase.months and phrase.months > 1 else ""
        return f"FREQ=MONTHLY;{interval}BYDAY={byday}"
    if phrase.month:
        return None  # "monatlich am Montag" does not say which Monday
    days = [day for _, group_days in phrase.groups for day in group_days]
    interval = f"INTERVAL={phrase.weeks};" if phrase.weeks and phrase.weeks > 1 else ""
    return f"FREQ=WEEKLY;{interval}BYDAY={_byday((0, day) for day in days)}"


def parse_recurrence(text: str) -> str | None:
    """Turn a rule phrase into an RFC 5545 RRULE value (without the 'RRULE:' prefix), or None when its dates cannot be computed."""  # noqa: E501
    stripped = text.strip()
    if stripped.lower().startswith(_RAW_PREFIXES):
        return _normalize_raw(stripped)
    tokens = _tokens(stripped)
    if not tokens:
        return None
    phrase = _collect(tokens)
    return None if phrase is None else _phrase_rule(phrase)


# --- dates --------------------------------------------------------------------------------------------------


# How a rule's dates are found, bounded in memory and in time:
#
# * Memory: nothing is kept between calls except the parsed rules (and the at most _MAX_COUNT dates of COUNT rules).
# * Where to start: a rule without COUNT is expanded from the period (day, week, month or year, times INTERVAL) that
#   contains the window, not from its DTSTART, which may lie in 1900. Shifting DTSTART by whole periods keeps the
#   rule's phase (which weeks of "every other week" count), but dateutil also derives parts from DTSTART when they
#   are not given (the month day of a monthly rule, the weekday of a weekly one, the time of day); _explicit writes
#   those out first, so that the shifted rule gives exactly the dates of the original one.
# * Where to stop: dateutil's loop only ends after a date past UNTIL (or after year 9999), so a rule that matches
#   nothing (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) or nothing for a long time would walk period after period to the
#   year 9999. _PeriodBudget bounds that walk to the periods the question is about.

MAX_DATES_PER_WINDOW: Final = 500
_YIELD_YEARS: Final = 10
# COUNT rules are finite: their dates are generated once, up to the last year a date in the bot can have.
_COUNT_HORIZON: Final = datetime(MAX_YEAR, 12, 31, 23, 59, 59)
_WEEKDAY_CODES: Final = tuple(str(day) for day in weekdays)  # "MO", ..., "SU"


class _PeriodsSpent(Exception):
    """Raised out of dateutil's loop when a _PeriodBudget is used up."""


class _PeriodBudget(int):
    """An INTERVAL for dateutil that counts how often its loop moves on to the next period, and stops it after a
    number of periods.

    dateutil's `rrule._iter` advances with `year += interval` (YEARLY), `month += interval` (MONTHLY),
    `day += interval` (DAILY) and `day += ... + self._interval * 7` (WEEKLY): one `__radd__` or `__mul__` call on
    this value per period, whether the period had a date or not. So a rule built with this INTERVAL looks at no more
    than `periods + 1` periods, however rarely or never it matches; the exception ends the generator. The value is
    the real interval in all arithmetic, nothing global is changed, and each walk gets a budget of its own (a rule
    built with one is used once). tests/parsing/test_recurrence.py times never-matching rules, so a dateutil that
    stopped asking this value would fail there instead of hanging in production.
    """

    _left: int

    def __new__(cls, interval: int, periods: int) -> _PeriodBudget:
        budget = super().__new__(cls, interval)
        budget._left = periods
        return budget

    def _step(self) -> int:
        if self._left <= 0:
            raise _PeriodsSpent
        self._left -= 1
        return int(self)

    def __radd__(self, other: int) -> int:
        return other + self._step()

    def __mul__(self, other: int) -> int:
        return self._step() * other


@dataclass(frozen=True, slots=True)
class _Rule:
    """A checked rule anchored at its DTSTART, with what it takes to move that anchor by whole periods."""

    rule: RRule  # naive local datetimes, every part dateutil would derive from DTSTART written out
    freq: str
    interval: int
    wkst: int  # 0 = Monday
    start: datetime
    counted: bool  # COUNT rules are always expanded from DTSTART


def _explicit(items: Mapping[str, str], start: datetime) -> dict[str, str]:
    """The rule parts with dateutil's defaults from DTSTART made explicit (see `rrule.__init__`)."""
    parts = dict(items)
    if not any(key in parts for key in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")):
        if parts["FREQ"] == "YEARLY":
            parts.setdefault("BYMONTH", str(start.month))
            parts["BYMONTHDAY"] = str(start.day)
        elif parts["FREQ"] == "MONTHLY":
            parts["BYMONTHDAY"] = str(start.day)
        elif parts["FREQ"] == "WEEKLY":
            parts["BYDAY"] = _WEEKDAY_CODES[start.weekday()]
    parts.setdefault("BYHOUR", str(start.hour))
    parts.setdefault("BYMINUTE", str(start.minute))
    parts.setdefault("BYSECOND", str(start.second))
    parts.setdefault("WKST", _WEEKDAY_CODES[calendar.firstweekday()])  # what dateutil falls back to
    return parts


@functools.lru_cache(maxsize=1024)
def _anchored(rrule: str, start: datetime, tz: tzinfo) -> _Rule:
    """A rule as dateutil reads it from the given DTSTART (naive local time), ready to be moved (RecurrenceError)."""
    items = _rule_items(rrule)
    parts = _explicit(items, start)
    try:
        built = _build(parts, start, tz)
    except RecurrenceError:
        _build(items, start, tz)  # raises with the rule as it was written
        raise
    return _Rule(
        rule=built,
        freq=parts["FREQ"],
        interval=int(parts.get("INTERVAL", "1")),
        wkst=_WEEKDAY_CODES.index(parts["WKST"]),
        start=start,
        counted="COUNT" in parts,
    )


def _week_start(day: date, wkst: int) -> date:
    return day - timedelta(days=(day.weekday() - wkst) % 7)


def _period_index(rule: _Rule, day: date) -> int:
    """Which of the rule's periods (0 is the one of DTSTART) contains the day; negative before DTSTART's."""
    first = rule.start.date()
    if rule.freq == "DAILY":
        units = (day - first).days
    elif rule.freq == "WEEKLY":
        units = (_week_start(day, rule.wkst) - _week_start(first, rule.wkst)).days // 7
    elif rule.freq == "MONTHLY":
        units = (day.year - first.year) * 12 + day.month - first.month
    else:
        units = day.year - first.year
    return units // rule.interval


def _period_start(rule: _Rule, index: int) -> datetime | None:
    """Midnight of the first day of the rule's period `index` (None past the year 9999)."""
    steps = index * rule.interval
    first = rule.start.date()
    try:
        if rule.freq == "DAILY":
            day = first + timedelta(days=steps)
        elif rule.freq == "WEEKLY":
            day = _week_start(first, rule.wkst) + timedelta(weeks=steps)
        elif rule.freq == "MONTHLY":
            year, month = divmod(first.year * 12 + first.month - 1 + steps, 12)
            day = date(year, month + 1, 1)
        else:
            day = date(first.year + steps, 1, 1)
    except (OverflowError, ValueError):
        return None
    return datetime.combine(day, time())


def _walk(rule: _Rule, begin: datetime, periods: int) -> Iterator[datetime]:
    """The rule's dates from `begin` (DTSTART or the start of one of its periods) through `periods` more periods.

    From the start of a later period, dateutil's first period is a whole one and the parts it would derive from
    DTSTART are already explicit, so the dates are those the rule has from DTSTART on; the budget bounds the walk.
    """
    moved = rule.rule.replace(dtstart=begin, interval=_PeriodBudget(rule.interval, max(periods, 0)))
    dates = iter(moved)
    while True:
        try:
            yield next(dates)
        except (StopIteration, _PeriodsSpent):
            return


@functools.lru_cache(maxsize=128)
def _counted(rrule: str, start: datetime, tz: tzinfo) -> tuple[datetime, ...]:
    """All dates of a COUNT rule (at most _MAX_COUNT of them), up to the end of the last year the bot takes.

    Counting has to start at DTSTART, so this walks from there, once per rule: at worst (a sparse daily rule from
    1900) about 110,000 days, a few tenths of a second; the cache holds at most 128 x 1,000 dates.
    """
    rule = _anchored(rrule, start, tz)
    periods = _period_index(rule, _COUNT_HORIZON.date())
    return tuple(moment for moment in _walk(rule, start, periods) if moment <= _COUNT_HORIZON)


def _dates_between(rrule: str, rule: _Rule, tz: tzinfo, low: datetime, high: datetime) -> Iterator[datetime]:
    """The rule's naive local dates in [low, high], in order, never before its DTSTART."""
    low = max(low, rule.start)
    if high < low:
        return
    if rule.counted:
        dates = _counted(rrule, rule.start, tz)
        yield from dates[bisect.bisect_left(dates, low) : bisect.bisect_right(dates, high)]
        return
    index = max(_period_index(rule, low.date()), 0)
    begin = rule.start if index == 0 else _period_start(rule, index)
    if begin is None:
        return
    for moment in _walk(rule, begin, _period_index(rule, high.date()) - index):
        if moment > high:
            return
        if moment >= low:
            yield moment


def _years_later(moment: datetime, years: int) -> datetime:
    """The same wall-clock time `years` later (29 February becomes the 28th); datetime.max past the year 9999."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        if moment.year + years > datetime.max.year:
            return datetime.max
        return moment.replace(year=moment.year + years, day=28)


def _first_within(rule: _Rule, years: int) -> datetime | None:
    """The rule's first date in the `years` years from its DTSTART, looking at no period beyond them."""
    end = _years_later(rule.start, years)
    for moment in _walk(rule, rule.start, _period_index(rule, end.date())):
        return moment if moment < end else None
    return None


def check_rule_yields(rrule: str, dtstart: date) -> None:
    """Refuse (RecurrenceError) a rule that, anchored at dtstart, has no date in the ten years from it.

    Rules that never match (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) are answered as fast as others: the search looks
    at the rule's periods of those ten years and no more (see _PeriodBudget), at most about 3,650 days.
    A datetime is taken as naive local time; a date as its midnight.
    """
    start = dtstart if isinstance(dtstart, datetime) else datetime.combine(dtstart, time())
    start = start.replace(tzinfo=None)
    if _first_within(_anchored(rrule, start, UTC), _YIELD_YEARS) is None:
        raise RecurrenceError(
            f"RRULE {rrule!r}: the rule yields no date within {_YIELD_YEARS} years of {start.date().isoformat()}"
        )


def first_occurrence(rrule: str, *, on_or_after: date) -> date:
    """The anchor date (DTSTART) for a rule: the first matching date on or after the given day.

    Looks ten years ahead at most (cheaply, also for rules that never match) and raises RecurrenceError when the rule
    has no date in that time.
    """
    items = _rule_items(rrule)
    # The interval counts from the anchor being chosen here, so it must not push the first match away.
    items.pop("INTERVAL", None)
    found = _first_within(_anchored(_join(items), datetime.combine(on_or_after, time()), UTC), _YIELD_YEARS)
    if found is None:
        raise RecurrenceError(f"RRULE {rrule!r} has no date within {_YIELD_YEARS} years from {on_or_after.isoformat()}")
    return found.date()


_NO_MOVES: Final[Mapping[date, datetime]] = MappingProxyType({})


def _aware(moment: datetime, tz: tzinfo) -> datetime:
    """Attach the zone to a naive (local wall-clock) datetime; leave aware ones alone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def _local(moment: datetime, tz: tzinfo, days: int) -> datetime:
    """The naive local wall-clock time of an aware moment, moved by whole days (clamped to datetime's range)."""
    local = moment.astimezone(tz).replace(tzinfo=None)
    try:
        return local + timedelta(days=days)
    except OverflowError:
        return datetime.max if days > 0 else datetime.min


def occurrences(
    rrule: str | None,
    *,
    dtstart: date,
    start_time: time,
    tz: tzinfo,
    after: datetime,
    before: datetime,
    skipped: frozenset[date] = frozenset(),
    moved: Mapping[date, datetime] = _NO_MOVES,
    extra: frozenset[datetime] = frozenset(),
) -> list[datetime]:
    """All occurrences starting in [after, before), zone-aware, sorted; at most MAX_DATES_PER_WINDOW of them.

    The rule is expanded from the window on, not from dtstart (see _dates_between), so the time and memory a call takes
    depend on the window, not on how long ago the meetup began or how rarely its rule matches.
    """
    after, before = _aware(after, tz), _aware(before, tz)
    found: set[datetime] = set()
    if rrule is not None:
        start = datetime.combine(dtstart, start_time.replace(tzinfo=None))
        rule = _anchored(rrule, start, tz)
        # Expand in naive local time with a day of slack on each side; the exact cut happens zone-aware.
        low = _local(after, tz, -1)
        high = _local(before, tz, +1)
        for local in _dates_between(rrule, rule, tz, low, high):
            if local.date() in skipped or local.date() in moved:
                continue
            moment = local.replace(tzinfo=tz)
            if after <= moment < before:
                found.add(moment)
                if len(found) >= MAX_DATES_PER_WINDOW:
                    break
    # A moved occurrence counts at its new time even when its original date lies outside the window.
    found.update(_aware(moment, tz) for moment in moved.values())
    found.update(_aware(moment, tz) for moment in extra)
    return sorted(moment for moment in found if after <= moment < before)[:MAX_DATES_PER_WINDOW]
