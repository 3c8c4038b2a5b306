"""The public calendar page, in this process (no Synapse): a published room with many events in a real SQLite
database, served by the bot's own `start_http` on loopback and requested by an aiohttp client over loopback HTTP.

Measured: a busy month's page (the first request, cold; built anew for each request; from the bot's cache), a 304
to If-None-Match with its ETag, and many requests at once. The floor is a trivial aiohttp handler on another
loopback port answering the same bytes (and 304s), so the ratio shows what the page itself costs."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import socket
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from bench.results import ConcurrentRun, Latencies, PageResult
from bench.scale import ZONE, make_event, scale_meetup
from bench.session import progress
from bench.sizes import Sizes
from bot.clock import system_clock
from bot.config import HttpConfig
from bot.http import FeedCache, etag_matches, start_http
from bot.models import Event, EventStatus
from bot.storage import Storage
from bot.web.occurrences import SHOWN_STATUSES
from bot.web.pages import month_window

HOST = "127.0.0.1"
ROOM = "!publicpage:localhost"
NAME = "okfde-bench"
SUBMITTER = "@alice:localhost"
MONTHS_AHEAD = 3  # the busy month: this many months after the current one
OTHER_MONTHS = 24  # the other events spread over the 12 months before and the 12 after the busy one
CONCURRENT_TIMEOUT_S = 30.0
ERROR_CHARS = 160


def busy_month(today: date) -> tuple[int, int]:
    year, month = divmod(today.year * 12 + today.month - 1 + MONTHS_AHEAD, 12)
    return year, month + 1


def shifted(year: int, month: int, step: int) -> datetime:
    """The first moment of the month `step` months after (year, month), in the page's zone."""
    index = year * 12 + month - 1 + step
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=ZONE)


def page_event(number: int, start: datetime) -> Event:
    """scale's event (every fourth online, every twentieth cancelled), every third place on the map, every fifth
    with a description."""
    status = EventStatus.CANCELLED if number % 20 == 0 else EventStatus.APPROVED
    event = make_event(number, ROOM, start, SUBMITTER, status)
    geo = (50.0 + (number % 97) / 100, 7.0 + (number % 89) / 50) if event.place and number % 3 == 0 else None
    description = f"Offene Daten, Runde {number}: Vorträge & Diskussion <b>für alle</b>." if number % 5 == 0 else None
    return dataclasses.replace(event, geo=geo, description=description)


def spread(month_start: datetime, count: int, offset: int = 0) -> list[datetime]:
    """count starts spread over the month (distinct minutes), shifted by `offset` minutes (so months differ); each
    event (two hours) is over before the month ends, so no other month's event reaches into the busy one."""
    minutes = ((month_start + timedelta(days=32)).replace(day=1) - month_start).total_seconds() / 60 - 3 * 60
    return [month_start + timedelta(minutes=int(number * minutes / count) + offset % 60) for number in range(count)]


