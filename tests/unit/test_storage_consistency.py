"""Storage under concurrency, on a real SQLite file: reads see only committed data, transactions nest, every SQLite
error comes out as a StorageError."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.models import Event, Meetup
from bot.storage import Storage, StorageError, StorageUnavailable

BERLIN = ZoneInfo("Europe/Berlin")
ROOM = "!room:example.org"
NOW = datetime(2026, 1, 1, 12, tzinfo=BERLIN)
SETTLE_S = 0.05  # long enough for a waiting task to run, if it could


def make_event(number: int) -> Event:
    return Event(
        id=0,
        room_id=ROOM,
        title=f"Treffen {number}",
        start=datetime(2026, 2, number, 19, tzinfo=BERLIN),
        end=None,
        all_day=False,
        timezone="Europe/Berlin",
        submitter="@alice:example.org",
        uid=f"ics-{number}@example.org",
    )


def make_meetup() -> Meetup:
    return Meetup(
        id=0,
        room_id=ROOM,
        city="Köln",
        rule_text="jeden ersten Montag im Monat",
        rrule="FREQ=MONTHLY;BYDAY=1MO",
        dtstart=date(2026, 1, 5),
        start_time=time(19),
        end_time=None,
        timezone="Europe/Berlin",
        name="Code for Cologne",
        submitter="@alice:example.org",
    )


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "eventbot.db")
    yield store
    await store.close()


@contextmanager
def sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection in autocommit mode, closed afterwards."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        yield db


async def titles(storage: Storage) -> list[str]:
    return [event.title for event in await storage.list_events(ROOM)]


class Paused:
    """A transaction that writes, then waits to be told to commit or to fail."""

    def __init__(self) -> None:
        self.written = asyncio.Event()
        self.go_on = asyncio.Event()
        self.fail = False


async def import_then_wait(storage: Storage, paused: Paused, events: list[Event]) -> None:
    async with storage.transaction():
        await storage.import_items(ROOM, events, [], feed_id=None, now=NOW)
        paused.written.set()
        await paused.go_on.wait()
        if paused.fail:
            raise RuntimeError("the import failed halfway")


# -- reads see committed data only --


async def test_a_reader_never_sees_an_import_that_is_rolled_back(storage: Storage) -> None:
    paused = Paused()
    writer = asyncio.create_task(import_then_wait(storage, paused, [make_event(n) for n in range(1, 6)]))
    await paused.written.wait()

    # the read does not wait for the writer, and sees nothing of it
    assert await asyncio.wait_for(titles(storage), 1) == []
    assert await asyncio.wait_for(storage.count_events(ROOM), 1) == 0
    assert await asyncio.wait_for(storage.search_events(ROOM, ["treffen"]), 1) == []

    paused.fail = True
    paused.go_on.set()
    with pytest.raises(RuntimeError, match="halfway"):
        await writer
    assert await titles(storage) == []


async def test_a_reader_sees_all_of_an_import_once_it_is_committed(storage: Storage) -> None:
    paused = Paused()
    writer = asyncio.create_task(import_then_wait(storage, paused, [make_event(n) for n in range(1, 6)]))
    await paused.written.wait()
    assert await titles(storage) == []

    paused.go_on.set()
    await writer

    assert await titles(storage) == [f"Treffen {n}" for n in range(1, 6)]


async def test_a_reader_sees_a_meetup_with_its_old_dates_until_the_new_ones_are_committed(storage: Storage) -> None:
    meetup, _ = await storage.add_meetup(replace(make_meetup(), skipped=frozenset({date(2026, 2, 2)})))
    changed = replace(
        meetup,
        rule_text="jeden zweiten Montag im Monat",
        rrule="FREQ=MONTHLY;BYDAY=2MO",
        skipped=frozenset({date(2026, 3, 9), date(2026, 4, 13)}),
    )
    written, go_on = asyncio.Event(), asyncio.Event()

    async def update() -> None:
        async with storage.transaction():
            await storage.update_meetup(changed)
            written.set()
            await go_on.wait()

    writer = asyncio.create_task(update())
    await written.wait()
    assert await storage.get_meetup(ROOM, meetup.id) == meetup
    go_on.set()
    await writer

    assert await storage.get_meetup(ROOM, meetup.id) == changed


async def test_reads_inside_a_transaction_see_its_own_writes(storage: Storage) -> None:
    async with storage.transaction():
        event, _ = await storage.add_event(make_event(1))
        assert await storage.get_event(ROOM, event.id) == event
        assert await titles(storage) == ["Treffen 1"]


# -- transactions nest --


async def test_inner_and_outer_writes_commit_together(storage: Storage) -> None:
    async with storage.transaction() as db:
        await db.execute("INSERT INTO kv(key, value) VALUES ('outer', '1')")
        async with storage.transaction():
            await storage.set_values({"inner": "2"})
            await storage.add_event(make_event(1))

    assert (await storage.get_value("outer"), await storage.get_value("inner")) == ("1", "2")
    assert await titles(storage) == ["Treffen 1"]


async def test_a_failure_in_the_outer_after_the_inner_completed_rolls_back_both(storage: Storage) -> None:
    with pytest.raises(RuntimeError):
        async with storage.transaction():
            await storage.set_values({"outer": "1"})
            async with storage.transaction():
                await storage.add_event(make_event(1))
                await storage.queue_messages([], [("key", ROOM, "queued", None)])
            raise RuntimeError("after the inner part")

    assert await storage.get_value("outer") is None
    assert await titles(storage) == []
    assert await storage.ledger_keys(["key"]) == set()


async def test_a_caught_failure_in_the_inner_rolls_back_only_the_inner_part(storage: Storage) -> None:
    async with storage.transaction():
        await storage.set_values({"outer": "1"})
        with pytest.raises(RuntimeError):
            async with storage.transaction():
                await storage.add_event(make_event(1))
                raise RuntimeError("inner")
        await storage.set_values({"after": "2"})

    assert (await storage.get_value("outer"), await storage.get_value("after")) == ("1", "2")
    assert await titles(storage) == []


async def test_other_tasks_wait_for_the_open_transaction(storage: Storage) -> None:
    order: list[str] = []
    inside = asyncio.Event()

    async def first() -> None:
        async with storage.transaction():
            await storage.set_values({"first": "1"})
            inside.set()
            await asyncio.sleep(SETTLE_S)
            order.append("first commits")

    async def second() -> None:
        await inside.wait()
        await storage.set_values({"second": "2"})
        order.append("second wrote")

    await asyncio.gather(first(), second())

    assert order == ["first commits", "second wrote"]


async def test_a_task_started_inside_a_transaction_does_not_join_it(storage: Storage) -> None:
    async with storage.transaction():
        await storage.set_values({"parent": "1"})
        child = asyncio.create_task(storage.set_values({"child": "2"}))
        seen = asyncio.create_task(storage.get_value("parent"))
        await asyncio.sleep(SETTLE_S)
        assert not child.done()  # it waits for the parent's transaction like any other task
        assert await seen is None  # and reads only what is committed
    await child

    assert (await storage.get_value("parent"), await storage.get_value("child")) == ("1", "2")


# -- one error type --


async def test_a_write_lock_held_beyond_the_busy_timeout_is_storage_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "eventbot.db"
    storage = await Storage.open(path, busy_timeout_ms=50)
    try:
        await storage.set_values({"kept": "1"})
        with sqlite(path) as lock:
            lock.execute("BEGIN IMMEDIATE")
            with pytest.raises(StorageUnavailable, match="locked") as caught:
                await storage.set_values({"new": "2"})
            assert not isinstance(caught.value, sqlite3.Error)
            with pytest.raises(StorageUnavailable):
                await storage.import_items(ROOM, [make_event(1)], [], feed_id=None, now=NOW)
            assert await storage.get_value("kept") == "1"  # reads go on while another process writes
            lock.execute("ROLLBACK")

        await storage.set_values({"new": "2"})  # nothing is left half-open
        assert await storage.get_value("new") == "2"
    finally:
        await storage.close()


async def test_opening_a_locked_database_is_storage_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "eventbot.db"
    await (await Storage.open(path)).close()
    with sqlite(path) as lock:
        lock.execute("PRAGMA locking_mode=EXCLUSIVE")
        lock.execute("BEGIN EXCLUSIVE")
        lock.execute("INSERT INTO kv(key, value) VALUES ('held', '1')")
        lock.execute("COMMIT")  # exclusive locking mode keeps the lock after the commit

        with pytest.raises(StorageUnavailable, match="locked"):
            await Storage.open(path, busy_timeout_ms=50)

    storage = await Storage.open(path)
    try:
        assert await storage.get_value("held") == "1"
    finally:
        await storage.close()


async def test_a_file_that_is_not_a_database_is_storage_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "eventbot.db"
    path.write_bytes(b"this is not an SQLite database. " * 200)

    with pytest.raises(StorageUnavailable, match="not a database") as caught:
        await Storage.open(path)

    assert isinstance(caught.value, StorageError) and not isinstance(caught.value, sqlite3.Error)


async def test_a_refused_statement_is_a_storage_error(storage: Storage) -> None:
    with pytest.raises(StorageError) as caught:
        async with storage.transaction() as db:
            await db.execute("INSERT INTO kv(key, value) VALUES ('same', '1')")
            await db.execute("INSERT INTO kv(key, value) VALUES ('same', '2')")

    assert type(caught.value) is StorageError and isinstance(caught.value.__cause__, sqlite3.IntegrityError)
    assert await storage.get_value("same") is None


async def test_an_in_memory_database_reads_committed_data_too() -> None:
    storage = await Storage.open(":memory:")
    try:
        paused = Paused()
        writer = asyncio.create_task(import_then_wait(storage, paused, [make_event(1)]))
        await paused.written.wait()
        reader = asyncio.create_task(titles(storage))
        await asyncio.sleep(SETTLE_S)
        assert not reader.done()  # one connection: the read waits for the writer
        paused.fail = True
        paused.go_on.set()
        with pytest.raises(RuntimeError):
            await writer
        assert await reader == []
    finally:
        await storage.close()
