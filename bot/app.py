"""Wiring and the sync loop: storage, gateway, dispatcher; start, catch up, run, shut down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import hashlib
import logging
import os
import signal
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

from bot.commands import Registry
from bot.commands.catalog import build_registry
from bot.config import Config
from bot.dispatch import Dispatcher, reference_code
from bot.feeds import FeedScheduler
from bot.http import start_http
from bot.matrix import MatrixGateway
from bot.models import Invite, Joined, Message, Outgoing, QueuedMessage, Reaction, Redaction, SyncBatch
from bot.reminders import ReminderScheduler
from bot.storage import Storage

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
MAX_BACKOFF_S = 30.0
HANDLED_RETENTION_S = 30 * 24 * 3600
SHUTDOWN_GRACE_S = 10.0


def system_clock() -> datetime:
    return datetime.now(UTC)


def txn_id_for(kind: str, key: str) -> str:
    """A transaction id derived from what is being answered, so a resend after a crash is deduplicated."""
    return f"eventbot-{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def invite_allowed(inviter: str | None, allowlist: tuple[str, ...]) -> bool:
    """Whether an inviter matches one of the globs (`*`, `@alice:example.org`, `*:example.org`, `example.org`)."""
    if inviter is None:
        return "*" in allowlist
    server = inviter.partition(":")[2]
    return any(fnmatch.fnmatchcase(inviter, glob) or fnmatch.fnmatchcase(server, glob) for glob in allowlist)


class EventBot:
    """The running bot: syncs, answers commands exactly once, survives outages."""

    def __init__(self, config: Config, storage: Storage, gateway: MatrixGateway,
                 clock: Callable[[], datetime] = system_clock, registry: Registry | None = None) -> None:
        self.config = config
        self.storage = storage
        self.gateway = gateway
        self.clock = clock
        self.scheduler = ReminderScheduler(storage, config, clock, self._send_queued)
        self.feeds = FeedScheduler(storage, config, clock)
        self.dispatcher = Dispatcher(registry or build_registry(), storage, config, clock, media=gateway,
                                     wake=self._wake_tasks)
        self.stopping = asyncio.Event()
        self.ready = asyncio.Event()

    async def run(self) -> None:
        """Log in, catch up, then sync until stop() is called."""
        await self.gateway.login()
        await self.storage.prune_handled(HANDLED_RETENTION_S)
        tasks = [asyncio.create_task(self.scheduler.run(self.stopping)),
                 asyncio.create_task(self.feeds.run(self.stopping))]
        http = await start_http(self.config.http, self.storage, self.clock) if self.config.http.enabled else None
        try:
            await self._sync_loop(await self.storage.get_value("sync.token"))
        finally:
            self.stopping.set()
            if http is not None:
                await http.cleanup()
            _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_S)
            for task in pending:
                log.warning("%s did not finish within %.0f s; it resumes after restart", task, SHUTDOWN_GRACE_S)
                task.cancel()

    def _wake_tasks(self) -> None:
        self.scheduler.wake()
        self.feeds.wake()

    async def _sync_loop(self, since: str | None) -> None:
        backoff = 1.0
        while not self.stopping.is_set():
            batch = await self._sync_or_stop(since, 0 if since is None or not self.ready.is_set()
                                             else SYNC_TIMEOUT_MS)
            if self.stopping.is_set():
                break
            if batch is None:
                log.warning("homeserver unavailable; retrying in %.0f s", backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            backoff = 1.0
            await self.process(batch, first_start=since is None)
            try:
                await self.storage.set_values({"sync.token": batch.next_batch})
            except sqlite3.Error:
                # the database is locked or full: go on with the token in memory; after a restart the batch is
                # seen again, and answers are deduplicated (handled ids, transaction ids)
                log.exception("database error [%s] saving the sync token", reference_code())
            since = batch.next_batch
            if not self.ready.is_set():
                log.info("eventbot is ready as %s", self.config.matrix.user_id)
                self.ready.set()

    async def _sync_or_stop(self, since: str | None, timeout_ms: int) -> SyncBatch | None:
        """Sync, but give up the long poll at once when asked to stop (nothing is being written then)."""
        sync = asyncio.ensure_future(self.gateway.sync(since, timeout_ms, full_state=not self.ready.is_set()))
        stop = asyncio.ensure_future(self.stopping.wait())
        done, _ = await asyncio.wait({sync, stop}, return_when=asyncio.FIRST_COMPLETED)
        if sync not in done:
            sync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sync
            return None
        stop.cancel()
        return sync.result()

    def stop(self) -> None:
        self.stopping.set()

    async def process(self, batch: SyncBatch, *, first_start: bool = False) -> None:
        """Handle one sync's invites and timeline; on the very first start, history is skipped."""
        for invite in batch.invites:
            await self._on_invite(invite)
        for room_id in batch.left:
            log.info("no longer in %s (left, kicked or banned)", room_id)
        now_ms = int(time.time() * 1000)
        for item in batch.items:
            if isinstance(item, Joined):
                await self._guarded(item, self._record_join(item, now_ms if first_start else item.timestamp_ms))
        if first_start:
            return
        for item in batch.items:
            if not isinstance(item, Joined):
                await self._guarded(item, self._on_item(item, now_ms))

    async def _guarded(self, item: Message | Reaction | Redaction | Joined, work: Awaitable[None]) -> None:
        """One bad event (or a write that fails after the answer) must not stop the bot."""
        try:
            await work
        except Exception:
            log.exception("error [%s] handling %s in %s", reference_code(), getattr(item, "event_id", "join"),
                          item.room_id)

    async def _record_join(self, joined: Joined, timestamp_ms: int) -> None:
        if await self.storage.joined_at(joined.room_id) is None:
            await self.storage.record_join(joined.room_id, timestamp_ms)

    async def _on_item(self, item: Message | Reaction | Redaction, now_ms: int) -> None:
        joined_at = await self.storage.joined_at(item.room_id)
        if joined_at is None:
            await self.storage.record_join(item.room_id, now_ms)
            joined_at = now_ms
        if item.timestamp_ms < joined_at:
            return
        try:
            if isinstance(item, Message):
                await self._on_message(item)
            elif isinstance(item, Reaction):
                await self._on_reaction(item)
            else:
                await self.dispatcher.dispatch_redaction(item)
        finally:
            if not isinstance(item, Message) or self.dispatcher.is_command(item.body):
                self.scheduler.wake()  # it may have changed what is due; plain chat never does

    async def _send_queued(self, message: QueuedMessage) -> str | None:
        return await self.gateway.send(Outgoing(room_id=message.room_id, reply=message.reply, txn_id=message.txn_id,
                                                mentions=message.mentions, room_mention=message.room_mention))

    async def _on_invite(self, invite: Invite) -> None:
        if invite_allowed(invite.inviter, self.config.bot.invite_allowlist):
            log.info("invited to %s by %s; joining", invite.room_id, invite.inviter)
            await self.gateway.join(invite.room_id)
        else:
            log.info("refusing invite to %s by %s (not in invite_allowlist)", invite.room_id, invite.inviter)
            await self.gateway.leave(invite.room_id)

    async def _on_message(self, message: Message) -> None:
        if not self.dispatcher.is_command(message.body) or await self.storage.is_handled(message.event_id):
            return
        answer = await self.dispatcher.dispatch(message)
        if answer is not None:
            outgoing = Outgoing(room_id=message.room_id, reply=answer.body.to_reply(),
                                txn_id=txn_id_for("reply", message.event_id), in_reply_to=message.event_id,
                                mentions=(message.sender,))
            sent_id = await self.gateway.send(outgoing)
            if sent_id and answer.on_sent:
                await answer.on_sent(sent_id)
            if answer.attachment is not None:
                await self.gateway.send_file(replace(outgoing, txn_id=txn_id_for("file", message.event_id),
                                                     attachment=answer.attachment))
        await self.storage.mark_handled(message.event_id, message.room_id)

    async def _on_reaction(self, reaction: Reaction) -> None:
        if await self.storage.is_handled(reaction.event_id):
            return
        answer = await self.dispatcher.dispatch_reaction(reaction)
        if answer is not None:
            await self.gateway.send(Outgoing(room_id=reaction.room_id, reply=answer.body.to_reply(),
                                             txn_id=txn_id_for("reaction", reaction.event_id),
                                             in_reply_to=reaction.target_event_id, mentions=(reaction.sender,)))
            await self.storage.mark_handled(reaction.event_id, reaction.room_id)


async def run_bot(config: Config) -> None:
    """Run the bot until SIGTERM or SIGINT."""
    os.umask(0o077)  # the database, session and crypto store are for the bot's eyes only
    config.bot.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    storage = await Storage.open(config.bot.database_path)
    gateway = MatrixGateway(config.matrix, storage, crypto_dir=config.bot.data_dir / "crypto")
    bot = EventBot(config, storage, gateway)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, bot.stop)
    try:
        await bot.run()
    finally:
        await gateway.close()
        await storage.close()
        log.info("eventbot stopped")
