"""The message path without a homeserver: inbox (exactly once, safe sync token), rooms' queues, the supervisor."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.inbox import Inbox, Item
from bot.models import Joined, Message, Reaction, SyncBatch
from bot.queues import RoomQueues
from bot.storage import Storage
from bot.tasks import Supervisor

ROOM_A, ROOM_B = "!a:example.org", "!b:example.org"


def message(room: str, event_id: str, body: str = "!help", ts: int = 10_000, sender: str = "@u:x") -> Message:
    return Message(room_id=room, event_id=event_id, sender=sender, body=body, timestamp_ms=ts)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "eventbot.db")
    yield store
    await store.close()


@pytest.fixture
async def inbox(storage: Storage) -> Inbox:
    inbox = Inbox(storage, "!")
    joins = (Joined(ROOM_A, 1_000), Joined(ROOM_B, 1_000))
    assert await inbox.accept(SyncBatch("t0", items=joins), first_start=True, now_ms=1_000) == []
    return inbox


# -- inbox --


async def test_inbox_passes_commands_and_reactions_once_and_drops_chat_and_history(inbox: Inbox) -> None:
    old = message(ROOM_A, "$old", ts=500)
    chat = message(ROOM_A, "$chat", body="hello")
    command = message(ROOM_A, "$cmd")
    reaction = Reaction(
        room_id=ROOM_A, event_id="$r", sender="@u:x", key="👍", target_event_id="$cmd", timestamp_ms=10_000
    )

    accepted = await inbox.accept(
        SyncBatch("t1", items=(old, chat, command, command, reaction)), first_start=False, now_ms=10_000
    )
    replayed = await inbox.accept(SyncBatch("t2", items=(command,)), first_start=False, now_ms=10_000)

    assert accepted == [command, reaction]
    assert replayed == []  # still being handled: not queued a second time


async def test_inbox_skips_what_the_ledger_says_was_handled(inbox: Inbox, storage: Storage) -> None:
    await storage.mark_handled("$done", ROOM_A)

    accepted = await inbox.accept(
        SyncBatch("t1", items=(message(ROOM_A, "$done"), message(ROOM_A, "$new"))), first_start=False, now_ms=10_000
    )

    assert [item.event_id for item in accepted] == ["$new"]


async def test_safe_token_waits_for_the_oldest_unfinished_batch(inbox: Inbox) -> None:
    slow = message(ROOM_A, "$slow")
    fast = message(ROOM_B, "$fast")
    assert inbox.safe_token == "t0"

    await inbox.accept(SyncBatch("t1", items=(slow,)), first_start=False, now_ms=10_000)
    await inbox.accept(SyncBatch("t2", items=(fast,)), first_start=False, now_ms=10_000)
    await inbox.accept(SyncBatch("t3"), first_start=False, now_ms=10_000)
    inbox.done(fast)

    assert inbox.safe_token == "t0"  # t1's command still runs: a crash now must replay it
    inbox.done(slow)
    assert inbox.safe_token == "t3" and inbox.busy == 0


async def test_a_room_without_a_join_event_counts_from_now(inbox: Inbox) -> None:
    before = message("!c:example.org", "$before", ts=9_000)
    after = message("!c:example.org", "$after", ts=11_000)

    accepted = await inbox.accept(SyncBatch("t1", items=(before, after)), first_start=False, now_ms=10_000)

    assert accepted == [after]


# -- rooms' queues --


async def test_a_slow_item_holds_up_its_own_room_only() -> None:
    release = asyncio.Event()
    handled: list[str] = []
    done: list[str] = []

    async def handle(item: Message, following: Sequence[Message]) -> int:
        if item.event_id == "$slow":
            await release.wait()
        handled.append(item.event_id)
        return 0

    queues: RoomQueues[Message] = RoomQueues(handle, lambda item: done.append(item.event_id))
    queues.put(ROOM_A, message(ROOM_A, "$slow"))
    queues.put(ROOM_A, message(ROOM_A, "$after-slow"))
    queues.put(ROOM_B, message(ROOM_B, "$b1"))
    queues.put(ROOM_B, message(ROOM_B, "$b2"))
    for _ in range(20):
        await asyncio.sleep(0)

    assert handled == ["$b1", "$b2"]  # room B answered while room A's first item still runs
    release.set()
    assert await queues.drain(5)
    assert handled == ["$b1", "$b2", "$slow", "$after-slow"]  # room A in its own order
    assert sorted(done) == ["$after-slow", "$b1", "$b2", "$slow"]


async def test_at_most_n_rooms_are_handled_at_once() -> None:
    running, peak = 0, 0

    async def handle(item: Message, following: Sequence[Message]) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        return 0

    queues: RoomQueues[Message] = RoomQueues(handle, lambda item: None, workers=3)
    for number in range(10):
        queues.put(f"!r{number}:x", message(f"!r{number}:x", f"$e{number}"))

    assert await queues.drain(5)
    assert peak == 3


async def test_a_handler_may_answer_the_items_after_it_too() -> None:
    seen: list[list[str]] = []
    done: list[str] = []

    async def handle(item: Message, following: Sequence[Message]) -> int:
        seen.append([item.event_id, *(other.event_id for other in following)])
        return len(following) if item.event_id == "$1" else 0

    queues: RoomQueues[Message] = RoomQueues(handle, lambda item: done.append(item.event_id))
    for number in (1, 2, 3):
        queues.put(ROOM_A, message(ROOM_A, f"${number}"))

    assert await queues.drain(5)
    assert seen == [["$1", "$2", "$3"]] and done == ["$1", "$2", "$3"]


async def test_a_failing_handler_does_not_stop_its_room(caplog: pytest.LogCaptureFixture) -> None:
    handled: list[str] = []

    async def handle(item: Message, following: Sequence[Message]) -> int:
        if item.event_id == "$bad":
            raise RuntimeError("boom")
        handled.append(item.event_id)
        return 0

    queues: RoomQueues[Message] = RoomQueues(handle, lambda item: None)
    queues.put(ROOM_A, message(ROOM_A, "$bad"))
    queues.put(ROOM_A, message(ROOM_A, "$good"))
    with caplog.at_level(logging.ERROR):
        assert await queues.drain(5)

    assert handled == ["$good"]
    assert any("error [" in record.getMessage() for record in caplog.records)


async def test_drain_gives_up_after_its_timeout_and_leaves_the_item_not_done() -> None:
    done: list[Item] = []

    async def handle(item: Message, following: Sequence[Message]) -> int:
        await asyncio.sleep(60)
        return 0

    queues: RoomQueues[Message] = RoomQueues(handle, done.append)
    queues.put(ROOM_A, message(ROOM_A, "$forever"))

    assert not await queues.drain(0.05)
    assert done == []  # not handled, so its sync batch is replayed after a restart


# -- supervisor --


async def test_a_failing_task_is_logged_with_a_code_and_restarted(caplog: pytest.LogCaptureFixture) -> None:
    stopping = asyncio.Event()
    runs = 0

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs < 3:
            raise RuntimeError("database is locked")
        await stopping.wait()

    supervisor = Supervisor(stopping, backoff=(0.01,))
    with caplog.at_level(logging.WARNING):
        supervisor.start("feeds", flaky)
        for _ in range(200):
            if runs >= 3:
                break
            await asyncio.sleep(0.01)
        await supervisor.stop(1)

    assert runs == 3
    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("task feeds failed [")]
    assert len(failures) == 2


async def test_a_task_that_returns_is_restarted_and_one_that_keeps_failing_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stopping = asyncio.Event()
    runs = 0

    async def quits() -> None:
        nonlocal runs
        runs += 1

    supervisor = Supervisor(stopping, backoff=(0.001,))
    with caplog.at_level(logging.WARNING):
        supervisor.start("reminders", quits)
        for _ in range(200):
            if runs >= 4:
                break
            await asyncio.sleep(0.01)
        await supervisor.stop(1)

    assert runs >= 4
    assert any("ended unexpectedly" in r.getMessage() for r in caplog.records)
    assert any("keeps failing" in r.getMessage() for r in caplog.records)


async def test_stop_cancels_a_task_that_does_not_finish(caplog: pytest.LogCaptureFixture) -> None:
    stopping = asyncio.Event()

    async def stubborn() -> None:
        await asyncio.sleep(60)

    supervisor = Supervisor(stopping)
    supervisor.start("http", stubborn)
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING):
        await supervisor.stop(0.05)

    assert any("did not finish" in r.getMessage() for r in caplog.records)
