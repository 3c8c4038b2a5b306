"""All SQL: an aiosqlite database in WAL mode with numbered migrations, as named methods returning models."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import aiosqlite

from bot.migrations import MIGRATIONS, SCHEMA_VERSION
from bot.models import Deadline, Event, EventStatus, Meetup, QueuedMessage, Reply, Target


class StorageError(Exception):
    """The database cannot be used (for example, it is newer than this code)."""


@dataclass(frozen=True)
class RoomSettings:
    room_id: str
    approval: bool = False
    timezone: str | None = None
    event_lead_times: tuple[int, ...] | None = None
    meetup_lead_times: tuple[int, ...] | None = None
    room_mention: bool = False


def _seconds_list(text: str | None) -> tuple[int, ...] | None:
    return tuple(json.loads(text)) if text is not None else None


_EVENT_COLUMNS = (
    "id, room_id, title, start_local, end_local, all_day, timezone, place, online, online_url, link, "
    "geo_lat, geo_lon, description, submitter, source_event_id, status, uid, created_at"
)


T = TypeVar("T")


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of at most `size` (SQLite caps the parameters of one statement)."""
    listed = list(items)
    for start in range(0, len(listed), size):
        yield listed[start:start + size]


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def _local_text(value: datetime | None, all_day: bool) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if all_day else value.strftime("%Y-%m-%dT%H:%M")


def _from_local(text: str | None, zone: ZoneInfo) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=zone)


_MEETUP_COLUMNS = (
    "id, room_id, city, rule_text, rrule, dtstart, start_time, end_time, timezone, name, place, online, link, "
    "geo_lat, geo_lon, submitter, source_event_id, uid"
)


def _meetup_from_row(row: aiosqlite.Row, dates: list[aiosqlite.Row]) -> Meetup:
    zone = ZoneInfo(row["timezone"])
    skipped = frozenset(date.fromisoformat(d["original_date"]) for d in dates if d["kind"] == "skip")
    moved = {date.fromisoformat(d["original_date"]): datetime.fromisoformat(d["start_local"]).replace(tzinfo=zone)
             for d in dates if d["kind"] == "move"}
    extra = frozenset(datetime.fromisoformat(d["start_local"]).replace(tzinfo=zone)
                      for d in dates if d["kind"] == "extra")
    return Meetup(
        id=row["id"], room_id=row["room_id"], city=row["city"], rule_text=row["rule_text"], rrule=row["rrule"],
        dtstart=date.fromisoformat(row["dtstart"]), start_time=clock_time.fromisoformat(row["start_time"]),
        end_time=clock_time.fromisoformat(row["end_time"]) if row["end_time"] else None,
        timezone=row["timezone"], name=row["name"], place=row["place"], online=bool(row["online"]),
        link=row["link"], geo=(row["geo_lat"], row["geo_lon"]) if row["geo_lat"] is not None else None,
        submitter=row["submitter"], source_event_id=row["source_event_id"], uid=row["uid"],
        skipped=skipped, moved=MappingProxyType(moved), extra=extra,
    )


def _meetup_values(meetup: Meetup) -> dict[str, Any]:
    return {
        "room_id": meetup.room_id, "city": meetup.city, "rule_text": meetup.rule_text, "rrule": meetup.rrule,
        "dtstart": meetup.dtstart.isoformat(), "start_time": meetup.start_time.strftime("%H:%M"),
        "end_time": meetup.end_time.strftime("%H:%M") if meetup.end_time else None,
        "timezone": meetup.timezone, "name": meetup.name, "place": meetup.place, "online": int(meetup.online),
        "link": meetup.link, "geo_lat": meetup.geo[0] if meetup.geo else None,
        "geo_lon": meetup.geo[1] if meetup.geo else None, "submitter": meetup.submitter,
        "source_event_id": meetup.source_event_id,
    }


async def _write_meetup_dates(db: aiosqlite.Connection, meetup_id: int, meetup: Meetup) -> None:
    """Replace a meetup's skipped, moved and explicit dates (inside the caller's transaction)."""
    rows = [("skip", day.isoformat(), None) for day in sorted(meetup.skipped)]
    rows += [("move", day.isoformat(), moment.strftime("%Y-%m-%dT%H:%M"))
             for day, moment in sorted(meetup.moved.items())]
    rows += [("extra", None, moment.strftime("%Y-%m-%dT%H:%M")) for moment in sorted(meetup.extra)]
    await db.execute("DELETE FROM meetup_dates WHERE meetup_id = ?", (meetup_id,))
    await db.executemany("INSERT INTO meetup_dates(meetup_id, kind, original_date, start_local) VALUES (?, ?, ?, ?)",
                         [(meetup_id, *row) for row in rows])


