"""Command arguments: one-line `a | b | c` or multi-line `key: value`, item numbers, links, coordinates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import time
from enum import StrEnum
from urllib.parse import urlsplit

from bot.errors import InputError

MAX_TITLE = 200
MIN_YEAR, MAX_YEAR = 1900, 2199  # dates outside are typos (and date arithmetic near years 1 and 9999 fails)


class FieldCode(StrEnum):
    """How an argument is malformed (its message: `field_<code>`)."""

    TOO_MANY_PARTS = "too_many_parts"
    UNKNOWN_FIELD = "unknown_field"
    DUPLICATE_FIELD = "duplicate_field"
    BAD_NUMBER = "bad_number"
    BAD_LINK = "bad_link"
    BAD_GEO = "bad_geo"
    BAD_TIME = "bad_time"


class FieldError(InputError, ValueError):
    """An argument is malformed; `code` says how, `value` shows the offending text.

    For `too_many_parts` it also carries what is needed to show the same command in the multi-line form: the
    one-line text as given (`text`), its parts, and the field names in the order the parts fill them.
    """

    prefix = "field"
    codes = FieldCode
    code: FieldCode

    def __init__(
        self,
        code: FieldCode,
        value: str = "",
        *,
        text: str = "",
        parts: Sequence[str] = (),
        names: Sequence[str] = (),
    ) -> None:
        super().__init__(code, value)
        self.value = value
        self.text = text
        self.parts = tuple(parts)
        self.names = tuple(names)

    def __str__(self) -> str:
        return f"{self.code}: {self.value}"


# A `|` separates the parts of a one-line command; `\|` is a `|` in the text (fixed-width look-behind: linear).
_PIPE = re.compile(r"(?<!\\)\|")
_KEY_LINE = re.compile(r"^\s*([\w\-äöüÄÖÜß]+)\s*:\s?(.*)$")
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_GEO = re.compile(r"^\s*(-?\d{1,3}(?:[.,]\d+)?)\s*[,;]\s*(-?\d{1,3}(?:[.,]\d+)?)\s*$")
# The words that end a place that is also online, tried only at the last few positions of the (stripped) text.
_ONLINE_WORDS = re.compile(r"(?:und auch online|und online|and online|\+ ?online|& online)\Z", re.IGNORECASE)
_ONLINE_WORDS_LONGEST = len("und auch online")


# Markdown emphasis and code as people type it in Element: `**bold**`, `__bold__`, `*it*`, `_it_`, `` `code` ``.
# Each delimiter pair encloses no delimiter of its kind, so every match is found in one pass (no backtracking);
# underscores count only at word edges (snake_case and URLs keep theirs).
_MARKDOWN = (
    re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)([^_\n]+?)(?<=\S)__(?!\w)"),
    re.compile(r"\*(?=\S)([^*\n]+?)(?<=\S)\*"),
    re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"),
    re.compile(r"`+([^`\n]+)`+"),
)


def plain_words(text: str) -> str:
    """The words of text typed with Markdown emphasis, without the marks: `**Open Data Day**` -> `Open Data Day`."""
    for pattern in _MARKDOWN:
        text = pattern.sub(r"\1", text)
    return text


def clean_text(text: str) -> str:
    """One line of user text: control characters dropped, runs of whitespace collapsed."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch.isspace()).split())


def _key_of(line: str, aliases: Mapping[str, str]) -> str | None:
    match = _KEY_LINE.match(line)
    return aliases.get(match.group(1).lower()) if match else None


def _unescape(value: str) -> str:
    """A value with its escaped pipes (`\\|`) as plain `|`."""
    return value.replace("\\|", "|")


