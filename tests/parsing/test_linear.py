"""Every parser in bot.parsing takes time linear in its input: long runs of blanks, commas, dashes or digits (the
shapes that make a backtracking regex quadratic) are read or refused in well under a second."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from time import perf_counter
from typing import Any

import pytest

from bot.commands.events import EVENT_FIELDS
from bot.commands.meetups import MEETUP_FIELDS
from bot.parsing.fields import (
    FieldError,
    clean_text,
    parse_geo,
    parse_link,
    parse_number,
    parse_place,
    parse_time_range,
    split_fields,
)
from bot.parsing.months import MonthError, parse_month
from bot.parsing.recurrence import RecurrenceError, parse_recurrence
from bot.parsing.when import WhenError, parse_when

SIZE = 100_000
LIMIT = 1.0  # seconds: a hang guard; each call takes milliseconds
NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)

INPUTS = {
    "blanks": " " * SIZE,
    "a-blanks-b": "a" + " " * SIZE + "b",
    "tabs-and-nbsp": "a" + "\t\u00a0" * (SIZE // 2) + "b",
    "commas": "," * SIZE,
    "dashes": "-" * SIZE,
    "digits": "7" * SIZE,
    "digit-blanks": "1" + " " * SIZE + "x",
    "comma-blanks": "a" + ", " * (SIZE // 2) + "b",
    "blanks-before-online": "a" + " " * SIZE + "und online x",
    "blanks-then-online": "a" + " " * SIZE + ", und online",
    "dots": "1." * (SIZE // 2),
    "colons": "1:" * (SIZE // 2),
    "pipes": "|" * SIZE,
    "lines": "a:\n" * (SIZE // 3),
    "key-blanks": "wo" + " " * SIZE + ":x",
    "geo-blanks": "1" + " " * SIZE + "," + " " * SIZE + "x",
    "time-blanks": "19" + " " * SIZE + "uhr" + " " * SIZE + "x",
    "raw-rule-days": "FREQ=WEEKLY;BYDAY=" + "MO," * (SIZE // 3),
    "raw-rule-digits": "FREQ=YEARLY;BYMONTHDAY=" + "1," * (SIZE // 2),
    "raw-rule-blanks": "RRULE:" + " " * SIZE + "FREQ=DAILY",
    "raw-rule-ordinal": "FREQ=MONTHLY;BYDAY=" + "1" * SIZE + "X",
    "words": "jeden " * (SIZE // 6),
}

# Each parser, called on one text, with the errors it documents.
PARSERS: dict[str, tuple[Callable[[str], Any], tuple[type[Exception], ...]]] = {
    "parse_place": (parse_place, ()),
    "parse_link": (parse_link, (FieldError,)),
    "parse_geo": (parse_geo, (FieldError,)),
    "parse_time_range": (parse_time_range, (FieldError,)),
    "parse_number": (parse_number, (FieldError,)),
    "clean_text": (clean_text, ()),
    "split_fields (event)": (lambda text: split_fields(text, ("title", "when", "where"), EVENT_FIELDS), (FieldError,)),
    "split_fields (meetup)": (lambda text: split_fields(text, ("city", "rule"), MEETUP_FIELDS), (FieldError,)),
    "parse_when": (lambda text: parse_when(text, now=NOW, tz=UTC), (WhenError,)),
    "parse_month (one word)": (lambda text: parse_month([text], date(2026, 1, 10), prefer="future"), (MonthError,)),
    "parse_month (words)": (lambda text: parse_month(text.split(), date(2026, 1, 10), prefer="past"), (MonthError,)),
    "parse_recurrence": (parse_recurrence, (RecurrenceError,)),
}


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("shape", INPUTS)
def test_long_input_is_read_or_refused_quickly(parser: str, shape: str) -> None:
    call, errors = PARSERS[parser]
    started = perf_counter()
    try:
        call(INPUTS[shape])
    except errors:
        pass
    assert perf_counter() - started < LIMIT


def test_the_review_cases() -> None:
    # a LOCATION of 'a', 30,000 blanks and 'b' took 22 s
    started = perf_counter()
    assert parse_place("a" + " " * 30_000 + "b") == ("a" + " " * 30_000 + "b", False)
    assert parse_place("a" + " " * 30_000 + ", und auch online") == ("a", True)
    assert parse_time_range("19" + " " * 30_000 + "Uhr") == parse_time_range("19 Uhr")
    assert perf_counter() - started < LIMIT
