"""The bot's HTTP server (aiohttp): the subscribable ICS feed of each room, `<public_url>/<room token>/calendar.ics`,
and for the rooms a moderator published (`!calendar publish <name>`) their public pages and feed:

- `/<name>/` the next weeks, with map and subscribe box; `/<name>/<yyyy>/<mm>/` a month; `/<name>/calendar.ics`;
- `/static/...` the pages' CSS and JavaScript (`bot/web/static`) and Leaflet (from xstatic-leaflet).

The routes only read data; what a page or feed says is rendered by pure functions (`bot.web`, `bot.ical`).

Calendar apps poll the feeds: every answer carries an ETag (a hash of the calendar) and a Last-Modified (when the
bot first served that calendar, kept in the database), and a matching If-None-Match or If-Modified-Since gets a
304 without a body. Pages do the same (their Last-Modified is kept in memory).

Polling is cheap: each room's calendar and pages are built once and kept in a `FeedCache` until the bot says the
room changed (`FeedCache.invalidate`) or `max_age` has passed; a request for a cached one reads only its token or
name from the database. The secret URL's answers are `private` and carry no referrer; pages carry a strict
Content-Security-Policy (no inline script or style); the server names no versions. A connection must send
complete request headers within `header_timeout` (also after each answer, so idle keep-alive connections close
too): half-sent requests do not hold connections open.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from bot.clock import Clock
from bot.config import HttpConfig
from bot.errors import EventbotError
from bot.i18n import Translator
from bot.ical import event_ics, meetup_ics, room_ics
from bot.locales import LANGUAGES
from bot.models import Event, Meetup, Target
from bot.schedule import next_dates
from bot.storage import Storage
from bot.web import STATIC_DIR, leaflet_dir
from bot.web.filters import FILTER_NAMES, NO_FILTERS, FilterCode, FilterError, Filters, parse_filters
from bot.web.names import PUBLIC_NAME
from bot.web.occurrences import SHOWN_STATUSES
from bot.web.pages import (
    Site,
    choose_language,
    content_security_policy,
    error_page,
    event_page,
    meetup_page,
    month_page,
    month_window,
    upcoming_page,
    upcoming_window,
    valid_month,
)

log = logging.getLogger(__name__)
STAMP = datetime(2000, 1, 1, tzinfo=UTC)
SERVER_NAME = "eventbot"
FEED_CACHE_CONTROL = "private, max-age=300"
PUBLIC_FEED_CACHE_CONTROL = "public, max-age=300"
PAGE_CACHE_CONTROL = "public, max-age=60"
PAGE_REFERRER_POLICY = "strict-origin-when-cross-origin"
STATIC_CACHE_CONTROL = "public, max-age=86400"
HEADER_TIMEOUT_S = 10.0
KEEPALIVE_TIMEOUT_S = 10.0
SHUTDOWN_TIMEOUT_S = 5.0
# the server only answers GET/HEAD of short paths: small limits for what a client may send
HANDLER_LIMITS: dict[str, int] = {"max_line_size": 2048, "max_field_size": 4096, "max_headers": 32}
CLIENT_MAX_SIZE = 64 * 1024


class HttpStartError(EventbotError):
    """The feed server could not listen on its address (port busy or forbidden, unknown host)."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot serve the calendar feeds on {host}:{port}: {reason}")
        self.host = host
        self.port = port
        self.reason = reason


@dataclass(frozen=True)
class CachedFeed:
    """A room's calendar (or page) as served: body, its ETag and Last-Modified, and when it was built (monotonic)."""

    body: bytes
    etag: str
    modified: datetime
    built_at: float


Loader = Callable[[str], Awaitable[tuple[bytes, str, datetime]]]


