"""Wiring and the sync loop: storage, gateway, dispatcher; start, catch up, run, shut down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import hashlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from bot.clock import Clock, system_clock
from bot.commands import Answer, Registry
from bot.commands.catalog import build_registry
from bot.config import Config
from bot.dispatch import Dispatcher
from bot.feeds import FeedScheduler
from bot.http import FeedCache, start_http
from bot.inbox import Inbox, Item
from bot.matrix import MatrixGateway, SendError
from bot.models import HandledCommand, Invite, Message, Outgoing, QueuedMessage, Reaction, SyncBatch
from bot.queues import RoomQueues
from bot.reminders import ReminderScheduler
from bot.storage import Storage, StorageUnavailable
from bot.tasks import Supervisor, reference_code

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
MAX_BACKOFF_S = 30.0
HANDLED_RETENTION_S = 30 * 24 * 3600
SHUTDOWN_GRACE_S = 10.0
SEND_RETRY_S = (1.0, 3.0, 10.0)  # waits before the 2nd, 3rd and 4th try of an answer the homeserver did not take
TYPING_AFTER_S = 1.0  # a command that takes longer shows the typing indicator
TYPING_REFRESH_S = 20.0

T = TypeVar("T")


def txn_id_for(kind: str, key: str) -> str:
    """A transaction id derived from what is being answered, so a resend after a crash is deduplicated."""
    return f"eventbot-{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def invite_allowed(
    inviter: str | None, allowlist: tuple[str, ...], *, own_user: str, admins: tuple[str, ...] = ()
) -> bool:
    """Whether an inviter may invite the bot: an admin, or one matching a glob of the allowlist (`*`,
    `@alice:example.org`, `*:example.org`, `example.org`); an empty allowlist means the bot's own homeserver."""
    if inviter is None:
        return "*" in allowlist
    if inviter in admins:
        return True
    globs = allowlist or (own_user.partition(":")[2],)
    server = inviter.partition(":")[2]
    return any(fnmatch.fnmatchcase(inviter, glob) or fnmatch.fnmatchcase(server, glob) for glob in globs)


