"""The room's HTTP calendar feed: ETag and Last-Modified, so calendar apps can poll cheaply; tokens are secrets.

Every test talks to the real server (`start_http` on a loopback port) with a real HTTP client.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.config import HttpConfig
from bot.http import FeedCache, HttpStartError, start_http
from bot.models import Event
from bot.storage import Storage

BERLIN = ZoneInfo("Europe/Berlin")
ROOM, TOKEN = "!feed:example.org", "s3cr3t-token"
URL = f"/{TOKEN}/calendar.ics"
LOOPBACK = HttpConfig(enabled=True, host="127.0.0.1", port=0)


def event(title: str, day: int) -> Event:
    start = datetime(2026, 12, day, 19, tzinfo=BERLIN)
    return Event(
        id=0,
        room_id=ROOM,
        title=title,
        start=start,
        end=start + timedelta(hours=2),
        all_day=False,
        timezone="Europe/Berlin",
        online=True,
        submitter="@alice:example.org",
    )


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 10, 0, 0, 500_000, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Timer:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Client:
    """An HTTP client for one running server; `port` is where it listens."""

    def __init__(self, session: aiohttp.ClientSession, port: int) -> None:
        self.session = session
        self.port = port

    async def get(self, path: str, headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        response = await self.session.get(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        await response.read()
        return response


Serve = Callable[..., Awaitable[Client]]


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "eventbot.db")
    await store.set_feed_token(ROOM, TOKEN)
    await store.add_event(event("Datenabend", 3))
    yield store
    await store.close()


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Starts the real feed server on a free loopback port (`serve(storage, clock, cache=..., header_timeout=...)`)."""
    runners, sessions = [], []

    async def start(storage: Storage, clock: Clock, **options: object) -> Client:
        runner = await start_http(LOOPBACK, storage, clock, **options)  # type: ignore[arg-type]
        runners.append(runner)
        session = aiohttp.ClientSession()
        sessions.append(session)
        return Client(session, runner.addresses[0][1])

    yield start
    for session in sessions:
        await session.close()
    for runner in runners:
        await runner.cleanup()


async def test_feed_has_etag_and_last_modified_and_answers_304(storage, serve):
    clock = Clock()
    client = await serve(storage, clock)

    first = await client.get(URL)
    assert first.status == 200
    assert first.content_type == "text/calendar"
    assert "SUMMARY:Datenabend" in await first.text()
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert modified == "Sat, 28 Nov 2026 10:00:00 GMT"

    for header in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", W/{etag}'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-Modified-Since": "Sun, 29 Nov 2026 08:00:00 GMT"},
    ):
        response = await client.get(URL, headers=header)
        assert response.status == 304, header
        assert await response.read() == b""
        assert (response.headers["ETag"], response.headers["Last-Modified"]) == (etag, modified)
    for header in (
        {"If-None-Match": '"other"'},
        {"If-Modified-Since": "Sat, 28 Nov 2026 09:59:59 GMT"},
        {"If-Modified-Since": "gestern"},
        {"If-None-Match": '"other"', "If-Modified-Since": modified},
    ):  # If-None-Match decides
        response = await client.get(URL, headers=header)
        assert response.status == 200, header
        assert "SUMMARY:Datenabend" in await response.text()


async def test_a_change_gives_a_new_etag_and_last_modified_and_a_restart_keeps_them(storage, serve):
    clock = Clock()
    first = await (await serve(storage, clock)).get(URL)
    clock.now += timedelta(hours=3)

    await storage.add_event(event("Hackday", 5))
    changed = await (await serve(storage, clock)).get(
        URL, headers={"If-Modified-Since": first.headers["Last-Modified"], "If-None-Match": first.headers["ETag"]}
    )
    assert changed.status == 200
    assert "SUMMARY:Hackday" in await changed.text()
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.headers["Last-Modified"] == format_datetime(datetime(2026, 11, 28, 13, tzinfo=UTC), usegmt=True)

    clock.now += timedelta(days=1)  # a restart later: same calendar, same validators
    again = await (await serve(storage, clock)).get(URL)
    assert (again.headers["ETag"], again.headers["Last-Modified"]) == (
        changed.headers["ETag"],
        changed.headers["Last-Modified"],
    )


