"""The subscribable ICS feed of each room: `<public_url>/<room token>/calendar.ics`, served by aiohttp.

Calendar apps poll it: every answer carries an ETag (a hash of the calendar) and a Last-Modified (when the bot
first served that calendar, kept in the database), and a matching If-None-Match or If-Modified-Since gets a
304 without a body.

Polling is cheap: each room's calendar is built once and kept in a `FeedCache` until the bot says the room changed
(`FeedCache.invalidate`) or `max_age` has passed; a poll of a cached room reads only its token from the database.
The URL is a secret, so answers are `private` and carry no referrer; the server names no versions. A connection
must send complete request headers within `header_timeout` (also after each answer, so idle keep-alive connections
close too): half-sent requests do not hold connections open.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from bot.clock import Clock
from bot.config import HttpConfig
from bot.ical import room_ics
from bot.models import Event, EventStatus, Meetup
from bot.storage import Storage

log = logging.getLogger(__name__)
STAMP = datetime(2000, 1, 1, tzinfo=UTC)
SERVER_NAME = "eventbot"
FEED_CACHE_CONTROL = "private, max-age=300"
HEADER_TIMEOUT_S = 10.0
KEEPALIVE_TIMEOUT_S = 10.0
SHUTDOWN_TIMEOUT_S = 5.0
# the server only answers GET/HEAD of short paths: small limits for what a client may send
HANDLER_LIMITS: dict[str, int] = {"max_line_size": 2048, "max_field_size": 4096, "max_headers": 32}
CLIENT_MAX_SIZE = 64 * 1024


class HttpStartError(Exception):
    """The feed server could not listen on its address (port busy or forbidden, unknown host)."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot serve the calendar feeds on {host}:{port}: {reason}")
        self.host = host
        self.port = port
        self.reason = reason


@dataclass(frozen=True)
class CachedFeed:
    """A room's calendar as served: body, its ETag and Last-Modified, and when it was built (monotonic)."""

    body: bytes
    etag: str
    modified: datetime
    built_at: float


Loader = Callable[[str], Awaitable[tuple[bytes, str, datetime]]]


