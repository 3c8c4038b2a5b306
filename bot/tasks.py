"""The bot's long-running tasks: sleeping until woken, and one supervisor that never loses a task silently."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

RESTART_BACKOFF_S = (1.0, 2.0, 5.0, 15.0, 30.0, 60.0)
KEEPS_FAILING_AFTER = 3
HEALTHY_AFTER_S = 60.0  # a task that ran this long before failing starts its backoff from the beginning


def reference_code() -> str:
    """A short code that ties a user's error message to the log line."""
    return secrets.token_hex(4).upper()


async def nap(wake: asyncio.Event, stopping: asyncio.Event, seconds: float, *, settle: float = 0.0) -> None:
    """Sleep until `seconds` pass, something wakes us, or the bot stops, whichever comes first.

    After a wake-up, wait `settle` seconds more, so a burst of changes causes one recomputation, not many.
    """
    waker = asyncio.ensure_future(wake.wait())
    stopper = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({waker, stopper}, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED)
    finally:
        waker.cancel()
        stopper.cancel()
    if wake.is_set() and not stopping.is_set() and settle > 0:
        await asyncio.sleep(min(settle, max(0.0, seconds)))


class Supervisor:
    """Runs every long-lived task; one that fails is logged with a reference code and restarted with capped backoff.

    A task that returns while the bot is not stopping counts as a failure too: none of them is meant to end.
    """

    def __init__(self, stopping: asyncio.Event, backoff: tuple[float, ...] = RESTART_BACKOFF_S) -> None:
        self.stopping = stopping
        self.backoff = backoff
        self.failures: dict[str, int] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        self._tasks[name] = asyncio.create_task(self._keep(name, run), name=name)

    async def _keep(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        failures = 0
        loop = asyncio.get_running_loop()
        while not self.stopping.is_set():
            started = loop.time()
            try:
                await run()
            except Exception:
                code = reference_code()
                log.exception("task %s failed [%s]", name, code)
            else:
                if self.stopping.is_set():
                    return
                log.error("task %s ended unexpectedly", name)
            failures = 1 if loop.time() - started > HEALTHY_AFTER_S else failures + 1
            self.failures[name] = failures
            delay = self.backoff[min(failures, len(self.backoff)) - 1]
            if failures >= KEEPS_FAILING_AFTER:
                log.error("task %s keeps failing (%d times in a row); next restart in %.0f s", name, failures, delay)
            else:
                log.warning("restarting task %s in %.0f s", name, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), delay)

    async def stop(self, grace_s: float) -> None:
        """Wait for every task to finish after `stopping` was set; cancel what does not finish in time."""
        self.stopping.set()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(self._tasks.values(), timeout=grace_s)
        for task in pending:
            log.warning("task %s did not finish within %.0f s; it resumes after restart", task.get_name(), grace_s)
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
