"""Deadlines: calls for participation, for the roundup."""

from __future__ import annotations

from datetime import date

import aiosqlite

from bot.models import Deadline
from bot.storage.database import Database


def deadline_from_row(row: aiosqlite.Row) -> Deadline:
    return Deadline(
        id=row["id"],
        room_id=row["room_id"],
        name=row["name"],
        link=row["link"],
        end=date.fromisoformat(row["end_date"]),
        start=date.fromisoformat(row["start_date"]) if row["start_date"] else None,
        submitter=row["submitter"],
        source_event_id=row["source_event_id"],
    )


class DeadlinesStore(Database):
    """Deadlines of every room."""

    async def add_deadline(self, deadline: Deadline) -> tuple[Deadline, bool]:
        """Store a deadline; (the existing one, False) for a replayed command or the same name and end."""
        async with self.transaction() as db:
            existing = await self._fetchone(
                "SELECT * FROM deadlines WHERE source_event_id = ? OR "
                "(room_id = ? AND casefold(name) = casefold(?) AND end_date = ?)",
                (deadline.source_event_id, deadline.room_id, deadline.name, deadline.end.isoformat()),
            )
            if existing is not None:
                return deadline_from_row(existing), False
            written = await db.execute(
                "INSERT INTO deadlines(room_id, name, link, start_date, end_date, submitter, source_event_id, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    deadline.room_id,
                    deadline.name,
                    deadline.link,
                    deadline.start.isoformat() if deadline.start else None,
                    deadline.end.isoformat(),
                    deadline.submitter,
                    deadline.source_event_id,
                    self._now(),
                ),
            )
            row = await self._fetchone("SELECT * FROM deadlines WHERE id = ?", (written.lastrowid,))
        assert row is not None
        return deadline_from_row(row), True

    async def list_deadlines(self, room_id: str, *, ending_from: date | None = None) -> list[Deadline]:
        """A room's deadlines ending on or after a day, by end date, ties in the order they were added."""
        rows = await self._fetchall(
            "SELECT * FROM deadlines WHERE room_id = ? AND end_date >= ? ORDER BY end_date, id",
            (room_id, (ending_from or date.min).isoformat()),
        )
        return [deadline_from_row(row) for row in rows]

    async def get_deadline(self, room_id: str, deadline_id: int) -> Deadline | None:
        row = await self._fetchone("SELECT * FROM deadlines WHERE room_id = ? AND id = ?", (room_id, deadline_id))
        return deadline_from_row(row) if row else None

    async def delete_deadline(self, room_id: str, deadline_id: int) -> bool:
        async with self.transaction() as db:
            deleted = await db.execute("DELETE FROM deadlines WHERE room_id = ? AND id = ?", (room_id, deadline_id))
            return deleted.rowcount > 0