def event_over_at(event: Event) -> datetime:
    """The moment an event is over: its end, its start when it has none, midnight after an all-day event."""
    last = event.end or event.start
    if event.all_day:
        return datetime.combine(last.date() + timedelta(days=1), datetime.min.time(), last.tzinfo)
    return last


def _event_from_row(row: aiosqlite.Row) -> Event:
    zone = ZoneInfo(row["timezone"])
    geo = (row["geo_lat"], row["geo_lon"]) if row["geo_lat"] is not None else None
    start = _from_local(row["start_local"], zone)
    assert start is not None
    return Event(
        id=row["id"], room_id=row["room_id"], title=row["title"], start=start,
        end=_from_local(row["end_local"], zone), all_day=bool(row["all_day"]), timezone=row["timezone"],
        place=row["place"], online=bool(row["online"]), online_url=row["online_url"], link=row["link"],
        geo=geo, description=row["description"], submitter=row["submitter"],
        source_event_id=row["source_event_id"], status=EventStatus(row["status"]),
        uid=row["uid"],
        created_at=datetime.fromtimestamp(row["created_at"], UTC),
    )


def _event_values(event: Event) -> dict[str, Any]:
    return {
        "room_id": event.room_id, "title": event.title,
        "start_local": _local_text(event.start, event.all_day),
        "end_local": _local_text(event.end, event.all_day), "all_day": int(event.all_day),
        "timezone": event.timezone, "start_utc": int(event.start.timestamp()),
        "end_utc": int(event_over_at(event).timestamp()), "place": event.place,
        "online": int(event.online), "online_url": event.online_url, "link": event.link,
        "geo_lat": event.geo[0] if event.geo else None, "geo_lon": event.geo[1] if event.geo else None,
        "description": event.description, "submitter": event.submitter,
        "source_event_id": event.source_event_id, "status": event.status.value,
    }


@dataclass(frozen=True)
class ImportCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class Feed:
    id: int
    room_id: str
    url: str
    interval_s: int
    added_by: str
    last_fetch_at: int | None = None
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


_COMPARED_EVENT_FIELDS = ("title", "start_local", "end_local", "all_day", "timezone", "place", "online", "link",
                          "geo_lat", "geo_lon", "description")
_COMPARED_MEETUP_FIELDS = ("city", "rule_text", "rrule", "dtstart", "start_time", "end_time", "timezone", "name",
                           "place", "online", "link", "geo_lat", "geo_lon")


