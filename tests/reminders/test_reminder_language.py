"""Reminders and cancellation notices in each room's language: a real SQLite database, the real Dispatcher for
what people type, and the real ReminderScheduler queueing what is due."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands.catalog import build_registry
from bot.config import parse_config
from bot.dispatch import Dispatcher
from bot.models import Message, QueuedMessage, Target
from bot.reminders import ReminderScheduler
from bot.storage import Storage

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=BERLIN)
ENGLISH_ROOM, GERMAN_ROOM = "!en:example.org", "!de:example.org"
MODERATOR = "@mod:example.org"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class World:
    """A bot (German by default) with its database, its dispatcher and its reminder scheduler."""

    def __init__(self, storage: Storage, dispatcher: Dispatcher, scheduler: ReminderScheduler, clock: Clock) -> None:
        self.storage = storage
        self.dispatcher = dispatcher
        self.scheduler = scheduler
        self.clock = clock
        self.numbers = itertools.count(1)

    async def say(self, room: str, body: str) -> str:
        number = next(self.numbers)
        answer = await self.dispatcher.dispatch(
            Message(room, f"$m{number}", MODERATOR, body, int(self.clock().timestamp() * 1000), sender_power=100)
        )
        assert answer is not None, body
        return answer.body.text

    async def queued(self) -> dict[str, QueuedMessage]:
        """What is waiting to be sent, by room."""
        return {message.room_id: message for message in await self.storage.unsent_messages()}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    config = parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path), "language": "de", "timezone": "Europe/Berlin"},
        },
        base_dir=tmp_path,
        env={},
    )
    clock = Clock(NOW)
    storage = await Storage.open(tmp_path / "eventbot.db", clock=clock)

    async def send(message: QueuedMessage) -> str:
        raise AssertionError("nothing is sent here")

    scheduler = ReminderScheduler(storage, config, clock, send)
    yield World(storage, Dispatcher(build_registry(), storage, config, clock=clock), scheduler, clock)
    await storage.close()


async def test_a_reminder_speaks_its_rooms_language(world: World) -> None:
    assert (await world.say(ENGLISH_ROOM, "!settings language en")).startswith("Saved.")
    for room in (ENGLISH_ROOM, GERMAN_ROOM):
        await world.say(room, "!event add Datenabend | 20.11.2026 15:00 | Basislager")
    world.clock.now = NOW + timedelta(hours=2)  # an hour before: the default lead time 1h is due

    await world.scheduler.tick()

    queued = await world.queued()
    assert queued[ENGLISH_ROOM].reply.text.splitlines()[:2] == [
        "⏰ Reminder: Datenabend",
        "today, Friday, 20 Nov 2026, 15:00 (in 1 hour)",
    ]
    assert queued[GERMAN_ROOM].reply.text.splitlines()[:2] == [
        "⏰ Erinnerung: Datenabend",
        "heute, Freitag, 20.11.2026, 15:00 (in 1 Stunde)",
    ]


async def test_a_cancellation_notice_speaks_its_rooms_language(world: World) -> None:
    await world.say(ENGLISH_ROOM, "!settings sprache en")
    for room in (ENGLISH_ROOM, GERMAN_ROOM):
        found = re.search(r"#(\d+)", await world.say(room, "!event add Sommerfest | 10.12.2026 18:00 | Hof"))
        assert found is not None
        await world.storage.add_rsvp(room, Target("event", int(found[1])), "@bob:example.org", f"$yes-{room}")
        await world.say(room, f"!event cancel #{found[1]}")

    queued = await world.queued()
    assert queued[ENGLISH_ROOM].reply.text.startswith("❌ Cancelled: Sommerfest (Thursday, 10 Dec 2026, 18:00).")
    assert queued[GERMAN_ROOM].reply.text.startswith("❌ Abgesagt: Sommerfest (Donnerstag, 10.12.2026, 18:00).")
