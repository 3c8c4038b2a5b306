"""Due-time decisions for reminders (pure, with an injected clock)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from bot.models import Event, Meetup
from bot.reminders import (
    LeadTimeError,
    event_occurrence,
    format_lead,
    meetup_occurrences,
    parse_lead,
    plan_reminders,
    render_reminder,
)

BERLIN = ZoneInfo("Europe/Berlin")
HOUR, DAY = 3600, 86400


def event(start: datetime, **changes) -> Event:
    values = dict(
        id=7,
        room_id="!r",
        title="Datenabend",
        start=start,
        end=start + timedelta(hours=2),
        all_day=False,
        timezone="Europe/Berlin",
        place="Basislager",
        uid="e7",
    )
    values.update(changes)
    return Event(**values)


def weekly_meetup(**changes) -> Meetup:
    values = dict(
        id=3,
        room_id="!r",
        city="Leipzig",
        rule_text="jeden Mittwoch",
        rrule="FREQ=WEEKLY;BYDAY=WE",
        dtstart=date(2026, 1, 7),
        start_time=time(19),
        end_time=time(22),
        timezone="Europe/Berlin",
        name="OKLab Leipzig",
        uid="m3",
    )
    values.update(changes)
    return Meetup(**values)


def leads(*seconds: int):
    return lambda occurrence: seconds


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", HOUR), ("1d", DAY), ("2w", 14 * DAY), (" 3H ", 3 * HOUR)]
)
def test_parse_lead(text, seconds):
    assert parse_lead(text) == seconds


@pytest.mark.parametrize("text", ["", "0h", "1", "h", "1y", "-1h", "1.5h", "99999d"])
def test_parse_lead_refuses(text):
    with pytest.raises(LeadTimeError):
        parse_lead(text)


@pytest.mark.parametrize(("seconds", "text"), [(DAY, "1d"), (HOUR, "1h"), (5400, "90m"), (45, "45s"), (14 * DAY, "2w")])
def test_format_lead(seconds, text):
    assert format_lead(seconds) == text


def test_nothing_due_yet_gives_the_next_due_time():
    start = datetime(2026, 12, 4, 18, tzinfo=BERLIN)
    plan = plan_reminders([event_occurrence(event(start))], leads(DAY, HOUR), set(), start - timedelta(days=2))
    assert plan.due == () and plan.skipped == ()
    assert plan.next_due == start - timedelta(days=1)


def test_due_reminder_and_the_ledger():
    start = datetime(2026, 12, 4, 18, tzinfo=BERLIN)
    occurrence = event_occurrence(event(start))
    now = start - timedelta(hours=1, seconds=-5)
    plan = plan_reminders([occurrence], leads(DAY, HOUR), {f"{occurrence.key}:{DAY}"}, now)
    assert [group.keys for group in plan.due] == [(f"{occurrence.key}:{HOUR}",)]
    assert plan.due[0].late is False
    done = {f"{occurrence.key}:{DAY}", f"{occurrence.key}:{HOUR}"}
    assert plan_reminders([occurrence], leads(DAY, HOUR), done, now).due == ()


def test_after_an_outage_one_combined_late_message_per_event():
    start = datetime(2026, 12, 4, 18, tzinfo=BERLIN)
    occurrence = event_occurrence(event(start))
    now = start - timedelta(minutes=30)
    plan = plan_reminders([occurrence], leads(DAY, HOUR), set(), now)
    assert len(plan.due) == 1 and set(plan.due[0].keys) == {f"{occurrence.key}:{DAY}", f"{occurrence.key}:{HOUR}"}
    assert plan.due[0].late is True


def test_reminders_for_events_that_started_are_skipped():
    start = datetime(2026, 12, 4, 18, tzinfo=BERLIN)
    occurrence = event_occurrence(event(start))
    plan = plan_reminders([occurrence], leads(HOUR), set(), start + timedelta(minutes=1))
    assert plan.due == () and [key for _, key in plan.skipped] == [f"{occurrence.key}:{HOUR}"]


def test_moving_an_event_makes_new_reminders():
    start = datetime(2026, 12, 4, 18, tzinfo=BERLIN)
    before = event_occurrence(event(start))
    after = event_occurrence(event(start + timedelta(days=1)))
    assert before.key != after.key
    done = {f"{before.key}:{HOUR}"}
    plan = plan_reminders([after], leads(HOUR), done, start + timedelta(days=1, minutes=-59))
    assert [g.keys for g in plan.due] == [(f"{after.key}:{HOUR}",)]


def test_changed_lead_times_take_effect():
    start = datetime(2026, 12, 4, 18, tzinfo=BERLIN)
    occurrence = event_occurrence(event(start))
    now = start - timedelta(hours=2)
    assert plan_reminders([occurrence], leads(HOUR), set(), now).next_due == start - timedelta(hours=1)
    assert plan_reminders([occurrence], leads(3 * HOUR), set(), now).due != ()
    assert plan_reminders([occurrence], leads(), set(), now) == plan_reminders([], leads(), set(), now)


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 14), date(2026, 3, 25), date(2026, 4, 1), date(2026, 7, 15), date(2026, 10, 21), date(2026, 10, 28)],
)
def test_meetup_reminder_one_hour_before_is_at_18_local_summer_and_winter(day):
    occurrences = meetup_occurrences(
        weekly_meetup(),
        datetime.combine(day, time(), BERLIN),
        datetime.combine(day + timedelta(days=1), time(), BERLIN),
    )
    assert len(occurrences) == 1
    plan = plan_reminders(occurrences, leads(HOUR), set(), datetime.combine(day, time(12), BERLIN))
    due_at = plan.next_due.astimezone(BERLIN)
    assert (due_at.hour, due_at.minute) == (18, 0)
    assert due_at.utcoffset() == (
        timedelta(hours=2) if date(2026, 3, 29) < day < date(2026, 10, 25) else timedelta(hours=1)
    )


def test_skipped_and_moved_meetup_dates():
    meetup = weekly_meetup(
        skipped=frozenset({date(2026, 1, 14)}),
        moved=MappingProxyType({date(2026, 1, 21): datetime(2026, 1, 22, 18, tzinfo=BERLIN)}),
    )
    starts = [
        o.start
        for o in meetup_occurrences(meetup, datetime(2026, 1, 12, tzinfo=BERLIN), datetime(2026, 1, 29, tzinfo=BERLIN))
    ]
    assert starts == [datetime(2026, 1, 22, 18, tzinfo=BERLIN), datetime(2026, 1, 28, 19, tzinfo=BERLIN)]
    first = meetup_occurrences(meetup, datetime(2026, 1, 22, tzinfo=BERLIN), datetime(2026, 1, 23, tzinfo=BERLIN))
    assert first[0].target.occurrence == "2026-01-22T18:00"


def test_render_reminder_relative_day_place_and_rsvps():
    start = datetime(2026, 12, 4, 18, tzinfo=BERLIN)
    occurrence = event_occurrence(event(start))
    text = render_reminder(occurrence, ["@a:x", "@b:x"], start - timedelta(days=1), Translator("de"), late=False)
    assert text.text.splitlines()[:2] == [
        "⏰ Erinnerung: Datenabend",
        "morgen, Freitag, 04.12.2026, 18:00-20:00 (in 1 Tag)",
    ]
    assert "2 Zusagen: @a:x, @b:x" in text.text
    assert 'href="https://matrix.to/#/@a:x"' in text.html
    english = render_reminder(occurrence, [], start - timedelta(hours=1), Translator("en"), late=True)
    assert english.text.startswith("⏰ Reminder: Datenabend (late)\ntoday, Friday, 4 Dec 2026, 18:00-20:00 (in 1 hour)")
