"""Recurrence rules for regular meetups: German/English phrases to RRULE values, and their dates."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Final

from babel.dates import get_day_names
from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr, weekdays

__all__ = ["RecurrenceError", "first_occurrence", "occurrences", "parse_recurrence"]


class RecurrenceError(ValueError):
    """A raw RRULE string that is malformed."""


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


@functools.lru_cache(maxsize=1024)
def _expansion(rrule: str, start: datetime, tz: tzinfo) -> RRule:
    """A stored rule from its first date, keeping the dates it has generated (dateutil's cache): the scheduler and
    the lists ask for the same meetups' dates again and again, and would otherwise walk from the first date on."""
    return _build(_rule_items(rrule), start, tz).replace(cache=True)


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


def first_occurrence(rrule: str, *, on_or_after: date) -> date:
    """The anchor date (DTSTART) for a rule: the first matching date on or after the given day."""
    items = _rule_items(rrule)
    # The interval counts from the anchor being chosen here, so it must not push the first match away.
    items.pop("INTERVAL", None)
    rule = _build(items, datetime.combine(on_or_after, time()), UTC)
    found = rule.after(datetime.combine(on_or_after, time()), inc=True)
    if found is None:
        raise RecurrenceError(f"RRULE {rrule!r} has no date on or after {on_or_after.isoformat()}")
    return found.date()


_NO_MOVES: Final[Mapping[date, datetime]] = MappingProxyType({})


def _aware(moment: datetime, tz: tzinfo) -> datetime:
    """Attach the zone to a naive (local wall-clock) datetime; leave aware ones alone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


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
    """All occurrences starting in [after, before), zone-aware, sorted."""
    after, before = _aware(after, tz), _aware(before, tz)
    found: set[datetime] = set()
    if rrule is not None:
        rule = _expansion(rrule, datetime.combine(dtstart, start_time.replace(tzinfo=None)), tz)
        # Expand in naive local time with a day of slack on each side; the exact cut happens zone-aware.
        low = after.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
        high = before.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
        for local in rule.between(low, high, inc=True):
            if local.date() not in skipped and local.date() not in moved:
                found.add(local.replace(tzinfo=tz))
    # A moved occurrence counts at its new time even when its original date lies outside the window.
    found.update(_aware(moment, tz) for moment in moved.values())
    found.update(_aware(moment, tz) for moment in extra)
    return sorted(moment for moment in found if after <= moment < before)
