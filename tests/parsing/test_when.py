"""Tests for bot.parsing.when: every accepted format, DST, leap days, names from Babel, and every error."""

from __future__ import annotations

import dataclasses
import pickle
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_day_names, get_month_names
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsing.when import ERROR_CODES, MAX_LENGTH, When, WhenError, parse_when

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 11, 20, 12, 0, tzinfo=BERLIN)  # a Thursday, noon
WINTER = timedelta(hours=1)
SUMMER = timedelta(hours=2)


def parse(text: str, now: datetime = NOW) -> When:
    """Parse text in Berlin at now."""
    return parse_when(text, now=now, tz=BERLIN)


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """Return a Berlin wall-clock time."""
    return datetime(y, m, d, h, mi, tzinfo=BERLIN)


def assert_when(result: When, start: datetime, end: datetime | None, all_day: bool) -> None:
    """Check result field by field, including the UTC offsets (== on same-zone datetimes ignores them)."""
    assert result.all_day is all_day
    assert result.start == start
    assert result.start.tzinfo is BERLIN
    assert result.start.utcoffset() == start.utcoffset()
    if end is None:
        assert result.end is None
    else:
        assert result.end == end
        assert result.end.tzinfo is BERLIN
        assert result.end.utcoffset() == end.utcoffset()


def error_of(text: str, now: datetime = NOW) -> WhenError:
    """Return the WhenError that parsing text raises."""
    with pytest.raises(WhenError) as info:
        parse(text, now)
    return info.value


# --- accepted formats -------------------------------------------------------------------------------------

EVENING = (at(2025, 12, 4, 18), at(2025, 12, 4, 21), False)
SIX_PM = (at(2025, 12, 4, 18), None, False)
DEC_4 = (at(2025, 12, 4), None, True)
DEC_2_TO_5_TIMED = (at(2025, 12, 2, 13), at(2025, 12, 5, 13), False)
DEC_2_TO_5_ALL_DAY = (at(2025, 12, 2), at(2025, 12, 5), True)

