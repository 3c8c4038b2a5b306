"""Subscribed calendar feeds: fetch (SSRF-safe), import by UID, and one task that keeps them fresh."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.fetch import FetchError, fetch_url
from bot.ical import CalendarError
from bot.importer import ImportReport, import_calendar
from bot.storage import Feed, Storage
from bot.tasks import nap

log = logging.getLogger(__name__)
RETRY_AFTER_ERROR_S = 15 * 60


async def sync_feed(storage: Storage, config: Config, feed: Feed, now: datetime) -> ImportReport:
    """Fetch one feed and import it into its room; the fetch result is recorded either way."""
    settings = await storage.room_settings(feed.room_id)
    zone = ZoneInfo(settings.timezone or config.bot.timezone)
    try:
        data, _headers = await fetch_url(feed.url, allowed_hosts=config.imports.allowed_hosts,
                                         max_bytes=config.imports.max_bytes)
        report = await import_calendar(storage, feed.room_id, data, zone=zone, submitter=feed.added_by, now=now,
                                       feed_id=feed.id, max_entries=config.imports.max_entries)
    except (FetchError, CalendarError) as error:
        await storage.record_fetch(feed, at=int(time.time()), error=str(error)[:300])
        raise
    await storage.record_fetch(feed, at=int(time.time()), error=None)
    return report


def next_fetch_at(feed: Feed) -> float:
    """When a feed is due again (unix time): its interval after the last fetch, sooner after an error."""
    if feed.last_fetch_at is None:
        return 0.0
    wait = min(feed.interval_s, RETRY_AFTER_ERROR_S) if feed.last_error else feed.interval_s
    return feed.last_fetch_at + wait


class FeedScheduler:
    """Sleeps until the next feed is due (or until woken), then syncs it."""

    def __init__(self, storage: Storage, config: Config, clock: Callable[[], datetime]) -> None:
        self.storage = storage
        self.config = config
        self.clock = clock
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            self._wake.clear()
            feeds = await self.storage.feeds()
            due = [feed for feed in feeds if next_fetch_at(feed) <= time.time()]
            for feed in due:
                try:
                    report = await sync_feed(self.storage, self.config, feed, self.clock())
                    log.info("feed #%d synced: %s", feed.id, report.counts)
                except (FetchError, CalendarError) as error:
                    log.warning("feed #%d (%s) failed: %s", feed.id, feed.room_id, error)
                except Exception:
                    log.exception("feed #%d: unexpected error", feed.id)
                    await self.storage.record_fetch(feed, at=int(time.time()), error="internal error")
            if due:
                continue
            delay = min((next_fetch_at(feed) for feed in feeds), default=time.time() + 3600) - time.time()
            await nap(self._wake, stopping, max(1.0, delay))
