"""Calendar feeds a room subscribed to, and the import of a calendar's events and meetups by UID."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.models import Event, Feed, ImportCounts, Meetup
from bot.storage.events import COMPARED_EVENT_FIELDS, SCHEDULE_FIELDS, event_values
from bot.storage.meetups import (
    COMPARED_MEETUP_FIELDS,
    MeetupsStore,
    meetup_values,
    schedule_changed,
    write_meetup_dates,
)


def feed_from_row(row: aiosqlite.Row) -> Feed:
    return Feed(
        id=row["id"],
        room_id=row["room_id"],
        url=row["url"],
        interval_s=row["interval_s"],
        added_by=row["added_by"],
        last_fetch_at=row["last_fetch_at"],
        last_error=row["last_error"],
    )


class FeedsStore(MeetupsStore):
    """Feeds, and importing what they (or an uploaded file) hold."""

    async def import_items(
        self, room_id: str, events: list[Event], meetups: list[Meetup], *, feed_id: int | None, now: datetime
    ) -> ImportCounts:
        """Add or update by UID, all in one transaction; a feed's vanished future events are cancelled.

        `now` is the import's time: the cut-off for vanished events, and created_at / scheduled_at of what it
        adds or moves."""
        added = updated = unchanged = duplicates = 0
        seen: set[str] = set()
        stamp = int(now.timestamp())
        async with self.transaction() as db:
            for event in events:
                if event.uid in seen:
                    duplicates += 1
                    continue
                seen.add(event.uid)
                values = {**event_values(event), "feed_id": feed_id, "room_id": room_id}
                row = await self._fetchone("SELECT * FROM events WHERE room_id = ? AND uid = ?", (room_id, event.uid))
                if row is None:
                    twin = await self._fetchone(
                        "SELECT id FROM events WHERE room_id = ? AND start_utc = ? AND casefold(title) = casefold(?) "
                        "AND status NOT IN ('cancelled', 'rejected')",
                        (room_id, values["start_utc"], event.title),
                    )
                    if twin is not None:
                        unchanged += 1
                        continue
                    values.update(uid=event.uid, created_at=stamp, scheduled_at=stamp)
                    await db.execute(
                        f"INSERT INTO events({', '.join(values)}) VALUES ({', '.join(':' + c for c in values)})", values
                    )
                    added += 1
                elif any(row[f] != values[f] for f in COMPARED_EVENT_FIELDS) or row["status"] == "cancelled":
                    values["status"] = "approved"
                    if any(row[f] != values[f] for f in SCHEDULE_FIELDS):
                        values["scheduled_at"] = stamp
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
                values = {**meetup_values(meetup), "feed_id": feed_id, "room_id": room_id}
                row = await self._fetchone("SELECT * FROM meetups WHERE room_id = ? AND uid = ?", (room_id, meetup.uid))
                if row is None:
                    values.update(uid=meetup.uid, created_at=stamp, scheduled_at=stamp)
                    written = await db.execute(
                        f"INSERT INTO meetups({', '.join(values)}) VALUES ({', '.join(':' + c for c in values)})",
                        values,
                    )
                    assert written.lastrowid is not None
                    await write_meetup_dates(db, written.lastrowid, meetup)
                    added += 1
                    continue
                stored = (await self._meetups("id = ?", (row["id"],)))[0]
                # moved dates are set in the room, never by a calendar: they do not count as a difference
                if any(row[f] != values[f] for f in COMPARED_MEETUP_FIELDS) or (stored.skipped, stored.extra) != (
                    meetup.skipped,
                    meetup.extra,
                ):
                    if schedule_changed(stored, values, meetup):
                        values["scheduled_at"] = stamp
                    assignments = ", ".join(f"{c} = :{c}" for c in values if c not in ("submitter", "source_event_id"))
                    await db.execute(f"UPDATE meetups SET {assignments} WHERE id = :id", {**values, "id": row["id"]})
                    await write_meetup_dates(db, row["id"], meetup)
                    updated += 1
                else:
                    unchanged += 1
            vanished: list[int] = []
            if feed_id is not None:
                rows = await self._fetchall(
                    "SELECT id, uid FROM events WHERE feed_id = ? AND room_id = ? AND "
                    "status = 'approved' AND start_utc >= ?",
                    (feed_id, room_id, stamp),
                )
                vanished = [row["id"] for row in rows if row["uid"] not in seen]
                await db.executemany("UPDATE events SET status = 'cancelled' WHERE id = ?", [(i,) for i in vanished])
        return ImportCounts(added, updated, unchanged, len(vanished), duplicates, tuple(vanished))

    async def add_feed(self, room_id: str, url: str, interval_s: int, added_by: str) -> tuple[Feed, bool]:
        async with self.transaction() as db:
            existing = await self._fetchone("SELECT * FROM feeds WHERE room_id = ? AND url = ?", (room_id, url))
            if existing is not None:
                return feed_from_row(existing), False
            written = await db.execute(
                "INSERT INTO feeds(room_id, url, interval_s, added_by) VALUES (?, ?, ?, ?)",
                (room_id, url, interval_s, added_by),
            )
            row = await self._fetchone("SELECT * FROM feeds WHERE id = ?", (written.lastrowid,))
        assert row is not None
        return feed_from_row(row), True

    async def feeds(self, room_id: str | None = None) -> list[Feed]:
        if room_id is None:
            return [feed_from_row(row) for row in await self._fetchall("SELECT * FROM feeds ORDER BY id")]
        rows = await self._fetchall("SELECT * FROM feeds WHERE room_id = ? ORDER BY id", (room_id,))
        return [feed_from_row(row) for row in rows]

    async def get_feed(self, room_id: str, feed_id: int) -> Feed | None:
        row = await self._fetchone("SELECT * FROM feeds WHERE room_id = ? AND id = ?", (room_id, feed_id))
        return feed_from_row(row) if row else None

    async def remove_feed(self, room_id: str, feed_id: int) -> bool:
        async with self.transaction() as db:
            deleted = await db.execute("DELETE FROM feeds WHERE room_id = ? AND id = ?", (room_id, feed_id))
            return deleted.rowcount > 0

    async def record_fetch(self, feed: Feed, *, at: int, error: str | None) -> None:
        """Note a fetch of the feed: when, and why it failed (None: it worked)."""
        async with self.transaction() as db:
            await db.execute("UPDATE feeds SET last_fetch_at = ?, last_error = ? WHERE id = ?", (at, error, feed.id))
