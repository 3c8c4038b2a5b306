"""Month arguments (`november`, `Nov`, `11`, `2025-11`, `Dezember 2026`), names taken from Babel."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from babel.dates import get_month_names

from bot.errors import InputError


def _month_table() -> Mapping[str, int]:
    table: dict[str, int] = {}
    for locale in ("de", "en"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    key = name.casefold().rstrip(".")
                    table[key] = number
                    table[key.replace("ä", "ae")] = number
    return MappingProxyType(table)


MONTHS = _month_table()
# ASCII digits only: str.isdigit() also accepts "²", which int() refuses; years outside 1900-2199 are typos
_YEAR_PATTERN = r"(?:19|20|21)[0-9]{2}"
_YEAR = re.compile(_YEAR_PATTERN)
_NUMBER = re.compile(r"[0-9]{1,2}")
_ISO = re.compile(rf"^({_YEAR_PATTERN})-([0-9]{{1,2}})$")
_MONTH_YEAR = re.compile(rf"^([0-9]{{1,2}})[./]({_YEAR_PATTERN})$")


class MonthError(InputError, ValueError):
    """Not a month: `str(error)` is the word that is not one (no codes: each command says so in its words)."""

    def __init__(self, word: str) -> None:
        super().__init__(None, word)


def parse_month(words: list[str], today: date, *, prefer: str) -> tuple[int, int]:
    """(year, month) from words; without a year, the next (prefer='future') or last ('past') such month."""
    if not words or len(words) > 2:
        raise MonthError(" ".join(words))
    first = words[0].casefold().rstrip(".")
    if len(words) == 1 and (match := _ISO.match(first) or _MONTH_YEAR.match(first)):
        year, month = (
            (int(match.group(1)), int(match.group(2)))
            if match.re is _ISO
            else (int(match.group(2)), int(match.group(1)))
        )
        if not 1 <= month <= 12:
            raise MonthError(words[0])
        return year, month
    if _NUMBER.fullmatch(first) and 1 <= int(first) <= 12:
        month = int(first)
    elif first in MONTHS:
        month = MONTHS[first]
    else:
        raise MonthError(words[0])
    if len(words) == 2:
        if not _YEAR.fullmatch(words[1]):
            raise MonthError(words[1])
        return int(words[1]), month
    if prefer == "future":
        return (today.year if month >= today.month else today.year + 1), month
    return (today.year if month <= today.month else today.year - 1), month