class FeedCache:
    """Each room's built calendar and pages (under a `key` each: "" is the feed), until `invalidate(room_id)`
    (call it after writing the room's events or meetups) or until they are `max_age` seconds old (so changes made
    without an invalidate show up after a minute). At most `max_entries` are kept (the oldest go first).

    A build that overlaps an invalidate of its room is served but not kept; concurrent requests for something that
    is not cached share one build.
    """

    def __init__(
        self, max_age: float = 60.0, timer: Callable[[], float] = time.monotonic, max_entries: int = 256
    ) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._timer = timer
        self._entries: dict[tuple[str, str], CachedFeed] = {}
        self._generations: dict[str, int] = {}
        self._epoch = 0
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        # (room, key) -> (ETag, when that content was first built): the Last-Modified of pages, kept across
        # rebuilds (in memory; the feed's is kept in the database)
        self._first_built: OrderedDict[tuple[str, str], tuple[str, datetime]] = OrderedDict()
        self.builds = 0  # how many times a calendar or page was built (for tests and measurements)

    def invalidate(self, room_id: str | None = None) -> None:
        """Forget the room's calendar and pages (every room's with None): the next request builds them anew."""
        if room_id is None:
            self._epoch += 1
            self._entries.clear()
            return
        self._generations[room_id] = self._generations.get(room_id, 0) + 1
        for entry in [entry for entry in self._entries if entry[0] == room_id]:
            del self._entries[entry]

    def get(self, room_id: str, key: str = "") -> CachedFeed | None:
        """The room's cached calendar (or page `key`) if it is still fresh."""
        entry = self._entries.get((room_id, key))
        if entry is None or self._timer() - entry.built_at >= self.max_age:
            return None
        return entry

    async def feed(self, room_id: str, load: Loader, key: str = "") -> CachedFeed:
        """The room's calendar (or page `key`): cached, or built by `load(room_id)` and kept."""
        entry = self.get(room_id, key)
        if entry is not None:
            return entry
        lock = self._locks.setdefault((room_id, key), asyncio.Lock())
        async with lock:
            entry = self.get(room_id, key)  # built by the request we waited for
            if entry is not None:
                return entry
            version = (self._epoch, self._generations.get(room_id, 0))
            built_at = self._timer()  # before reading: the entry is never younger than the data it holds
            body, etag, modified = await load(room_id)
            self.builds += 1
            entry = CachedFeed(body, etag, modified, built_at)
            if version == (self._epoch, self._generations.get(room_id, 0)):
                self._prune()
                self._entries[(room_id, key)] = entry
            return entry

    def first_built(self, room_id: str, key: str, etag: str, now: datetime) -> datetime:
        """When this content (by ETag) of the room's page `key` was first built: its Last-Modified."""
        known = self._first_built.pop((room_id, key), None)
        modified = known[1] if known is not None and known[0] == etag else now.astimezone(UTC).replace(microsecond=0)
        self._first_built[(room_id, key)] = (etag, modified)
        while len(self._first_built) > 4 * self.max_entries:
            self._first_built.popitem(last=False)
        return modified

    def _prune(self) -> None:
        now = self._timer()
        for entry in [entry for entry, built in self._entries.items() if now - built.built_at >= self.max_age]:
            del self._entries[entry]
        while len(self._entries) >= self.max_entries:
            del self._entries[min(self._entries, key=lambda entry: self._entries[entry].built_at)]
        for idle in [entry for entry, lock in self._locks.items() if not lock.locked() and entry not in self._entries]:
            del self._locks[idle]


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


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _render(
    events: list[Event], meetups: list[Meetup], name: str, filters: Filters = NO_FILTERS, zone: ZoneInfo | None = None
) -> tuple[bytes, str]:
    # stable DTSTAMPs (events: when stored), so the content hash only changes when the calendar does
    if filters and zone is not None:
        events = [event for event in events if filters.event(event, zone)]
        meetups = [meetup for meetup in meetups if filters.meetup(meetup, zone)]
    body = room_ics(events, meetups, STAMP, name=name)
    return body, _etag(body)


def harden(headers: MutableMapping[str, str]) -> None:
    """The headers every answer carries: no sniffing, no referrer (unless said so), no versions; not cached unless
    said so."""
    headers["Server"] = SERVER_NAME
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cache-Control", "no-store")


