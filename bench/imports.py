"""Calendar imports from a loopback server: room B's commands while room A's import waits on a slow server, and
hostile calendars (how soon the bot answers, its memory, and another room's commands meanwhile)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from bench.client import BenchClient
from bench.latency import ANSWER_TIMEOUT_S, Target, event_add_commands, first_event_day, round_trip
from bench.processes import child_pids, status_bytes
from bench.results import HostileCase, HostileResult, IsolationResult, Latencies
from bench.session import BotHandle, Session, progress
from bench.sizes import Sizes

HOST = "127.0.0.1"
# the loopback server on any port; files far above the largest hostile one (max_entries stays at its default)
MAX_BYTES = 16 * 1024 * 1024
IMPORTS_CONFIG = f'\n[import]\nallowed_hosts = ["{HOST}"]\nmax_bytes = {MAX_BYTES}\n'
HOSTILE_TIMEOUT_S = 60.0
SERVER_TIMEOUT_S = 30.0
SAMPLE_S = 0.05  # the bot's VmRSS is read this often while a hostile case runs; its children every other time
ANSWER_CHARS = 240  # of the bot's answer to a hostile case, its lines joined, in the report
OTHER_PAUSE_S = 0.2  # between two `!help` round trips in the other room
ISOLATION_COMMAND = "!event list"
SETTLE_S = 1.0  # after room A's import answered, before room B's commands alone
OTHER_COMMAND = "!help"
ROOM_B_EVENTS = 3


def ics(*lines: str) -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode()


def slow_calendar(number: int) -> bytes:
    """What /slow.ics answers (late): one plain event, a new one each time."""
    return ics("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//eventbot bench//EN", "BEGIN:VEVENT",
               f"UID:slow-{number}@bench.example", "DTSTAMP:20250101T000000Z", "DTSTART:20300101T100000",
               "DTEND:20300101T120000", f"SUMMARY:Slow import {number}", "END:VEVENT", "END:VCALENDAR")


def evil_timezone_calendar(tzid: str) -> bytes:
    """The 468-byte calendar of the security review (tests/calendars/test_icalbox.py): icalendar would expand the
    zone's per-second rule from 1601 for ever."""
    return ics("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//evils.example//EN", "BEGIN:VTIMEZONE", f"TZID:{tzid}",
               "BEGIN:STANDARD", "DTSTART:16010101T000000", "RRULE:FREQ=SECONDLY", "TZOFFSETFROM:+0200",
               "TZOFFSETTO:+0100", "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:16010101T000001",
               "RRULE:FREQ=MINUTELY", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT", "END:VTIMEZONE",
               "BEGIN:VEVENT", "UID:evil@example.org", "DTSTAMP:20250101T000000Z",
               f"DTSTART;TZID={tzid}:20250701T180000", "SUMMARY:Evil", "END:VEVENT", "END:VCALENDAR")


def event_lines(uid: str, *extra: str, start: str = "DTSTART:20300101T100000") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20250101T000000Z", start, "SUMMARY:Hostile", *extra, "END:VEVENT"]


def calendar_of(*events: list[str]) -> bytes:
    return ics("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//eventbot bench//EN",
               *(line for event in events for line in event), "END:VCALENDAR")


def many_events(count: int) -> bytes:
    """count minimal VEVENTs (as in tests/calendars/test_icalbox.py): 100,000 are 4.9 MB."""
    return (b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nDTSTART:20260101T000000\r\nEND:VEVENT\r\n" * count
            + b"END:VCALENDAR\r\n")


@dataclass(frozen=True)
class Hostile:
    key: str
    name: str
    data: bytes


def hostile_calendars(sizes: Sizes) -> list[Hostile]:
    every_quarter_hour = "RRULE:FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=0,15,30,45"
    never = "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
    evil = evil_timezone_calendar("Evil")
    assert len(evil) == 468, len(evil)
    return [
        Hostile("a", "the reviewed VTIMEZONE calendar (FREQ=SECONDLY from 1601, TZID Evil)", evil),
        Hostile("a2", "the same VTIMEZONE rules under TZID Europe/Berlin", evil_timezone_calendar("Europe/Berlin")),
        Hostile("b", "a meetup every quarter hour (BYHOUR=0..23, BYMINUTE=0,15,30,45) from 1900",
                calendar_of(event_lines("quarter@bench.example", every_quarter_hour,
                                        start="DTSTART:19000101T000000"))),
        Hostile("c", "twelve never-matching rules (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30)",
                calendar_of(*(event_lines(f"never-{n}@bench.example", never) for n in range(12)))),
        Hostile("d", "a LOCATION of `a`, 100,000 blanks, `b`",
                calendar_of(event_lines("blanks@bench.example", "LOCATION:a" + " " * 100_000 + "b"))),
        Hostile("e", f"{sizes.hostile_events:,} VEVENTs", many_events(sizes.hostile_events)),
    ]


