"""Small helpers for the bot's long-running tasks."""

from __future__ import annotations

import asyncio


async def nap(wake: asyncio.Event, stopping: asyncio.Event, seconds: float) -> None:
    """Sleep until `seconds` pass, something wakes us, or the bot stops, whichever comes first."""
    waker = asyncio.ensure_future(wake.wait())
    stopper = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({waker, stopper}, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED)
    finally:
        waker.cancel()
        stopper.cancel()
