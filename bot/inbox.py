"""What the bot acts on, each item once: the joined-at filter, the handled ledger, command detection.

A sync batch goes in; out come the items worth a room's queue. The inbox also keeps the sync token that is
safe to store: the newest batch whose items (and every earlier batch's) are all handled, so a crash while a
slow command still runs replays that batch after a restart, and the handled ledger skips what was answered.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.models import Joined, Message, Reaction, Redaction, SyncBatch
from bot.storage import Storage

Item = Message | Reaction | Redaction
SenderOf = Callable[[str, str], Awaitable[str | None]]  # (room, event id) -> who sent it


def addressed_command(body: str, prefix: str, names: tuple[str, ...], *, direct: bool) -> str | None:
    """The command a message gives the bot, written with the prefix, or None when it is not for the bot.

    `!event list` anywhere; `eventbot: event list` or `eventbot: !event list` (Element's pill writes the display
    name and a colon) anywhere; `event list` or `hilfe` in a direct chat with the bot.
    """
    text = body.lstrip()
    if is_prefixed(text, prefix):
        return text
    folded = text.casefold()
    for name in names:
        if folded.startswith(name.casefold()) and text[len(name) : len(name) + 1] in (":", ","):
            rest = text[len(name) + 1 :].lstrip()
            return (rest if is_prefixed(rest, prefix) else prefix + rest) if rest else None
    if direct and text and not text.startswith(prefix):
        return prefix + text
    return None


def is_prefixed(text: str, prefix: str) -> bool:
    """`!word…`: the prefix right before a word."""
    return text.startswith(prefix) and len(text) > len(prefix) and not text[len(prefix)].isspace()


class Inbox:
    """From sync batches to the items to handle; never the same event twice at once, never history."""

    def __init__(self, storage: Storage, prefix: str, sender_of: SenderOf | None = None) -> None:
        self.storage = storage
        self.prefix = prefix
        self.sender_of = sender_of
        self.names: tuple[str, ...] = ()  # what people call the bot (display name, user id), set after login
        self._joined_at: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}  # event id -> the batch it came in
        self._batches: OrderedDict[int, list[str | int]] = OrderedDict()  # batch -> [next_batch token, open items]
        self._batch_seq = 0
        self._safe_token: str | None = None

    async def accept(self, batch: SyncBatch, *, first_start: bool, now_ms: int) -> list[Item]:
        """The batch's items to handle, in order; joins are recorded (on the very first start history is skipped)."""
        for joined in batch.items:
            if isinstance(joined, Joined):
                await self._record_join(joined.room_id, now_ms if first_start else joined.timestamp_ms)
        self._batch_seq += 1
        seq = self._batch_seq
        accepted: list[Item] = []
        if not first_start:
            for item in batch.items:
                wanted = None if isinstance(item, Joined) else await self._wanted(item, now_ms)
                if wanted is not None:
                    self._in_flight[wanted.event_id] = seq
                    accepted.append(wanted)
        self._batches[seq] = [batch.next_batch, len(accepted)]
        self._advance()
        return accepted

    async def _wanted(self, item: Item, now_ms: int) -> Item | None:
        """The item as the bot will handle it (a command written with the prefix), or None to pass it by."""
        if item.timestamp_ms < await self._joined(item.room_id, now_ms):
            return None  # from before the bot joined
        if item.event_id in self._in_flight:
            return None
        if isinstance(item, Message):
            command = addressed_command(item.body, self.prefix, self.names, direct=item.direct)
            if command is None or (item.replaces and not await self._may_edit(item)):
                return None
            item = replace(item, body=command)
        if not isinstance(item, Redaction) and await self.storage.is_handled(item.event_id):
            return None
        return item

    async def _may_edit(self, edit: Message) -> bool:
        """Only the sender of a message may edit it (the spec's rule for m.replace)."""
        assert edit.replaces is not None
        handled = await self.storage.handled_command(edit.room_id, edit.replaces)
        sender = handled.sender if handled is not None and handled.sender else None
        if sender is None and self.sender_of is not None:
            sender = await self.sender_of(edit.room_id, edit.replaces)
        return sender == edit.sender

    async def _joined(self, room_id: str, now_ms: int) -> int:
        """When the bot joined the room; a room it finds itself in without a join event counts from now."""
        if room_id not in self._joined_at:
            joined_at = await self.storage.joined_at(room_id)
            if joined_at is None:
                await self.storage.record_join(room_id, now_ms)
                joined_at = now_ms
            self._joined_at[room_id] = joined_at
        return self._joined_at[room_id]

    async def _record_join(self, room_id: str, timestamp_ms: int) -> None:
        if await self.storage.joined_at(room_id) is None:
            await self.storage.record_join(room_id, timestamp_ms)
        self._joined_at.pop(room_id, None)

    def done(self, item: Item) -> None:
        """The item is handled (answered and recorded, or given up on): its batch may be stored as synced."""
        seq = self._in_flight.pop(item.event_id, None)
        if seq is not None and seq in self._batches:
            self._batches[seq][1] = int(self._batches[seq][1]) - 1
            self._advance()

    def _advance(self) -> None:
        while self._batches:
            seq, (token, open_items) = next(iter(self._batches.items()))
            if open_items:
                break
            self._safe_token = str(token)
            del self._batches[seq]

    @property
    def safe_token(self) -> str | None:
        """The newest sync token all of whose items are handled (None before the first batch)."""
        return self._safe_token

    @property
    def busy(self) -> int:
        """How many accepted items are not handled yet."""
        return len(self._in_flight)
