"""Faults in the core with real SQLite files: a locked read in the feed task, refused sends, an atomic cancel."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import bot.feeds
from bot.commands.catalog import build_registry
from bot.config import Config, parse_config
from bot.dispatch import Dispatcher
from bot.feeds import FeedScheduler
from bot.matrix import SendError
from bot.models import EventStatus, Message, QueuedMessage, Reaction, Reply, Target
from bot.reminders import ReminderScheduler
from bot.storage import Storage, StorageUnavailable

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ROOM = "!room:example.org"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path)},
        },
        base_dir=tmp_path,
        env={},
    )


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "eventbot.db")
    yield store
    await store.close()


async def test_the_feed_task_survives_a_locked_database(
    storage: Storage, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.feeds, "ERROR_RETRY_S", 0.01)
    calls = 0
    real_feeds = storage.feeds

    async def flaky_feeds(room_id: str | None = None):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise StorageUnavailable("database is locked")
        return await real_feeds(room_id)

    monkeypatch.setattr(storage, "feeds", flaky_feeds)
    scheduler = FeedScheduler(storage, config, lambda: NOW)
    stopping = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stopping))
    for _ in range(200):
        if calls >= 2:
            break
        await asyncio.sleep(0.01)
    stopping.set()
    await asyncio.wait_for(task, 5)

    assert calls >= 2  # it read the feeds again after the locked read, instead of dying


def queued(number: int) -> QueuedMessage:
    return QueuedMessage(txn_id=f"txn-{number}", room_id=ROOM, reply=Reply(f"⏰ {number}", f"⏰ {number}"))


async def test_a_refused_reminder_is_recorded_as_failed_and_a_busy_homeserver_is_tried_again(
    storage: Storage, config: Config
) -> None:
    await storage.queue_messages([queued(1), queued(2)])
    answers: dict[str, SendError | str] = {
        "txn-1": SendError("403 M_FORBIDDEN", retryable=False),
        "txn-2": SendError("502", retryable=True),
    }

    async def send(message: QueuedMessage) -> str:
        answer = answers[message.txn_id]
        if isinstance(answer, SendError):
            raise answer
        return answer

    scheduler = ReminderScheduler(storage, config, lambda: NOW, send)
    assert await scheduler.flush() is False  # the 502 must wait
    assert [m.txn_id for m in await storage.unsent_messages()] == ["txn-2"]  # the 403 is given up on, not sent

    answers["txn-2"] = "$sent"
    assert await scheduler.flush() is True
    assert await storage.unsent_messages() == []


async def test_cancel_and_its_notices_are_one_transaction(
    storage: Storage, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = Dispatcher(build_registry(), storage, config, clock=lambda: NOW)
    numbers = iter(range(1, 100))

    async def say(body: str) -> str:
        number = next(numbers)
        answer = await dispatcher.dispatch(
            Message(
                room_id=ROOM,
                event_id=f"$m{number}",
                sender="@alice:x",
                body=body,
                timestamp_ms=number,
                sender_power=100,
            )
        )
        assert answer is not None
        if answer.on_sent:
            await answer.on_sent(f"$announcement{number}")
        return answer.body.text

    added = await say("!event add Datenabend | 04.12.2026 18:00 | Basislager")
    event_id = int(re.search(r"#(\d+)", added).group(1))
    await dispatcher.dispatch_reaction(
        Reaction(
            room_id=ROOM, event_id="$yes", sender="@bob:x", key="👍", target_event_id="$announcement1", timestamp_ms=50
        )
    )
    assert await storage.rsvps(ROOM, Target("event", event_id)) == ["@bob:x"]

    real_queue = storage.queue_messages

    async def failing_queue(*args, **kwargs):
        raise StorageUnavailable("disk full")

    monkeypatch.setattr(storage, "queue_messages", failing_queue)
    failed = await say(f"!event cancel #{event_id}")
    assert "nichts gespeichert" in failed
    assert (await storage.get_event(ROOM, event_id)).status == EventStatus.APPROVED  # nothing half-stored

    monkeypatch.setattr(storage, "queue_messages", real_queue)
    retried = await say(f"!event cancel #{event_id}")
    assert "abgesagt" in retried.casefold()
    assert (await storage.get_event(ROOM, event_id)).status == EventStatus.CANCELLED
    queued = await storage.unsent_messages()
    notices = [m for m in queued if m.replaces is None]
    assert len(notices) == 1 and "@bob:x" in notices[0].mentions
    # and the confirmation people reacted to is edited to say so
    edits = [m for m in queued if m.replaces == "$announcement1"]
    assert len(edits) == 1 and "abgesagt" in edits[0].reply.text and "#1" in edits[0].reply.text