class EventBot:
    """The running bot: gateway -> inbox -> the room's queue -> dispatcher -> answer -> gateway, exactly once."""

    def __init__(
        self,
        config: Config,
        storage: Storage,
        gateway: MatrixGateway,
        clock: Clock = system_clock,
        registry: Registry | None = None,
    ) -> None:
        self.config = config
        self.storage = storage
        self.gateway = gateway
        self.clock = clock
        self.feed_cache = FeedCache()
        self.scheduler = ReminderScheduler(storage, config, clock, self._send_queued)
        self.feeds = FeedScheduler(storage, config, clock, changed=self.feed_cache.invalidate)
        self.dispatcher = Dispatcher(
            registry or build_registry(config.links.reaction),
            storage,
            config,
            clock,
            media=gateway,
            wake=self._wake_tasks,
        )
        self.inbox = Inbox(storage, config.bot.command_prefix, sender_of=gateway.event_sender)
        self.queues: RoomQueues[Item] = RoomQueues(self._handle, self.inbox.done)
        self.stopping = asyncio.Event()
        self.ready = asyncio.Event()
        self.supervisor = Supervisor(self.stopping)
        self._since: str | None = None
        self._stored_token: str | None = None

    async def run(self) -> None:
        """Serve, log in, catch up, then sync until stop() is called; every long-lived task under one supervisor.

        The HTTP port is taken first, so a busy one ends the start before anything else runs.
        """
        http = (
            await start_http(self.config.http, self.storage, self.clock, cache=self.feed_cache)
            if self.config.http.enabled
            else None
        )
        try:
            await self.gateway.login()
            self.inbox.names = await self.gateway.own_names()
            await self.storage.prune_handled(HANDLED_RETENTION_S)
            self._since = self._stored_token = await self.storage.get_value("sync.token")
            self.supervisor.start("reminders", lambda: self.scheduler.run(self.stopping))
            self.supervisor.start("feeds", lambda: self.feeds.run(self.stopping))
            self.supervisor.start("sync", self._sync_loop)
            await self.stopping.wait()
        finally:
            self.stopping.set()
            if not await self.queues.drain(SHUTDOWN_GRACE_S):
                log.warning(
                    "commands still running after %.0f s were stopped; they are answered after the restart",
                    SHUTDOWN_GRACE_S,
                )
            await self._store_sync_token()
            await self.supervisor.stop(SHUTDOWN_GRACE_S)
            if http is not None:
                await http.cleanup()

    def _wake_tasks(self) -> None:
        self.scheduler.wake()
        self.feeds.wake()

    async def _sync_loop(self) -> None:
        backoff = 1.0
        while not self.stopping.is_set():
            since = self._since
            batch = await self._sync_or_stop(since, 0 if since is None or not self.ready.is_set() else SYNC_TIMEOUT_MS)
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
            self._since = batch.next_batch
            await self._store_sync_token()
            if not self.ready.is_set():
                log.info("eventbot is ready as %s", self.config.matrix.user_id)
                self.ready.set()

    async def _store_sync_token(self) -> None:
        """Store the newest token whose items are all handled: a crash replays nothing that was not answered."""
        token = self.inbox.safe_token
        if token is None or token == self._stored_token:
            return
        try:
            await self.storage.set_values({"sync.token": token})
            self._stored_token = token
        except StorageUnavailable:
            # locked or full: go on with the token in memory; after a restart the batch is seen again, and
            # answers are deduplicated (handled ids, transaction ids)
            log.exception("database error [%s] saving the sync token", reference_code())

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
        """One sync: invites answered, the rest through the inbox into the rooms' queues (handled there)."""
        for invite in batch.invites:
            await self._on_invite(invite)
        for room_id in batch.left:
            log.info("no longer in %s (left, kicked or banned)", room_id)
        now_ms = int(self.clock().timestamp() * 1000)
        for item in await self.inbox.accept(batch, first_start=first_start, now_ms=now_ms):
            self.queues.put(item.room_id, item)

    async def settle(self, timeout_s: float = 30.0) -> bool:
        """Wait until everything accepted so far is handled (for tests and shutdown)."""
        return await self.queues.drain(timeout_s)

    async def _handle(self, item: Item, following: Sequence[Item]) -> int:
        """One item of a room's queue; returns how many of the items after it were answered with it."""
        taken = 0
        try:
            if isinstance(item, Message):
                taken = await self._on_message(item, following)
            elif isinstance(item, Reaction):
                await self._on_reaction(item)
            else:
                await self.dispatcher.dispatch_redaction(item)
        except Exception:
            log.exception("error [%s] handling %s in %s", reference_code(), item.event_id, item.room_id)
        self.scheduler.wake()  # it may have changed what is due
        self.feed_cache.invalidate(item.room_id)  # and what the room's calendar feed holds
        return taken

    async def _on_message(self, message: Message, following: Sequence[Item]) -> int:
        previous = await self.storage.handled_command(message.room_id, message.replaces) if message.replaces else None
        answer = await self._while_typing(message.room_id, self.dispatcher.dispatch(message, previous))
        burst: list[Message] = []
        if answer is not None and answer.retry_after_s is not None:
            # a pasted burst: the commands right after it from the same sender share one answer
            for item in following:
                if not (
                    isinstance(item, Message)
                    and item.sender == message.sender
                    and self.dispatcher.throttled_s(item) > 0
                ):
                    break
                burst.append(item)
            if burst:
                t = await self.dispatcher.room_translator(message.room_id)
                answer = self.dispatcher.refusal(1 + len(burst), answer.retry_after_s, t)
        answer_id = await self._answer(message, answer, previous)
        carried_out = answer.carried_out if answer is not None else None
        await self.storage.mark_handled(
            message.event_id, message.room_id, sender=message.sender, answer_event_id=answer_id, carried_out=carried_out
        )
        if message.replaces and answer is not None and answer.carried_out:
            # what the original's ledger entry says now (an edit of it refers to it again)
            await self.storage.record_outcome(
                message.room_id, message.replaces, carried_out=True, answer_event_id=answer_id
            )
        for handled in burst:
            await self.storage.mark_handled(handled.event_id, handled.room_id, sender=handled.sender, carried_out=False)
        return len(burst)

    async def _answer(self, message: Message, answer: Answer | None, previous: HandledCommand | None) -> str | None:
        """Send the answer (in the command's thread); for an edited command, as an edit of the earlier answer.
        Returns the event id of the message that now holds the answer."""
        if answer is None:
            return None
        earlier = previous.answer_event_id if previous is not None and answer.carried_out else None
        outgoing = Outgoing(
            room_id=message.room_id,
            reply=answer.body.to_reply(),
            txn_id=txn_id_for("reply", message.event_id),
            in_reply_to=message.event_id,
            mentions=(message.sender,),
            thread_root=message.thread_root,
            replaces=earlier,
        )
        sent_id = await self._send(self.gateway.send, outgoing)
        if sent_id and answer.on_sent and earlier is None:
            await answer.on_sent(sent_id)
        if answer.attachment is not None:
            await self._send(
                self.gateway.send_file,
                replace(
                    outgoing, txn_id=txn_id_for("file", message.event_id), attachment=answer.attachment, replaces=None
                ),
            )
        return earlier if earlier is not None and sent_id else sent_id

    async def _send(self, send: Callable[[Outgoing], Awaitable[str]], outgoing: Outgoing) -> str | None:
        """Send an answer, retrying what may pass later (429, 5xx, no answer); None when it could not be sent."""
        for attempt, delay in enumerate((*SEND_RETRY_S, None)):
            try:
                return await send(outgoing)
            except SendError as error:
                if not error.retryable or delay is None:
                    log.warning(
                        "answer %s to %s not sent after %d attempts: %s",
                        outgoing.txn_id,
                        outgoing.room_id,
                        attempt + 1,
                        error.reason,
                    )
                    return None
            await asyncio.sleep(delay)
        return None  # pragma: no cover - the loop always returns

    async def _while_typing(self, room_id: str, work: Awaitable[T]) -> T:
        """Run a command; if it takes a while, the room sees the bot typing until the answer is ready."""
        shown = False

        async def show_typing() -> None:
            nonlocal shown
            await asyncio.sleep(TYPING_AFTER_S)
            while True:
                shown = True
                await self.gateway.typing(room_id, True)
                await asyncio.sleep(TYPING_REFRESH_S)

        typing = asyncio.create_task(show_typing())
        try:
            return await work
        finally:
            typing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await typing
            if shown:
                await self.gateway.typing(room_id, False)

    async def _send_queued(self, message: QueuedMessage) -> str:
        return await self.gateway.send(
            Outgoing(
                room_id=message.room_id,
                reply=message.reply,
                txn_id=message.txn_id,
                mentions=message.mentions,
                room_mention=message.room_mention,
                replaces=message.replaces,
            )
        )

    async def _on_invite(self, invite: Invite) -> None:
        if invite_allowed(
            invite.inviter,
            self.config.bot.invite_allowlist,
            own_user=self.config.matrix.user_id,
            admins=self.config.bot.admins,
        ):
            log.info("invited to %s by %s; joining", invite.room_id, invite.inviter)
            await self.gateway.join(invite.room_id)
        else:
            log.info("refusing invite to %s by %s (not in invite_allowlist)", invite.room_id, invite.inviter)
            await self.gateway.leave(invite.room_id)

    async def _on_reaction(self, reaction: Reaction) -> None:
        answer = await self.dispatcher.dispatch_reaction(reaction)
        if answer is not None:
            sent_id = await self._send(
                self.gateway.send,
                Outgoing(
                    room_id=reaction.room_id,
                    reply=answer.body.to_reply(),
                    txn_id=txn_id_for("reaction", reaction.event_id),
                    in_reply_to=reaction.target_event_id,
                    mentions=(reaction.sender,),
                    thread_root=answer.thread_root,
                ),
            )
            if sent_id and answer.on_sent:
                await answer.on_sent(sent_id)
            await self.storage.mark_handled(reaction.event_id, reaction.room_id)


async def run_bot(config: Config) -> None:
    """Run the bot until SIGTERM or SIGINT."""
    os.umask(0o077)  # the database, session and crypto store are for the bot's eyes only
    config.bot.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    storage = await Storage.open(config.bot.database_path, clock=system_clock)
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