FORMATS = [
    # numeric German
    ("04.12.2025 18:00-21:00", EVENING),
    ("04.12.2025 18:00 - 21:00", EVENING),
    ("04.12.2025 18-21 Uhr", EVENING),
    ("04.12.2025 18 Uhr", SIX_PM),
    ("04.12.2025 18:30 Uhr", (at(2025, 12, 4, 18, 30), None, False)),
    ("4.12.2025, 18:00", SIX_PM),
    # ISO
    ("2025-12-04 18:00", SIX_PM),
    ("2025-12-04T18:00", SIX_PM),
    ("2025-12-04T18:00/21:00", EVENING),
    ("2025-12-04 18:00-21:00", EVENING),
    # several days, timed
    ("02.12.2025 13:00 bis 05.12.2025 13:00", DEC_2_TO_5_TIMED),
    ("02.12.2025 13:00 - 05.12.2025 13:00", DEC_2_TO_5_TIMED),
    ("02.12.2025 13:00 – 05.12.2025 13:00", DEC_2_TO_5_TIMED),
    ("02.12.2025 13:00 to 05.12.2025 13:00", DEC_2_TO_5_TIMED),
    ("02.12.2025 13:00 until 05.12.2025 13:00", DEC_2_TO_5_TIMED),
    # several days, all day
    ("02.12.2025 - 05.12.2025", DEC_2_TO_5_ALL_DAY),
    ("02.12.2025 bis 05.12.2025", DEC_2_TO_5_ALL_DAY),
    ("02.12.2025 – 05.12.2025", DEC_2_TO_5_ALL_DAY),
    # one whole day
    ("04.12.2025", DEC_4),
    ("2025-12-04", DEC_4),
    # year omitted, names
    ("Do 4.12. 18:00", SIX_PM),
    ("Donnerstag, 4.12. 18:00", SIX_PM),
    ("4.12. 18-21 Uhr", EVENING),
    ("4. Dezember 18 Uhr", SIX_PM),
    ("4. Dez. 2025 18:00", SIX_PM),
    ("4 December 2025 6pm", SIX_PM),
    ("December 4 18:00", SIX_PM),
    ("Dec 4, 2025 7:30pm", (at(2025, 12, 4, 19, 30), None, False)),
    # relative; NOW is Thursday 20.11.2025 12:00
    ("heute 19 Uhr", (at(2025, 11, 20, 19), None, False)),
    ("morgen 19 Uhr", (at(2025, 11, 21, 19), None, False)),
    ("übermorgen 18:00", (at(2025, 11, 22, 18), None, False)),
    ("today 7pm", (at(2025, 11, 20, 19), None, False)),
    ("tomorrow 7pm", (at(2025, 11, 21, 19), None, False)),
    ("tomorrow 19:00-21:00", (at(2025, 11, 21, 19), at(2025, 11, 21, 21), False)),
    ("Donnerstag 19 Uhr", (at(2025, 11, 20, 19), None, False)),  # today, still ahead
    ("thursday 7pm", (at(2025, 11, 20, 19), None, False)),
    ("Donnerstag 10 Uhr", (at(2025, 11, 27, 10), None, False)),  # today's 10:00 is gone: next week
    ("Freitag 10 Uhr", (at(2025, 11, 21, 10), None, False)),
    ("Mittwoch 19 Uhr", (at(2025, 11, 26, 19), None, False)),
    ("heute", (at(2025, 11, 20), None, True)),
    ("Donnerstag", (at(2025, 11, 20), None, True)),  # an all-day event today is not over
    # English times
    ("04.12.2025 7pm", (at(2025, 12, 4, 19), None, False)),
    ("04.12.2025 7:30 pm", (at(2025, 12, 4, 19, 30), None, False)),
    ("04.12.2025 6pm-9pm", EVENING),
    ("04.12.2025 6-9pm", EVENING),
    ("04.12.2025 12am", (at(2025, 12, 4, 0), None, False)),
    ("04.12.2025 12pm", (at(2025, 12, 4, 12), None, False)),
    ("04.12.2025 12:30am", (at(2025, 12, 4, 0, 30), None, False)),
    # case and spacing
    ("HEUTE 19 UHR", (at(2025, 11, 20, 19), None, False)),
    ("DEC 4, 2025 7:30PM", (at(2025, 12, 4, 19, 30), None, False)),
    ("   04.12.2025     18:00   -    21:00   ", EVENING),
    ("4.12.2025,18:00", SIX_PM),
    ("Maerz 5 2026 18:00", (at(2026, 3, 5, 18), None, False)),
    ("5. MÄRZ 2026 18 Uhr", (at(2026, 3, 5, 18), None, False)),
    ("5. märz 18 Uhr", (at(2026, 3, 5, 18), None, False)),
    # ranges across midnight, and equal ends
    ("04.12.2025 22:00-02:00", (at(2025, 12, 4, 22), at(2025, 12, 5, 2), False)),
    ("31.12.2025 20:00-01:00", (at(2025, 12, 31, 20), at(2026, 1, 1, 1), False)),
    ("04.12.2025 18:00-18:00", (at(2025, 12, 4, 18), at(2025, 12, 4, 18), False)),
    ("04.12.2025 18:00 bis 04.12.2025 18:00", (at(2025, 12, 4, 18), at(2025, 12, 4, 18), False)),
    ("04.12.2025 - 04.12.2025", DEC_4),
]

