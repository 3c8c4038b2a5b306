"""The subscribable ICS feed of each room: `<public_url>/<room token>/calendar.ics`, served by aiohttp.

Calendar apps poll it: every answer carries an ETag (a hash of the calendar) and a Last-Modified (when the bot
first served that calendar, kept in the database), and a matching If-None-Match or If-Modified-Since gets a
304 without a body.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from bot.config import HttpConfig
from bot.ical import room_ics
from bot.models import EventStatus
from bot.storage import Storage

log = logging.getLogger(__name__)
STAMP = datetime(2000, 1, 1, tzinfo=UTC)


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


def build_app(storage: Storage, clock: Callable[[], datetime]) -> web.Application:
    async def calendar(request: web.Request) -> web.Response:
        room_id = await storage.room_by_feed_token(request.match_info["token"])
        if room_id is None:
            raise web.HTTPNotFound()
        events = await storage.list_events(room_id, statuses=(EventStatus.APPROVED, EventStatus.CANCELLED))
        meetups = await storage.list_meetups(room_id)
        # stable DTSTAMPs (events: when stored), so the content hash only changes when the calendar does
        body = room_ics(events, meetups, STAMP, name="eventbot")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = await last_modified(storage, room_id, etag, clock())
        headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True),
                   "Cache-Control": "max-age=300"}
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:  # when both are sent, If-None-Match decides (RFC 9110, 13.2.2)
            unchanged = etag_matches(if_none_match, etag)
        else:
            unchanged = not_modified_since(request.headers.get("If-Modified-Since", ""), modified)
        if unchanged:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=headers)

    app = web.Application()
    app.router.add_get("/{token}/calendar.ics", calendar)
    return app


async def start_http(config: HttpConfig, storage: Storage, clock: Callable[[], datetime]) -> web.AppRunner:
    """Serve the feeds (Last-Modified from the bot's clock); returns the runner to clean up on shutdown."""
    runner = web.AppRunner(build_app(storage, clock), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, config.host, config.port).start()
    log.info("calendar feeds served on http://%s:%d (public %s)", config.host, config.port, config.base_url)
    return runner
