"""The one clock: every "now" in the bot comes from a Clock, so tests and benchmarks can set the time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, zone-aware (UTC)."""
    return datetime.now(UTC)
