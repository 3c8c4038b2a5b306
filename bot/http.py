"""The subscribable ICS feed of each room: `<public_url>/<room token>/calendar.ics`, served by aiohttp."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from aiohttp import web

from bot.config import HttpConfig
from bot.ical import room_ics
from bot.models import EventStatus
from bot.storage import Storage

log = logging.getLogger(__name__)
STAMP = datetime(2000, 1, 1, tzinfo=UTC)


def build_app(storage: Storage) -> web.Application:
    async def calendar(request: web.Request) -> web.Response:
        room_id = await storage.room_by_feed_token(request.match_info["token"])
        if room_id is None:
            raise web.HTTPNotFound()
        events = await storage.list_events(room_id, statuses=(EventStatus.APPROVED, EventStatus.CANCELLED))
        meetups = await storage.list_meetups(room_id)
        # stable DTSTAMPs (events: when stored), so the content hash only changes when the calendar does
        body = room_ics(events, meetups, STAMP, name="eventbot")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="text/calendar", charset="utf-8",
                            headers={"ETag": etag, "Cache-Control": "max-age=300"})

    app = web.Application()
    app.router.add_get("/{token}/calendar.ics", calendar)
    return app


async def start_http(config: HttpConfig, storage: Storage) -> web.AppRunner:
    """Serve the feeds; returns the runner to clean up on shutdown."""
    runner = web.AppRunner(build_app(storage), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, config.host, config.port).start()
    log.info("calendar feeds served on http://%s:%d (public %s)", config.host, config.port, config.base_url)
    return runner
