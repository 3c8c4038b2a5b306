"""Tests for bot.parsing.months: month names, numbers and years, and which year a bare month means."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.parsing.months import MONTHS, MonthError, parse_month

TODAY = date(2025, 12, 12)


def month_of(text: str, today: date = TODAY, prefer: str = "future") -> tuple[int, int]:
    return parse_month(text.split(), today, prefer=prefer)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("november", (2026, 11)),
        ("Nov", (2026, 11)),
        ("nov.", (2026, 11)),
        ("11", (2026, 11)),
        ("2025-11", (2025, 11)),
        ("2025-3", (2025, 3)),
        ("11/2025", (2025, 11)),
        ("11.2025", (2025, 11)),
        ("Dezember 2026", (2026, 12)),
        ("12 2027", (2027, 12)),
        ("märz", (2026, 3)),
        ("maerz", (2026, 3)),
        ("MÄRZ", (2026, 3)),
        ("March", (2026, 3)),
        ("Mai", (2026, 5)),
        ("Oct", (2026, 10)),
        ("Okt", (2026, 10)),
    ],
)
def test_parse_month_forms(text: str, expected: tuple[int, int]) -> None:
    assert month_of(text) == expected


@pytest.mark.parametrize(
    ("text", "prefer", "expected"),
    [
        ("dezember", "future", (2025, 12)),  # this month counts as the next one
        ("dezember", "past", (2025, 12)),  # and as the last one
        ("januar", "future", (2026, 1)),
        ("januar", "past", (2025, 1)),
        ("november", "future", (2026, 11)),
        ("november", "past", (2025, 11)),
        ("2024-01", "future", (2024, 1)),  # an explicit year wins over prefer
        ("januar 2030", "past", (2030, 1)),
    ],
)
def test_year_around_the_year_end(text: str, prefer: str, expected: tuple[int, int]) -> None:
    assert month_of(text, date(2025, 12, 31), prefer) == expected


@pytest.mark.parametrize(
    ("text", "prefer", "expected"),
    [
        ("dezember", "future", (2026, 12)),
        ("dezember", "past", (2025, 12)),
        ("januar", "future", (2026, 1)),
        ("januar", "past", (2026, 1)),
        ("februar", "past", (2025, 2)),
        ("februar", "future", (2026, 2)),
    ],
)
def test_year_just_after_new_year(text: str, prefer: str, expected: tuple[int, int]) -> None:
    assert month_of(text, date(2026, 1, 1), prefer) == expected


def test_every_month_has_german_and_english_names() -> None:
    for name, number in [
        ("januar", 1),
        ("january", 1),
        ("februar", 2),
        ("juni", 6),
        ("june", 6),
        ("oktober", 10),
        ("october", 10),
        ("dezember", 12),
        ("december", 12),
    ]:
        assert MONTHS[name] == number
    assert set(MONTHS.values()) == set(range(1, 13))


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["quatsch"],
        ["13"],
        ["0"],
        ["2025-13"],
        ["2025-00"],
        ["13/2025"],
        ["november", "25"],
        ["november", "nächstes"],
        ["november", "2025", "x"],
        ["2025"],
        ["-1"],
        ["11-2025"],
    ],
)
def test_junk_is_a_month_error(words: list[str]) -> None:
    with pytest.raises(MonthError):
        parse_month(words, TODAY, prefer="future")


# Unicode digits like '²' pass str.isdigit() but int() refuses them: they must be a MonthError, not a crash
@pytest.mark.parametrize("words", [["²"], ["november", "²²²²"]])
def test_superscript_digits_are_a_month_error(words: list[str]) -> None:
    with pytest.raises(MonthError):
        parse_month(words, TODAY, prefer="future")


@pytest.mark.parametrize("text", ["0000-11", "11/0000", "november 0000"])
def test_year_zero_is_a_month_error(text: str) -> None:
    with pytest.raises(MonthError):
        month_of(text)


_DIGITS = st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=4)  # also ², ①, ٣ ...
_WORD = st.one_of(
    st.text(max_size=12),
    _DIGITS,
    st.sampled_from([*MONTHS, "2025-11", "11/2025", "2026", "13", "0"]),
    st.integers(-5, 10_000).map(str),
)


@settings(database=None)
@example(["²"], TODAY, "future")
@given(st.lists(_WORD, max_size=3), st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.sampled_from(["future", "past"]))
def test_parse_month_only_raises_month_error(words: list[str], today: date, prefer: str) -> None:
    try:
        year, month = parse_month(words, today, prefer=prefer)
    except MonthError:
        return
    assert 1 <= month <= 12
    assert 1 <= year <= 9999
