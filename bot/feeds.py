"""Subscribed calendar feeds: fetch (SSRF-safe), import by UID, and one task that keeps them fresh."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Config
from bot.fetch import FetchError, fetch_url
from bot.i18n import TRANSLATORS
from bot.ical import CalendarError
from bot.importer import ImportReport, import_calendar
from bot.storage import Feed, Storage, StorageUnavailable
from bot.tasks import nap, reference_code

log = logging.getLogger(__name__)
RETRY_AFTER_ERROR_S = 15 * 60
ERROR_RETRY_S = 30.0
IDLE_S = 3600.0


async def sync_feed(storage: Storage, config: Config, feed: Feed, now: datetime) -> ImportReport:
    """Fetch one feed and import it into its room (notices in the room's language); the fetch result is recorded
    either way."""
    settings = await storage.room_settings(feed.room_id)
    zone = ZoneInfo(settings.timezone or config.bot.timezone)
    imports = config.imports
    try:
        data, headers = await fetch_url(
            feed.url,
            allowed_hosts=imports.allowed_hosts,
            allowed_ports=imports.allowed_ports,
            max_bytes=imports.max_bytes,
        )
        report = await import_calendar(
            storage,
            feed.room_id,
            data,
            zone=zone,
            submitter=feed.added_by,
            now=now,
            t=TRANSLATORS[settings.language or config.bot.language],
            feed_id=feed.id,
            max_entries=imports.max_entries,
            content_type=headers.get("Content-Type"),
        )
    except (FetchError, CalendarError) as error:
        await storage.record_fetch(feed, at=int(now.timestamp()), error=str(error)[:300])
        raise
    await storage.record_fetch(feed, at=int(now.timestamp()), error=None)
    return report


def next_fetch_at(feed: Feed) -> float:
    """When a feed is due again (unix time): its interval after the last fetch, sooner after an error."""
    if feed.last_fetch_at is None:
        return 0.0
    wait = min(feed.interval_s, RETRY_AFTER_ERROR_S) if feed.last_error else feed.interval_s
    return feed.last_fetch_at + wait


class FeedScheduler:
    """Sleeps until the next feed is due (or until woken), then syncs it; a database that is briefly unavailable
    (locked, full) costs one round, never the task."""

    def __init__(
        self, storage: Storage, config: Config, clock: Clock, changed: Callable[[str], None] = lambda room_id: None
    ) -> None:
        self.storage = storage
        self.config = config
        self.clock = clock
        self.changed = changed
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            self._wake.clear()
            try:
                delay = await self.sync_due()
            except StorageUnavailable:
                log.exception("feeds: database error [%s]; trying again in %.0f s", reference_code(), ERROR_RETRY_S)
                delay = ERROR_RETRY_S
            if delay > 0:
                await nap(self._wake, stopping, delay)

    async def sync_due(self) -> float:
        """Sync every feed that is due; returns how long to sleep until the next one (0: look again now)."""
        feeds = await self.storage.feeds()
        now = self.clock()
        due = [feed for feed in feeds if next_fetch_at(feed) <= now.timestamp()]
        for feed in due:
            try:
                report = await sync_feed(self.storage, self.config, feed, self.clock())
                log.info("feed #%d synced: %s", feed.id, report.counts)
            except (FetchError, CalendarError) as error:
                log.warning("feed #%d (%s) failed: %s", feed.id, feed.room_id, error)
            except StorageUnavailable:
                raise
            except Exception:
                log.exception("feed #%d: unexpected error [%s]", feed.id, reference_code())
                await self.storage.record_fetch(feed, at=int(self.clock().timestamp()), error="internal error")
            self.changed(feed.room_id)
        if due:
            return 0.0
        next_at = min((next_fetch_at(feed) for feed in feeds), default=now.timestamp() + IDLE_S)
        return max(1.0, next_at - self.clock().timestamp())
