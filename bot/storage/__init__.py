"""All SQL: an aiosqlite database in WAL mode with numbered migrations, as named methods returning models.

One store per domain (rooms, events, meetups, deadlines, links, reminders, feeds, kv) over the shared `Database`
(connections, transactions, reads, errors); `Storage` is all of them in one object.
"""

from __future__ import annotations

from bot.models import Feed, ImportCounts, RoomSettings
from bot.storage.database import StorageError, StorageUnavailable, Transaction, Written
from bot.storage.deadlines import DeadlinesStore
from bot.storage.events import EventsStore, event_over_at
from bot.storage.feeds import FeedsStore
from bot.storage.kv import KvStore
from bot.storage.links import LinksStore
from bot.storage.migrations import SCHEMA_VERSION
from bot.storage.reminders import RemindersStore
from bot.storage.rooms import RoomsStore


class Storage(KvStore, RoomsStore, EventsStore, FeedsStore, DeadlinesStore, LinksStore, RemindersStore):
    """The bot's database: every store on one writing and one reading connection, one writer at a time."""


__all__ = [
    "SCHEMA_VERSION",
    "Feed",
    "ImportCounts",
    "RoomSettings",
    "Storage",
    "StorageError",
    "StorageUnavailable",
    "Transaction",
    "Written",
    "event_over_at",
]