async def _on_prepare(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith("/static/") and response.status in (200, 304):
        response.headers.setdefault("Cache-Control", STATIC_CACHE_CONTROL)
    harden(response.headers)


def conditional_answer(
    request: web.Request, cached: CachedFeed, content_type: str, headers: Mapping[str, str]
) -> web.Response:
    """The cached body with its ETag and Last-Modified, or a 304 when the client's copy is still current."""
    headers = {
        **headers,
        "ETag": cached.etag,
        "Last-Modified": format_datetime(cached.modified, usegmt=True),
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:  # when both are sent, If-None-Match decides (RFC 9110, 13.2.2)
        unchanged = etag_matches(if_none_match, cached.etag)
    else:
        unchanged = not_modified_since(request.headers.get("If-Modified-Since", ""), cached.modified)
    if unchanged:
        return web.Response(status=304, headers=headers)
    return web.Response(body=cached.body, content_type=content_type, charset="utf-8", headers=headers)


def build_app(
    storage: Storage, clock: Clock, cache: FeedCache | None = None, config: HttpConfig | None = None
) -> web.Application:
    """The feeds (`/<token or public name>/calendar.ics`), the pages of published rooms and their static files."""
    feeds = cache if cache is not None else FeedCache()
    http = config if config is not None else HttpConfig()
    page_headers = {
        "Content-Security-Policy": content_security_policy(http.map_tiles),
        "Referrer-Policy": PAGE_REFERRER_POLICY,  # the tile server may ask for the page's origin
        "Cache-Control": PAGE_CACHE_CONTROL,
        "Vary": "Accept-Language",
    }

    async def load(room_id: str) -> tuple[bytes, str, datetime]:
        events = await storage.list_events(room_id, statuses=SHOWN_STATUSES)
        meetups = await storage.list_meetups(room_id)
        name = await storage.public_name(room_id) or SERVER_NAME
        body, etag = await asyncio.to_thread(_render, events, meetups, name)  # large rooms take seconds
        return body, etag, await last_modified(storage, room_id, etag, clock())

    def filtered_load(filters: Filters, key: str) -> Loader:
        """The room's feed with only what the filters let through (its Last-Modified kept in memory)."""

        async def build(room_id: str) -> tuple[bytes, str, datetime]:
            events = await storage.list_events(room_id, statuses=SHOWN_STATUSES)
            meetups = await storage.list_meetups(room_id)
            name = await storage.public_name(room_id) or SERVER_NAME
            settings = await storage.room_settings(room_id)
            zone = ZoneInfo(settings.timezone or http.timezone)
            body, etag = await asyncio.to_thread(_render, events, meetups, name, filters, zone)
            return body, etag, feeds.first_built(room_id, key, etag, clock())

        return build

    def bad_request(request: web.Request, site: Site | None, error: FilterError) -> web.HTTPBadRequest:
        """A 400 with a page of the room's layout (in the visitor's language) naming the parameter."""
        if site is None:
            language = choose_language(
                request.query.get("lang"), request.headers.get("Accept-Language", ""), http.language
            )
            site = Site(
                name="", base_url=http.base_url, language=language or http.language, zone=ZoneInfo(http.timezone)
            )
        t = Translator(site.language)
        # the date example lies a week ahead, so copying it never asks for the past
        example = f"{clock().astimezone(site.zone).date() + timedelta(days=7):%Y-%m-%d}"
        allowed = t.raw(error.message_key).format(example=example)
        message = t.raw("page_bad_request").format(name=error.name[:40], allowed=allowed)
        root = "../" * max(request.path.count("/") - 1, 0)
        body = error_page(site, root, message, clock())
        headers = {key: value for key, value in page_headers.items() if key != "Cache-Control"}
        return web.HTTPBadRequest(text=body, content_type="text/html", headers=headers)

    async def calendar(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        room_id = await storage.room_by_feed_token(token)
        cache_control = FEED_CACHE_CONTROL
        site = None
        if room_id is None and PUBLIC_NAME.fullmatch(token):
            settings = await storage.published_settings(token)
            if settings is None:
                raise web.HTTPNotFound()
            room_id, cache_control = settings.room_id, PUBLIC_FEED_CACHE_CONTROL
            default = settings.language or http.language
            language = choose_language(request.query.get("lang"), request.headers.get("Accept-Language", ""), default)
            site = Site(name=token, base_url=http.base_url, language=language or default, zone=ZoneInfo(http.timezone))
        if room_id is None:
            raise web.HTTPNotFound()
        try:
            filters = parse_filters(request.query)
        except FilterError as error:
            raise bad_request(request, site, error) from None
        if filters:
            key = f"calendar.ics?{filters.query}"
            feed = await feeds.feed(room_id, filtered_load(filters, key), key=key)
        else:
            feed = await feeds.feed(room_id, load)
        return conditional_answer(request, feed, "text/calendar", {"Cache-Control": cache_control})

    async def published(request: web.Request, filter_names: tuple[str, ...] = FILTER_NAMES) -> tuple[str, Site]:
        """The published room the path names (else 404), and its page's Site in the room's zone and the visitor's
        language (else the room's) with the query's filters (a 400 page when they are not valid, or not among
        `filter_names`)."""
        name = request.match_info["name"]
        settings = await storage.published_settings(name)
        if settings is None:
            raise web.HTTPNotFound()
        asked = request.query.get("lang")
        language = choose_language(
            asked, request.headers.get("Accept-Language", ""), settings.language or http.language
        )
        if language is None:
            raise web.HTTPBadRequest(text=f"lang: {' or '.join(LANGUAGES)}")
        lang_query = f"lang={language}" if asked is not None else ""
        site = Site(
            name=name,
            base_url=http.base_url,
            language=language,
            zone=ZoneInfo(settings.timezone or http.timezone),
            tiles=http.map_tiles,
            attribution=http.map_attribution,
            query=f"?{lang_query}" if lang_query else "",
            lang_query=f"?{lang_query}" if lang_query else "",
        )
        try:
            filters = parse_filters(request.query, filter_names)
        except FilterError as error:
            raise bad_request(request, site, error) from None
        query = "&".join(part for part in (lang_query, filters.query) if part)
        return settings.room_id, dataclasses.replace(site, filters=filters, query=f"?{query}" if query else "")

    async def upcoming(request: web.Request) -> web.Response:
        room_id, site = await published(request)
        if site.filters.start and site.filters.end and (site.filters.end - site.filters.start).days > 366:
            raise bad_request(request, site, FilterError(FilterCode.SPAN, "to"))
        if site.filters.end and not site.filters.start and (site.filters.end - clock().date()).days > 366:
            raise bad_request(request, site, FilterError(FilterCode.SPAN, "to"))
        key = f"/{site.name}/ {site.language}{site.query}"

        async def build(room_id: str) -> tuple[bytes, str, datetime]:
            now = clock()
            start, end = upcoming_window(site.zone, now, site.filters)
            events = await storage.list_events(room_id, start=start, end=end, statuses=SHOWN_STATUSES)
            meetups = await storage.list_meetups(room_id)
            body = (await asyncio.to_thread(upcoming_page, site, events, meetups, now)).encode()
            etag = _etag(body)
            return body, etag, feeds.first_built(room_id, key, etag, now)

        page = await feeds.feed(room_id, build, key=key)
        return conditional_answer(request, page, "text/html", page_headers)

    async def month(request: web.Request) -> web.Response:
        year, number = int(request.match_info["year"]), int(request.match_info["month"])
        if not valid_month(year, number):
            raise web.HTTPNotFound()
        room_id, site = await published(request)
        key = f"/{site.name}/{year:04d}/{number:02d}/ {site.language}{site.query}"

        async def build(room_id: str) -> tuple[bytes, str, datetime]:
            now = clock()
            start, end = month_window(site.zone, year, number)
            events = await storage.list_events(room_id, start=start, end=end, statuses=SHOWN_STATUSES)
            meetups = await storage.list_meetups(room_id)
            body = (await asyncio.to_thread(month_page, site, events, meetups, year, number, now)).encode()
            etag = _etag(body)
            return body, etag, feeds.first_built(room_id, key, etag, now)

        page = await feeds.feed(room_id, build, key=key)
        return conditional_answer(request, page, "text/html", page_headers)

    async def item(request: web.Request) -> web.Response:
        room_id, site = await published(request, ())
        kind, number = request.match_info["kind"], int(request.match_info["id"])
        found = await find(room_id, kind, number)
        key = f"/{site.name}/{kind}/{number}/ {site.language}{site.query}"

        async def build(room_id: str) -> tuple[bytes, str, datetime]:
            now = clock()
            if isinstance(found, Event):
                rsvps = await storage.rsvps(room_id, Target("event", found.id))
                body = await asyncio.to_thread(event_page, site, found, len(rsvps), now)
            else:
                coming = next_dates(found, now, 1)
                occurrence = coming[0].strftime("%Y-%m-%dT%H:%M") if coming else ""
                rsvps = await storage.rsvps(room_id, Target("meetup", found.id, occurrence)) if coming else []
                body = await asyncio.to_thread(meetup_page, site, found, len(rsvps), now)
            etag = _etag(body.encode())
            return body.encode(), etag, feeds.first_built(room_id, key, etag, now)

        page = await feeds.feed(room_id, build, key=key)
        return conditional_answer(request, page, "text/html", page_headers)

    async def item_ics(request: web.Request) -> web.Response:
        room_id, site = await published(request, ())
        kind, number = request.match_info["kind"], int(request.match_info["id"])
        found = await find(room_id, kind, number)
        key = f"/{site.name}/{kind}/{number}.ics"

        async def build(room_id: str) -> tuple[bytes, str, datetime]:
            body = event_ics(found, STAMP) if isinstance(found, Event) else meetup_ics(found, STAMP)
            if body is None:  # a meetup without any dates
                raise web.HTTPNotFound()
            etag = _etag(body)
            return body, etag, feeds.first_built(room_id, key, etag, clock())

        answer = await feeds.feed(room_id, build, key=key)
        headers = {
            "Cache-Control": PUBLIC_FEED_CACHE_CONTROL,
            "Content-Disposition": f'attachment; filename="{site.name}-{kind}{number}.ics"',
        }
        return conditional_answer(request, answer, "text/calendar", headers)

    async def find(room_id: str, kind: str, number: int) -> Event | Meetup:
        """The room's public event (`e`) or meetup (`m`) of that number, else 404."""
        if kind == "e":
            event = await storage.get_event(room_id, number)
            if event is None or event.status not in SHOWN_STATUSES:
                raise web.HTTPNotFound()
            return event
        meetup = await storage.get_meetup(room_id, number)
        if meetup is None:
            raise web.HTTPNotFound()
        return meetup

    async def with_slash(request: web.Request) -> web.Response:
        await published(request)
        # relative, so that it also holds behind a reverse proxy that serves the pages under a prefix
        query = f"?{request.query_string}" if request.query_string else ""
        raise web.HTTPPermanentRedirect(request.path.rsplit("/", 1)[1] + "/" + query)

    app = web.Application(client_max_size=CLIENT_MAX_SIZE)
    app.on_response_prepare.append(_on_prepare)
    # static files first: `/static/...` is never a room's name
    app.router.add_static("/static/leaflet", leaflet_dir())
    app.router.add_static("/static", STATIC_DIR)
    name = "{name:" + PUBLIC_NAME.pattern + "}"
    app.router.add_get("/{token}/calendar.ics", calendar)
    app.router.add_get(f"/{name}/", upcoming)
    app.router.add_get(f"/{name}", with_slash)
    app.router.add_get(f"/{name}/{{year:[0-9]{{4}}}}/{{month:[0-9]{{2}}}}/", month)
    app.router.add_get(f"/{name}/{{year:[0-9]{{4}}}}/{{month:[0-9]{{2}}}}", with_slash)
    item_path = f"/{name}/{{kind:[em]}}/{{id:[0-9]{{1,9}}}}"
    app.router.add_get(f"{item_path}/", item)
    app.router.add_get(item_path, with_slash)
    app.router.add_get(f"{item_path}.ics", item_ics)
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
        build_app(storage, clock, cache, config),
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
