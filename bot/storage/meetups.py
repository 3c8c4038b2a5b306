"""Meetups: a rule (and its RRULE when computable) with skipped, moved and explicitly given dates."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from datetime import time as clock_time
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.models import Meetup
from bot.storage.database import Database, Transaction

MEETUP_COLUMNS = (
    "id, room_id, city, rule_text, rrule, dtstart, start_time, end_time, timezone, name, place, online, link, "
    "geo_lat, geo_lon, submitter, source_event_id, uid, created_at, scheduled_at"
)
# what an imported meetup is compared on (besides its dates): a change of any of them is an update
COMPARED_MEETUP_FIELDS = (
    "city",
    "rule_text",
    "rrule",
    "dtstart",
    "start_time",
    "end_time",
    "timezone",
    "name",
    "place",
    "online",
    "link",
    "geo_lat",
    "geo_lon",
)
# a change of any of them (or of the skipped, moved and explicit dates) sets scheduled_at anew
SCHEDULE_FIELDS = ("rule_text", "rrule", "dtstart", "start_time", "end_time", "timezone")


def _timestamp(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def meetup_from_row(row: aiosqlite.Row, dates: list[aiosqlite.Row]) -> Meetup:
    zone = ZoneInfo(row["timezone"])
    skipped = frozenset(date.fromisoformat(d["original_date"]) for d in dates if d["kind"] == "skip")
    moved = {
        date.fromisoformat(d["original_date"]): datetime.fromisoformat(d["start_local"]).replace(tzinfo=zone)
        for d in dates
        if d["kind"] == "move"
    }
    extra = frozenset(
        datetime.fromisoformat(d["start_local"]).replace(tzinfo=zone) for d in dates if d["kind"] == "extra"
    )
    return Meetup(
        id=row["id"],
        room_id=row["room_id"],
        city=row["city"],
        rule_text=row["rule_text"],
        rrule=row["rrule"],
        dtstart=date.fromisoformat(row["dtstart"]),
        start_time=clock_time.fromisoformat(row["start_time"]),
        end_time=clock_time.fromisoformat(row["end_time"]) if row["end_time"] else None,
        timezone=row["timezone"],
        name=row["name"],
        place=row["place"],
        online=bool(row["online"]),
        link=row["link"],
        geo=(row["geo_lat"], row["geo_lon"]) if row["geo_lat"] is not None else None,
        submitter=row["submitter"],
        source_event_id=row["source_event_id"],
        uid=row["uid"],
        skipped=skipped,
        moved=MappingProxyType(moved),
        extra=extra,
        created_at=_timestamp(row["created_at"]),
        scheduled_at=_timestamp(row["scheduled_at"]),
    )


def meetup_values(meetup: Meetup) -> dict[str, Any]:
    return {
        "room_id": meetup.room_id,
        "city": meetup.city,
        "rule_text": meetup.rule_text,
        "rrule": meetup.rrule,
        "dtstart": meetup.dtstart.isoformat(),
        "start_time": meetup.start_time.strftime("%H:%M"),
        "end_time": meetup.end_time.strftime("%H:%M") if meetup.end_time else None,
        "timezone": meetup.timezone,
        "name": meetup.name,
        "place": meetup.place,
        "online": int(meetup.online),
        "link": meetup.link,
        "geo_lat": meetup.geo[0] if meetup.geo else None,
        "geo_lon": meetup.geo[1] if meetup.geo else None,
        "submitter": meetup.submitter,
        "source_event_id": meetup.source_event_id,
    }


def dates_differ(stored: Meetup, meetup: Meetup) -> bool:
    return (stored.skipped, dict(stored.moved), stored.extra) != (meetup.skipped, dict(meetup.moved), meetup.extra)


def schedule_changed(stored: Meetup, values: dict[str, Any], meetup: Meetup) -> bool:
    """Whether the rule, the times or the dates differ from the stored meetup."""
    return any(meetup_values(stored)[column] != values[column] for column in SCHEDULE_FIELDS) or dates_differ(
        stored, meetup
    )


async def write_meetup_dates(db: Transaction, meetup_id: int, meetup: Meetup) -> None:
    """Replace a meetup's skipped, moved and explicit dates (inside the caller's transaction)."""
    rows: list[tuple[str, str | None, str | None]] = [("skip", day.isoformat(), None) for day in sorted(meetup.skipped)]
    rows += [
        ("move", day.isoformat(), moment.strftime("%Y-%m-%dT%H:%M")) for day, moment in sorted(meetup.moved.items())
    ]
    rows += [("extra", None, moment.strftime("%Y-%m-%dT%H:%M")) for moment in sorted(meetup.extra)]
    await db.execute("DELETE FROM meetup_dates WHERE meetup_id = ?", (meetup_id,))
    await db.executemany(
        "INSERT INTO meetup_dates(meetup_id, kind, original_date, start_local) VALUES (?, ?, ?, ?)",
        [(meetup_id, *row) for row in rows],
    )


class MeetupsStore(Database):
    """Regular meetups of every room."""

    async def _meetups(self, where: str, params: tuple[Any, ...]) -> list[Meetup]:
        async with self._snapshot():  # the meetups and their dates from one committed state
            rows = await self._fetchall(f"SELECT {MEETUP_COLUMNS} FROM meetups WHERE {where} ORDER BY id", params)
            if not rows:
                return []
            ids = [row["id"] for row in rows]
            dates = await self._fetchall(
                f"SELECT * FROM meetup_dates WHERE meetup_id IN ({', '.join('?' * len(ids))}) ORDER BY rowid", ids
            )
        by_meetup: dict[int, list[aiosqlite.Row]] = {}
        for row in dates:
            by_meetup.setdefault(row["meetup_id"], []).append(row)
        return [meetup_from_row(row, by_meetup.get(row["id"], [])) for row in rows]

    async def add_meetup(self, meetup: Meetup) -> tuple[Meetup, bool]:
        """Store a new meetup; (the existing one, False) for a replay or the same city and name in the room."""
        values = meetup_values(meetup)
        async with self.transaction() as db:
            existing = await self._fetchone(
                "SELECT id FROM meetups WHERE source_event_id = ? OR "
                "(room_id = ? AND casefold(city) = casefold(?) AND casefold(name) = casefold(?))",
                (meetup.source_event_id, meetup.room_id, meetup.city, meetup.name),
            )
            if existing is not None:
                return (await self._meetups("id = ?", (existing["id"],)))[0], False
            values["uid"] = meetup.uid or f"{uuid.uuid4()}@eventbot"
            values["created_at"] = values["scheduled_at"] = self._now()
            written = await db.execute(
                f"INSERT INTO meetups({', '.join(values)}) VALUES ({', '.join(':' + c for c in values)})", values
            )
            assert written.lastrowid is not None
            await write_meetup_dates(db, written.lastrowid, meetup)
            return (await self._meetups("id = ?", (written.lastrowid,)))[0], True

    async def get_meetup(self, room_id: str, meetup_id: int) -> Meetup | None:
        found = await self._meetups("room_id = ? AND id = ?", (room_id, meetup_id))
        return found[0] if found else None

    async def meetup_by_source(self, room_id: str, source_event_id: str) -> Meetup | None:
        """The meetup a command message created (for an edit of that command)."""
        found = await self._meetups("room_id = ? AND source_event_id = ?", (room_id, source_event_id))
        return found[0] if found else None

    async def list_meetups(self, room_id: str) -> list[Meetup]:
        return await self._meetups("room_id = ?", (room_id,))

    async def all_meetups(self) -> list[Meetup]:
        return await self._meetups("1 = 1", ())

    async def update_meetup(self, meetup: Meetup) -> Meetup:
        """Write a meetup's fields and dates back (scheduled_at moves when rule, times or dates change)."""
        values = meetup_values(meetup)
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        async with self.transaction() as db:
            before = await self.get_meetup(meetup.room_id, meetup.id)
            if before is not None and schedule_changed(before, values, meetup):
                assignments += ", scheduled_at = :now"
            await db.execute(
                f"UPDATE meetups SET {assignments} WHERE id = :id AND room_id = :room_id",
                {**values, "id": meetup.id, "now": self._now()},
            )
            if before is not None:
                await write_meetup_dates(db, meetup.id, meetup)
            stored = await self.get_meetup(meetup.room_id, meetup.id)
        assert stored is not None
        return stored

    async def delete_meetup(self, room_id: str, meetup_id: int) -> bool:
        async with self.transaction() as db:
            deleted = await db.execute("DELETE FROM meetups WHERE room_id = ? AND id = ?", (room_id, meetup_id))
            await db.execute(
                "DELETE FROM rsvps WHERE kind = 'meetup' AND item_id = ? AND room_id = ?", (meetup_id, room_id)
            )
            return deleted.rowcount > 0
