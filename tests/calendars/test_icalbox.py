"""Calendars parsed in a box: hostile files cost a child process its limits, never the bot's event loop."""

from __future__ import annotations

import asyncio
import resource
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import icalbox
from bot.ical import CalendarEntry, CalendarError, parse_calendar
from bot.icalbox import entry_from_json, entry_to_json, parse_calendar_boxed

DATA = Path(__file__).parent.parent / "data"
BERLIN = ZoneInfo("Europe/Berlin")
GUARD_S = 15.0
TOO_COMPLEX = "too large or too complex to read"


def evil_calendar(tzid: str) -> bytes:
    """The 468-byte calendar from the security review: icalendar expands the zone's per-second rule for ever."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//evils.example//EN\r\n"
        f"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n"
        "BEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nRRULE:FREQ=SECONDLY\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:16010101T000001\r\nRRULE:FREQ=MINUTELY\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        f"BEGIN:VEVENT\r\nUID:evil@example.org\r\nDTSTAMP:20250101T000000Z\r\n"
        f"DTSTART;TZID={tzid}:20250701T180000\r\nSUMMARY:Evil\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def many_events(count: int) -> bytes:
    """`count` minimal VEVENTs: 100,000 are 4.9 MB, which icalendar reads for seconds."""
    return (
        b"BEGIN:VCALENDAR\r\n"
        + b"BEGIN:VEVENT\r\nDTSTART:20260101T000000\r\nEND:VEVENT\r\n" * count
        + b"END:VCALENDAR\r\n"
    )


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_the_evil_calendar_is_the_reviewed_one():
    assert len(evil_calendar("Evil")) == 468


async def test_evil_time_zone_is_refused_quickly_without_parent_memory():
    before, started = max_rss_mb(), time.monotonic()
    with pytest.raises(CalendarError, match="unknown time zone 'Evil'"):
        await parse_calendar_boxed(evil_calendar("Evil"), BERLIN, max_entries=5000)
    assert time.monotonic() - started < GUARD_S
    assert max_rss_mb() - before < 50


async def test_evil_rules_under_an_iana_id_give_way_to_the_iana_rules():
    before, started = max_rss_mb(), time.monotonic()
    (entry,) = await parse_calendar_boxed(evil_calendar("Europe/Berlin"), ZoneInfo("UTC"), max_entries=5000)
    assert time.monotonic() - started < GUARD_S
    assert max_rss_mb() - before < 50
    july = entry.start.astimezone(BERLIN)
    assert july == datetime(2025, 7, 1, 18, tzinfo=BERLIN) and july.utcoffset() == timedelta(hours=2)
    assert entry.start == datetime(2025, 7, 1, 16, tzinfo=ZoneInfo("UTC"))


async def test_boxed_result_is_the_pure_result():
    data = (DATA / "events-feed-2025-12-12.ics").read_bytes()
    boxed = await parse_calendar_boxed(data, BERLIN, max_entries=5000)
    assert boxed == parse_calendar(data, BERLIN)
    assert all(entry.start.tzinfo is BERLIN for entry in boxed)


def test_json_keeps_every_field():
    fold = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1)  # the second 02:30 of that night
    entry = CalendarEntry(
        uid="u",
        title="T",
        start=fold,
        end=datetime(2026, 10, 25, 4, tzinfo=BERLIN),
        all_day=False,
        place="P",
        online=True,
        link="https://example.org",
        geo=(52.5, 13.4),
        description="D",
        rrule="FREQ=WEEKLY",
        exdates=(fold,),
        rdates=(fold, fold),
        rule_text="R",
        city="C",
        skip_reason="S",
    )
    again = entry_from_json(entry_to_json(entry))
    assert again == entry and again.start.fold == 1 and again.start.utcoffset() == timedelta(hours=1)
    assert again.exdates[0].fold == 1


async def test_entry_cap_is_enforced_by_the_child():
    assert len(await parse_calendar_boxed(many_events(5000), BERLIN, max_entries=5000)) == 5000
    with pytest.raises(CalendarError, match="more than 5000 entries"):
        await parse_calendar_boxed(many_events(5001), BERLIN, max_entries=5000)


async def test_a_child_out_of_memory_is_a_calendar_error():
    before = max_rss_mb()
    with pytest.raises(CalendarError, match=TOO_COMPLEX + r" \(memory limit\)"):
        await parse_calendar_boxed(many_events(100_000), BERLIN, max_entries=200_000, memory_bytes=100 * 1024 * 1024)
    assert max_rss_mb() - before < 50


async def test_a_child_out_of_cpu_time_is_a_calendar_error():
    started = time.monotonic()
    with pytest.raises(CalendarError, match=TOO_COMPLEX + r" \(CPU time limit\)"):
        await parse_calendar_boxed(many_events(100_000), BERLIN, max_entries=200_000, cpu_s=1, timeout_s=30)
    assert time.monotonic() - started < GUARD_S


async def test_a_slow_child_is_killed_and_the_loop_keeps_ticking(monkeypatch):
    children = []
    spawn = asyncio.create_subprocess_exec

    async def recording(*args, **kwargs):
        children.append(await spawn(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(icalbox.asyncio, "create_subprocess_exec", recording)
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker():
        while not stop.is_set():
            before = time.monotonic()
            await asyncio.sleep(0.05)
            lags.append(time.monotonic() - before - 0.05)

    ticking = asyncio.create_task(ticker())
    try:
        data = many_events(100_000)
        with pytest.raises(CalendarError, match=TOO_COMPLEX + r" \(more than 2 s\)"):
            await parse_calendar_boxed(data, BERLIN, max_entries=200_000, timeout_s=2)
        with pytest.raises(CalendarError, match="more than 5000 entries"):  # refused by the child's cap
            await parse_calendar_boxed(data, BERLIN, max_entries=5000)
    finally:
        stop.set()
        await ticking
    assert len(lags) > 10 and max(lags) < 0.5
    assert children[0].returncode < 0  # killed, and waited for (no zombie)
    assert all(child.returncode is not None for child in children)


async def test_children_run_two_at_a_time():
    data = (DATA / "events-feed-2025-12-12.ics").read_bytes()
    results = await asyncio.gather(*(parse_calendar_boxed(data, BERLIN, max_entries=5000) for _ in range(4)))
    assert all(len(entries) == 375 for entries in results)
    assert not icalbox._turn().locked()


async def test_refusals_of_the_child_come_back_as_they_are():
    with pytest.raises(CalendarError, match="not an iCalendar file"):
        await parse_calendar_boxed(b"garbage", BERLIN, max_entries=5000)
    with pytest.raises(CalendarError, match="nested deeper than 4"):
        deep = b"".join(b"BEGIN:X%d\r\n" % n for n in range(6)) + b"".join(b"END:X%d\r\n" % n for n in range(6))
        await parse_calendar_boxed(b"BEGIN:VCALENDAR\r\n" + deep + b"END:VCALENDAR\r\n", BERLIN, max_entries=5000)


def test_the_child_gets_none_of_the_bots_settings(monkeypatch):
    monkeypatch.setenv("EVENTBOT_ACCESS_TOKEN", "secret")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    env = icalbox._child_env()
    assert "EVENTBOT_ACCESS_TOKEN" not in env and env["LC_ALL"] == "C.UTF-8"
