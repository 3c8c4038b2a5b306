"""Small helpers for the bot's long-running tasks."""

from __future__ import annotations

import asyncio


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
