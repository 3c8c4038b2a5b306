"""Rooms: when the bot joined, their settings, feed tokens and public names, and the ledger of handled commands."""

from __future__ import annotations

import json

import aiosqlite

from bot.locales import LANGUAGES
from bot.models import HandledCommand, RoomSettings
from bot.storage.database import Database


def _seconds_list(text: str | None) -> tuple[int, ...] | None:
    return tuple(json.loads(text)) if text is not None else None


def settings_from_row(row: aiosqlite.Row) -> RoomSettings:
    return RoomSettings(
        row["room_id"],
        approval=bool(row["approval"]),
        timezone=row["timezone"],
        event_lead_times=_seconds_list(row["event_lead_times"]),
        meetup_lead_times=_seconds_list(row["meetup_lead_times"]),
        room_mention=bool(row["room_mention"]),
        # a language the bot no longer speaks falls back to its default
        language=row["language"] if row["language"] in LANGUAGES else None,
    )


class RoomsStore(Database):
    """Per-room state."""

    # -- handled commands (exactly once across restarts) --

    async def is_handled(self, event_id: str) -> bool:
        return await self._fetchone("SELECT 1 FROM handled_events WHERE event_id = ?", (event_id,)) is not None

    async def mark_handled(
        self,
        event_id: str,
        room_id: str,
        *,
        sender: str | None = None,
        answer_event_id: str | None = None,
        carried_out: bool | None = None,
    ) -> None:
        """Record a handled command (with who sent it, the bot's answer, and whether it was carried out)."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO handled_events(event_id, room_id, handled_at, sender, answer_event_id, "
                "carried_out) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    event_id,
                    room_id,
                    self._now(),
                    sender,
                    answer_event_id,
                    None if carried_out is None else int(carried_out),
                ),
            )

    async def record_outcome(
        self, room_id: str, event_id: str, *, carried_out: bool, answer_event_id: str | None
    ) -> None:
        """A command's outcome changed (an edit of it was carried out): its entry says so, keeping its answer."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE handled_events SET carried_out = ?, answer_event_id = coalesce(answer_event_id, ?) "
                "WHERE event_id = ? AND room_id = ?",
                (int(carried_out), answer_event_id, event_id, room_id),
            )

    async def handled_command(self, room_id: str, event_id: str) -> HandledCommand | None:
        """What the ledger knows of a handled command of the room (for edits of it)."""
        row = await self._fetchone(
            "SELECT sender, answer_event_id, carried_out FROM handled_events WHERE event_id = ? AND room_id = ?",
            (event_id, room_id),
        )
        if row is None:
            return None
        carried_out = None if row["carried_out"] is None else bool(row["carried_out"])
        return HandledCommand(row["sender"], row["answer_event_id"], carried_out)

    async def prune_handled(self, older_than_s: int) -> int:
        """Forget handled event ids older than the given age (the homeserver never replays them)."""
        async with self.transaction() as db:
            deleted = await db.execute("DELETE FROM handled_events WHERE handled_at < ?", (self._now() - older_than_s,))
            return deleted.rowcount

    # -- joins and settings --

    async def record_join(self, room_id: str, joined_at_ms: int) -> None:
        """Remember when the bot joined a room (the first join counts; events before it are ignored)."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO rooms(room_id, joined_at_ms) VALUES (?, ?) ON CONFLICT(room_id) DO NOTHING",
                (room_id, joined_at_ms),
            )

    async def joined_at(self, room_id: str) -> int | None:
        row = await self._fetchone("SELECT joined_at_ms FROM rooms WHERE room_id = ?", (room_id,))
        return row["joined_at_ms"] if row else None

    async def room_settings(self, room_id: str) -> RoomSettings:
        row = await self._fetchone("SELECT * FROM rooms WHERE room_id = ?", (room_id,))
        return settings_from_row(row) if row else RoomSettings(room_id)

    async def all_room_settings(self) -> list[RoomSettings]:
        return [settings_from_row(row) for row in await self._fetchall("SELECT * FROM rooms")]

    async def save_room_settings(self, settings: RoomSettings) -> None:
        leads = [
            None if value is None else json.dumps(list(value))
            for value in (settings.event_lead_times, settings.meetup_lead_times)
        ]
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO rooms(room_id, joined_at_ms, approval, timezone, event_lead_times, meetup_lead_times, "
                "room_mention, language) VALUES (?, 0, ?, ?, ?, ?, ?, ?) ON CONFLICT(room_id) DO UPDATE SET "
                "approval = excluded.approval, timezone = excluded.timezone, "
                "event_lead_times = excluded.event_lead_times, meetup_lead_times = excluded.meetup_lead_times, "
                "room_mention = excluded.room_mention, language = excluded.language",
                (
                    settings.room_id,
                    int(settings.approval),
                    settings.timezone,
                    *leads,
                    int(settings.room_mention),
                    settings.language,
                ),
            )

    async def rooms_with_content(self) -> list[str]:
        """Rooms that hold events, meetups, deadlines or links."""
        rows = await self._fetchall(
            "SELECT room_id FROM events UNION SELECT room_id FROM meetups "
            "UNION SELECT room_id FROM deadlines UNION SELECT room_id FROM links ORDER BY room_id"
        )
        return [row["room_id"] for row in rows]

    # -- the token in a room's public feed URL --

    async def feed_token(self, room_id: str) -> str | None:
        row = await self._fetchone("SELECT feed_token FROM rooms WHERE room_id = ?", (room_id,))
        return row["feed_token"] if row else None

    async def set_feed_token(self, room_id: str, token: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO rooms(room_id, joined_at_ms, feed_token) VALUES (?, 0, ?) "
                "ON CONFLICT(room_id) DO UPDATE SET feed_token = excluded.feed_token",
                (room_id, token),
            )

    async def room_by_feed_token(self, token: str) -> str | None:
        row = await self._fetchone("SELECT room_id FROM rooms WHERE feed_token = ?", (token,))
        return row["room_id"] if row else None

    # -- the public calendar page: `<public_url>/<name>/` --

    async def publish(self, room_id: str, name: str) -> bool:
        """Publish the room's calendar under `name` (replacing its old name); False when another room has it."""
        async with self.transaction() as db:
            holder = await self._fetchone(
                "SELECT room_id FROM rooms WHERE (public_name = ? OR feed_token = ?) AND room_id != ?",
                (name, name, room_id),
            )
            if holder is not None:
                return False
            await db.execute(
                "INSERT INTO rooms(room_id, joined_at_ms, public_name) VALUES (?, 0, ?) "
                "ON CONFLICT(room_id) DO UPDATE SET public_name = excluded.public_name",
                (room_id, name),
            )
            return True

    async def unpublish(self, room_id: str) -> bool:
        """Take the room's public page down; False when it had none."""
        async with self.transaction() as db:
            written = await db.execute(
                "UPDATE rooms SET public_name = NULL WHERE room_id = ? AND public_name IS NOT NULL", (room_id,)
            )
            return written.rowcount > 0

    async def published_room(self, name: str) -> str | None:
        """The room whose calendar is public under this name."""
        row = await self._fetchone("SELECT room_id FROM rooms WHERE public_name = ?", (name,))
        return row["room_id"] if row else None

    async def published_settings(self, name: str) -> RoomSettings | None:
        """The settings of the room whose calendar is public under this name (its page's zone and language)."""
        row = await self._fetchone("SELECT * FROM rooms WHERE public_name = ?", (name,))
        return settings_from_row(row) if row else None

    async def public_name(self, room_id: str) -> str | None:
        row = await self._fetchone("SELECT public_name FROM rooms WHERE room_id = ?", (room_id,))
        return row["public_name"] if row else None