@dataclass
class CalendarServer:
    """aiohttp on loopback: /slow.ics answers after slow_s, /hostile/<key>.ics the hostile calendars at once."""

    slow_s: float
    files: dict[str, bytes]
    port: int = 0
    slow_started: asyncio.Event = field(default_factory=asyncio.Event)
    slow_pending: int = 0
    slow_served: int = 0

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    async def slow(self, request: web.Request) -> web.Response:
        self.slow_pending += 1
        self.slow_started.set()
        try:
            await asyncio.sleep(self.slow_s)
            self.slow_served += 1
            return web.Response(body=slow_calendar(self.slow_served), content_type="text/calendar")
        finally:
            self.slow_pending -= 1

    async def hostile(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["key"])
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data, content_type="text/calendar")


@asynccontextmanager
async def calendar_server(slow_s: float, files: dict[str, bytes]) -> AsyncIterator[CalendarServer]:
    server = CalendarServer(slow_s, files)
    app = web.Application()
    app.router.add_get("/slow.ics", server.slow)
    app.router.add_get("/hostile/{key}.ics", server.hostile)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        server.port = runner.addresses[0][1]
        yield server
    finally:
        await runner.cleanup()


# --- room B during a slow import in room A ----------------------------------------------------------------------


async def _answered(client: BenchClient, room_id: str, body: str, timeout: float) -> float:
    """Seconds from sending body until its answer arrived; raises if none came."""
    started = time.perf_counter()
    event_id = await client.send(room_id, body)
    answer = await client.wait_reply(event_id, timeout)
    if answer is None:
        raise RuntimeError(f"no answer to {body.split()[0:2]} within {timeout:.0f} s")
    return answer.clock - started


async def _idle_round(client: BenchClient, room_b: Target, count: int) -> list[float]:
    return [math.nan if (s := await round_trip(client, room_b, ISOLATION_COMMAND)) is None else s
            for _ in range(count)]


async def _busy_round(client: BenchClient, server: CalendarServer, room_a: str, room_b: Target,
                      count: int) -> tuple[list[float], float, int]:
    """Start the slow import in room A; once the server holds its request, count round trips in room B; then wait
    for room A's answer. (samples, seconds until room A's answer, samples left out: ended after the server
    answered)."""
    server.slow_started.clear()
    started = time.perf_counter()
    import_id = await client.send(room_a, f"!event import {server.url('/slow.ics')}")
    await asyncio.wait_for(server.slow_started.wait(), SERVER_TIMEOUT_S)
    samples, outside = [], 0
    for _ in range(count):
        seconds = await round_trip(client, room_b, ISOLATION_COMMAND)
        if seconds is None:
            samples.append(math.nan)  # unanswered counts as lost, however long the import waited
        elif server.slow_pending == 0:
            outside += 1  # the import was no longer waiting when this answer came
        else:
            samples.append(seconds)
    answer = await client.wait_reply(import_id, server.slow_s + SERVER_TIMEOUT_S)
    if answer is None:
        raise RuntimeError(f"no answer to the import in room A within {server.slow_s + SERVER_TIMEOUT_S:.0f} s")
    return samples, answer.clock - started, outside


def _latencies(samples: list[float]) -> Latencies:
    answered = tuple(s for s in samples if not math.isnan(s))
    return Latencies(answered, lost=len(samples) - len(answered))