class Storage:
    """The bot's database; one connection, one writer at a time."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Storage:
        """Open (and create or migrate) the database at path."""
        db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = aiosqlite.Row
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            # WAL with synchronous=NORMAL: a commit survives a crash of the bot (not of the OS) without an fsync
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA busy_timeout=5000")
            # SQLite's lower() and LIKE fold ASCII only; German needs Ü = ü
            await db.create_function("casefold", 1, _casefold, deterministic=True)
            storage = cls(db)
            await storage._migrate()
        except BaseException:
            await db.close()
            raise
        return storage

    async def close(self) -> None:
        await self._db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        current = await self.schema_version()
        if current > SCHEMA_VERSION:
            raise StorageError(
                f"the database has schema version {current}, but this eventbot only knows up to "
                f"{SCHEMA_VERSION}; upgrade eventbot or use a backup of the database"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            async with self.transaction() as db:
                for statement in MIGRATIONS[version - 1]:
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {version}")

    async def _fetchone(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _fetchall(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    # -- key/value state (session, sync token) --

    async def get_value(self, key: str) -> str | None:
        row = await self._fetchone("SELECT value FROM kv WHERE key = ?", (key,))
        return row["value"] if row else None

    async def set_values(self, values: dict[str, str]) -> None:
        async with self.transaction() as db:
            await db.executemany("INSERT INTO kv(key, value) VALUES (?, ?) "
                                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", values.items())

    # -- handled commands (exactly once across restarts) --

    async def is_handled(self, event_id: str) -> bool:
        return await self._fetchone("SELECT 1 FROM handled_events WHERE event_id = ?", (event_id,)) is not None

    async def mark_handled(self, event_id: str, room_id: str) -> None:
        async with self.transaction() as db:
            await db.execute("INSERT OR IGNORE INTO handled_events(event_id, room_id, handled_at) VALUES (?, ?, ?)",
                             (event_id, room_id, int(time.time())))

    async def prune_handled(self, older_than_s: int) -> int:
        """Forget handled event ids older than the given age (the homeserver never replays them)."""
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM handled_events WHERE handled_at < ?",
                                      (int(time.time()) - older_than_s,))
            return cursor.rowcount

    # -- rooms --

    async def record_join(self, room_id: str, joined_at_ms: int) -> None:
        """Remember when the bot joined a room (the first join counts; events before it are ignored)."""
        async with self.transaction() as db:
            await db.execute("INSERT INTO rooms(room_id, joined_at_ms) VALUES (?, ?) "
                             "ON CONFLICT(room_id) DO NOTHING", (room_id, joined_at_ms))

    async def joined_at(self, room_id: str) -> int | None:
        row = await self._fetchone("SELECT joined_at_ms FROM rooms WHERE room_id = ?", (room_id,))
        return row["joined_at_ms"] if row else None

    @staticmethod
    def _settings(row: aiosqlite.Row) -> RoomSettings:
        return RoomSettings(row["room_id"], approval=bool(row["approval"]), timezone=row["timezone"],
                            event_lead_times=_seconds_list(row["event_lead_times"]),
                            meetup_lead_times=_seconds_list(row["meetup_lead_times"]),
                            room_mention=bool(row["room_mention"]))

    async def room_settings(self, room_id: str) -> RoomSettings:
        row = await self._fetchone("SELECT * FROM rooms WHERE room_id = ?", (room_id,))
        return self._settings(row) if row else RoomSettings(room_id)

    async def all_room_settings(self) -> list[RoomSettings]:
        return [self._settings(row) for row in await self._fetchall("SELECT * FROM rooms")]

    async def save_room_settings(self, settings: RoomSettings) -> None:
        leads = [None if value is None else json.dumps(list(value))
                 for value in (settings.event_lead_times, settings.meetup_lead_times)]
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO rooms(room_id, joined_at_ms, approval, timezone, event_lead_times, meetup_lead_times, "
                "room_mention) VALUES (?, 0, ?, ?, ?, ?, ?) ON CONFLICT(room_id) DO UPDATE SET "
                "approval = excluded.approval, timezone = excluded.timezone, "
                "event_lead_times = excluded.event_lead_times, meetup_lead_times = excluded.meetup_lead_times, "
                "room_mention = excluded.room_mention",
                (settings.room_id, int(settings.approval), settings.timezone, *leads, int(settings.room_mention)),
            )

    # -- events --

    async def add_event(self, event: Event) -> tuple[Event, bool]:
        """Store a new event; returns (event, True), or (the existing one, False) for a replay or duplicate."""
        values = _event_values(event)
        async with self.transaction() as db:
            existing = None
            if event.source_event_id:
                existing = await self._fetchone(
                    f"SELECT {_EVENT_COLUMNS} FROM events WHERE source_event_id = ?", (event.source_event_id,))
            if existing is None:
                existing = await self._fetchone(
                    f"SELECT {_EVENT_COLUMNS} FROM events WHERE room_id = ? AND start_utc = ? "
                    "AND casefold(title) = casefold(?) AND status NOT IN ('cancelled', 'rejected')",
                    (event.room_id, values["start_utc"], event.title))
            if existing is not None:
                return _event_from_row(existing), False
            values["uid"] = event.uid or f"{uuid.uuid4()}@eventbot"
            values["created_at"] = int(time.time())
            columns = ", ".join(values)
            cursor = await db.execute(
                f"INSERT INTO events({columns}) VALUES ({', '.join(':' + c for c in values)})", values)
            row = await self._fetchone(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (cursor.lastrowid,))
        assert row is not None
        return _event_from_row(row), True

    async def get_event(self, room_id: str, event_id: int) -> Event | None:
        row = await self._fetchone(f"SELECT {_EVENT_COLUMNS} FROM events WHERE room_id = ? AND id = ?",
                                   (room_id, event_id))
        return _event_from_row(row) if row else None

    async def event_by_announcement(self, room_id: str, message_event_id: str) -> Event | None:
        target = await self.announced(room_id, message_event_id)
        if target is None or target.kind != "event":
            return None
        return await self.get_event(room_id, target.item_id)

    @staticmethod
    def _event_window(room_id: str, start: datetime | None, end: datetime | None,
                      statuses: Iterable[EventStatus]) -> tuple[str, list[Any]]:
        """WHERE clause: the room's events in these states, not over before start, starting before end."""
        wanted = [status.value for status in statuses]
        where = f"room_id = ? AND status IN ({', '.join('?' * len(wanted))})"
        params: list[Any] = [room_id, *wanted]
        if start is not None:
            # over after the window opens (an all-day event ends at the next midnight, which is not "after")
            where += " AND (end_utc > ? OR start_utc >= ?)"
            params += [int(start.timestamp())] * 2
        if end is not None:
            where += " AND start_utc < ?"
            params.append(int(end.timestamp()))
        return where, params

    async def list_events(self, room_id: str, *, start: datetime | None = None, end: datetime | None = None,
                          statuses: Iterable[EventStatus] = (EventStatus.APPROVED,),
                          limit: int | None = None) -> list[Event]:
        """Events of a room not over before start and starting before end, by start, ties in added order."""
        where, params = self._event_window(room_id, start, end, statuses)
        sql = f"SELECT {_EVENT_COLUMNS} FROM events WHERE {where} ORDER BY start_utc, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_event_from_row(row) for row in await self._fetchall(sql, params)]

    async def count_events(self, room_id: str, *, start: datetime | None = None, end: datetime | None = None,
                           statuses: Iterable[EventStatus] = (EventStatus.APPROVED,)) -> int:
        """How many events list_events would return without a limit."""
        where, params = self._event_window(room_id, start, end, statuses)
        row = await self._fetchone(f"SELECT count(*) AS n FROM events WHERE {where}", params)
        return row["n"] if row else 0

    async def search_events(self, room_id: str, words: list[str]) -> list[Event]:
        """Events whose title or place contains every word (case-insensitive), newest start last."""
        sql = f"SELECT {_EVENT_COLUMNS} FROM events WHERE room_id = ? AND status IN ('approved', 'cancelled')"
        params: list[Any] = [room_id]
        for word in words:
            escaped = word.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            sql += (" AND (casefold(title) LIKE ? ESCAPE '\\' OR casefold(coalesce(place, '')) LIKE ? "
                    "ESCAPE '\\')")
            params += [f"%{escaped}%", f"%{escaped}%"]
        return [_event_from_row(row) for row in await self._fetchall(sql + " ORDER BY start_utc, id", params)]

    async def update_event(self, event: Event) -> Event:
        """Write an event's changed fields back; returns it as stored."""
        values = _event_values(event)
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        async with self.transaction() as db:
            await db.execute(f"UPDATE events SET {assignments} WHERE id = :id AND room_id = :room_id",
                             {**values, "id": event.id})
        stored = await self.get_event(event.room_id, event.id)
        assert stored is not None
        return stored

    async def set_event_status(self, event: Event, status: EventStatus) -> Event:
        return await self.update_event(replace(event, status=status))

    async def delete_event(self, room_id: str, event_id: int) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM events WHERE room_id = ? AND id = ?", (room_id, event_id))
            await db.execute("DELETE FROM rsvps WHERE kind = 'event' AND item_id = ? AND room_id = ?",
                             (event_id, room_id))
            return cursor.rowcount > 0


    # -- meetups --

    async def _meetups(self, where: str, params: tuple[Any, ...]) -> list[Meetup]:
        rows = await self._fetchall(f"SELECT {_MEETUP_COLUMNS} FROM meetups WHERE {where} ORDER BY id", params)
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        dates = await self._fetchall(
            f"SELECT * FROM meetup_dates WHERE meetup_id IN ({', '.join('?' * len(ids))}) ORDER BY rowid", ids)
        by_meetup: dict[int, list[aiosqlite.Row]] = {}
        for row in dates:
            by_meetup.setdefault(row["meetup_id"], []).append(row)
        return [_meetup_from_row(row, by_meetup.get(row["id"], [])) for row in rows]

    async def add_meetup(self, meetup: Meetup) -> tuple[Meetup, bool]:
        """Store a new meetup; (the existing one, False) for a replay or the same city and name in the room."""
        values = _meetup_values(meetup)
        async with self.transaction() as db:
            existing = await self._fetchone(
                "SELECT id FROM meetups WHERE source_event_id = ? OR "
                "(room_id = ? AND casefold(city) = casefold(?) AND casefold(name) = casefold(?))",
                (meetup.source_event_id, meetup.room_id, meetup.city, meetup.name))
            if existing is None:
                values["uid"] = meetup.uid or f"{uuid.uuid4()}@eventbot"
                values["created_at"] = int(time.time())
                cursor = await db.execute(
                    f"INSERT INTO meetups({', '.join(values)}) VALUES ({', '.join(':' + c for c in values)})",
                    values)
                new_id = cursor.lastrowid
        if existing is not None:
            return (await self._meetups("id = ?", (existing["id"],)))[0], False
        return (await self._meetups("id = ?", (new_id,)))[0], True

    async def get_meetup(self, room_id: str, meetup_id: int) -> Meetup | None:
        found = await self._meetups("room_id = ? AND id = ?", (room_id, meetup_id))
        return found[0] if found else None

    async def list_meetups(self, room_id: str) -> list[Meetup]:
        return await self._meetups("room_id = ?", (room_id,))

    async def update_meetup(self, meetup: Meetup) -> Meetup:
        """Write a meetup's fields and its skipped, moved and explicit dates back."""
        values = _meetup_values(meetup)
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        async with self.transaction() as db:
            await db.execute(f"UPDATE meetups SET {assignments} WHERE id = :id AND room_id = :room_id",
                             {**values, "id": meetup.id})
            await _write_meetup_dates(db, meetup.id, meetup)
        stored = await self.get_meetup(meetup.room_id, meetup.id)
        assert stored is not None
        return stored

    async def delete_meetup(self, room_id: str, meetup_id: int) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM meetups WHERE room_id = ? AND id = ?", (room_id, meetup_id))
            await db.execute("DELETE FROM rsvps WHERE kind = 'meetup' AND item_id = ? AND room_id = ?",
                             (meetup_id, room_id))
            return cursor.rowcount > 0

    # -- deadlines --

    @staticmethod
    def _deadline(row: aiosqlite.Row) -> Deadline:
        return Deadline(id=row["id"], room_id=row["room_id"], name=row["name"], link=row["link"],
                        end=date.fromisoformat(row["end_date"]),
                        start=date.fromisoformat(row["start_date"]) if row["start_date"] else None,
                        submitter=row["submitter"], source_event_id=row["source_event_id"])

    async def add_deadline(self, deadline: Deadline) -> tuple[Deadline, bool]:
        """Store a deadline; (the existing one, False) for a replayed command or the same name and end."""
        async with self.transaction() as db:
            existing = await self._fetchone(
                "SELECT * FROM deadlines WHERE source_event_id = ? OR "
                "(room_id = ? AND casefold(name) = casefold(?) AND end_date = ?)",
                (deadline.source_event_id, deadline.room_id, deadline.name, deadline.end.isoformat()))
            if existing is not None:
                return self._deadline(existing), False
            cursor = await db.execute(
                "INSERT INTO deadlines(room_id, name, link, start_date, end_date, submitter, source_event_id, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (deadline.room_id, deadline.name, deadline.link,
                 deadline.start.isoformat() if deadline.start else None, deadline.end.isoformat(),
                 deadline.submitter, deadline.source_event_id, int(time.time())))
            row = await self._fetchone("SELECT * FROM deadlines WHERE id = ?", (cursor.lastrowid,))
        assert row is not None
        return self._deadline(row), True

    async def list_deadlines(self, room_id: str, *, ending_from: date | None = None) -> list[Deadline]:
        """A room's deadlines ending on or after a day, by end date, ties in the order they were added."""
        rows = await self._fetchall(
            "SELECT * FROM deadlines WHERE room_id = ? AND end_date >= ? ORDER BY end_date, id",
            (room_id, (ending_from or date.min).isoformat()))
        return [self._deadline(row) for row in rows]

    async def get_deadline(self, room_id: str, deadline_id: int) -> Deadline | None:
        row = await self._fetchone("SELECT * FROM deadlines WHERE room_id = ? AND id = ?", (room_id, deadline_id))
        return self._deadline(row) if row else None

    async def delete_deadline(self, room_id: str, deadline_id: int) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM deadlines WHERE room_id = ? AND id = ?", (room_id, deadline_id))
            return cursor.rowcount > 0

    async def rooms_with_content(self) -> list[str]:
        """Rooms that hold events, meetups or deadlines."""
        rows = await self._fetchall("SELECT room_id FROM events UNION SELECT room_id FROM meetups "
                                    "UNION SELECT room_id FROM deadlines ORDER BY room_id")
        return [row["room_id"] for row in rows]

    # -- announcements and RSVPs --

    async def announce(self, room_id: str, message_event_id: str, target: Target) -> None:
        """Remember that a bot message announces an event or a meetup date (reactions to it are RSVPs)."""
        async with self.transaction() as db:
            await db.execute("INSERT OR IGNORE INTO announcements(message_event_id, room_id, kind, item_id, "
                             "occurrence) VALUES (?, ?, ?, ?, ?)",
                             (message_event_id, room_id, target.kind, target.item_id, target.occurrence))

    async def announced(self, room_id: str, message_event_id: str) -> Target | None:
        row = await self._fetchone("SELECT kind, item_id, occurrence FROM announcements "
                                   "WHERE room_id = ? AND message_event_id = ?", (room_id, message_event_id))
        return Target(row["kind"], row["item_id"], row["occurrence"]) if row else None

    async def add_rsvp(self, room_id: str, target: Target, user_id: str, reaction_event_id: str) -> bool:
        """Record a yes; False when the user had already said yes."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT OR IGNORE INTO rsvps(room_id, kind, item_id, occurrence, user_id, reaction_event_id, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (room_id, target.kind, target.item_id, target.occurrence, user_id, reaction_event_id,
                 int(time.time())))
            return cursor.rowcount > 0

    async def withdraw_rsvp(self, room_id: str, reaction_event_id: str) -> bool:
        """The reaction was redacted: its yes no longer counts."""
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM rsvps WHERE room_id = ? AND reaction_event_id = ?",
                                      (room_id, reaction_event_id))
            return cursor.rowcount > 0

    async def rsvps(self, room_id: str, target: Target) -> list[str]:
        """Who said yes, in the order they did."""
        return (await self.rsvps_of([(room_id, target)])).get((room_id, target), [])

    async def rsvps_of(self, targets: Iterable[tuple[str, Target]]) -> dict[tuple[str, Target], list[str]]:
        """Who said yes to each of many (room, target) pairs, in the order they did; pairs without RSVPs are left
        out. One query per 200 pairs (the scheduler asks for hundreds at once)."""
        found: dict[tuple[str, Target], list[str]] = {}
        for chunk in _chunks(dict.fromkeys(targets), 200):
            rows = await self._fetchall(
                "SELECT room_id, kind, item_id, occurrence, user_id FROM rsvps "
                f"WHERE (room_id, kind, item_id, occurrence) IN (VALUES {', '.join(['(?, ?, ?, ?)'] * len(chunk))}) "
                "ORDER BY created_at, rowid",
                [value for room_id, t in chunk for value in (room_id, t.kind, t.item_id, t.occurrence)])
            for row in rows:
                key = (row["room_id"], Target(row["kind"], row["item_id"], row["occurrence"]))
                found.setdefault(key, []).append(row["user_id"])
        return found

    # -- reminders: ledger and outbox --

    async def ledger_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these reminder keys were already queued or skipped."""
        found: set[str] = set()
        for chunk in _chunks(keys, 500):
            rows = await self._fetchall(
                f"SELECT key FROM reminder_ledger WHERE key IN ({', '.join('?' * len(chunk))})", chunk)
            found.update(row["key"] for row in rows)
        return found

    async def queue_messages(self, messages: list[QueuedMessage],
                             ledger: Iterable[tuple[str, str, str, str | None]] = ()) -> None:
        """Queue messages and record ledger entries (key, room_id, state, txn_id) in one transaction."""
        now = int(time.time())
        async with self.transaction() as db:
            row = await self._fetchone("SELECT coalesce(max(seq), 0) AS seq FROM outbox")
            seq = row["seq"] if row else 0
            rows = []
            for number, message in enumerate(messages, start=seq + 1):
                target = message.announces
                rows.append((message.txn_id, number, message.room_id, message.reply.text, message.reply.html,
                             json.dumps(list(message.mentions)), target.kind if target else None,
                             target.item_id if target else None, target.occurrence if target else None, now,
                             int(message.room_mention)))
            await db.executemany(
                "INSERT OR IGNORE INTO outbox(txn_id, seq, room_id, body, html, mentions, announce_kind, "
                "announce_item, announce_occurrence, created_at, room_mention) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            await db.executemany(
                "INSERT OR IGNORE INTO reminder_ledger(key, room_id, state, txn_id, recorded_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(*entry, now) for entry in ledger])

    async def unsent_messages(self) -> list[QueuedMessage]:
        rows = await self._fetchall("SELECT * FROM outbox WHERE sent_event_id IS NULL ORDER BY seq")
        return [QueuedMessage(
            txn_id=row["txn_id"], room_id=row["room_id"], reply=Reply(row["body"], row["html"]),
            mentions=tuple(json.loads(row["mentions"])), room_mention=bool(row["room_mention"]),
            announces=Target(row["announce_kind"], row["announce_item"], row["announce_occurrence"] or "")
            if row["announce_kind"] else None) for row in rows]

    async def mark_sent(self, message: QueuedMessage, sent_event_id: str) -> None:
        """The message is out: note its event id and, if it announces something, remember that too."""
        async with self.transaction() as db:
            await db.execute("UPDATE outbox SET sent_event_id = ? WHERE txn_id = ?", (sent_event_id, message.txn_id))
            if message.announces is not None:
                target = message.announces
                await db.execute("INSERT OR IGNORE INTO announcements(message_event_id, room_id, kind, item_id, "
                                 "occurrence) VALUES (?, ?, ?, ?, ?)",
                                 (sent_event_id, message.room_id, target.kind, target.item_id, target.occurrence))

    async def upcoming_events(self, start: datetime, end: datetime,
                              statuses: Iterable[EventStatus] = (EventStatus.APPROVED,)) -> list[Event]:
        """Events of every room starting in [start, end)."""
        wanted = [status.value for status in statuses]
        rows = await self._fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE start_utc >= ? AND start_utc < ? "
            f"AND status IN ({', '.join('?' * len(wanted))}) ORDER BY start_utc, id",
            (int(start.timestamp()), int(end.timestamp()), *wanted))
        return [_event_from_row(row) for row in rows]

    async def all_meetups(self) -> list[Meetup]:
        return await self._meetups("1 = 1", ())

    # -- calendar import and feeds --

    async def import_items(self, room_id: str, events: list[Event], meetups: list[Meetup], *, feed_id: int | None,
                           now: datetime) -> ImportCounts:
        """Add or update by UID, all in one transaction; a feed's vanished future events are cancelled."""
        added = updated = unchanged = duplicates = 0
        seen: set[str] = set()
        async with self.transaction() as db:
            for event in events:
                if event.uid in seen:
                    duplicates += 1
                    continue
                seen.add(event.uid)
                values = {**_event_values(event), "feed_id": feed_id, "room_id": room_id}
                row = await self._fetchone("SELECT * FROM events WHERE room_id = ? AND uid = ?", (room_id, event.uid))
                if row is None:
                    twin = await self._fetchone(
                        "SELECT id FROM events WHERE room_id = ? AND start_utc = ? AND casefold(title) = casefold(?) "
                        "AND status NOT IN ('cancelled', 'rejected')", (room_id, values["start_utc"], event.title))
                    if twin is not None:
                        unchanged += 1
                        continue
                    values.update(uid=event.uid, created_at=int(time.time()))
                    await db.execute(f"INSERT INTO events({', '.join(values)}) "
                                     f"VALUES ({', '.join(':' + c for c in values)})", values)
                    added += 1
                elif any(row[f] != values[f] for f in _COMPARED_EVENT_FIELDS) or row["status"] == "cancelled":
                    values["status"] = "approved"
                    keep = ("submitter", "source_event_id")
                    assignments = ", ".join(f"{c} = :{c}" for c in values if c not in keep)
                    await db.execute(f"UPDATE events SET {assignments} WHERE id = :id", {**values, "id": row["id"]})
                    updated += 1
                else:
                    unchanged += 1
            for meetup in meetups:
                if meetup.uid in seen:
                    duplicates += 1
                    continue
                seen.add(meetup.uid)
                values = {**_meetup_values(meetup), "feed_id": feed_id, "room_id": room_id}
                row = await self._fetchone("SELECT * FROM meetups WHERE room_id = ? AND uid = ?",
                                           (room_id, meetup.uid))
                if row is None:
                    values.update(uid=meetup.uid, created_at=int(time.time()))
                    cursor = await db.execute(f"INSERT INTO meetups({', '.join(values)}) "
                                              f"VALUES ({', '.join(':' + c for c in values)})", values)
                    assert cursor.lastrowid is not None
                    await _write_meetup_dates(db, cursor.lastrowid, meetup)
                    added += 1
                    continue
                stored = await self._meetups("id = ?", (row["id"],))
                if any(row[f] != values[f] for f in _COMPARED_MEETUP_FIELDS) or (
                        stored[0].skipped, stored[0].extra) != (meetup.skipped, meetup.extra):
                    assignments = ", ".join(f"{c} = :{c}" for c in values if c not in ("submitter", "source_event_id"))
                    await db.execute(f"UPDATE meetups SET {assignments} WHERE id = :id", {**values, "id": row["id"]})
                    await _write_meetup_dates(db, row["id"], meetup)
                    updated += 1
                else:
                    unchanged += 1
            cancelled = 0
            if feed_id is not None:
                rows = await self._fetchall("SELECT id, uid FROM events WHERE feed_id = ? AND room_id = ? AND "
                                            "status = 'approved' AND start_utc >= ?",
                                            (feed_id, room_id, int(now.timestamp())))
                vanished = [row["id"] for row in rows if row["uid"] not in seen]
                await db.executemany("UPDATE events SET status = 'cancelled' WHERE id = ?", [(i,) for i in vanished])
                cancelled = len(vanished)
        return ImportCounts(added, updated, unchanged, cancelled, duplicates)

    @staticmethod
    def _feed(row: aiosqlite.Row) -> Feed:
        return Feed(id=row["id"], room_id=row["room_id"], url=row["url"], interval_s=row["interval_s"],
                    added_by=row["added_by"], last_fetch_at=row["last_fetch_at"], last_error=row["last_error"],
                    etag=row["etag"], last_modified=row["last_modified"])

    async def add_feed(self, room_id: str, url: str, interval_s: int, added_by: str) -> tuple[Feed, bool]:
        async with self.transaction() as db:
            existing = await self._fetchone("SELECT * FROM feeds WHERE room_id = ? AND url = ?", (room_id, url))
            if existing is not None:
                return self._feed(existing), False
            cursor = await db.execute("INSERT INTO feeds(room_id, url, interval_s, added_by) VALUES (?, ?, ?, ?)",
                                      (room_id, url, interval_s, added_by))
            row = await self._fetchone("SELECT * FROM feeds WHERE id = ?", (cursor.lastrowid,))
        assert row is not None
        return self._feed(row), True

    async def feeds(self, room_id: str | None = None) -> list[Feed]:
        if room_id is None:
            return [self._feed(row) for row in await self._fetchall("SELECT * FROM feeds ORDER BY id")]
        rows = await self._fetchall("SELECT * FROM feeds WHERE room_id = ? ORDER BY id", (room_id,))
        return [self._feed(row) for row in rows]

    async def get_feed(self, room_id: str, feed_id: int) -> Feed | None:
        row = await self._fetchone("SELECT * FROM feeds WHERE room_id = ? AND id = ?", (room_id, feed_id))
        return self._feed(row) if row else None

    async def remove_feed(self, room_id: str, feed_id: int) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM feeds WHERE room_id = ? AND id = ?", (room_id, feed_id))
            return cursor.rowcount > 0

    async def record_fetch(self, feed: Feed, *, at: int, error: str | None, etag: str | None = None,
                           last_modified: str | None = None) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE feeds SET last_fetch_at = ?, last_error = ?, etag = coalesce(?, etag), "
                             "last_modified = coalesce(?, last_modified) WHERE id = ?",
                             (at, error, etag, last_modified, feed.id))

    async def feed_token(self, room_id: str) -> str | None:
        row = await self._fetchone("SELECT feed_token FROM rooms WHERE room_id = ?", (room_id,))
        return row["feed_token"] if row else None

    async def set_feed_token(self, room_id: str, token: str) -> None:
        async with self.transaction() as db:
            await db.execute("INSERT INTO rooms(room_id, joined_at_ms, feed_token) VALUES (?, 0, ?) "
                             "ON CONFLICT(room_id) DO UPDATE SET feed_token = excluded.feed_token", (room_id, token))

    async def room_by_feed_token(self, token: str) -> str | None:
        row = await self._fetchone("SELECT room_id FROM rooms WHERE feed_token = ?", (token,))
        return row["room_id"] if row else None
