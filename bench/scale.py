"""Scale: a large database (events, meetups, many rooms): roundup rendering, `!event list`, memory, start-up."""

from __future__ import annotations

import gc
import itertools
import sqlite3
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.client import BenchClient
from bench.latency import Target, compare
from bench.processes import ManagedProcess, eventbot_database
from bench.results import HandlingTiming, LatencyResult, RenderTiming, ScaleResult
from bench.session import BotHandle, Session, progress
from bench.sizes import Sizes
from bot.commands.catalog import build_registry
from bot.config import RoundupConfig, parse_config
from bot.dispatch import Dispatcher
from bot.models import Deadline, Event, EventStatus, Meetup, Message
from bot.parsing.recurrence import first_occurrence, parse_recurrence
from bot.roundup import Edition, collect_roundup, render_roundup
from bot.storage import Storage

ZONE = ZoneInfo("Europe/Berlin")
STARTUP_TIMEOUT_S = 60.0
EVENT_SPACING = timedelta(minutes=97)  # 10,000 events reach about 22 months ahead, at every time of day
CITIES = ("Berlin", "Köln", "Leipzig", "München", "Ulm", "Würzburg", "Essen", "Dresden", "Äschach", "Zwickau")
RULES = ("jeden Dienstag", "jeden ersten Montag im Monat", "jeden letzten Freitag im Monat",
         "jeden zweiten und vierten Mittwoch im Monat", "jeden zweiten Montag")
# meetup reminders a minute ahead only: the seeded meetups must not flood the measured room during the run
SCALE_CONFIG = '\n[reminders]\nlead_times = ["1d", "1h"]\nmeetup_lead_times = ["1m"]\n'
ROUNDUP_MONTHS_AHEAD = 4


def make_event(number: int, room_id: str, start: datetime, submitter: str,
               status: EventStatus = EventStatus.APPROVED) -> Event:
    """A timed event of two hours; every fourth online only, the others at a place."""
    online = number % 4 == 0
    return Event(
        id=0, room_id=room_id, title=f"Datenabend {number}", start=start, end=start + timedelta(hours=2),
        all_day=False, timezone=str(ZONE), online=online,
        place=None if online else f"Raum {number % 9}, Hauptstraße {number % 200 + 1}",
        link=f"https://example.org/events/{number}", submitter=submitter, status=status)


def scale_meetup(number: int, room_id: str, today: date, submitter: str) -> Meetup:
    rule_text = RULES[number % len(RULES)]
    rrule = parse_recurrence(rule_text)
    assert rrule is not None, rule_text
    city = f"{CITIES[number % len(CITIES)]} {number}"
    return Meetup(
        id=0, room_id=room_id, city=city, rule_text=rule_text, rrule=rrule,
        dtstart=first_occurrence(rrule, on_or_after=today - timedelta(days=365)), start_time=clock_time(19, 0),
        end_time=clock_time(21, 0), timezone=str(ZONE), name=f"OK Lab {city}", place=f"Lab {number}, Marktplatz 1",
        link=f"https://example.org/labs/{number}", submitter=submitter)


def scale_rooms(measured_room: str, count: int) -> list[str]:
    """The measured room (the bot is in it) and count - 1 more (only in the database)."""
    return [measured_room, *(f"!scale{number:03d}:localhost" for number in range(1, count))]