EXTRA_FORMATS = [
    ("am 4.12. um 18 Uhr", SIX_PM),
    ("am Donnerstag, den 4.12. ab 18 Uhr", SIX_PM),
    ("vom 2.12. bis zum 5.12.", DEC_2_TO_5_ALL_DAY),
    ("4.12. von 18 bis 21 Uhr", EVENING),
    ("4.12.25 18:00", SIX_PM),
    ("4.12. 2025 18:00", SIX_PM),
    ("04.12.2025 18.00 Uhr", SIX_PM),
    ("04.12.2025 18h", SIX_PM),
    ("04.12.2025 18 Uhr - 21 Uhr", EVENING),
    ("04.12.2025 18:00-21 Uhr", EVENING),
    ("04.12.2025 18-21:00", EVENING),
    ("2025-12-04T18:00:00", SIX_PM),
    ("2025-12-04T18:00/2025-12-04T21:00", EVENING),
    ("2025-12-02/2025-12-05", DEC_2_TO_5_ALL_DAY),
    ("04.12.2025 6 p.m.", SIX_PM),
    ("04.12.2025 11-1pm", (at(2025, 12, 4, 11), at(2025, 12, 4, 13), False)),
    ("04.12.2025 11pm-1", (at(2025, 12, 4, 23), at(2025, 12, 5, 1), False)),
    ("04.12.2025 6pm-9", EVENING),
    ("04.12.2025 18-24 Uhr", (at(2025, 12, 4, 18), at(2025, 12, 5), False)),
    ("the 4th of December at 6pm", SIX_PM),
    ("Thu, Dec 4 2025 6pm", SIX_PM),
    ("tomorrow at 7pm", (at(2025, 11, 21, 19), None, False)),
    ("Fr 22:00 - Sa 02:00", (at(2025, 11, 21, 22), at(2025, 11, 22, 2), False)),
    ("heute 22:00 bis morgen 02:00", (at(2025, 11, 20, 22), at(2025, 11, 21, 2), False)),
    ("heute - übermorgen", (at(2025, 11, 20), at(2025, 11, 22), True)),
    ("Do 4.12. - Fr 5.12.", (at(2025, 12, 4), at(2025, 12, 5), True)),
    ("30.12. - 2.1.2026", (at(2025, 12, 30), at(2026, 1, 2), True)),  # start borrows the end's year
    ("2.1. - 5.1.2027", (at(2027, 1, 2), at(2027, 1, 5), True)),  # ... even when next January would fit
    ("30.12. 18:00 - 2.1.2027 02:00", (at(2026, 12, 30, 18), at(2027, 1, 2, 2), False)),
    ("4.12.-6.12.2025", (at(2025, 12, 4), at(2025, 12, 6), True)),
    ("01.11.2025 - 20.11.2025", (at(2025, 11, 1), at(2025, 11, 20), True)),  # ongoing: last day is today
    ("02.12.2025 bis 05.12.2025 13:00", (at(2025, 12, 2), at(2025, 12, 5, 13), False)),  # from the first day's start
]


@pytest.mark.parametrize(("text", "expected"), FORMATS + EXTRA_FORMATS, ids=[t for t, _ in FORMATS + EXTRA_FORMATS])
def test_format(text: str, expected: tuple[datetime, datetime | None, bool]) -> None:
    assert_when(parse(text), *expected)


def test_december_is_winter_time() -> None:
    assert parse("04.12.2025 18:00").start.utcoffset() == WINTER


def test_same_wall_time_gets_summer_offset_in_july() -> None:
    result = parse("04.07.2026 18:00-21:00")
    assert result.start.utcoffset() == SUMMER
    assert result.end is not None
    assert result.end.utcoffset() == SUMMER
    assert result.start.astimezone(UTC) == datetime(2026, 7, 4, 16, 0, tzinfo=UTC)


def test_january_eighteen_hundred_is_seventeen_utc() -> None:
    assert parse("15.01.2026 18:00").start.astimezone(UTC) == datetime(2026, 1, 15, 17, 0, tzinfo=UTC)


def test_other_zone_is_used_for_wall_clock() -> None:
    tz = ZoneInfo("America/New_York")
    result = parse_when("04.12.2025 18:00", now=NOW, tz=tz)
    assert result.start.tzinfo is tz
    assert result.start.utcoffset() == timedelta(hours=-5)


def test_now_in_another_zone_gives_berlin_today() -> None:
    # 23:30 UTC on 20.11. is already 21.11. in Berlin, so "heute" is the 21st.
    now = datetime(2025, 11, 20, 23, 30, tzinfo=UTC)
    assert_when(parse("heute 19 Uhr", now), at(2025, 11, 21, 19), None, False)


def test_result_is_frozen() -> None:
    result = parse("04.12.2025")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.all_day = False  # type: ignore[misc]


# --- DST in Europe/Berlin ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("29.03.2026 01:30", WINTER),
        ("29.03.2026 01:59", WINTER),
        ("29.03.2026 03:00", SUMMER),
        ("29.03.2026 03:30", SUMMER),
        ("25.10.2026 01:30", SUMMER),
        ("25.10.2026 02:30", SUMMER),  # ambiguous: fold=0, the first (summer) 02:30
        ("25.10.2026 03:30", WINTER),
    ],
)
def test_dst_offsets(text: str, offset: timedelta) -> None:
    result = parse(text)
    assert result.start.utcoffset() == offset
    assert result.start.fold == 0


@pytest.mark.parametrize("clock", ["02:00", "02:30", "02:59"])
def test_spring_forward_gap_is_impossible_time(clock: str) -> None:
    error = error_of(f"29.03.2026 {clock}")
    assert (error.code, error.fragment) == ("impossible_time", clock)


