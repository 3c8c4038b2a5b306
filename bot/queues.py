"""One queue per room: a room's items in order, rooms side by side, at most a bounded number at once."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from bot.tasks import reference_code

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_WORKERS = 8

# handle(item, the items queued after it) -> how many of those it took care of as well
Handle = Callable[[T, Sequence[T]], Awaitable[int]]


class RoomQueues(Generic[T]):
    """A worker per busy room, a semaphore over all of them: a slow item holds up its own room only."""

    def __init__(self, handle: Handle[T], on_done: Callable[[T], None], workers: int = DEFAULT_WORKERS) -> None:
        self._handle = handle
        self._on_done = on_done
        self._slots = asyncio.Semaphore(workers)
        self._queues: dict[str, deque[T]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()

    def put(self, room_id: str, item: T) -> None:
        self._queues.setdefault(room_id, deque()).append(item)
        self._idle.clear()
        if room_id not in self._workers:
            self._workers[room_id] = asyncio.create_task(self._work(room_id), name=f"room {room_id}")

    async def _work(self, room_id: str) -> None:
        queue = self._queues[room_id]
        try:
            while queue:
                item = queue[0]
                async with self._slots:
                    taken = await self._handle_one(item, list(queue)[1:])
                for _ in range(1 + taken):
                    self._on_done(queue.popleft())
        finally:
            # cancelled at shutdown with items left: they are not marked done, so their sync batch is replayed
            del self._workers[room_id]
            if not queue:
                del self._queues[room_id]
            if not self._workers:
                self._idle.set()

    async def _handle_one(self, item: T, following: Sequence[T]) -> int:
        try:
            return max(0, min(await self._handle(item, following), len(following)))
        except Exception:
            # the handler guards itself; this is the last line of defence, so one item never stops its room
            log.exception("error [%s] handling an item", reference_code())
            return 0

    def pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    async def drain(self, timeout_s: float) -> bool:
        """Wait until every queue is empty; False when time ran out (the rest is cancelled)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_s)
            return True
        except TimeoutError:
            workers = list(self._workers.values())
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            return False
