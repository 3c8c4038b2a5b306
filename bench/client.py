"""The measuring side: a real matrix-nio client whose long-poll sync stamps every event with its arrival time."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nio import AsyncClient, JoinError, RoomCreateResponse, RoomSendResponse, SyncResponse

from bench.gaps import timeline_sources
from bot.homeserver import RegisteredUser

# as asked for; Synapse still sends at most 100 events per room and sync, the rest comes from /messages
SYNC_FILTER = {"room": {"timeline": {"limit": 1000}}}
LONG_POLL_MS = 30_000


class ClientError(RuntimeError):
    """The homeserver refused a request of the measuring client."""


@dataclass(frozen=True)
class Arrival:
    """An event as the client's sync delivered it: perf_counter and wall clock taken when the sync returned."""

    source: dict[str, Any]
    room_id: str
    clock: float
    wall: float

    @property
    def content(self) -> dict[str, Any]:
        content = self.source.get("content")
        return content if isinstance(content, dict) else {}

    @property
    def body(self) -> str:
        body = self.content.get("body")
        return body if isinstance(body, str) else ""

    @property
    def sender(self) -> str:
        return str(self.source.get("sender", ""))

    @property
    def in_reply_to(self) -> str | None:
        relates = self.content.get("m.relates_to")
        reply = relates.get("m.in_reply_to") if isinstance(relates, dict) else None
        event_id = reply.get("event_id") if isinstance(reply, dict) else None
        return event_id if isinstance(event_id, str) else None


class BenchClient:
    """A logged-in nio client; with sync running it records every timeline event and indexes replies."""

    def __init__(self, homeserver_url: str, user: RegisteredUser) -> None:
        self.user = user
        self.client = AsyncClient(homeserver_url, user.user_id)
        self.client.restore_login(user.user_id, user.device_id, user.access_token)
        self.arrivals: list[Arrival] = []
        self._replies: dict[str, list[Arrival]] = {}
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start_sync(self) -> None:
        """Skip what happened before, then long-poll in the background."""
        first = await self.client.sync(timeout=0, sync_filter=SYNC_FILTER)
        if not isinstance(first, SyncResponse):
            raise ClientError(f"first sync of {self.user.user_id} failed: {first}")
        self._task = asyncio.create_task(self._sync_loop(first.next_batch))

    async def _sync_loop(self, since: str) -> None:
        while True:
            response = await self.client.sync(timeout=LONG_POLL_MS, since=since, sync_filter=SYNC_FILTER)
            clock, wall = time.perf_counter(), time.time()
            if not isinstance(response, SyncResponse):
                await asyncio.sleep(0.2)
                continue
            # events of a gap count as arrived with this sync (it would have carried them without Synapse's cap)
            new = [Arrival(source, room_id, clock, wall) for room_id, room in response.rooms.join.items()
                   for source in await timeline_sources(self.client, room_id, room, since)]
            since = response.next_batch
            if new:
                await self._record(new)

    async def _record(self, new: list[Arrival]) -> None:
        async with self._changed:
            self.arrivals.extend(new)
            for arrival in new:
                target = arrival.in_reply_to
                if target is not None:
                    self._replies.setdefault(target, []).append(arrival)
            self._changed.notify_all()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.client.close()

    # -- requests --

    async def create_room(self, invite: list[str]) -> str:
        response = await self.client.room_create(invite=invite)
        if not isinstance(response, RoomCreateResponse):
            raise ClientError(f"room_create failed: {response}")
        return response.room_id

    async def join(self, room_id: str) -> None:
        response = await self.client.join(room_id)
        if isinstance(response, JoinError):
            raise ClientError(f"join {room_id} failed: {response.message}")

    async def send(self, room_id: str, body: str, msgtype: str = "m.text", html: str | None = None) -> str:
        content = {"msgtype": msgtype, "body": body}
        if html is not None:
            content.update(format="org.matrix.custom.html", formatted_body=html)
        response = await self.client.room_send(room_id, "m.room.message", content)
        if not isinstance(response, RoomSendResponse):
            raise ClientError(f"send to {room_id} failed: {response}")
        return response.event_id

    # -- what arrived --

    def replies(self, event_id: str) -> list[Arrival]:
        """Every message that arrived as a reply (m.in_reply_to) to event_id."""
        return list(self._replies.get(event_id, ()))

    async def wait_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Wait until done() holds (checked whenever events arrive); False on timeout."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(done), timeout)
            except TimeoutError:
                return False
        return True

    async def wait_reply(self, event_id: str, timeout: float) -> Arrival | None:
        """The first reply to event_id, or None if none arrived in time."""
        if await self.wait_until(lambda: event_id in self._replies, timeout):
            return self._replies[event_id][0]
        return None

    async def wait_message_from(self, sender: str, room_id: str, after: int, timeout: float) -> Arrival | None:
        """The first message by sender in room_id among the arrivals from index `after` on (for bots without
        reply relations)."""

        def found() -> Arrival | None:
            return next((a for a in self.arrivals[after:] if a.sender == sender and a.room_id == room_id
                         and a.source.get("type") == "m.room.message"), None)

        if await self.wait_until(lambda: found() is not None, timeout):
            return found()
        return None

    def has_joined(self, room_id: str, user_id: str) -> bool:
        return any(a.room_id == room_id and a.source.get("type") == "m.room.member"
                   and a.source.get("state_key") == user_id and a.content.get("membership") == "join"
                   for a in self.arrivals)

    async def wait_joined(self, room_id: str, user_id: str, timeout: float = 30) -> None:
        if not await self.wait_until(lambda: self.has_joined(room_id, user_id), timeout):
            raise ClientError(f"{user_id} did not join {room_id} within {timeout:.0f} s")