def test_spring_forward_gap_in_2025_with_earlier_now() -> None:
    now = datetime(2025, 1, 10, 12, 0, tzinfo=BERLIN)
    assert parse("30.03.2025 01:30", now).start.utcoffset() == WINTER
    assert parse("30.03.2025 03:30", now).start.utcoffset() == SUMMER
    error = error_of("30.03.2025 02:30", now)
    assert (error.code, error.fragment) == ("impossible_time", "02:30")


def test_fall_back_2025_with_earlier_now() -> None:
    now = datetime(2025, 10, 1, 12, 0, tzinfo=BERLIN)
    assert parse("26.10.2025 02:30", now).start.utcoffset() == SUMMER


def test_range_ending_in_gap_is_impossible_time() -> None:
    error = error_of("28.03.2026 23:00-02:30")
    assert (error.code, error.fragment) == ("impossible_time", "02:30")


def test_range_over_fall_back_lasts_an_hour_longer() -> None:
    result = parse("25.10.2026 01:00-04:00")
    assert result.end is not None
    assert result.end.astimezone(UTC) - result.start.astimezone(UTC) == timedelta(hours=4)


def test_all_day_over_dst_change_is_midnight_to_midnight() -> None:
    result = parse("28.03.2026 - 30.03.2026")
    assert (result.start.utcoffset(), result.end and result.end.utcoffset()) == (WINTER, SUMMER)
    assert result.end is not None
    assert (result.start.hour, result.end.hour) == (0, 0)


# --- leap days --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["29.02.2028", "2028-02-29", "29. Februar 2028", "Feb 29, 2028"])
def test_leap_day_in_leap_year(text: str) -> None:
    assert_when(parse(text), at(2028, 2, 29), None, True)


@pytest.mark.parametrize("text", ["29.02.2025", "29.02.2026", "29.02.2100", "2026-02-29"])
def test_leap_day_in_common_year_is_impossible(text: str) -> None:
    error = error_of(f"{text} 18:00")
    assert (error.code, error.fragment) == ("impossible_date", text)


def test_yearless_leap_day_is_the_next_one() -> None:
    assert_when(parse("29.02. 18 Uhr"), at(2028, 2, 29, 18), None, False)


def test_yearless_leap_day_on_the_day_itself() -> None:
    now = datetime(2028, 2, 29, 9, 0, tzinfo=BERLIN)
    assert_when(parse("29.2. 18 Uhr", now), at(2028, 2, 29, 18), None, False)


# --- month and weekday names, straight from Babel ---------------------------------------------------------


