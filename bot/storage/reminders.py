"""Announcements and RSVPs, the reminder ledger, and the outbox every queued message waits in."""

from __future__ import annotations

import json
from collections.abc import Iterable

from bot.models import QueuedMessage, Reply, Target
from bot.storage.database import Database, _chunks


class RemindersStore(Database):
    """Who said yes to what, which reminders are owed, and what is still to be sent."""

    # -- announcements and RSVPs --

    async def announce(self, room_id: str, message_event_id: str, target: Target) -> None:
        """Remember that a bot message announces an event or a meetup date (reactions to it are RSVPs)."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO announcements(message_event_id, room_id, kind, item_id, "
                "occurrence) VALUES (?, ?, ?, ?, ?)",
                (message_event_id, room_id, target.kind, target.item_id, target.occurrence),
            )

    async def announcements_of(self, room_id: str, target: Target) -> list[str]:
        """The bot's messages announcing an event or meetup (their confirmations), oldest first."""
        rows = await self._fetchall(
            "SELECT message_event_id FROM announcements WHERE room_id = ? AND kind = ? AND item_id = ? "
            "AND coalesce(occurrence, '') = ? ORDER BY rowid",
            (room_id, target.kind, target.item_id, target.occurrence or ""),
        )
        return [row["message_event_id"] for row in rows]

    async def announced(self, room_id: str, message_event_id: str) -> Target | None:
        row = await self._fetchone(
            "SELECT kind, item_id, occurrence FROM announcements WHERE room_id = ? AND message_event_id = ?",
            (room_id, message_event_id),
        )
        return Target(row["kind"], row["item_id"], row["occurrence"]) if row else None

    async def add_rsvp(self, room_id: str, target: Target, user_id: str, reaction_event_id: str) -> bool:
        """Record a yes; False when the user had already said yes."""
        async with self.transaction() as db:
            written = await db.execute(
                "INSERT OR IGNORE INTO rsvps(room_id, kind, item_id, occurrence, user_id, reaction_event_id, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (room_id, target.kind, target.item_id, target.occurrence, user_id, reaction_event_id, self._now()),
            )
            return written.rowcount > 0

    async def withdraw_rsvp(self, room_id: str, reaction_event_id: str) -> bool:
        """The reaction was redacted: its yes no longer counts."""
        async with self.transaction() as db:
            deleted = await db.execute(
                "DELETE FROM rsvps WHERE room_id = ? AND reaction_event_id = ?", (room_id, reaction_event_id)
            )
            return deleted.rowcount > 0

    async def rsvps(self, room_id: str, target: Target) -> list[str]:
        """Who said yes, in the order they did."""
        return (await self.rsvps_of([(room_id, target)])).get((room_id, target), [])

    async def rsvps_of(self, targets: Iterable[tuple[str, Target]]) -> dict[tuple[str, Target], list[str]]:
        """Who said yes to each of many (room, target) pairs, in the order they did; pairs without RSVPs are left
        out. One query per 200 pairs (the scheduler asks for hundreds at once), all from one committed state."""
        found: dict[tuple[str, Target], list[str]] = {}
        async with self._snapshot():
            for chunk in _chunks(dict.fromkeys(targets), 200):
                rows = await self._fetchall(
                    "SELECT room_id, kind, item_id, occurrence, user_id FROM rsvps WHERE (room_id, kind, item_id, "
                    f"occurrence) IN (VALUES {', '.join(['(?, ?, ?, ?)'] * len(chunk))}) ORDER BY created_at, rowid",
                    [value for room_id, t in chunk for value in (room_id, t.kind, t.item_id, t.occurrence)],
                )
                for row in rows:
                    key = (row["room_id"], Target(row["kind"], row["item_id"], row["occurrence"]))
                    found.setdefault(key, []).append(row["user_id"])
        return found

    # -- reminders: ledger and outbox --

    async def ledger_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these reminder keys were already queued or skipped."""
        found: set[str] = set()
        async with self._snapshot():
            for chunk in _chunks(keys, 500):
                rows = await self._fetchall(
                    f"SELECT key FROM reminder_ledger WHERE key IN ({', '.join('?' * len(chunk))})", chunk
                )
                found.update(row["key"] for row in rows)
        return found

    async def queue_messages(
        self, messages: list[QueuedMessage], ledger: Iterable[tuple[str, str, str, str | None]] = ()
    ) -> None:
        """Queue messages and record ledger entries (key, room_id, state, txn_id) in one transaction."""
        now = self._now()
        async with self.transaction() as db:
            row = await self._fetchone("SELECT coalesce(max(seq), 0) AS seq FROM outbox")
            seq = row["seq"] if row else 0
            rows = []
            for number, message in enumerate(messages, start=seq + 1):
                target = message.announces
                rows.append(
                    (
                        message.txn_id,
                        number,
                        message.room_id,
                        message.reply.text,
                        message.reply.html,
                        json.dumps(list(message.mentions)),
                        target.kind if target else None,
                        target.item_id if target else None,
                        target.occurrence if target else None,
                        now,
                        int(message.room_mention),
                        message.replaces,
                    )
                )
            await db.executemany(
                "INSERT OR IGNORE INTO outbox(txn_id, seq, room_id, body, html, mentions, announce_kind, "
                "announce_item, announce_occurrence, created_at, room_mention, replaces) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            await db.executemany(
                "INSERT OR IGNORE INTO reminder_ledger(key, room_id, state, txn_id, recorded_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(*entry, now) for entry in ledger],
            )

    async def unsent_messages(self) -> list[QueuedMessage]:
        """The outbox in queued order: neither sent nor given up on."""
        rows = await self._fetchall(
            "SELECT * FROM outbox WHERE sent_event_id IS NULL AND failed_at IS NULL ORDER BY seq"
        )
        return [
            QueuedMessage(
                txn_id=row["txn_id"],
                room_id=row["room_id"],
                reply=Reply(row["body"], row["html"]),
                mentions=tuple(json.loads(row["mentions"])),
                room_mention=bool(row["room_mention"]),
                replaces=row["replaces"],
                announces=Target(row["announce_kind"], row["announce_item"], row["announce_occurrence"] or "")
                if row["announce_kind"]
                else None,
            )
            for row in rows
        ]

    async def mark_sent(self, message: QueuedMessage, sent_event_id: str) -> None:
        """The message is out: note its event id and, if it announces something, remember that too."""
        if not sent_event_id:
            raise ValueError(f"no event id for the sent message {message.txn_id}; use mark_failed when it was refused")
        async with self.transaction() as db:
            await db.execute("UPDATE outbox SET sent_event_id = ? WHERE txn_id = ?", (sent_event_id, message.txn_id))
            if message.announces is not None:
                target = message.announces
                await db.execute(
                    "INSERT OR IGNORE INTO announcements(message_event_id, room_id, kind, item_id, "
                    "occurrence) VALUES (?, ?, ?, ?, ?)",
                    (sent_event_id, message.room_id, target.kind, target.item_id, target.occurrence),
                )

    async def mark_failed(self, message: QueuedMessage, reason: str) -> None:
        """The message cannot be sent (the homeserver refused it): keep it with the reason, never send it again."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE outbox SET failed_at = ?, failed_reason = ? WHERE txn_id = ? AND sent_event_id IS NULL",
                (self._now(), reason, message.txn_id),
            )
