"""Events: one-off dates, stored as wall-clock time plus zone, with UTC bounds for the window queries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.models import Event, EventStatus
from bot.storage.database import Database

EVENT_COLUMNS = (
    "id, room_id, title, start_local, end_local, all_day, timezone, place, online, online_url, link, "
    "geo_lat, geo_lon, description, submitter, source_event_id, status, uid, created_at, scheduled_at, sequence"
)
# what an imported event is compared on: a change of any of them is an update
COMPARED_EVENT_FIELDS = (
    "title",
    "start_local",
    "end_local",
    "all_day",
    "timezone",
    "place",
    "online",
    "link",
    "geo_lat",
    "geo_lon",
    "description",
)
# a change of any of them moves the event in time: scheduled_at is set anew
SCHEDULE_FIELDS = ("start_local", "end_local", "all_day", "timezone")
# SQL: whether the row's schedule differs from the named parameters (in an UPDATE: the row before it)
SCHEDULE_CHANGED = " OR ".join(f"{column} IS NOT :{column}" for column in SCHEDULE_FIELDS)


def event_over_at(event: Event) -> datetime:
    """The moment an event is over: its end, its start when it has none, midnight after an all-day event."""
    last = event.end or event.start
    if event.all_day:
        return datetime.combine(last.date() + timedelta(days=1), datetime.min.time(), last.tzinfo)
    return last


def _local_text(value: datetime | None, all_day: bool) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if all_day else value.strftime("%Y-%m-%dT%H:%M")


def _timestamp(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


_STATUSES = {status.value: status for status in EventStatus}


def event_from_row(row: aiosqlite.Row) -> Event:
    """An event from a row of `SELECT {EVENT_COLUMNS}`, read by position (pages read thousands of rows)."""
    (
        number,
        room_id,
        title,
        start_local,
        end_local,
        all_day,
        timezone,
        place,
        online,
        online_url,
        link,
        geo_lat,
        geo_lon,
        description,
        submitter,
        source_event_id,
        status,
        uid,
        created_at,
        scheduled_at,
        sequence,
    ) = row
    zone = ZoneInfo(timezone)
    return Event(
        id=number,
        room_id=room_id,
        title=title,
        start=datetime.fromisoformat(start_local).replace(tzinfo=zone),
        end=datetime.fromisoformat(end_local).replace(tzinfo=zone) if end_local is not None else None,
        all_day=bool(all_day),
        timezone=timezone,
        place=place,
        online=bool(online),
        online_url=online_url,
        link=link,
        geo=(geo_lat, geo_lon) if geo_lat is not None else None,
        description=description,
        submitter=submitter,
        source_event_id=source_event_id,
        status=_STATUSES[status],
        uid=uid,
        created_at=_timestamp(created_at),
        scheduled_at=_timestamp(scheduled_at),
        sequence=sequence,
    )


def event_values(event: Event) -> dict[str, Any]:
    return {
        "room_id": event.room_id,
        "title": event.title,
        "start_local": _local_text(event.start, event.all_day),
        "end_local": _local_text(event.end, event.all_day),
        "all_day": int(event.all_day),
        "timezone": event.timezone,
        "start_utc": int(event.start.timestamp()),
        "end_utc": int(event_over_at(event).timestamp()),
        "place": event.place,
        "online": int(event.online),
        "online_url": event.online_url,
        "link": event.link,
        "geo_lat": event.geo[0] if event.geo else None,
        "geo_lon": event.geo[1] if event.geo else None,
        "description": event.description,
        "submitter": event.submitter,
        "source_event_id": event.source_event_id,
        "status": event.status.value,
    }


def _event_window(
    room_id: str, start: datetime | None, end: datetime | None, statuses: Iterable[EventStatus]
) -> tuple[str, list[Any]]:
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


class EventsStore(Database):
    """Events of every room."""

    async def add_event(self, event: Event) -> tuple[Event, bool]:
        """Store a new event; returns (event, True), or (the existing one, False) for a replay or duplicate."""
        values = event_values(event)
        async with self.transaction() as db:
            existing = None
            if event.source_event_id:
                existing = await self._fetchone(
                    f"SELECT {EVENT_COLUMNS} FROM events WHERE source_event_id = ?", (event.source_event_id,)
                )
            if existing is None:
                existing = await self._fetchone(
                    f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND start_utc = ? "
                    "AND casefold(title) = casefold(?) AND status NOT IN ('cancelled', 'rejected')",
                    (event.room_id, values["start_utc"], event.title),
                )
            if existing is not None:
                return event_from_row(existing), False
            values["uid"] = event.uid or f"{uuid.uuid4()}@eventbot"
            values["created_at"] = values["scheduled_at"] = self._now()
            written = await db.execute(
                f"INSERT INTO events({', '.join(values)}) VALUES ({', '.join(':' + c for c in values)})", values
            )
            row = await self._fetchone(f"SELECT {EVENT_COLUMNS} FROM events WHERE id = ?", (written.lastrowid,))
        assert row is not None
        return event_from_row(row), True

    async def get_event(self, room_id: str, event_id: int) -> Event | None:
        row = await self._fetchone(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND id = ?", (room_id, event_id)
        )
        return event_from_row(row) if row else None

    async def event_by_source(self, room_id: str, source_event_id: str) -> Event | None:
        """The event a command message created (for an edit of that command)."""
        row = await self._fetchone(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND source_event_id = ?", (room_id, source_event_id)
        )
        return event_from_row(row) if row else None

    async def event_by_announcement(self, room_id: str, message_event_id: str) -> Event | None:
        """The event a bot message announced (reactions to it are RSVPs)."""
        row = await self._fetchone(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND id = (SELECT item_id FROM announcements "
            "WHERE room_id = ? AND message_event_id = ? AND kind = 'event')",
            (room_id, room_id, message_event_id),
        )
        return event_from_row(row) if row else None

    async def list_events(
        self,
        room_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        statuses: Iterable[EventStatus] = (EventStatus.APPROVED,),
        limit: int | None = None,
    ) -> list[Event]:
        """Events of a room not over before start and starting before end, by start, ties in added order."""
        where, params = _event_window(room_id, start, end, statuses)
        sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE {where} ORDER BY start_utc, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [event_from_row(row) for row in await self._fetchall(sql, params)]

    async def count_events(
        self,
        room_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        statuses: Iterable[EventStatus] = (EventStatus.APPROVED,),
    ) -> int:
        """How many events list_events would return without a limit."""
        where, params = _event_window(room_id, start, end, statuses)
        row = await self._fetchone(f"SELECT count(*) AS n FROM events WHERE {where}", params)
        return row["n"] if row else 0

    async def search_events(self, room_id: str, words: list[str]) -> list[Event]:
        """Events whose title or place contains every word (case-insensitive), newest start last."""
        sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND status IN ('approved', 'cancelled')"
        params: list[Any] = [room_id]
        for word in words:
            escaped = word.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            sql += " AND (casefold(title) LIKE ? ESCAPE '\\' OR casefold(coalesce(place, '')) LIKE ? ESCAPE '\\')"
            params += [f"%{escaped}%", f"%{escaped}%"]
        return [event_from_row(row) for row in await self._fetchall(sql + " ORDER BY start_utc, id", params)]

    async def upcoming_events(
        self, start: datetime, end: datetime, statuses: Iterable[EventStatus] = (EventStatus.APPROVED,)
    ) -> list[Event]:
        """Events of every room starting in [start, end)."""
        wanted = [status.value for status in statuses]
        rows = await self._fetchall(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE start_utc >= ? AND start_utc < ? "
            f"AND status IN ({', '.join('?' * len(wanted))}) ORDER BY start_utc, id",
            (int(start.timestamp()), int(end.timestamp()), *wanted),
        )
        return [event_from_row(row) for row in rows]

    async def update_event(self, event: Event) -> Event:
        """Write an event's fields back (scheduled_at moves when start, end, all-day or zone change); as stored.

        Every update raises the event's sequence by one (a trigger, see migration 8)."""
        values = event_values(event)
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        async with self.transaction() as db:
            await db.execute(
                f"UPDATE events SET {assignments}, scheduled_at = CASE WHEN {SCHEDULE_CHANGED} THEN :now "
                "ELSE scheduled_at END WHERE id = :id AND room_id = :room_id",
                {**values, "id": event.id, "now": self._now()},
            )
            stored = await self.get_event(event.room_id, event.id)
        assert stored is not None
        return stored

    async def set_event_status(self, event: Event, status: EventStatus) -> Event:
        return await self.update_event(replace(event, status=status))

    async def delete_event(self, room_id: str, event_id: int) -> bool:
        async with self.transaction() as db:
            deleted = await db.execute("DELETE FROM events WHERE room_id = ? AND id = ?", (room_id, event_id))
            await db.execute(
                "DELETE FROM rsvps WHERE kind = 'event' AND item_id = ? AND room_id = ?", (event_id, room_id)
            )
            return deleted.rowcount > 0