def babel_month_names() -> list[tuple[str, int]]:
    """Every German/English wide and abbreviated month name Babel has, with its number."""
    names = set()
    for locale in ("de", "en"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names.update((name, number) for number, name in get_month_names(width, context, locale).items())
    return sorted(names)


def babel_day_names() -> list[tuple[str, int]]:
    """Every German/English wide and abbreviated weekday name Babel has, with its number (0 = Monday)."""
    names = set()
    for locale in ("de", "en"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names.update((name, number) for number, name in get_day_names(width, context, locale).items())
    return sorted(names)


MONTHS = babel_month_names()
DAYS = babel_day_names()


def test_babel_gives_all_months_and_days_in_both_languages() -> None:
    for locale in ("de", "en"):
        assert sorted(get_month_names("wide", locale=locale)) == list(range(1, 13))
    assert {number for _, number in MONTHS} == set(range(1, 13))
    assert {number for _, number in DAYS} == set(range(7))
    assert ("Dezember", 12) in MONTHS and ("December", 12) in MONTHS and ("Donnerstag", 3) in DAYS


@pytest.mark.parametrize(("name", "month"), MONTHS)
def test_month_name_day_first(name: str, month: int) -> None:
    assert_when(parse(f"4. {name} 2026 18:00"), at(2026, month, 4, 18), None, False)


@pytest.mark.parametrize(("name", "month"), MONTHS)
def test_month_name_month_first(name: str, month: int) -> None:
    assert_when(parse(f"{name} 4, 2026 7pm"), at(2026, month, 4, 19), None, False)


@pytest.mark.parametrize(("name", "month"), MONTHS)
def test_month_name_upper_case_without_dot_and_year(name: str, month: int) -> None:
    expected_year = 2025 if month == 12 else 2026  # only 4 December is still ahead in 2025
    assert_when(parse(f"4 {name.rstrip('.').upper()} 18 Uhr"), at(expected_year, month, 4, 18), None, False)


@pytest.mark.parametrize(("name", "weekday"), DAYS)
def test_weekday_name_alone(name: str, weekday: int) -> None:
    # NOW is Thursday noon; 19:00 today is still ahead, so Thursday means today.
    expected = date(2025, 11, 20) + timedelta(days=(weekday - 3) % 7)
    result = parse(f"{name} 19 Uhr")
    assert_when(result, at(expected.year, expected.month, expected.day, 19), None, False)
    assert result.start.weekday() == weekday


@pytest.mark.parametrize(("name", "weekday"), DAYS)
def test_weekday_name_with_matching_date(name: str, weekday: int) -> None:
    day = date(2025, 12, 1) + timedelta(days=weekday)  # 01.12.2025 is a Monday
    assert_when(parse(f"{name}, {day:%d.%m.%Y} 18:00"), at(2025, 12, day.day, 18), None, False)


@pytest.mark.parametrize(("name", "weekday"), DAYS)
def test_weekday_name_with_wrong_date(name: str, weekday: int) -> None:
    day = date(2025, 12, 1) + timedelta(days=(weekday + 1) % 7)
    error = error_of(f"{name} {day:%d.%m.} 18:00")
    assert (error.code, error.fragment) == ("weekday_mismatch", name.rstrip("."))


# --- year inference ---------------------------------------------------------------------------------------

DEC_20 = datetime(2025, 12, 20, 12, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.1. 18 Uhr", at(2026, 1, 5, 18)),
        ("Mo 5.1. 18 Uhr", at(2026, 1, 5, 18)),
        ("5. Januar 18 Uhr", at(2026, 1, 5, 18)),
        ("Jan 5 6pm", at(2026, 1, 5, 18)),
        ("20.12. 18 Uhr", at(2025, 12, 20, 18)),  # today counts
        ("19.12. 18 Uhr", at(2026, 12, 19, 18)),  # yesterday means next year
        ("31.12. 20:00-01:00", at(2025, 12, 31, 20)),
    ],
)
def test_year_inferred_across_year_end(text: str, expected: datetime) -> None:
    assert parse(text, DEC_20).start == expected
    assert parse(text, DEC_20).start.year == expected.year


def test_yearless_range_over_new_year() -> None:
    assert_when(parse("30.12. - 2.1.", DEC_20), at(2025, 12, 30), at(2026, 1, 2), True)


def test_yearless_today_with_passed_time_is_past() -> None:
    error = error_of("20.12. 10 Uhr", DEC_20)
    assert (error.code, error.fragment) == ("past", "20.12.")


# --- errors -----------------------------------------------------------------------------------------------

ERRORS = [
    ("31.02.2025", "impossible_date", "31.02.2025"),
    ("29.02.2025 18:00", "impossible_date", "29.02.2025"),
    ("31.04.2026 18:00", "impossible_date", "31.04.2026"),
    ("Do 31.02. 18 Uhr", "impossible_date", "31.02."),
    ("31. Februar 2026", "impossible_date", "31. Februar 2026"),
    ("2025-13-01", "impossible_date", "2025-13-01"),
    ("04.12.2025 25:00", "impossible_time", "25:00"),
    ("04.12.2025 18:61", "impossible_time", "18:61"),
    ("04.12.2025 24:00", "impossible_time", "24:00"),
    ("04.12.2025 13pm", "impossible_time", "13pm"),
    ("04.12.2025 0am", "impossible_time", "0am"),
    ("04.12.2025 18-25 Uhr", "impossible_time", "25 Uhr"),
    ("04.12.2025 21:00-18:00", "end_before_start", "18:00"),
    ("04.12.2025 21-18 Uhr", "end_before_start", "18 Uhr"),
    ("05.12.2025 - 02.12.2025", "end_before_start", "02.12.2025"),
    ("05.12.2025 13:00 bis 02.12.2025 13:00", "end_before_start", "02.12.2025 13:00"),
    ("05.12.2025 13:00 bis 05.12.2025 12:59", "end_before_start", "05.12.2025 12:59"),
    ("19.11.2025 18:00", "past", "19.11.2025"),
    ("19.11.2025", "past", "19.11.2025"),
    ("heute 10 Uhr", "past", "heute"),
    ("today 11:59", "past", "today"),
    ("01.11.2025 - 19.11.2025", "past", "19.11.2025"),
    ("19.11.2025 10:00 bis 05.12.2025 10:00", "past", "19.11.2025"),  # a timed event must not have begun
    ("Mo 4.12.2025", "weekday_mismatch", "Mo"),
    ("Freitag, 4. Dezember 18 Uhr", "weekday_mismatch", "Freitag"),
    ("Mon Dec 4 2025 7pm", "weekday_mismatch", "Mon"),
    ("next tuesday-ish", "unreadable", "ish"),  # the smallest piece that is not read
    ("bald", "unreadable", "bald"),
    ("", "unreadable", ""),
    ("   ", "unreadable", ""),
    ("  bald  ", "unreadable", "bald"),
    ("04.12.2025 18", "not_a_time", "18"),  # a lone number is no time
    ("04.12.2025 18-21", "not_a_time", "18-21"),
    ("02.12.2025 13:00 bis 05.12.2025", "missing_end_time", "05.12.2025"),  # until when on the 5th?
    ("04.12.2025 18:00 foo", "unreadable", "foo"),
    ("04.12.2025 -", "unreadable", "-"),
    ("4.12", "ambiguous", "4.12"),  # the date 4.12., or a time without its date? It asks.
    ("18.30", "unreadable", "18.30"),
    ("18:00", "no_date", "18:00"),
    ("Donnerstags", "unreadable", "Donnerstags"),
    ("December 2025", "unreadable", "December 2025"),
    ("04.12.2025\u200b18:00", "unreadable", "\u200b18:00"),  # the invisible sign with what it touches
]


@pytest.mark.parametrize(("text", "code", "fragment"), ERRORS, ids=[repr(t) for t, _, _ in ERRORS])
def test_error(text: str, code: str, fragment: str) -> None:
    error = error_of(text)
    assert (error.code, error.fragment) == (code, fragment)
    assert code in ERROR_CODES


def test_impossible_month_and_day() -> None:
    error = error_of("32.13.")
    assert error.code in {"impossible_date", "unreadable"}
    assert error.fragment == "32.13."


def test_too_long_text_is_unreadable_at_once() -> None:
    text = "04.12.2025 18:00"
    assert parse(text.ljust(MAX_LENGTH)).start == at(2025, 12, 4, 18)
    error = error_of(text.ljust(MAX_LENGTH + 1))
    assert (error.code, error.fragment) == ("unreadable", text)
    assert error_of("1" * 100_000).code == "unreadable"


@pytest.mark.parametrize(
    "text",
    ["1" * 200, "4." * 100, " -" * 100, "4.12. " * 33, "18:00-" * 33, "Dezember " * 22, "\t" * 199 + "x", "a" * 200],
)
def test_adversarial_input_is_quick(text: str) -> None:
    began = time.perf_counter()
    with pytest.raises(WhenError):
        parse(text)
    assert time.perf_counter() - began < 0.5


def test_naive_now_is_a_programming_error_not_a_when_error() -> None:
    with pytest.raises(ValueError, match="aware") as info:
        parse_when("04.12.2025", now=datetime(2025, 11, 20, 12, 0), tz=BERLIN)
    assert not isinstance(info.value, WhenError)


def test_when_error_is_a_value_error_with_code_and_fragment() -> None:
    error = WhenError("past", "19.11.2025")
    assert isinstance(error, ValueError)
    assert (error.code, error.fragment) == ("past", "19.11.2025")
    assert "past" in str(error) and "19.11.2025" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.fragment) == ("past", "19.11.2025")


