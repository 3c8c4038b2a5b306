"""Fixtures for the roundup tests: the bot's November 2025 post (`hugo_build` comes from tests/conftest.py)."""

from __future__ import annotations

import pytest

# the golden test's room (the reference feed, meetups and deadlines) and its rendering of the November edition
from tests.roundup.test_golden import _render, reference_room

__all__ = ["bot_post", "reference_room"]


@pytest.fixture
async def bot_post(reference_room) -> str:
    """The bot's Markdown for November 2025, drafted from the reference feed as in test_golden.py."""
    return await _render(reference_room)