def split_fields(text: str, names: Sequence[str], aliases: Mapping[str, str]) -> dict[str, str]:
    """Read `v1 | v2 | ...` (in the order of names) or one `key: value` per line, into canonical names.

    `\\|` is a `|` inside a value. More parts than names raise `too_many_parts` with all the parts, so that the
    answer can show the command in the multi-line form, where a `|` needs no escape.
    """
    text = text.strip()
    if "\n" not in text and _key_of(text, aliases) is None:
        parts = [_unescape(part).strip() for part in _PIPE.split(text)]
        if len(parts) > len(names):
            raise FieldError(
                FieldCode.TOO_MANY_PARTS, " | ".join(parts[len(names) :]), text=text, parts=parts, names=tuple(names)
            )
        return {name: value for name, value in zip(names, parts, strict=False) if value}
    values: dict[str, str] = {}
    for line in filter(str.strip, text.splitlines()):
        key = _key_of(line, aliases)
        if key is None:
            raise FieldError(FieldCode.UNKNOWN_FIELD, line.split(":", 1)[0].strip()[:40])
        if key in values:
            raise FieldError(FieldCode.DUPLICATE_FIELD, line.split(":", 1)[0].strip())
        values[key] = _unescape(line.split(":", 1)[1].strip())
    return {key: value for key, value in values.items() if value}


def looks_like_number(text: str) -> bool:
    """Whether a word is an item number (`#12` or `12`)."""
    return _NUMBER.match(text.strip()) is not None


def parse_number(text: str) -> int:
    """`#12` or `12` as 12."""
    match = _NUMBER.match(text.strip())
    if not match:
        raise FieldError(FieldCode.BAD_NUMBER, text.strip()[:40])
    return int(match.group(1))


def parse_link(text: str) -> str:
    """An http(s) URL with a host, as written."""
    value = text.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        raise FieldError(FieldCode.BAD_LINK, value[:200]) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise FieldError(FieldCode.BAD_LINK, value[:200])
    return value


def parse_geo(text: str) -> tuple[float, float]:
    """`52.5027, 13.4393` (or with `;`) as (latitude, longitude)."""
    match = _GEO.match(text)
    if not match:
        raise FieldError(FieldCode.BAD_GEO, text.strip()[:60])
    lat, lon = (float(group.replace(",", ".")) for group in match.groups())
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FieldError(FieldCode.BAD_GEO, text.strip()[:60])
    return lat, lon


def parse_place(text: str) -> tuple[str | None, bool]:
    """(place, also online): `online` is online only; `<place> und auch online` is both.

    A comma right before the suffix is taken as a separator (`WikiBär, und auch online`).
    """
    value = text.strip()
    if value.casefold() in ("online", "virtuell", "virtual", "remote"):
        return None, True
    start = _online_suffix_start(value)
    if start is None:
        return value, False
    return value[:start] or None, True


def _blanks_before(text: str, end: int) -> int:
    """Where the run of whitespace that ends at `end` begins."""
    while end and text[end - 1].isspace():
        end -= 1
    return end


def _online_suffix_start(value: str) -> int | None:
    """Where the online suffix of stripped text begins, with the blanks and the one comma before it; None without.

    Linear: the words are tried at the last few positions only, then the blanks before them are walked back once.
    (A regex `\\s*(?:,\\s*)?(?:und online|...)\\s*$` searched from every position is quadratic on long blank runs.)
    """
    for start in range(max(len(value) - _ONLINE_WORDS_LONGEST, 0), len(value)):
        # a whole word only: "Brand online" is a place called "Brand online", not "Br" and online
        if _ONLINE_WORDS.match(value, start) and (start == 0 or not value[start - 1].isalnum()):
            break
    else:
        return None
    start = _blanks_before(value, start)
    if start and value[start - 1] == ",":
        start = _blanks_before(value, start - 1)
    return start


_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?"
# Not `\s*(?:uhr|h)?\s*`: two blank runs around an optional word can split a long run of blanks in n ways (quadratic).
_TIME_RANGE = re.compile(rf"^{_CLOCK}\s*(?:(?:uhr|h)\s*)?(?:(?:-|–|bis|to)\s*{_CLOCK}\s*(?:uhr|h)?)?$", re.IGNORECASE)


def parse_time_range(text: str) -> tuple[time, time | None]:
    """`19:00-22:00`, `19-22 Uhr`, `19 Uhr`, `19.30` as (start, end or None)."""
    match = _TIME_RANGE.match(text.strip())
    if not match:
        raise FieldError(FieldCode.BAD_TIME, text.strip()[:40])
    hour, minute, end_hour, end_minute = match.groups()
    try:
        start = time(int(hour), int(minute or 0))
        end = time(int(end_hour), int(end_minute or 0)) if end_hour is not None else None
    except ValueError:
        raise FieldError(FieldCode.BAD_TIME, text.strip()[:40]) from None
    return start, end
