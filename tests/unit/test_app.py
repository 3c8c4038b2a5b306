"""The bot's processing of a sync batch, without a homeserver: what wakes the reminder scheduler."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import EventBot, invite_allowed
from bot.config import parse_config
from bot.matrix import MatrixGateway
from bot.models import Joined, Message, Reaction, SyncBatch
from bot.storage import Storage

ROOM = "!room:example.org"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[EventBot]:
    config = parse_config(
        {
            "matrix": {"homeserver": "http://127.0.0.1:9", "user_id": "@eventbot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path)},
        },
        base_dir=tmp_path,
        env={},
    )
    storage = await Storage.open(tmp_path / "eventbot.db")
    gateway = MatrixGateway(config.matrix, storage)  # never connects: nothing here is sent
    bot = EventBot(config, storage, gateway)
    await bot.process(SyncBatch("s0", items=(Joined(ROOM, timestamp_ms=0),)), first_start=True)
    yield bot
    await gateway.close()
    await storage.close()


def now_ms() -> int:
    return int(time.time() * 1000)


async def test_plain_chat_does_not_wake_the_scheduler(bot: EventBot) -> None:
    chat = Message(
        room_id=ROOM,
        event_id="$chat",
        sender="@alice:example.org",
        body="Hallo zusammen! 19 Uhr?",
        timestamp_ms=now_ms(),
    )
    await bot.process(SyncBatch("s1", items=(chat,)))
    assert await bot.settle(5)
    assert not bot.scheduler._wake.is_set()


async def test_a_reaction_wakes_the_scheduler(bot: EventBot) -> None:
    reaction = Reaction(
        room_id=ROOM,
        event_id="$reaction",
        sender="@alice:example.org",
        key="👀",
        target_event_id="$something",
        timestamp_ms=now_ms(),
    )
    await bot.process(SyncBatch("s1", items=(reaction,)))
    assert await bot.settle(5)
    assert bot.scheduler._wake.is_set()


@pytest.mark.parametrize(
    ("inviter", "allowlist", "allowed"),
    [
        ("@alice:example.org", (), True),  # default: the bot's own homeserver
        ("@mallory:evil.example", (), False),
        ("@root:evil.example", (), True),  # an admin, wherever
        (None, (), False),
        ("@mallory:evil.example", ("*",), True),
        ("@bob:codefor.de", ("*:codefor.de",), True),
        ("@alice:example.org", ("codefor.de",), False),  # an explicit list replaces the default
        ("@bob:codefor.de", ("codefor.de",), True),
    ],
)
def test_who_may_invite_the_bot(inviter, allowlist, allowed) -> None:
    assert (
        invite_allowed(inviter, allowlist, own_user="@eventbot:example.org", admins=("@root:evil.example",)) is allowed
    )