async def test_unknown_token_is_not_found(storage, serve):
    client = await serve(storage, Clock())
    response = await client.get("/wrong-token/calendar.ics")
    assert response.status == 404
    assert "Datenabend" not in await response.text()


# -- headers --


def assert_hardened(response: aiohttp.ClientResponse) -> None:
    assert response.headers["Server"] == "eventbot"  # no versions
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_every_answer_carries_the_security_headers(storage, serve):
    client = await serve(storage, Clock())

    feed = await client.get(URL)
    not_modified = await client.get(URL, headers={"If-None-Match": feed.headers["ETag"]})
    assert (feed.status, not_modified.status) == (200, 304)
    for response in (feed, not_modified):
        assert_hardened(response)
        assert response.headers["Cache-Control"] == "private, max-age=300"
    for path in ("/wrong-token/calendar.ics", "/", f"/{TOKEN}/other"):
        missing = await client.get(path)
        assert missing.status == 404
        assert_hardened(missing)
        assert missing.headers["Cache-Control"] == "no-store"
    async with client.session.post(f"http://127.0.0.1:{client.port}{URL}", data=b"x") as refused:
        assert refused.status == 405
        assert_hardened(refused)


async def raw_exchange(port: int, data: bytes, timeout: float = 3.0) -> bytes:
    """Sends `data`, then reads until the server closes the connection (failing after `timeout`)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def test_malformed_requests_get_a_hardened_answer_that_does_not_quote_them(storage, serve):
    client = await serve(storage, Clock())

    answer = await raw_exchange(client.port, b"GET /" + b"A" * 5000 + b" HTTP/1.1\r\nHost: a\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.") and b" 400 " in head.split(b"\r\n")[0]
    assert b"Server: eventbot\r\n" in head and b"X-Content-Type-Options: nosniff" in head
    assert b"AAAA" not in body
    too_many = b"".join(b"X-H%d: v\r\n" % n for n in range(100))
    answer = await raw_exchange(client.port, b"GET " + URL.encode() + b" HTTP/1.1\r\nHost: a\r\n" + too_many + b"\r\n")
    assert b" 400 " in answer.split(b"\r\n")[0]


# -- read timeouts --


@pytest.mark.parametrize(
    "data",
    [b"", b"GET /x HTTP/1.1\r\nHost: a\r\n", b"GET /x HTTP/1.1\r\nHo"],
    ids=["nothing", "headers-unfinished", "line-unfinished"],
)
async def test_a_half_sent_request_is_closed_after_the_header_timeout(storage, serve, data):
    # aiohttp's own keep-alive timer is long here: the header deadline alone closes the connection
    client = await serve(storage, Clock(), header_timeout=0.5, keepalive_timeout=60)

    started = asyncio.get_running_loop().time()
    assert await raw_exchange(client.port, data) == b""
    assert asyncio.get_running_loop().time() - started >= 0.4


async def test_dribbled_headers_do_not_extend_the_deadline(storage, serve):
    client = await serve(storage, Clock(), header_timeout=0.5, keepalive_timeout=60)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    started = asyncio.get_running_loop().time()
    closed_after = None
    try:
        writer.write(b"GET /x HTTP/1.1\r\n")
        for number in range(30):  # a header line every 0.1 s, never the blank line
            await asyncio.sleep(0.1)
            if reader.at_eof() or writer.is_closing():
                break
            writer.write(b"X-%d: y\r\n" % number)
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        assert await asyncio.wait_for(reader.read(), 3) == b""
        closed_after = asyncio.get_running_loop().time() - started
    finally:
        writer.close()
    assert closed_after is not None and closed_after < 1.5


async def test_an_idle_keep_alive_connection_is_closed_and_a_slow_answer_is_not_cut(storage, serve, monkeypatch):
    client = await serve(storage, Clock(), header_timeout=0.5, keepalive_timeout=60)
    list_events = storage.list_events

    async def slow_list_events(*args, **kwargs):
        await asyncio.sleep(1.0)  # longer than the header deadline: the request is complete, so it is served
        return await list_events(*args, **kwargs)

    monkeypatch.setattr(storage, "list_events", slow_list_events)
    answer = await raw_exchange(client.port, f"GET {URL} HTTP/1.1\r\nHost: a\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")  # then, idle, closed (raw_exchange read up to EOF)
    assert b"SUMMARY:Datenabend" in answer


async def test_keep_alive_timeout_closes_idle_connections_too(storage, serve):
    client = await serve(storage, Clock(), header_timeout=60, keepalive_timeout=0.5)

    answer = await raw_exchange(client.port, b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 404 Not Found\r\n")


# -- the cache --


async def test_the_cached_body_equals_a_fresh_build_and_changes_after_invalidate(storage, serve, monkeypatch):
    clock, timer = Clock(), Timer()
    cache = FeedCache(max_age=60, timer=timer)
    client = await serve(storage, clock, cache=cache)

    first = await client.get(URL)
    fresh = await (await serve(storage, clock)).get(URL)
    assert await first.read() == await fresh.read()
    assert first.headers["ETag"] == fresh.headers["ETag"]
    assert cache.builds == 1

    async def no_database(*args, **kwargs):
        raise AssertionError("a cached room's feed must not read the database beyond its token")

    with monkeypatch.context() as patch:
        for name in ("list_events", "list_meetups", "get_value", "set_values"):
            patch.setattr(storage, name, no_database)
        again = await client.get(URL)
        not_modified = await client.get(URL, headers={"If-None-Match": first.headers["ETag"]})
    assert await again.read() == await first.read()
    assert not_modified.status == 304
    assert cache.builds == 1

    await storage.add_event(event("Hackday", 5))
    assert "Hackday" not in await (await client.get(URL)).text()  # not invalidated yet: the cached calendar
    cache.invalidate(ROOM)
    changed = await client.get(URL)
    assert "SUMMARY:Hackday" in await changed.text()
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert await changed.read() == await (await (await serve(storage, clock)).get(URL)).read()

    await storage.add_event(event("Lötabend", 7))
    timer.now += 59
    assert "Lötabend" not in await (await client.get(URL)).text()
    timer.now += 1  # max_age reached: built anew without an invalidate
    assert "SUMMARY:Lötabend" in await (await client.get(URL)).text()
    assert cache.builds == 3

    cache.invalidate()  # every room
    await client.get(URL)
    assert cache.builds == 4


async def test_concurrent_requests_share_one_build(storage, serve):
    cache = FeedCache()
    client = await serve(storage, Clock(), cache=cache)

    responses = await asyncio.gather(*(client.get(URL) for _ in range(8)))
    assert {response.status for response in responses} == {200}
    assert len({await response.read() for response in responses}) == 1
    assert cache.builds == 1


async def test_a_build_overlapping_an_invalidate_is_served_but_not_kept():
    cache = FeedCache()
    release = asyncio.Event()

    async def load(room_id: str) -> tuple[bytes, str, datetime]:
        await release.wait()
        return b"old", '"old"', datetime(2026, 1, 1, tzinfo=UTC)

    building = asyncio.create_task(cache.feed(ROOM, load))
    await asyncio.sleep(0)
    cache.invalidate(ROOM)  # a write while the calendar was read
    release.set()
    assert (await building).body == b"old"
    assert cache.get(ROOM) is None


# -- starting --


async def test_start_on_a_busy_port_raises_and_leaves_nothing_listening(storage):
    blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    tasks_before = asyncio.all_tasks()
    try:
        with pytest.raises(HttpStartError) as raised:
            await start_http(HttpConfig(enabled=True, host="127.0.0.1", port=port), storage, Clock())
    finally:
        blocker.close()
    error = raised.value
    assert (error.host, error.port) == ("127.0.0.1", port)
    assert str(port) in str(error) and error.reason
    assert isinstance(error.__cause__, OSError)
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
    assert asyncio.all_tasks() <= tasks_before | {asyncio.current_task()}
