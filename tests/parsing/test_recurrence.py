"""Tests for bot.parsing.recurrence: rule phrases, raw RRULEs and the dates they produce."""

from __future__ import annotations

import itertools
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from time import perf_counter
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.parsing.recurrence import (
    MAX_DATES_PER_WINDOW,
    RecurrenceError,
    check_rule_yields,
    first_occurrence,
    occurrences,
    parse_recurrence,
)

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
SEVEN_PM = time(19, 0)
YEAR_START = datetime(2026, 1, 1, tzinfo=BERLIN)
YEAR_END = datetime(2027, 1, 1, tzinfo=BERLIN)

# Every phrase the bot must understand, with the exact canonical RRULE it must produce.
PHRASES = [
    # German, weekly
    ("jeden Dienstag", "FREQ=WEEKLY;BYDAY=TU"),
    ("jeden Mittwoch", "FREQ=WEEKLY;BYDAY=WE"),
    ("jeden Donnerstag", "FREQ=WEEKLY;BYDAY=TH"),
    ("dienstags", "FREQ=WEEKLY;BYDAY=TU"),
    ("jeden. Mittwoch", "FREQ=WEEKLY;BYDAY=WE"),
    # German, every other week
    ("jeden zweiten Montag", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("montags aller zwei Wochen", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("alle zwei Wochen montags", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("alle 2 Wochen am Montag", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    # German, monthly
    ("jeden ersten Montag im Monat", "FREQ=MONTHLY;BYDAY=1MO"),
    ("jeden 1. Montag im Monat", "FREQ=MONTHLY;BYDAY=1MO"),
    ("jeden dritten Montag im Monat", "FREQ=MONTHLY;BYDAY=3MO"),
    ("jeden letzten Freitag im Monat", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("jeden zweiten und vierten Mittwoch im Monat", "FREQ=MONTHLY;BYDAY=2WE,4WE"),
    ("jeden 2. und 4. Mittwoch im Monat", "FREQ=MONTHLY;BYDAY=2WE,4WE"),
    ("jeden ersten und dritten Dienstag", "FREQ=MONTHLY;BYDAY=1TU,3TU"),
    ("jeden zweiten un vierten Mittwoch im Monat", "FREQ=MONTHLY;BYDAY=2WE,4WE"),
    ("monatlich am ersten Montag", "FREQ=MONTHLY;BYDAY=1MO"),
    # English
    ("every Wednesday", "FREQ=WEEKLY;BYDAY=WE"),
    ("Wednesdays", "FREQ=WEEKLY;BYDAY=WE"),
    ("every other Monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("every 2 weeks on Monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("every 2nd and 4th Wednesday", "FREQ=MONTHLY;BYDAY=2WE,4WE"),
    ("every second and fourth Wednesday of the month", "FREQ=MONTHLY;BYDAY=2WE,4WE"),
    ("first Monday of the month", "FREQ=MONTHLY;BYDAY=1MO"),
    ("every first Monday of the month", "FREQ=MONTHLY;BYDAY=1MO"),
    ("last Friday of the month", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("every third Monday", "FREQ=MONTHLY;BYDAY=3MO"),
]

# Phrases beyond the required list.
MORE_PHRASES = [
    ("jeden zweiten Montag im Monat", "FREQ=MONTHLY;BYDAY=2MO"),
    ("jeden vorletzten Freitag im Monat", "FREQ=MONTHLY;BYDAY=-2FR"),
    ("jeden fünften Donnerstag", "FREQ=MONTHLY;BYDAY=5TH"),
    ("jede zweite Woche am Montag", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("jede Woche am Freitag", "FREQ=WEEKLY;BYDAY=FR"),
    ("wöchentlich am Donnerstag", "FREQ=WEEKLY;BYDAY=TH"),
    ("alle 14 Tage dienstags", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    ("14-tägig am Dienstag", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    ("vierzehntägig dienstags", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    ("alle drei Wochen am Mittwoch", "FREQ=WEEKLY;INTERVAL=3;BYDAY=WE"),
    ("jeden Montag und Mittwoch", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("montags und donnerstags", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ("dienstagabends", "FREQ=WEEKLY;BYDAY=TU"),
    ("jeden ersten Montag und dritten Mittwoch im Monat", "FREQ=MONTHLY;BYDAY=1MO,3WE"),
    ("jeden ersten, dritten und fünften Dienstag", "FREQ=MONTHLY;BYDAY=1TU,3TU,5TU"),
    ("jeden ersten und letzten Freitag", "FREQ=MONTHLY;BYDAY=1FR,-1FR"),
    ("am ersten Montag im Monat", "FREQ=MONTHLY;BYDAY=1MO"),
    ("jeden Monat am letzten Freitag", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("alle zwei Monate am ersten Montag", "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO"),
    ("every second Monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("every 3rd Thursday of the month", "FREQ=MONTHLY;BYDAY=3TH"),
    ("the first Monday of every month", "FREQ=MONTHLY;BYDAY=1MO"),
    ("every month on the last Friday", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("every other week on Monday and Thursday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"),
    ("weekly on Tuesday", "FREQ=WEEKLY;BYDAY=TU"),
    ("fortnightly on Wednesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
    ("every other month on the last Friday", "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR"),
]

# Formatting noise that must not change the result.
NOISY = [
    ("  Jeden   ersten  Montag im Monat ", "FREQ=MONTHLY;BYDAY=1MO"),
    ("JEDEN DIENSTAG", "FREQ=WEEKLY;BYDAY=TU"),
    ("jeden Mittwoch.", "FREQ=WEEKLY;BYDAY=WE"),
    ("every Wednesday!", "FREQ=WEEKLY;BYDAY=WE"),
    ("jeden letzten Freitag im Monat;", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("\tdienstags\n", "FREQ=WEEKLY;BYDAY=TU"),
    ("jeden ersten Montag im Monat (19 Uhr)", None),  # extra words are not silently dropped
]

NOT_COMPUTABLE = [
    "jeden zweiten oder dritten Montag im Monat",
    "every second or third Monday",
    "nach Absprache",
    "unregelmäßig",
    "",
    "   ",
    "...",
    "Montag",  # a day, not a rule
    "erster Montag",
    "jeden",
    "jeden ersten",
    "monatlich",
    "monatlich am Montag",  # which Monday?
    "jeden Montag und am ersten Mittwoch",  # two different rules
    "alle zwei Wochen am ersten Montag",  # contradicts itself
    "alle 10 Tage montags",
    "jeden 6. Montag",
    "jeden Mittwoch, 19:00",
    "letzte Woche",
    "jeden Mittwoch außer in den Ferien",
    "every Wednesday except holidays",
    "alle 2/3 Wochen",
    "2026-01-05",
]


def rule_dates(rule: str, dtstart: date, after: datetime = YEAR_START, before: datetime = YEAR_END) -> list[date]:
    """Local dates of a 19:00 Berlin meetup with the given rule in the window."""
    found = occurrences(rule, dtstart=dtstart, start_time=SEVEN_PM, tz=BERLIN, after=after, before=before)
    return [moment.date() for moment in found]


def d(month: int, day: int, year: int = 2026) -> date:
    """Shorthand for a calendar date."""
    return date(year, month, day)


# Hand-picked from the 2026 calendar (python -m calendar 2026).
FIRST_MONDAYS_2026 = [
    d(1, 5), d(2, 2), d(3, 2), d(4, 6), d(5, 4), d(6, 1), d(7, 6), d(8, 3), d(9, 7), d(10, 5), d(11, 2), d(12, 7),
]  # fmt: skip
THIRD_MONDAYS_2026 = [
    d(1, 19), d(2, 16), d(3, 16), d(4, 20), d(5, 18), d(6, 15),
    d(7, 20), d(8, 17), d(9, 21), d(10, 19), d(11, 16), d(12, 21),
]  # fmt: skip
LAST_FRIDAYS_2026 = [
    d(1, 30), d(2, 27), d(3, 27), d(4, 24), d(5, 29), d(6, 26),
    d(7, 31), d(8, 28), d(9, 25), d(10, 30), d(11, 27), d(12, 25),
]  # fmt: skip
SECOND_AND_FOURTH_WEDNESDAYS_2026 = [
    d(1, 14), d(1, 28), d(2, 11), d(2, 25), d(3, 11), d(3, 25), d(4, 8), d(4, 22),
    d(5, 13), d(5, 27), d(6, 10), d(6, 24), d(7, 8), d(7, 22), d(8, 12), d(8, 26),
    d(9, 9), d(9, 23), d(10, 14), d(10, 28), d(11, 11), d(11, 25), d(12, 9), d(12, 23),
]  # fmt: skip
FIRST_AND_THIRD_TUESDAYS_2026_H1 = [
    d(1, 6), d(1, 20), d(2, 3), d(2, 17), d(3, 3), d(3, 17), d(4, 7), d(4, 21), d(5, 5), d(5, 19), d(6, 2), d(6, 16),
]  # fmt: skip
EVERY_OTHER_MONDAY_FROM_5_JAN_2026 = [
    d(1, 5), d(1, 19), d(2, 2), d(2, 16), d(3, 2), d(3, 16), d(3, 30), d(4, 13), d(4, 27),
    d(5, 11), d(5, 25), d(6, 8), d(6, 22), d(7, 6), d(7, 20), d(8, 3), d(8, 17), d(8, 31),
    d(9, 14), d(9, 28), d(10, 12), d(10, 26), d(11, 9), d(11, 23), d(12, 7), d(12, 21),
]  # fmt: skip
PENULTIMATE_FRIDAYS_2026_Q1 = [d(1, 23), d(2, 20), d(3, 20)]


# --- phrases -> RRULE values -----------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "expected"), PHRASES + MORE_PHRASES + NOISY)
def test_phrase_gives_exact_rrule(phrase: str, expected: str | None) -> None:
    assert parse_recurrence(phrase) == expected


@pytest.mark.parametrize(("phrase", "expected"), PHRASES + MORE_PHRASES)
def test_phrase_rrule_is_accepted_by_dateutil(phrase: str, expected: str) -> None:
    rule = rrulestr("RRULE:" + expected, dtstart=datetime(2026, 1, 1))
    assert rule.after(datetime(2026, 1, 1), inc=True) is not None
    assert parse_recurrence(phrase.upper()) == expected
    assert parse_recurrence(phrase.lower()) == expected


@pytest.mark.parametrize("phrase", NOT_COMPUTABLE)
def test_not_computable_phrase_is_none(phrase: str) -> None:
    assert parse_recurrence(phrase) is None


def test_zweiten_alone_is_every_other_week_but_monthly_with_im_monat() -> None:
    assert parse_recurrence("jeden zweiten Montag") == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"
    assert parse_recurrence("jeden zweiten Montag im Monat") == "FREQ=MONTHLY;BYDAY=2MO"
    assert parse_recurrence("jeden zweiten und vierten Montag") == "FREQ=MONTHLY;BYDAY=2MO,4MO"


def test_every_phrase_of_the_published_post_that_has_a_rule() -> None:
    post = {
        "jeden zweiten oder dritten Montag im Monat": None,
        "jeden Donnerstag": "FREQ=WEEKLY;BYDAY=TH",
        "jeden Mittwoch": "FREQ=WEEKLY;BYDAY=WE",
        "jeden dritten Montag im Monat": "FREQ=MONTHLY;BYDAY=3MO",
        "jeden ersten Montag im Monat": "FREQ=MONTHLY;BYDAY=1MO",
        "jeden. Mittwoch": "FREQ=WEEKLY;BYDAY=WE",
        "jeden Dienstag": "FREQ=WEEKLY;BYDAY=TU",
        "jeden zweiten un vierten Mittwoch im Monat": "FREQ=MONTHLY;BYDAY=2WE,4WE",
    }
    assert {phrase: parse_recurrence(phrase) for phrase in post} == post


@pytest.mark.parametrize(
    ("day", "code"),
    [("Montag", "MO"), ("Dienstag", "TU"), ("Mittwoch", "WE"), ("Donnerstag", "TH"), ("Freitag", "FR"),
     ("Samstag", "SA"), ("Sonntag", "SU")],
)  # fmt: skip
def test_every_german_weekday_and_its_adverb(day: str, code: str) -> None:
    assert parse_recurrence(f"jeden {day}") == f"FREQ=WEEKLY;BYDAY={code}"
    assert parse_recurrence(f"{day}s") == f"FREQ=WEEKLY;BYDAY={code}"
    assert parse_recurrence(f"jeden letzten {day} im Monat") == f"FREQ=MONTHLY;BYDAY=-1{code}"


@pytest.mark.parametrize(
    ("day", "code"),
    [("Monday", "MO"), ("Tuesday", "TU"), ("Wednesday", "WE"), ("Thursday", "TH"), ("Friday", "FR"),
     ("Saturday", "SA"), ("Sunday", "SU")],
)  # fmt: skip
def test_every_english_weekday_and_its_plural(day: str, code: str) -> None:
    assert parse_recurrence(f"every {day}") == f"FREQ=WEEKLY;BYDAY={code}"
    assert parse_recurrence(f"{day}s") == f"FREQ=WEEKLY;BYDAY={code}"
    assert parse_recurrence(f"first {day} of the month") == f"FREQ=MONTHLY;BYDAY=1{code}"


@pytest.mark.parametrize(
    ("ordinal", "number"),
    [("ersten", "1"), ("erste", "1"), ("1.", "1"), ("dritten", "3"), ("dritte", "3"), ("3.", "3"),
     ("vierten", "4"), ("vierte", "4"), ("4.", "4"), ("fünften", "5"), ("fünfte", "5"), ("5.", "5"),
     ("letzten", "-1"), ("letzte", "-1"), ("vorletzten", "-2"), ("vorletzte", "-2"),
     ("zweiten", "2"), ("zweite", "2"), ("2.", "2"),
     ("first", "1"), ("1st", "1"), ("second", "2"), ("2nd", "2"), ("third", "3"), ("3rd", "3"),
     ("fourth", "4"), ("4th", "4"), ("fifth", "5"), ("5th", "5"), ("last", "-1")],
)  # fmt: skip
def test_ordinals_in_month_context(ordinal: str, number: str) -> None:
    assert parse_recurrence(f"jeden {ordinal} Freitag im Monat") == f"FREQ=MONTHLY;BYDAY={number}FR"


# --- raw RRULE values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("RRULE:FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU"),
        ("FREQ=MONTHLY;BYDAY=1MO", "FREQ=MONTHLY;BYDAY=1MO"),
        ("rrule:freq=monthly;byday=-1fr", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("  RRULE: FREQ=WEEKLY; INTERVAL=2; BYDAY=MO ;", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("RRULE:BYDAY=MO;INTERVAL=2;FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        # the shape of the rules in the calendar feed
        ("RRULE:FREQ=WEEKLY;UNTIL=20251231;INTERVAL=1;BYDAY=TH", "FREQ=WEEKLY;UNTIL=20251231;BYDAY=TH"),
        ("FREQ=MONTHLY;COUNT=10;BYDAY=2WE,4WE", "FREQ=MONTHLY;COUNT=10;BYDAY=2WE,4WE"),
        ("FREQ=WEEKLY;UNTIL=20261231T230000Z;BYDAY=WE", "FREQ=WEEKLY;UNTIL=20261231T230000Z;BYDAY=WE"),
    ],
)
def test_raw_rrule_is_normalized(raw: str, expected: str) -> None:
    assert parse_recurrence(raw) == expected
    # dateutil wants a UTC UNTIL with an aware DTSTART and a floating one with a naive DTSTART
    dtstart = datetime(2025, 1, 1, tzinfo=UTC if expected.count("Z;") else None)
    assert rrulestr("RRULE:" + expected, dtstart=dtstart).after(dtstart, inc=True) is not None


@pytest.mark.parametrize(
    "raw",
    [
        "RRULE:",
        "FREQ=",
        "FREQ=SOMETIMES;BYDAY=MO",
        "RRULE:FREQ=WEEKLY;BYDAY=XX",
        "RRULE:FREQ=WEEKLY;BYDAY=MO;BYDAY=TU",
        "RRULE:BYDAY=MO",
        "FREQ=WEEKLY;INTERVAL=0;BYDAY=MO",
        "FREQ=WEEKLY;INTERVAL=-1;BYDAY=MO",
        "FREQ=WEEKLY;INTERVAL=two;BYDAY=MO",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20261231;BYDAY=MO",
        "FREQ=WEEKLY;UNTIL=someday;BYDAY=MO",
        "FREQ=WEEKLY;COLOR=blue",
        "FREQ=WEEKLY;BYDAY",
        "FREQ=WEEKLY;BYDAY=1MO",  # ordinals only make sense monthly or yearly
        "FREQ=HOURLY",  # a meetup does not repeat within a day
    ],
)
def test_malformed_raw_rrule_raises(raw: str) -> None:
    with pytest.raises(RecurrenceError):
        parse_recurrence(raw)


def test_recurrence_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="FREQ"):
        parse_recurrence("RRULE:BYDAY=MO")


# --- dates of the rules over 2026 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("jeden ersten Montag im Monat", FIRST_MONDAYS_2026),
        ("first Monday of the month", FIRST_MONDAYS_2026),
        ("jeden dritten Montag im Monat", THIRD_MONDAYS_2026),
        ("every third Monday", THIRD_MONDAYS_2026),
        ("jeden letzten Freitag im Monat", LAST_FRIDAYS_2026),
        ("last Friday of the month", LAST_FRIDAYS_2026),
        ("jeden zweiten und vierten Mittwoch im Monat", SECOND_AND_FOURTH_WEDNESDAYS_2026),
        ("jeden zweiten un vierten Mittwoch im Monat", SECOND_AND_FOURTH_WEDNESDAYS_2026),
        ("every 2nd and 4th Wednesday", SECOND_AND_FOURTH_WEDNESDAYS_2026),
    ],
)
def test_monthly_rules_give_the_calendar_dates(phrase: str, expected: list[date]) -> None:
    rule = parse_recurrence(phrase)
    assert rule is not None
    anchor = first_occurrence(rule, on_or_after=date(2025, 7, 1))
    assert rule_dates(rule, anchor) == expected


def test_first_and_third_tuesdays() -> None:
    rule = parse_recurrence("jeden ersten und dritten Dienstag")
    assert rule is not None
    dates = rule_dates(rule, d(1, 1), before=datetime(2026, 7, 1, tzinfo=BERLIN))
    assert dates == FIRST_AND_THIRD_TUESDAYS_2026_H1


def test_penultimate_fridays() -> None:
    rule = parse_recurrence("jeden vorletzten Freitag im Monat")
    assert rule is not None
    assert rule_dates(rule, d(1, 1), before=datetime(2026, 4, 1, tzinfo=BERLIN)) == PENULTIMATE_FRIDAYS_2026_Q1


@pytest.mark.parametrize("phrase", ["jeden zweiten Montag", "every other Monday", "alle 2 Wochen am Montag"])
def test_every_other_monday_follows_its_anchor(phrase: str) -> None:
    rule = parse_recurrence(phrase)
    assert rule is not None
    assert rule_dates(rule, d(1, 5)) == EVERY_OTHER_MONDAY_FROM_5_JAN_2026
    # anchored a week later, it is exactly the other Mondays
    shifted = rule_dates(rule, d(1, 12))
    assert shifted == [day + timedelta(weeks=1) for day in EVERY_OTHER_MONDAY_FROM_5_JAN_2026[:-1]] + [d(12, 28)]


def test_weekly_rule_gives_every_wednesday() -> None:
    dates = rule_dates("FREQ=WEEKLY;BYDAY=WE", d(1, 7))
    assert len(dates) == 52
    assert dates[0] == d(1, 7)
    assert dates[-1] == d(12, 30)
    assert all(day.weekday() == 2 for day in dates)
    assert all(later - earlier == timedelta(weeks=1) for earlier, later in itertools.pairwise(dates))


def test_expansion_starts_at_the_anchor_not_before() -> None:
    assert rule_dates("FREQ=MONTHLY;BYDAY=1MO", d(6, 1)) == FIRST_MONDAYS_2026[5:]


def test_anchor_years_before_the_window() -> None:
    assert rule_dates("FREQ=MONTHLY;BYDAY=1MO", date(2015, 1, 5)) == FIRST_MONDAYS_2026


def test_feed_rule_until_date_includes_that_day() -> None:
    # 31 Dec 2025 is a Wednesday and the last day the feed's UNTIL=20251231 allows.
    rule = parse_recurrence("RRULE:FREQ=WEEKLY;UNTIL=20251231;INTERVAL=1;BYDAY=WE")
    assert rule is not None
    dates = rule_dates(rule, date(2025, 7, 2), after=datetime(2025, 12, 1, tzinfo=BERLIN), before=YEAR_END)
    assert dates == [date(2025, 12, 3), date(2025, 12, 10), date(2025, 12, 17), date(2025, 12, 24), date(2025, 12, 31)]


def test_utc_until_is_compared_as_an_instant() -> None:
    # 19:00 Berlin on 4 Feb 2026 is 18:00 UTC: an UNTIL of 17:59Z excludes it, 18:00Z includes it.
    assert rule_dates("FREQ=WEEKLY;UNTIL=20260204T175900Z;BYDAY=WE", d(1, 7))[-1] == d(1, 28)
    assert rule_dates("FREQ=WEEKLY;UNTIL=20260204T180000Z;BYDAY=WE", d(1, 7))[-1] == d(2, 4)


def test_count_counts_from_the_anchor() -> None:
    assert rule_dates("FREQ=MONTHLY;COUNT=3;BYDAY=1MO", date(2025, 12, 1)) == FIRST_MONDAYS_2026[:2]


# --- first_occurrence ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "on_or_after", "expected"),
    [
        ("FREQ=WEEKLY;BYDAY=WE", d(1, 1), d(1, 7)),
        ("FREQ=WEEKLY;BYDAY=WE", d(1, 7), d(1, 7)),
        # Wednesday 7 Jan: every other Monday starts on the next Monday, not two weeks later
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", d(1, 7), d(1, 12)),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", d(1, 5), d(1, 5)),
        ("FREQ=MONTHLY;BYDAY=1MO", d(1, 6), d(2, 2)),
        ("FREQ=MONTHLY;BYDAY=1MO", d(1, 5), d(1, 5)),
        ("FREQ=MONTHLY;BYDAY=-1FR", d(1, 31), d(2, 27)),
        ("FREQ=MONTHLY;BYDAY=2WE,4WE", d(1, 15), d(1, 28)),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO", d(3, 3), d(4, 6)),
        ("RRULE:FREQ=WEEKLY;BYDAY=TU", d(1, 1), d(1, 6)),
    ],
)
def test_first_occurrence(rule: str, on_or_after: date, expected: date) -> None:
    assert first_occurrence(rule, on_or_after=on_or_after) == expected


def test_first_occurrence_of_an_ended_rule_raises() -> None:
    with pytest.raises(RecurrenceError):
        first_occurrence("FREQ=WEEKLY;UNTIL=20251231;BYDAY=WE", on_or_after=d(1, 1))


def test_first_occurrence_of_a_malformed_rule_raises() -> None:
    with pytest.raises(RecurrenceError):
        first_occurrence("FREQ=WEEKLY;BYDAY=XX", on_or_after=d(1, 1))


def test_first_occurrence_anchor_makes_every_other_week_line_up() -> None:
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"
    anchor = first_occurrence(rule, on_or_after=d(1, 7))
    assert rule_dates(rule, anchor, after=datetime(2026, 1, 1, tzinfo=BERLIN))[:4] == [
        d(1, 12), d(1, 26), d(2, 9), d(2, 23),
    ]  # fmt: skip


# --- time zones ------------------------------------------------------------------------------------------


def test_local_hour_stays_across_both_2026_dst_switches() -> None:
    found = occurrences(
        "FREQ=WEEKLY;BYDAY=WE",
        dtstart=d(1, 7),
        start_time=SEVEN_PM,
        tz=BERLIN,
        after=YEAR_START,
        before=YEAR_END,
    )
    by_day = {moment.date(): moment for moment in found}
    # spring forward on Sunday 29 March, fall back on Sunday 25 October
    for day, offset in [(d(3, 25), 1), (d(4, 1), 2), (d(10, 21), 2), (d(10, 28), 1)]:
        moment = by_day[day]
        assert (moment.hour, moment.minute) == (19, 0)
        assert moment.utcoffset() == timedelta(hours=offset)
    assert by_day[d(3, 25)].astimezone(UTC).hour == 18
    assert by_day[d(4, 1)].astimezone(UTC).hour == 17
    assert all(moment.tzinfo is BERLIN for moment in found)


def test_window_is_half_open_and_zone_aware() -> None:
    rule = "FREQ=WEEKLY;BYDAY=WE"
    kwargs = {"dtstart": d(1, 7), "start_time": SEVEN_PM, "tz": BERLIN}
    exact = datetime(2026, 1, 14, 19, tzinfo=BERLIN)
    assert occurrences(rule, after=exact, before=exact + timedelta(days=1), **kwargs) == [exact]
    assert occurrences(rule, after=exact - timedelta(days=1), before=exact, **kwargs) == []
    # the same instant given in UTC (18:00Z) selects the same occurrence
    utc_after = datetime(2026, 1, 14, 18, tzinfo=UTC)
    assert occurrences(rule, after=utc_after, before=utc_after + timedelta(minutes=1), **kwargs) == [exact]


def test_start_time_with_a_zone_is_taken_as_wall_clock() -> None:
    found = occurrences(
        "FREQ=WEEKLY;BYDAY=WE",
        dtstart=d(7, 1),
        start_time=time(19, 30, tzinfo=UTC),
        tz=BERLIN,
        after=datetime(2026, 7, 1, tzinfo=BERLIN),
        before=datetime(2026, 7, 2, tzinfo=BERLIN),
    )
    assert found == [datetime(2026, 7, 1, 19, 30, tzinfo=BERLIN)]


# --- skipped, moved and extra dates ----------------------------------------------------------------------


def test_skipped_dates_are_left_out() -> None:
    found = occurrences(
        "FREQ=MONTHLY;BYDAY=1MO",
        dtstart=d(1, 5),
        start_time=SEVEN_PM,
        tz=BERLIN,
        after=YEAR_START,
        before=YEAR_END,
        skipped=frozenset({d(4, 6), d(6, 1), d(6, 2)}),
    )
    assert [moment.date() for moment in found] == [day for day in FIRST_MONDAYS_2026 if day not in (d(4, 6), d(6, 1))]


def test_moved_occurrence_replaces_the_original() -> None:
    moved_to = datetime(2026, 4, 7, 18, 30, tzinfo=BERLIN)
    found = occurrences(
        "FREQ=MONTHLY;BYDAY=1MO",
        dtstart=d(1, 5),
        start_time=SEVEN_PM,
        tz=BERLIN,
        after=datetime(2026, 3, 1, tzinfo=BERLIN),
        before=datetime(2026, 6, 1, tzinfo=BERLIN),
        moved=MappingProxyType({d(4, 6): moved_to}),
    )
    assert found == [
        datetime(2026, 3, 2, 19, tzinfo=BERLIN),
        moved_to,
        datetime(2026, 5, 4, 19, tzinfo=BERLIN),
    ]


def test_moved_across_the_window_edge() -> None:
    rule = "FREQ=MONTHLY;BYDAY=1MO"
    kwargs = {"dtstart": d(1, 5), "start_time": SEVEN_PM, "tz": BERLIN}
    # 2 March moved into February: February's window gains it, March's loses it
    moved = {d(3, 2): datetime(2026, 2, 26, 19, tzinfo=BERLIN)}
    february = occurrences(
        rule, after=datetime(2026, 2, 1, tzinfo=BERLIN), before=datetime(2026, 3, 1, tzinfo=BERLIN),
        moved=moved, **kwargs,
    )  # fmt: skip
    march = occurrences(
        rule, after=datetime(2026, 3, 1, tzinfo=BERLIN), before=datetime(2026, 4, 1, tzinfo=BERLIN),
        moved=moved, **kwargs,
    )  # fmt: skip
    assert february == [datetime(2026, 2, 2, 19, tzinfo=BERLIN), datetime(2026, 2, 26, 19, tzinfo=BERLIN)]
    assert march == []


def test_moved_value_in_another_zone_is_sorted_by_instant() -> None:
    moved_to = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)  # 18:00 Berlin, before the 19:00 extra
    extra_at = datetime(2026, 1, 5, 19, 0, tzinfo=BERLIN)
    found = occurrences(
        "FREQ=MONTHLY;BYDAY=1MO",
        dtstart=d(1, 5),
        start_time=SEVEN_PM,
        tz=BERLIN,
        after=YEAR_START,
        before=datetime(2026, 2, 1, tzinfo=BERLIN),
        moved={d(1, 5): moved_to},
        extra=frozenset({extra_at}),
    )
    assert found == [moved_to, extra_at]


def test_extra_dates_are_added_and_not_duplicated() -> None:
    found = occurrences(
        "FREQ=MONTHLY;BYDAY=1MO",
        dtstart=d(1, 5),
        start_time=SEVEN_PM,
        tz=BERLIN,
        after=YEAR_START,
        before=datetime(2026, 3, 1, tzinfo=BERLIN),
        extra=frozenset({datetime(2026, 1, 20, 18, tzinfo=BERLIN), datetime(2026, 2, 2, 19, tzinfo=BERLIN)}),
    )
    assert found == [
        datetime(2026, 1, 5, 19, tzinfo=BERLIN),
        datetime(2026, 1, 20, 18, tzinfo=BERLIN),
        datetime(2026, 2, 2, 19, tzinfo=BERLIN),
    ]


def test_without_a_rule_only_extra_and_moved_count() -> None:
    rule = parse_recurrence("jeden zweiten oder dritten Montag im Monat")
    assert rule is None
    extra = frozenset(
        {
            datetime(2026, 1, 12, 19, tzinfo=BERLIN),
            datetime(2026, 2, 16, 19, tzinfo=BERLIN),
            datetime(2026, 5, 11, 19, tzinfo=BERLIN),  # outside the window
        }
    )
    found = occurrences(
        rule,
        dtstart=d(1, 12),
        start_time=SEVEN_PM,
        tz=BERLIN,
        after=YEAR_START,
        before=datetime(2026, 4, 1, tzinfo=BERLIN),
        moved={d(3, 9): datetime(2026, 3, 16, 19, tzinfo=BERLIN)},
        extra=extra,
    )
    assert found == [
        datetime(2026, 1, 12, 19, tzinfo=BERLIN),
        datetime(2026, 2, 16, 19, tzinfo=BERLIN),
        datetime(2026, 3, 16, 19, tzinfo=BERLIN),
    ]
    assert occurrences(rule, dtstart=d(1, 12), start_time=SEVEN_PM, tz=BERLIN, after=YEAR_START, before=YEAR_END) == []


def test_occurrences_with_a_malformed_rule_raise() -> None:
    with pytest.raises(RecurrenceError):
        occurrences(
            "FREQ=WEEKLY;BYDAY=XX", dtstart=d(1, 1), start_time=SEVEN_PM, tz=BERLIN, after=YEAR_START, before=YEAR_END
        )


def test_two_year_window_is_complete() -> None:
    dates = rule_dates("FREQ=MONTHLY;BYDAY=2WE,4WE", d(1, 14), before=datetime(2028, 1, 1, tzinfo=BERLIN))
    assert len(dates) == 48
    assert dates[:24] == SECOND_AND_FOURTH_WEDNESDAYS_2026


# --- arbitrary text --------------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    "jeden jede alle aller every other und un and oder or im Monat month Woche Wochen weeks 2 14 Tage "
    "ersten zweiten dritten letzten 1. 2. 2nd last Montag montags Mittwoch Wednesday Wednesdays of the am "
    "monatlich wöchentlich , . ! 19:00 nach Absprache".split()
)


def _check_text(text: str) -> None:
    """parse_recurrence returns None or a dateutil-valid rule; only raw RRULE text may raise."""
    raw = text.strip().lower().startswith(("rrule:", "freq="))
    try:
        rule = parse_recurrence(text)
    except RecurrenceError:
        assert raw
        return
    if rule is not None:
        assert not rule.startswith("RRULE:")
        parsed = rrulestr("RRULE:" + rule, dtstart=datetime(2026, 1, 1))
        assert parsed.after(datetime(2026, 1, 1), inc=True) is not None


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    _check_text(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(_WORDS, max_size=8).map(" ".join))
def test_word_salad_never_raises(text: str) -> None:
    _check_text(text)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["RRULE:", "FREQ=", "rrule:FREQ="]), st.text(max_size=30))
def test_raw_looking_text_returns_a_rule_or_raises_recurrence_error(prefix: str, rest: str) -> None:
    _check_text(prefix + rest)


# -- the expansion cache: asking in any order gives what a fresh rule gives --


def _fresh(rrule: str, dtstart: date, after: datetime, before: datetime) -> list[datetime]:
    rule = rrulestr("RRULE:" + rrule, dtstart=datetime.combine(dtstart, SEVEN_PM))
    found = rule.between(
        after.replace(tzinfo=None) - timedelta(days=1), before.replace(tzinfo=None) + timedelta(days=1), inc=True
    )
    return sorted(moment.replace(tzinfo=BERLIN) for moment in found if after <= moment.replace(tzinfo=BERLIN) < before)


@settings(max_examples=150, deadline=None)
@given(
    rrule=st.sampled_from(
        sorted(
            {rule for _, rule in PHRASES}
            | {"FREQ=WEEKLY;COUNT=10;BYDAY=FR", "FREQ=MONTHLY;UNTIL=20270301T000000;BYDAY=1MO"}
        )
    ),
    dtstart=st.dates(date(2024, 1, 1), date(2026, 6, 30)),
    windows=st.lists(st.tuples(st.integers(0, 3 * 365), st.integers(1, 120)), min_size=1, max_size=6),
)
def test_cached_expansion_matches_a_fresh_rule_in_any_order(rrule, dtstart, windows):
    for offset, days in windows:
        after = datetime(2024, 1, 1, tzinfo=BERLIN) + timedelta(days=offset)
        before = after + timedelta(days=days)
        got = occurrences(rrule, dtstart=dtstart, start_time=SEVEN_PM, tz=BERLIN, after=after, before=before)
        assert got == _fresh(rrule, dtstart, after, before)


# --- bounds: what a rule may ask for, and what expanding it may cost ---------------------------------------

# A hang guard, not a benchmark: each of these takes milliseconds, unbounded they took seconds to forever.
QUICK = 2.0


def timed(call: Callable[[], list[datetime]]) -> tuple[list[datetime], float]:
    """The call's result and the seconds it took."""
    started = perf_counter()
    result = call()
    return result, perf_counter() - started


def brute(rule: str, dtstart: date, start_time: time, after: datetime, before: datetime) -> list[datetime]:
    """The dates dateutil itself gives, expanding from DTSTART on (naive local time, Berlin)."""
    fresh = rrulestr("RRULE:" + rule, dtstart=datetime.combine(dtstart, start_time))
    low, high = after.replace(tzinfo=None) - timedelta(days=1), before.replace(tzinfo=None) + timedelta(days=1)
    found = (moment.replace(tzinfo=BERLIN) for moment in fresh.between(low, high, inc=True))
    return sorted(moment for moment in found if after <= moment < before)


EVERY_QUARTER_HOUR = "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=0,15,30,45"


@pytest.mark.parametrize(
    "raw",
    [
        EVERY_QUARTER_HOUR,
        "FREQ=DAILY;BYHOUR=18,19,20;BYMINUTE=0,30",  # six times a day
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9,10,11,12,13",
        "FREQ=DAILY;BYSECOND=0,30",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=19;BYSECOND=" + ",".join(map(str, range(60))),
        "FREQ=MONTHLY;BYDAY=1MO;BYMINUTE=0,1,2,3,4",
        "FREQ=WEEKLY;COUNT=1001;BYDAY=MO",
        "FREQ=DAILY;COUNT=999999",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY;BYHOUR=19",
    ],
)
def test_sub_daily_and_huge_count_rules_are_refused_everywhere(raw: str) -> None:
    with pytest.raises(RecurrenceError):
        parse_recurrence(raw)
    with pytest.raises(RecurrenceError):
        first_occurrence(raw, on_or_after=d(1, 1))
    with pytest.raises(RecurrenceError):
        check_rule_yields(raw, d(1, 1))
    with pytest.raises(RecurrenceError):
        occurrences(raw, dtstart=date(1900, 1, 1), start_time=SEVEN_PM, tz=BERLIN, after=YEAR_START, before=YEAR_END)


def test_refusals_say_why() -> None:
    with pytest.raises(RecurrenceError, match="96 times a day"):
        parse_recurrence(EVERY_QUARTER_HOUR)
    with pytest.raises(RecurrenceError, match="BYSECOND"):
        parse_recurrence("FREQ=DAILY;BYSECOND=0,30")
    with pytest.raises(RecurrenceError, match="COUNT must be at most 1000"):
        parse_recurrence("FREQ=WEEKLY;COUNT=1001;BYDAY=MO")


@pytest.mark.parametrize(
    "raw",
    [
        "FREQ=DAILY;BYHOUR=18,19;BYMINUTE=0,30",  # four times a day is the most
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10,14,18,21",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=19;BYMINUTE=30;BYSECOND=15",
        "FREQ=DAILY;BYHOUR=19,19,19,19,19",  # one time of day, written five times
        "FREQ=WEEKLY;COUNT=1000;BYDAY=MO",
    ],
)
def test_a_few_times_a_day_and_count_up_to_1000_are_fine(raw: str) -> None:
    assert parse_recurrence(raw) is not None


@pytest.mark.parametrize(
    ("rule", "per_week"),
    [("FREQ=DAILY", 7), ("FREQ=DAILY;BYHOUR=18,19;BYMINUTE=0,30", 28), ("FREQ=DAILY;INTERVAL=3", None)],
)
def test_a_meetup_since_1900_costs_only_its_window(rule: str, per_week: int | None) -> None:
    after, before = datetime(2030, 3, 4, tzinfo=BERLIN), datetime(2030, 3, 11, tzinfo=BERLIN)
    tracemalloc.start()
    try:
        found, seconds = timed(
            lambda: occurrences(
                rule, dtstart=date(1900, 1, 1), start_time=SEVEN_PM, tz=BERLIN, after=after, before=before
            )
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == brute(rule, date(1900, 1, 1), SEVEN_PM, after, before)
    if per_week is not None:
        assert len(found) == per_week
    assert peak < 5_000_000
    assert seconds < QUICK


# Rule shapes for the comparison with dateutil's own expansion from DTSTART. Each matches often (a rule that never
# matches would make the brute force itself walk to the year 9999); INTERVAL and the FREQ are drawn separately.
SHAPES = [
    "",  # everything from DTSTART: dateutil's implicit parts
    ";BYDAY=MO,TH",
    ";BYDAY=SU,MO;WKST=SU",
    ";BYDAY=TU;WKST=FR",
    ";BYMONTHDAY=1,15",
    ";BYMONTHDAY=-1",
    ";BYHOUR=10,19",
    ";BYHOUR=7;BYMINUTE=0,30",
    ";BYMONTH=3,9;BYDAY=WE",
    ";UNTIL=20350630T000000",
    ";BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
]
MONTHLY_SHAPES = [";BYDAY=1MO,-1FR", ";BYDAY=2WE", ";BYDAY=-1SA;BYMONTH=1,7"]


@settings(max_examples=250, deadline=None)
@given(
    freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    interval=st.integers(1, 3),
    shape=st.sampled_from(SHAPES + MONTHLY_SHAPES),
    dtstart=st.dates(date(1900, 1, 1), date(2030, 12, 31)),
    start_time=st.sampled_from([time(0, 0), time(7, 30), SEVEN_PM, time(23, 45)]),
    years_later=st.integers(-2, 40),
    day_of_year=st.integers(0, 364),
    days=st.sampled_from([1, 7, 31, 92, 366]),
)
@example(
    freq="MONTHLY",
    interval=1,
    shape="",
    dtstart=date(1990, 1, 31),
    start_time=SEVEN_PM,
    years_later=36,
    day_of_year=0,
    days=366,
)  # the 31st: only months that have one
@example(
    freq="YEARLY",
    interval=1,
    shape="",
    dtstart=date(1904, 2, 29),
    start_time=SEVEN_PM,
    years_later=24,
    day_of_year=0,
    days=366,
)  # 29 February: leap years only
@example(
    freq="WEEKLY",
    interval=2,
    shape=";BYDAY=SU,MO;WKST=SU",
    dtstart=date(1997, 8, 5),
    start_time=SEVEN_PM,
    years_later=29,
    day_of_year=200,
    days=92,
)  # RFC 5545's example of WKST changing the dates
@example(
    freq="YEARLY",
    interval=3,
    shape=";BYDAY=-1SA;BYMONTH=1,7",
    dtstart=date(1901, 7, 20),
    start_time=time(23, 45),
    years_later=40,
    day_of_year=0,
    days=366,
)
def test_expansion_from_the_window_matches_expansion_from_dtstart(
    freq: str,
    interval: int,
    shape: str,
    dtstart: date,
    start_time: time,
    years_later: int,
    day_of_year: int,
    days: int,
) -> None:
    if shape in MONTHLY_SHAPES and freq not in ("MONTHLY", "YEARLY"):
        shape = ";BYDAY=FR"
    rule = f"FREQ={freq}" + (f";INTERVAL={interval}" if interval > 1 else "") + shape
    after = datetime(dtstart.year + years_later, 1, 1, tzinfo=BERLIN) + timedelta(days=day_of_year)
    before = after + timedelta(days=days)
    got = occurrences(rule, dtstart=dtstart, start_time=start_time, tz=BERLIN, after=after, before=before)
    assert got == brute(rule, dtstart, start_time, after, before)[:MAX_DATES_PER_WINDOW]


def test_count_still_counts_from_dtstart_in_1900() -> None:
    rule = "FREQ=WEEKLY;COUNT=1000;BYDAY=MO"  # 1 January 1900 is a Monday; 999 weeks later, 24 February 1919
    window = datetime(1919, 1, 1, tzinfo=BERLIN), datetime(1920, 1, 1, tzinfo=BERLIN)
    dates = occurrences(
        rule, dtstart=date(1900, 1, 1), start_time=SEVEN_PM, tz=BERLIN, after=window[0], before=window[1]
    )
    assert dates == brute(rule, date(1900, 1, 1), SEVEN_PM, *window)
    assert dates[-1].date() == date(1919, 2, 24)
    assert (
        occurrences(rule, dtstart=date(1900, 1, 1), start_time=SEVEN_PM, tz=BERLIN, after=YEAR_START, before=YEAR_END)
        == []
    )


def test_at_most_500_dates_per_window() -> None:
    rule = "FREQ=DAILY;BYHOUR=9,12,15,18"
    kwargs = {"dtstart": date(2025, 1, 1), "start_time": SEVEN_PM, "tz": BERLIN, "after": YEAR_START}
    found = occurrences(rule, before=YEAR_END, **kwargs)
    assert MAX_DATES_PER_WINDOW == 500
    assert len(found) == 500
    assert found == brute(rule, date(2025, 1, 1), SEVEN_PM, YEAR_START, YEAR_END)[:500]
    # moved and extra dates count towards the limit, too; the earliest are kept
    extra = frozenset({datetime(2026, 1, 1, 8, tzinfo=BERLIN), datetime(2026, 12, 31, 8, tzinfo=BERLIN)})
    with_extra = occurrences(rule, before=YEAR_END, extra=extra, **kwargs)
    assert len(with_extra) == 500
    assert with_extra[0] == datetime(2026, 1, 1, 8, tzinfo=BERLIN)
    assert with_extra[1:] == found[:499]


NEVER = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11",
    "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
    "FREQ=DAILY;BYSETPOS=2",  # the second time of a day that has one
]


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_that_never_matches_is_refused_quickly(rule: str) -> None:
    assert parse_recurrence(rule) is not None  # well-formed: only its dates are missing
    with pytest.raises(RecurrenceError, match="no date within 10 years"):
        first_occurrence(rule, on_or_after=d(1, 1))
    with pytest.raises(RecurrenceError, match="yields no date within 10 years"):
        check_rule_yields(rule, d(1, 1))
    for call in (lambda: first_occurrence(rule, on_or_after=d(1, 1)), lambda: check_rule_yields(rule, d(1, 1))):
        started = perf_counter()
        with pytest.raises(RecurrenceError):
            call()
        assert perf_counter() - started < QUICK


def test_a_file_of_never_matching_rules_is_refused_quickly() -> None:
    started = perf_counter()
    for rule in NEVER * 2:  # twelve, as in a 2 KB calendar file
        with pytest.raises(RecurrenceError):
            first_occurrence(rule, on_or_after=d(1, 1))
    assert perf_counter() - started < QUICK


@pytest.mark.parametrize("rule", [*NEVER, "FREQ=WEEKLY;UNTIL=19991231;BYDAY=WE", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29"])
def test_a_stored_rule_without_dates_in_the_window_is_quick(rule: str) -> None:
    found, seconds = timed(
        lambda: occurrences(
            rule,
            dtstart=date(1900, 1, 1),
            start_time=SEVEN_PM,
            tz=BERLIN,
            after=datetime(2029, 3, 1, tzinfo=BERLIN),
            before=datetime(2032, 2, 1, tzinfo=BERLIN),
        )
    )
    assert found == []
    assert seconds < QUICK


def test_check_rule_yields_accepts_rules_with_dates() -> None:
    check_rule_yields("FREQ=WEEKLY;BYDAY=WE", d(1, 1))
    check_rule_yields("FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO", d(1, 1))
    check_rule_yields("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(2097, 3, 1))  # 2104: eight years on
    check_rule_yields("FREQ=WEEKLY;BYDAY=WE", datetime(2026, 1, 1, 19, tzinfo=BERLIN))
    with pytest.raises(RecurrenceError, match="yields no date within 10 years"):
        check_rule_yields("FREQ=WEEKLY;UNTIL=20251231;BYDAY=WE", d(1, 1))
    with pytest.raises(RecurrenceError, match="yields no date within 10 years"):
        # 1 January 2026 lies before the anchor, and the next 1 January counted is that of 2037
        check_rule_yields("FREQ=YEARLY;INTERVAL=11;BYMONTH=1;BYMONTHDAY=1", d(1, 2))
    check_rule_yields("FREQ=YEARLY;INTERVAL=10;BYMONTH=1;BYMONTHDAY=1", d(1, 2))  # 1 January 2036
    with pytest.raises(RecurrenceError):
        check_rule_yields("FREQ=WEEKLY;BYDAY=XX", d(1, 1))


def test_check_rule_yields_counts_the_interval_from_dtstart() -> None:
    # every fourth year from 2027: 2027, 2031, 2035 are common years, so no 29 February in ten years
    with pytest.raises(RecurrenceError):
        check_rule_yields("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", date(2027, 1, 1))
    check_rule_yields("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", date(2028, 1, 1))


@pytest.mark.parametrize(
    ("on_or_after", "expected"),
    [(d(3, 1), date(2028, 2, 29)), (date(2028, 2, 29), date(2028, 2, 29)), (date(2097, 3, 1), date(2104, 2, 29))],
)
def test_leap_day_rule_gives_the_next_leap_day(on_or_after: date, expected: date) -> None:
    assert first_occurrence("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", on_or_after=on_or_after) == expected


def test_stored_leap_day_rule_from_1904() -> None:
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    window = datetime(2030, 1, 1, tzinfo=BERLIN), datetime(2034, 1, 1, tzinfo=BERLIN)
    found, seconds = timed(
        lambda: occurrences(
            rule, dtstart=date(1904, 2, 29), start_time=SEVEN_PM, tz=BERLIN, after=window[0], before=window[1]
        )
    )
    assert found == [datetime(2032, 2, 29, 19, tzinfo=BERLIN)]
    assert seconds < QUICK