async def seed_scale(database: Path, rooms: list[str], sizes: Sizes, submitter: str) -> None:
    today = date.today()
    first = datetime.combine(today + timedelta(days=2), clock_time(8, 0), ZONE)
    storage = await Storage.open(database)
    try:
        for number in range(sizes.scale_events):
            status = EventStatus.CANCELLED if number % 20 == 0 else EventStatus.APPROVED
            await storage.add_event(make_event(number, rooms[number % len(rooms)], first + number * EVENT_SPACING,
                                               submitter, status))
        for number in range(sizes.scale_meetups):
            await storage.add_meetup(scale_meetup(number, rooms[number % len(rooms)], today, submitter))
    finally:
        await storage.close()


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (the backup API also carries what is still in the WAL)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def roundup_edition(today: date) -> tuple[Edition, datetime]:
    """An edition ROUNDUP_MONTHS_AHEAD months ahead, and the first moment of the month whose events it lists."""
    index = today.year * 12 + today.month - 1 + ROUNDUP_MONTHS_AHEAD
    year, month = divmod(index, 12)
    listed = datetime(year + (month + 1) // 12, (month + 1) % 12 + 1, 1, tzinfo=ZONE)
    published = datetime.combine(today, clock_time(8, 0), ZONE)
    return Edition(year, month + 1, published=published), listed


async def seed_month(storage: Storage, room_id: str, month_start: datetime, count: int, submitter: str) -> None:
    """count approved events spread over the month (distinct minutes), a few meetups and deadlines."""
    minutes = ((month_start + timedelta(days=32)).replace(day=1) - month_start).total_seconds() / 60
    for number in range(count):
        start = month_start + timedelta(minutes=int(number * minutes / count))
        await storage.add_event(make_event(number, room_id, start, submitter))
    for number in range(4):
        await storage.add_meetup(scale_meetup(number, room_id, month_start.date(), submitter))
    for number in range(3):
        await storage.add_deadline(Deadline(
            id=0, room_id=room_id, name=f"[Förderaufruf {number}] für offene Daten", link="https://example.org/call",
            end=month_start.date() + timedelta(days=10 * number), submitter=submitter))


async def time_render(storage: Storage, room_id: str, edition: Edition, runs: int) -> RenderTiming:
    config = RoundupConfig()
    times: list[float] = []
    for _ in range(runs):
        gc.collect()  # each run pays for its own garbage, not for what seeding left behind
        started = time.perf_counter()
        content = await collect_roundup(storage, room_id, edition, config, ZONE)
        text = render_roundup(content, config)
        times.append(time.perf_counter() - started)
    return RenderTiming(events=len(content.events), seconds=statistics.median(times), first_seconds=times[0],
                        runs=runs, chars=len(text))


async def time_handling(storage: Storage, data_dir: Path, room_id: str, sender: str, body: str,
                        runs: int) -> HandlingTiming:
    """A command through the bot's dispatcher and reply rendering, in this process (what the bot adds to the
    homeserver's round trip for it)."""
    config = parse_config({"matrix": {"homeserver": "http://127.0.0.1:1", "user_id": "@eventbot:localhost",
                                      "password": "bench"},
                           "bot": {"data_dir": str(data_dir), "rate_limit_per_minute": 10**6}},
                          base_dir=data_dir, env={})
    dispatcher = Dispatcher(build_registry(), storage, config, clock=lambda: datetime.now(ZONE))
    times, chars = [], 0
    for number in range(runs):
        message = Message(room_id=room_id, event_id=f"$handling{number}", sender=sender, body=body,
                          timestamp_ms=int(time.time() * 1000))
        started = time.perf_counter()
        answer = await dispatcher.dispatch(message)
        if answer is None:
            raise RuntimeError(f"no answer to {body!r}")
        chars = len(answer.body.to_reply().text)
        times.append(time.perf_counter() - started)
    return HandlingTiming(body, statistics.median(times), runs, chars)


async def measure_in_process(database: Path, sizes: Sizes, submitter: str,
                             room_id: str) -> tuple[tuple[RenderTiming, ...], HandlingTiming]:
    """On a copy of the database, in this process: `!event list` in the measured room, and roundups of months with
    each of the sizes' event counts."""
    copy = database.with_name("roundup-copy.db")
    copy_database(database, copy)
    edition, listed = roundup_edition(date.today())
    storage = await Storage.open(copy)
    try:
        handling = await time_handling(storage, copy.parent, room_id, submitter, "!event list", sizes.list_n)
        progress(f"scale: `!event list` in-process: median {handling.seconds * 1000:.1f} ms")
        timings = []
        for count in sizes.roundup_sizes:
            room_id = f"!roundup{count}:localhost"
            await seed_month(storage, room_id, listed, count, submitter)
            timing = await time_render(storage, room_id, edition, sizes.roundup_runs)
            if timing.events != count:
                raise RuntimeError(f"the roundup holds {timing.events} events, {count} were seeded for its month")
            progress(f"scale: roundup with {timing.events:,} events: median {timing.seconds * 1000:.1f} ms, "
                     f"first run {timing.first_seconds * 1000:.1f} ms")
            timings.append(timing)
        return tuple(timings), handling
    finally:
        await storage.close()


async def measure_startup(client: BenchClient, process: ManagedProcess, room_id: str) -> float:
    """Seconds from starting the process until its answer to a command (sent right after the start) arrived."""
    started = time.perf_counter()
    process.start()
    event_id = await client.send(room_id, "!event list")
    answer = await client.wait_reply(event_id, STARTUP_TIMEOUT_S)
    await process.wait_ready()
    if answer is None:
        raise RuntimeError(f"no answer within {STARTUP_TIMEOUT_S:.0f} s of starting the bot")
    return answer.clock - started


async def measure_scale(session: Session, sizes: Sizes) -> ScaleResult:
    bot = await session.start_eventbot("scale", SCALE_CONFIG)
    try:
        return await _measure_scale(session, bot, sizes)
    finally:
        bot.process.stop()


async def _measure_scale(session: Session, bot: BotHandle, sizes: Sizes) -> ScaleResult:
    room = await session.room_with(bot)
    echo_room = await session.room_with(session.echo)
    bot.process.stop()
    database = eventbot_database(bot.process.directory)
    progress(f"scale: seeding {sizes.scale_events:,} events and {sizes.scale_meetups} meetups "
             f"in {sizes.scale_rooms} rooms")
    submitter = session.alice.user.user_id
    await seed_scale(database, scale_rooms(room, sizes.scale_rooms), sizes, submitter)
    renders, handling = await measure_in_process(database, sizes, submitter, room)
    startup = await measure_startup(session.alice, bot.process, room)
    progress(f"scale: start-up until the first answer {startup:.2f} s; `!event list` × {sizes.list_n}")
    bot_latencies, floor_latencies = await compare(session.alice, [Target(room), Target(echo_room)],
                                                   itertools.repeat("!event list"), sizes.list_n, sizes.warmup)
    return ScaleResult(
        events=sizes.scale_events, meetups=sizes.scale_meetups, rooms=sizes.scale_rooms, renders=renders,
        list_latency=LatencyResult("!event list", bot_latencies, floor_latencies), list_handling=handling,
        rss_bytes=bot.process.rss_bytes(), floor_rss_bytes=session.echo.process.rss_bytes(), startup_s=startup)