async def seed_page(storage: Storage, sizes: Sizes, year: int, month: int) -> None:
    """sizes.page_month_events in the busy month, the rest of sizes.page_events over the other months; the
    meetups; the room published as NAME."""
    starts = spread(shifted(year, month, 0), sizes.page_month_events)
    others = sizes.page_events - sizes.page_month_events
    steps = [step for step in range(-OTHER_MONTHS // 2, OTHER_MONTHS // 2 + 1) if step != 0]
    for index, step in enumerate(steps):
        count = others // len(steps) + (1 if index < others % len(steps) else 0)
        if count:
            starts += spread(shifted(year, month, step), count, offset=index)
    for number, start in enumerate(starts):
        await storage.add_event(page_event(number, start))
    for number in range(sizes.page_meetups):
        await storage.add_meetup(scale_meetup(number, ROOM, date.today(), SUBMITTER))
    if not await storage.publish(ROOM, NAME):
        raise RuntimeError(f"could not publish the room as {NAME!r}")
    start, end = month_window(ZONE, year, month)
    shown = len(await storage.list_events(ROOM, start=start, end=end, statuses=SHOWN_STATUSES))
    if shown != sizes.page_month_events:
        raise RuntimeError(f"{shown} events in the busy month, {sizes.page_month_events} were meant to be")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def floor_server(body: bytes, etag: str) -> AsyncIterator[int]:
    """A trivial aiohttp server answering every GET with `body` (or a 304 to a matching If-None-Match): its port."""

    async def answer(request: web.Request) -> web.Response:
        if etag_matches(request.headers.get("If-None-Match", ""), etag):
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="text/html", charset="utf-8", headers={"ETag": etag})

    app = web.Application()
    app.router.add_get("/{path:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


async def fetch(
    session: aiohttp.ClientSession, url: str, expected: int = 200, headers: dict[str, str] | None = None
) -> tuple[float, bytes, str]:
    """Seconds from sending the request until the whole answer was read, the body, the ETag."""
    started = time.perf_counter()
    async with session.get(url, headers=headers, allow_redirects=False) as response:
        body = await response.read()
        seconds = time.perf_counter() - started
        if response.status != expected:
            raise RuntimeError(f"GET {url}: {response.status}, expected {expected}")
        return seconds, body, response.headers.get("ETag", "")


async def cold(url: str) -> tuple[float, bytes, str]:
    """The first request, on a new connection."""
    async with aiohttp.ClientSession() as session:
        return await fetch(session, url)


async def alternate(
    session: aiohttp.ClientSession,
    page_url: str,
    floor_url: str,
    n: int,
    before_page: FeedCache | None = None,
    headers: dict[str, str] | None = None,
    expected: int = 200,
) -> tuple[Latencies, Latencies]:
    """n requests to the page and n to the floor, in turn (who goes first alternates); the page's cache dropped
    before each of its requests when `before_page` is given."""
    page: list[float] = []
    floor: list[float] = []
    for number in range(n):
        gc.collect()  # each request pays for its own garbage
        for which in (0, 1) if number % 2 == 0 else (1, 0):
            if which == 0:
                if before_page is not None:
                    before_page.invalidate(ROOM)
                page.append((await fetch(session, page_url, expected, headers))[0])
            else:
                floor.append((await fetch(session, floor_url, expected, headers))[0])
    return Latencies(tuple(page)), Latencies(tuple(floor))


async def at_once(url: str, count: int, size: int) -> ConcurrentRun:
    """count requests issued at once (asyncio.gather) through a connector allowing count connections."""
    timeout = aiohttp.ClientTimeout(total=CONCURRENT_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=count), timeout=timeout) as session:
        gc.collect()
        started = time.perf_counter()
        answers = await asyncio.gather(*(fetch(session, url) for _ in range(count)), return_exceptions=True)
        seconds = time.perf_counter() - started
    whole = [answer for answer in answers if not isinstance(answer, BaseException) and len(answer[1]) == size]
    failures = [answer for answer in answers if isinstance(answer, BaseException)]
    failure = f"{type(failures[0]).__name__}: {failures[0]}"[:ERROR_CHARS] if failures else ""
    return ConcurrentRun(count, len(whole), tuple(answer[0] for answer in whole), seconds, failure)


async def measure_page(sizes: Sizes) -> PageResult:
    with tempfile.TemporaryDirectory(prefix="eventbot-bench-page-") as directory:
        storage = await Storage.open(Path(directory) / "eventbot.db")
        try:
            return await _measure_page(storage, sizes)
        finally:
            await storage.close()


async def _measure_page(storage: Storage, sizes: Sizes) -> PageResult:
    year, month = busy_month(date.today())
    progress(
        f"page: seeding {sizes.page_events:,} events ({sizes.page_month_events:,} in {year:04d}-{month:02d}) "
        f"and {sizes.page_meetups} meetups"
    )
    await seed_page(storage, sizes, year, month)
    cache = FeedCache()
    config = HttpConfig(enabled=True, host=HOST, port=free_port())
    runner = await start_http(config, storage, system_clock, cache=cache)
    try:
        page_url = f"http://{HOST}:{config.port}/{NAME}/{year:04d}/{month:02d}/"
        cold_s, body, etag = await cold(page_url)
        if not etag or f"Datenabend {sizes.page_month_events - 1}<".encode() not in body:
            raise RuntimeError("the month page has no ETag or misses the month's last event")
        progress(
            f"page: first request {cold_s * 1000:.1f} ms ({len(body) / 1e6:.2f} MB); N={sizes.page_n}, "
            f"{sizes.page_concurrent} at once"
        )
        async with floor_server(body, etag) as floor_port:
            floor_url = f"http://{HOST}:{floor_port}/{NAME}/{year:04d}/{month:02d}/"
            floor_cold_s = (await cold(floor_url))[0]
            async with aiohttp.ClientSession() as session:
                builds = cache.builds
                rebuilt = await alternate(session, page_url, floor_url, sizes.page_n, before_page=cache)
                if cache.builds - builds != sizes.page_n:
                    raise RuntimeError(f"{cache.builds - builds} builds for {sizes.page_n} requests after a drop")
                await fetch(session, page_url)  # cached again
                builds = cache.builds
                cached = await alternate(session, page_url, floor_url, sizes.page_n)
                not_modified = await alternate(
                    session, page_url, floor_url, sizes.page_n, headers={"If-None-Match": etag}, expected=304
                )
                if cache.builds != builds:
                    raise RuntimeError("the cached page was built again (older than the cache's max_age?)")
            cache.invalidate(ROOM)
            concurrent = await at_once(page_url, sizes.page_concurrent, len(body))
            concurrent_floor = await at_once(floor_url, sizes.page_concurrent, len(body))
    finally:
        await runner.cleanup()
    progress(
        f"page: built anew median {rebuilt[0].median * 1000:.1f} ms, cached {cached[0].median * 1000:.1f} ms, "
        f"304 {not_modified[0].median * 1000:.1f} ms; {concurrent.answered} of {concurrent.requests} at once, "
        f"p99 {concurrent.p99 * 1000:.1f} ms"
    )
    return PageResult(
        events=sizes.page_events,
        month_events=sizes.page_month_events,
        meetups=sizes.page_meetups,
        month=f"{year:04d}-{month:02d}",
        body_bytes=len(body),
        cold_s=cold_s,
        floor_cold_s=floor_cold_s,
        rebuilt=rebuilt[0],
        rebuilt_floor=rebuilt[1],
        cached=cached[0],
        cached_floor=cached[1],
        not_modified=not_modified[0],
        not_modified_floor=not_modified[1],
        concurrent=concurrent,
        concurrent_floor=concurrent_floor,
    )