async def measure_isolation(session: Session, bot: BotHandle, server: CalendarServer,
                            sizes: Sizes) -> IsolationResult:
    client = session.alice  # the rooms' creator: a moderator, who may import
    room_a, room_b = await session.room_with(bot), await session.room_with(bot)
    target = Target(room_b)
    progress(f"isolation: {ROOM_B_EVENTS} events in room B, warm-up")
    for body, _ in zip(event_add_commands("Raum B", first_event_day()), range(ROOM_B_EVENTS), strict=False):
        await _answered(client, room_b, body, ANSWER_TIMEOUT_S)
    await _idle_round(client, target, sizes.warmup)
    busy: list[float] = []
    idle: list[float] = []
    replies: list[float] = []
    outside = 0
    for number in range(sizes.isolation_rounds):
        progress(f"isolation: round {number + 1}/{sizes.isolation_rounds}: {sizes.isolation_per_round} × "
                 f"`{ISOLATION_COMMAND}` in room B alone, then as many while room A's import waits "
                 f"{server.slow_s:g} s")
        # alone: after a pause, so that what the last import left to do (storing, waking the scheduler) is done
        await asyncio.sleep(SETTLE_S)
        idle += await _idle_round(client, target, sizes.isolation_per_round)
        samples, reply_s, left_out = await _busy_round(client, server, room_a, target, sizes.isolation_per_round)
        busy += samples
        replies.append(reply_s)
        outside += left_out
    return IsolationResult(ISOLATION_COMMAND, server.slow_s, _latencies(busy), _latencies(idle), tuple(replies),
                           outside)


# --- hostile calendars ------------------------------------------------------------------------------------------


@dataclass
class MemorySampler:
    """The bot's VmRSS, and its children's (the calendar reader), read every SAMPLE_S while running."""

    pid: int
    peak: int = 0
    child_peak: int = 0
    _task: asyncio.Task[None] | None = None

    def reset(self) -> None:
        self.peak = status_bytes(self.pid, "VmRSS") or 0
        self.child_peak = 0

    async def _run(self) -> None:
        tick = 0
        while True:
            self.peak = max(self.peak, status_bytes(self.pid, "VmRSS") or 0)
            if tick % 2 == 0:
                for child in child_pids(self.pid):
                    self.child_peak = max(self.child_peak, status_bytes(child, "VmRSS") or 0)
            tick += 1
            await asyncio.sleep(SAMPLE_S)

    def start(self) -> None:
        self.reset()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def _other_room(client: BenchClient, room: Target, stop: asyncio.Event) -> list[float]:
    """OTHER_COMMAND round trips one after another (a short pause between) until stop is set."""
    samples: list[float] = []
    while not stop.is_set():
        seconds = await round_trip(client, room, OTHER_COMMAND)
        samples.append(math.nan if seconds is None else seconds)
        await asyncio.sleep(OTHER_PAUSE_S)
    return samples


async def _hostile_case(client: BenchClient, server: CalendarServer, room_id: str, case: Hostile,
                        sampler: MemorySampler) -> HostileCase:
    sampler.reset()
    started = time.perf_counter()
    event_id = await client.send(room_id, f"!event import {server.url(f'/hostile/{case.key}.ics')}")
    answer = await client.wait_reply(event_id, HOSTILE_TIMEOUT_S)
    seconds = math.nan if answer is None else answer.clock - started
    await asyncio.sleep(2 * SAMPLE_S)  # one more sample after the answer
    if answer is None:
        text = f"(no answer within {HOSTILE_TIMEOUT_S:.0f} s)"
    else:
        text = " / ".join(line.strip() for line in answer.body.splitlines() if line.strip())
        text = text if len(text) <= ANSWER_CHARS else text[:ANSWER_CHARS - 1] + "…"
    result = HostileCase(case.key, case.name, len(case.data), seconds, sampler.peak, sampler.child_peak, text)
    progress(f"hostile ({case.key}) {len(case.data):,} bytes: {seconds:.2f} s, bot VmRSS ≤ "
             f"{sampler.peak / 1e6:.1f} MB, reader ≤ {sampler.child_peak / 1e6:.1f} MB: {text}")
    return result


async def measure_hostile(session: Session, bot: BotHandle, server: CalendarServer, sizes: Sizes) -> HostileResult:
    client = session.alice
    hostile_room, other_room = await session.room_with(bot), await session.room_with(bot)
    other = Target(other_room)
    for _ in range(sizes.warmup):
        await round_trip(client, other, OTHER_COMMAND)
    sampler = MemorySampler(bot.process.pid)
    sampler.start()
    stop = asyncio.Event()
    others = asyncio.create_task(_other_room(client, other, stop))
    cases = []
    try:
        for case in hostile_calendars(sizes):
            cases.append(await _hostile_case(client, server, hostile_room, case, sampler))
    finally:
        stop.set()
        other_samples = await others
        await sampler.stop()
    return HostileResult(tuple(cases), bot.process.status_bytes("VmHWM"), OTHER_COMMAND, _latencies(other_samples),
                         SAMPLE_S)

