"""The link desk: links filed for the roundup's news sections, and each room's order of sections."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.models import Link, LinkStatus
from bot.storage.database import Database

_COLUMNS = "id, room_id, url, text, title, section, topic, edition, status, submitter, source_event_id, answer_event_id"


def link_from_row(row: aiosqlite.Row) -> Link:
    return Link(
        id=row["id"],
        room_id=row["room_id"],
        url=row["url"],
        text=row["text"],
        title=row["title"],
        section=row["section"],
        topic=row["topic"],
        edition=row["edition"],
        status=LinkStatus(row["status"]),
        submitter=row["submitter"],
        source_event_id=row["source_event_id"],
        answer_event_id=row["answer_event_id"],
    )


class LinksStore(Database):
    """Links of every room; `key` is the URL as duplicates are compared (see `bot.links.url_key`)."""

    async def add_link(self, link: Link, key: str) -> tuple[Link, bool]:
        """Store a link; (the existing one, False) for a replayed command or a URL the room already has."""
        async with self.transaction() as db:
            existing = await self._fetchone(
                f"SELECT {_COLUMNS} FROM links WHERE room_id = ? AND (url_key = ? OR source_event_id = ?)",
                (link.room_id, key, link.source_event_id),
            )
            if existing is not None:
                return link_from_row(existing), False
            written = await db.execute(
                "INSERT INTO links(room_id, url, url_key, text, title, section, topic, edition, status, submitter, "
                "source_event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    link.room_id,
                    link.url,
                    key,
                    link.text,
                    link.title,
                    link.section,
                    link.topic,
                    link.edition,
                    link.status.value,
                    link.submitter,
                    link.source_event_id,
                    self._now(),
                ),
            )
            row = await self._fetchone(f"SELECT {_COLUMNS} FROM links WHERE id = ?", (written.lastrowid,))
        assert row is not None
        return link_from_row(row), True

    async def get_link(self, room_id: str, link_id: int) -> Link | None:
        row = await self._fetchone(f"SELECT {_COLUMNS} FROM links WHERE room_id = ? AND id = ?", (room_id, link_id))
        return link_from_row(row) if row else None

    async def link_by_message(self, room_id: str, event_id: str) -> Link | None:
        """The link a message filed (the command, or the message marked with 🔖) or announced (the bot's answer)."""
        row = await self._fetchone(
            f"SELECT {_COLUMNS} FROM links WHERE room_id = ? AND (source_event_id = ? OR answer_event_id = ?)",
            (room_id, event_id, event_id),
        )
        return link_from_row(row) if row else None

    async def link_with_key(self, room_id: str, key: str) -> Link | None:
        row = await self._fetchone(f"SELECT {_COLUMNS} FROM links WHERE room_id = ? AND url_key = ?", (room_id, key))
        return link_from_row(row) if row else None

    async def set_link_answer(self, link_id: int, event_id: str) -> None:
        """Remember the bot's answer that filed the link (a moderator's ✅ on it approves the link)."""
        async with self.transaction() as db:
            await db.execute("UPDATE links SET answer_event_id = ? WHERE id = ?", (event_id, link_id))

    async def update_link(self, link: Link, key: str) -> Link:
        """Save a link's URL, text, title, section, topic, edition and status."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE links SET url = ?, url_key = ?, text = ?, title = ?, section = ?, topic = ?, edition = ?, "
                "status = ? WHERE room_id = ? AND id = ?",
                (
                    link.url,
                    key,
                    link.text,
                    link.title,
                    link.section,
                    link.topic,
                    link.edition,
                    link.status.value,
                    link.room_id,
                    link.id,
                ),
            )
        return link

    async def delete_link(self, room_id: str, link_id: int) -> bool:
        async with self.transaction() as db:
            deleted = await db.execute("DELETE FROM links WHERE room_id = ? AND id = ?", (room_id, link_id))
            return deleted.rowcount > 0

    async def list_links(
        self, room_id: str, edition: str | None = None, statuses: Sequence[LinkStatus] = tuple(LinkStatus)
    ) -> list[Link]:
        """A room's links (of one edition), in the order they were filed."""
        marks = ", ".join("?" for _ in statuses)
        rows = await self._fetchall(
            f"SELECT {_COLUMNS} FROM links WHERE room_id = ? AND (? IS NULL OR edition = ?) AND status IN ({marks}) "
            "ORDER BY id",
            (room_id, edition, edition, *(status.value for status in statuses)),
        )
        return [link_from_row(row) for row in rows]

    async def link_sections(self, room_id: str) -> list[str] | None:
        """The room's sections in their order, or None while it uses the default list."""
        rows = await self._fetchall("SELECT name FROM link_sections WHERE room_id = ? ORDER BY position", (room_id,))
        return [row["name"] for row in rows] if rows else None

    async def save_link_sections(self, room_id: str, names: Sequence[str]) -> None:
        """Replace the room's sections with these, in this order."""
        async with self.transaction() as db:
            await db.execute("DELETE FROM link_sections WHERE room_id = ?", (room_id,))
            await db.executemany(
                "INSERT INTO link_sections(room_id, position, name) VALUES (?, ?, ?)",
                [(room_id, position, name) for position, name in enumerate(names)],
            )