class FeedCache:
    """Each room's built calendar, until `invalidate(room_id)` (call it after writing the room's events or meetups)
    or until it is `max_age` seconds old (so changes made without an invalidate show up after a minute).

    A build that overlaps an invalidate of its room is served but not kept; concurrent requests for a room that is
    not cached share one build.
    """

    def __init__(self, max_age: float = 60.0, timer: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self._timer = timer
        self._entries: dict[str, CachedFeed] = {}
        self._generations: dict[str, int] = {}
        self._epoch = 0
        self._locks: dict[str, asyncio.Lock] = {}
        self.builds = 0  # how many times a calendar was built (for tests and measurements)

    def invalidate(self, room_id: str | None = None) -> None:
        """Forget the room's calendar (every room's with None): the next request builds it anew."""
        if room_id is None:
            self._epoch += 1
            self._entries.clear()
            return
        self._generations[room_id] = self._generations.get(room_id, 0) + 1
        self._entries.pop(room_id, None)

    def get(self, room_id: str) -> CachedFeed | None:
        """The room's cached calendar if it is still fresh."""
        entry = self._entries.get(room_id)
        if entry is None or self._timer() - entry.built_at >= self.max_age:
            return None
        return entry

    async def feed(self, room_id: str, load: Loader) -> CachedFeed:
        """The room's calendar: cached, or built by `load(room_id)` and kept."""
        entry = self.get(room_id)
        if entry is not None:
            return entry
        lock = self._locks.setdefault(room_id, asyncio.Lock())
        async with lock:
            entry = self.get(room_id)  # built by the request we waited for
            if entry is not None:
                return entry
            version = (self._epoch, self._generations.get(room_id, 0))
            built_at = self._timer()  # before reading: the entry is never younger than the data it holds
            body, etag, modified = await load(room_id)
            self.builds += 1
            entry = CachedFeed(body, etag, modified, built_at)
            if version == (self._epoch, self._generations.get(room_id, 0)):
                self._prune()
                self._entries[room_id] = entry
            return entry

    def _prune(self) -> None:
        now = self._timer()
        for room_id in [room for room, entry in self._entries.items() if now - entry.built_at >= self.max_age]:
            del self._entries[room_id]


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match: `*` or a list of (possibly weak) entity tags, compared weakly (RFC 9110, 13.1.2)."""
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags


def not_modified_since(header: str, modified: datetime) -> bool:
    """If-Modified-Since: true when the calendar has not changed after that date (unreadable dates never match)."""
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and modified <= since


async def last_modified(storage: Storage, room_id: str, etag: str, now: datetime) -> datetime:
    """When the room's calendar first had this content: kept with its ETag, so it survives restarts."""
    key = f"feed.modified.{room_id}"
    stored_etag, _, stored_at = (await storage.get_value(key) or "").partition(" ")
    if stored_etag == etag and stored_at:
        return datetime.fromisoformat(stored_at)
    modified = now.astimezone(UTC).replace(microsecond=0)
    await storage.set_values({key: f"{etag} {modified.isoformat()}"})
    return modified


def _render(events: list[Event], meetups: list[Meetup]) -> tuple[bytes, str]:
    # stable DTSTAMPs (events: when stored), so the content hash only changes when the calendar does
    body = room_ics(events, meetups, STAMP, name="eventbot")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def harden(headers: MutableMapping[str, str]) -> None:
    """The headers every answer carries: no sniffing, no referrer, no versions; not cached unless said so."""
    headers["Server"] = SERVER_NAME
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Cache-Control", "no-store")


async def _on_prepare(request: web.Request, response: web.StreamResponse) -> None:
    harden(response.headers)


def build_app(storage: Storage, clock: Clock, cache: FeedCache | None = None) -> web.Application:
    feeds = cache if cache is not None else FeedCache()

    async def load(room_id: str) -> tuple[bytes, str, datetime]:
        events = await storage.list_events(room_id, statuses=(EventStatus.APPROVED, EventStatus.CANCELLED))
        meetups = await storage.list_meetups(room_id)
        body, etag = await asyncio.to_thread(_render, events, meetups)  # large rooms take seconds: not in the loop
        return body, etag, await last_modified(storage, room_id, etag, clock())

    async def calendar(request: web.Request) -> web.Response:
        room_id = await storage.room_by_feed_token(request.match_info["token"])
        if room_id is None:
            raise web.HTTPNotFound()
        feed = await feeds.feed(room_id, load)
        headers = {
            "ETag": feed.etag,
            "Last-Modified": format_datetime(feed.modified, usegmt=True),
            "Cache-Control": FEED_CACHE_CONTROL,
        }
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:  # when both are sent, If-None-Match decides (RFC 9110, 13.2.2)
            unchanged = etag_matches(if_none_match, feed.etag)
        else:
            unchanged = not_modified_since(request.headers.get("If-Modified-Since", ""), feed.modified)
        if unchanged:
            return web.Response(status=304, headers=headers)
        return web.Response(body=feed.body, content_type="text/calendar", charset="utf-8", headers=headers)

    app = web.Application(client_max_size=CLIENT_MAX_SIZE)
    app.on_response_prepare.append(_on_prepare)
    app.router.add_get("/{token}/calendar.ics", calendar)
    return app


class _GuardedHandler(RequestHandler):
    """aiohttp's HTTP protocol with a deadline for request headers: armed when the connection opens and after
    each answer, disarmed when a request's headers are complete (the server then makes its request object)."""

    def __init__(self, manager: web.Server, *, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def await_headers(self) -> None:
        self.headers_received()
        if self.transport is not None:
            self._header_timer = asyncio.get_running_loop().call_later(self._header_timeout, self._headers_late)

    def headers_received(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        log.debug("closing a connection that sent no complete request within %.1f s", self._header_timeout)
        self.force_close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.await_headers()

    def connection_lost(self, exc: BaseException | None) -> None:
        self.headers_received()
        super().connection_lost(exc)

    async def finish_response(self, *args: Any, **kwargs: Any) -> Any:
        result = await super().finish_response(*args, **kwargs)
        self.await_headers()  # the next request (or the end of this one's unread body) has the same deadline
        return result

    def handle_error(
        self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None, message: str | None = None
    ) -> web.StreamResponse:
        # malformed or oversized requests are answered here, outside the application and its signals; the
        # parser's message quotes the request, so the answer only names the status
        if status < 500:
            message = f"{status} {HTTPStatus(status).phrase}"
        response = super().handle_error(request, status, exc, message)
        harden(response.headers)
        return response

    def log_exception(self, *args: Any, **kwargs: Any) -> None:
        if isinstance(kwargs.get("exc_info"), HttpProcessingError):  # a client's bad request: no traceback
            log.debug("bad request: %s", kwargs["exc_info"])
            return
        super().log_exception(*args, **kwargs)


class _GuardedServer(web.Server):
    """The application's low-level server, making `_GuardedHandler` connections."""

    def __init__(self, server: web.Server, header_timeout: float, handler_args: dict[str, Any]) -> None:
        make_request = server.request_factory

        def request_factory(message: Any, payload: Any, protocol: Any, writer: Any, task: Any) -> web.BaseRequest:
            protocol.headers_received()
            return make_request(message, payload, protocol, writer, task)

        super().__init__(server.request_handler, request_factory=request_factory, **handler_args)
        self._header_timeout = header_timeout
        self._handler_args = handler_args
        self._event_loop = asyncio.get_running_loop()

    def __call__(self) -> RequestHandler:
        return _GuardedHandler(self, loop=self._event_loop, header_timeout=self._header_timeout, **self._handler_args)


class _Runner(web.AppRunner):
    def __init__(self, app: web.Application, header_timeout: float, **handler_args: Any) -> None:
        super().__init__(app, shutdown_timeout=SHUTDOWN_TIMEOUT_S, **handler_args)
        self._header_timeout = header_timeout
        self._handler_args = handler_args

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()  # runs the application's startup and freezes it
        return _GuardedServer(server, self._header_timeout, self._handler_args)


async def start_http(
    config: HttpConfig,
    storage: Storage,
    clock: Clock,
    *,
    cache: FeedCache | None = None,
    header_timeout: float = HEADER_TIMEOUT_S,
    keepalive_timeout: float = KEEPALIVE_TIMEOUT_S,
) -> web.AppRunner:
    """Serve the feeds (Last-Modified from the bot's clock); returns the runner to clean up on shutdown.

    Pass the `cache` to invalidate rooms after writes. Raises HttpStartError (nothing left running) when the
    address cannot be used.
    """
    runner = _Runner(
        build_app(storage, clock, cache),
        header_timeout,
        access_log=None,
        keepalive_timeout=keepalive_timeout,
        **HANDLER_LIMITS,
    )
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    try:
        await site.start()
    except (OSError, OverflowError) as error:
        await runner.cleanup()
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise HttpStartError(config.host, config.port, reason) from error
    log.info("calendar feeds served on http://%s:%d (public %s)", config.host, site.port, config.base_url)
    return runner