def test_when_error_keeps_its_readings_through_pickle() -> None:
    error = error_of("next Friday")  # NOW is a Thursday: tomorrow, or Friday next week?
    assert error.code == "ambiguous"
    assert [option.start for option in error.options] == [at(2025, 11, 21), at(2025, 11, 28)]
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.fragment, copy.options) == (error.code, error.fragment, error.options)


def test_a_weekday_mismatch_offers_the_date_as_written() -> None:
    error = error_of("Freitag, 04.12.2025")
    assert (error.code, error.fragment) == ("weekday_mismatch", "Freitag")
    assert error.options == (When(at(2025, 12, 4), None, all_day=True),)  # a Thursday


@pytest.mark.parametrize("today", range(7))
@pytest.mark.parametrize("weekday", range(7))
def test_next_weekday_is_asked_only_while_this_weeks_is_still_ahead(today: int, weekday: int) -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=BERLIN) + timedelta(days=today)  # a Monday, plus today days
    name = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[weekday]
    coming = now.date() + timedelta(days=(weekday - today - 1) % 7 + 1)  # strictly after today
    try:
        result = parse(f"next {name}", now)
    except WhenError as error:
        assert weekday > today  # still ahead this week: this one, or the one after?
        assert error.code == "ambiguous"
        assert [option.start.date() for option in error.options] == [coming, coming + timedelta(days=7)]
    else:
        assert weekday <= today
        assert result.start.date() == coming


# (that every code has its message in every catalog: tests/unit/test_errors.py)
def test_error_codes_are_the_documented_ones() -> None:
    assert ERROR_CODES == {
        "unreadable",
        "impossible_date",
        "impossible_time",
        "past",
        "end_before_start",
        "weekday_mismatch",
        "ambiguous",
        "no_date",
        "not_a_time",
        "missing_end_time",
        "no_start_time",
        "zone_mismatch",
        "separate_days",
        "contradiction",
    }


# --- properties -------------------------------------------------------------------------------------------


def check_total(text: str) -> None:
    """parse_when returns a sane When or raises WhenError with a known code and a piece of the input."""
    try:
        result = parse(text)
    except WhenError as error:
        assert error.code in ERROR_CODES
        assert error.fragment in text
        assert all(isinstance(option, When) and option.start.tzinfo is BERLIN for option in error.options)
        return
    assert isinstance(result, When)
    assert result.start.tzinfo is not None and result.start.utcoffset() is not None
    if result.all_day:
        assert (result.start.hour, result.start.minute) == (0, 0)
    if result.end is not None:
        assert result.end.tzinfo is not None and result.end.utcoffset() is not None
        assert result.end.astimezone(UTC) >= result.start.astimezone(UTC)
    assert result.start.astimezone(UTC) >= NOW.astimezone(UTC) or result.all_day


TOKENS = [
    *"0123456789",
    *"0123456789",
    ".",
    ":",
    "-",
    "–",
    "/",
    " ",
    " ",
    ",",
    "T",
    "bis",
    "to",
    "Uhr",
    "pm",
    "am",
    "heute",
    "morgen",
    "2025",
    "2026",
    "9999",
    "0000",
    "\u200b",
    "\u202e",
    "bis",
    "und",
    "&",
    ", ",
    "Uhr",
    "h",
    "MEZ",
    "MESZ",
    "UTC",
    "UTC-5",
    "Z",
    "+01:00",
    "Europe/Berlin",
    "ganztägig",
    "all day",
    "3 Stunden",
    "for 2 hours",
    "noon",
    "mittags",
    "Mitternacht",
    "next",
    "nächsten",
    "kommenden",
    "nächste Woche",
    "4/12",
    "13/12/2026",
    "15.",
    "4th",
    "22.08",
    "18.30",
    "T18:00:00",
    "\x00",
    "🎉",
    "ſ",
    "\u212a",
    *(name for name, _ in MONTHS),
    *(name for name, _ in DAYS),
]


@settings(max_examples=300, database=None)  # no .hypothesis directory in the tree
@given(st.text(max_size=MAX_LENGTH + 20))
def test_any_text_is_a_when_or_a_when_error(text: str) -> None:
    check_total(text)


@settings(max_examples=500, database=None)  # no .hypothesis directory in the tree
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_date_like_text_is_a_when_or_a_when_error(text: str) -> None:
    check_total(text)


@settings(max_examples=300, database=None)  # no .hypothesis directory in the tree
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2035, 12, 31, 23, 59)))
def test_written_wall_clock_times_read_back(wall: datetime) -> None:
    wall = wall.replace(second=0, microsecond=0)
    exists = wall.replace(tzinfo=BERLIN).astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) == wall
    for text in (f"{wall:%d.%m.%Y %H:%M}", f"{wall:%Y-%m-%dT%H:%M}"):
        if exists:
            result = parse(text)
            assert result.start.replace(tzinfo=None) == wall
            assert result.start.fold == 0
            assert result.start.utcoffset() in {WINTER, SUMMER}
        else:
            assert error_of(text).code == "impossible_time"


@settings(database=None)
@given(st.dates(min_value=date(2025, 11, 20), max_value=date(2026, 11, 19)))
def test_yearless_dates_land_within_a_year_from_today(day: date) -> None:
    result = parse(f"{day.day}.{day.month}.")
    assert result.start.date() == day
    assert result.all_day
