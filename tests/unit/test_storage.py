"""Tests for bot.storage on a real SQLite file: schema and migrations, events, dedup, scoping, transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing, contextmanager
from dataclasses import fields, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.models import Event, EventStatus, Meetup, QueuedMessage, Reply, Target
from bot.storage import Feed, RoomSettings, Storage, StorageError, StorageUnavailable
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION

BERLIN = ZoneInfo("Europe/Berlin")
ROOM = "!room:example.org"
OTHER_ROOM = "!other:example.org"


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BERLIN)


def make_event(
    title: str = "OK Lab Treffen",
    start: datetime | None = None,
    *,
    end: datetime | None = None,
    all_day: bool = False,
    room: str = ROOM,
    source: str | None = None,
    status: EventStatus = EventStatus.APPROVED,
    place: str | None = None,
) -> Event:
    return Event(
        id=0,
        room_id=room,
        title=title,
        start=start or at(2026, 1, 15, 19),
        end=end,
        all_day=all_day,
        timezone="Europe/Berlin",
        place=place,
        submitter="@alice:example.org",
        source_event_id=source,
        status=status,
    )


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "eventbot.db")
    yield store
    await store.close()


async def add(storage: Storage, *args, **kwargs) -> Event:
    event, created = await storage.add_event(make_event(*args, **kwargs))
    assert created
    return event


def titles(events: list[Event]) -> list[str]:
    return [event.title for event in events]


# -- schema and migrations --


@contextmanager
def sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that commits and closes."""
    with closing(sqlite3.connect(path)) as db, db:
        yield db


def _schema(path: Path) -> list[tuple[str, str]]:
    with sqlite(path) as db:
        return db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


async def test_open_creates_the_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "eventbot.db"
    storage = await Storage.open(path)
    try:
        assert await storage.schema_version() == SCHEMA_VERSION
    finally:
        await storage.close()

    with sqlite(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"kv", "handled_events", "rooms", "events", "meetups", "deadlines", "outbox"} <= tables


async def test_reopening_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "eventbot.db"
    storage = await Storage.open(path)
    event = await add(storage)
    await storage.set_values({"sync_token": "s1"})
    await storage.close()
    schema = _schema(path)

    storage = await Storage.open(path)
    try:
        assert await storage.schema_version() == SCHEMA_VERSION
        assert await storage.get_event(ROOM, event.id) == event
        assert await storage.get_value("sync_token") == "s1"
    finally:
        await storage.close()
    assert _schema(path) == schema


async def test_newer_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "eventbot.db"
    with sqlite(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE future_things (x TEXT)")
        db.execute("INSERT INTO future_things VALUES ('keep me')")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = _schema(path)

    with pytest.raises(StorageError) as info:
        await Storage.open(path)

    message = str(info.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in message
    assert str(SCHEMA_VERSION) in message
    assert "upgrade eventbot" in message
    assert _schema(path) == before
    with sqlite(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert db.execute("SELECT x FROM future_things").fetchall() == [("keep me",)]


def _create_at_version(path: Path, version: int) -> None:
    """A database as an eventbot of that schema version left it (its migrations applied by hand)."""
    with sqlite(path) as db:
        for statements in MIGRATIONS[:version]:
            for statement in statements:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")


def _schema_sql(path: Path) -> list[tuple[str, str, str]]:
    with sqlite(path) as db:
        return db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
async def test_a_database_migrated_step_by_step_has_the_schema_of_a_fresh_one(tmp_path: Path, version: int) -> None:
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    await (await Storage.open(fresh)).close()
    _create_at_version(old, version)

    storage = await Storage.open(old)
    try:
        assert await storage.schema_version() == SCHEMA_VERSION
    finally:
        await storage.close()

    assert _schema_sql(old) == _schema_sql(fresh)
    with sqlite(old) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


async def test_database_from_before_scheduled_at_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "eventbot.db"
    _create_at_version(path, 6)  # migration 7 added scheduled_at (filled from created_at) and the outbox failures
    with sqlite(path) as db:
        db.execute(
            "INSERT INTO events(room_id, title, start_local, all_day, timezone, start_utc, end_utc, submitter, "
            "status, uid, created_at) VALUES (?, 'Alt', '2026-01-15T19:00', 0, 'Europe/Berlin', 1768500000, "
            "1768500000, '@alice:example.org', 'approved', 'old@eventbot', 1700000000)",
            (ROOM,),
        )
        db.execute(
            "INSERT INTO meetups(room_id, city, rule_text, dtstart, start_time, timezone, name, submitter, "
            "uid, created_at) VALUES (?, 'Köln', 'jeden Montag', '2026-01-05', '19:00', 'Europe/Berlin', "
            "'Code for Cologne', '@alice:example.org', 'meetup@eventbot', 1700000100)",
            (ROOM,),
        )
        db.execute(
            "INSERT INTO outbox(txn_id, seq, room_id, body, html, mentions, created_at) "
            "VALUES ('old-txn', 1, ?, 'hi', 'hi', '[]', 1700000000)",
            (ROOM,),
        )

    storage = await Storage.open(path)
    try:
        assert await storage.schema_version() == SCHEMA_VERSION
        [event] = await storage.list_events(ROOM)
        [meetup] = await storage.list_meetups(ROOM)
        [queued] = await storage.unsent_messages()
    finally:
        await storage.close()
    assert event.title == "Alt" and event.created_at == datetime.fromtimestamp(1700000000, UTC)
    assert event.scheduled_at == event.created_at
    assert meetup.created_at == meetup.scheduled_at == datetime.fromtimestamp(1700000100, UTC)
    assert queued.txn_id == "old-txn"


async def test_a_database_of_version_10_gains_the_rooms_language_and_keeps_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "eventbot.db"
    _create_at_version(path, 10)  # migration 11 added rooms.language
    with sqlite(path) as db:
        db.execute(
            "INSERT INTO rooms(room_id, joined_at_ms, approval, timezone) VALUES (?, 5, 1, 'Europe/Vienna')", (ROOM,)
        )

    storage = await Storage.open(path)
    try:
        assert await storage.schema_version() == SCHEMA_VERSION >= 11
        assert await storage.room_settings(ROOM) == RoomSettings(ROOM, approval=True, timezone="Europe/Vienna")
        await storage.save_room_settings(RoomSettings(ROOM, approval=True, language="en"))
        assert (await storage.room_settings(ROOM)).language == "en"
        assert await storage.joined_at(ROOM) == 5
    finally:
        await storage.close()
    with sqlite(path) as db:
        db.execute("UPDATE rooms SET language = 'xx'")  # a language this bot does not (or no longer) speak
    storage = await Storage.open(path)
    try:
        assert (await storage.room_settings(ROOM)).language is None  # the bot's default, then
    finally:
        await storage.close()


# -- events: add, get, update, delete --


async def test_add_and_get_event(storage: Storage) -> None:
    draft = replace(
        make_event("Jugend editiert", at(2026, 12, 4, 18), end=at(2026, 12, 4, 21), source="$abc", place="WikiBär"),
        online=True,
        online_url="https://meet.example.org/x",
        link="https://wikimedia.de/",
        geo=(52.5027, 13.4393),
        description="Wikipedia für Jugendliche",
    )

    stored, created = await storage.add_event(draft)

    assert created
    assert stored.id > 0
    assert stored.uid.endswith("@eventbot")
    assert stored.created_at is not None
    assert stored == replace(draft, id=stored.id, uid=stored.uid)
    assert await storage.get_event(ROOM, stored.id) == stored


async def test_get_missing_event_is_none(storage: Storage) -> None:
    assert await storage.get_event(ROOM, 999) is None


async def test_get_event_is_scoped_to_its_room(storage: Storage) -> None:
    event = await add(storage)

    assert await storage.get_event(OTHER_ROOM, event.id) is None
    assert await storage.delete_event(OTHER_ROOM, event.id) is False
    assert await storage.get_event(ROOM, event.id) == event


async def test_update_event(storage: Storage) -> None:
    event = await add(storage)

    updated = await storage.update_event(
        replace(event, title="Neuer Titel", start=at(2026, 2, 1, 18), end=at(2026, 2, 1, 20), place="Rathaus")
    )

    assert (updated.title, updated.start, updated.end, updated.place) == (
        "Neuer Titel",
        at(2026, 2, 1, 18),
        at(2026, 2, 1, 20),
        "Rathaus",
    )
    assert updated.uid == event.uid
    assert await storage.get_event(ROOM, event.id) == updated
    assert await storage.list_events(ROOM, start=at(2026, 1, 20)) == [updated]


async def test_set_event_status(storage: Storage) -> None:
    event = await add(storage)

    cancelled = await storage.set_event_status(event, EventStatus.CANCELLED)

    assert cancelled.status is EventStatus.CANCELLED
    assert (await storage.get_event(ROOM, event.id)).status is EventStatus.CANCELLED


async def test_delete_event(storage: Storage) -> None:
    event = await add(storage)

    assert await storage.delete_event(ROOM, event.id) is True
    assert await storage.get_event(ROOM, event.id) is None
    assert await storage.delete_event(ROOM, event.id) is False


# -- duplicates --


async def test_same_source_event_is_stored_once(storage: Storage, tmp_path: Path) -> None:
    first, created = await storage.add_event(make_event(source="$cmd1"))
    again, created_again = await storage.add_event(make_event("Other title", at(2026, 3, 1, 10), source="$cmd1"))

    assert created and not created_again
    assert again == first
    assert len(await storage.list_events(ROOM)) == 1


async def test_same_title_any_case_and_start_in_the_room_is_a_duplicate(storage: Storage) -> None:
    first = await add(storage, "OK Lab Treffen", source="$a")

    again, created = await storage.add_event(make_event("ok lab TREFFEN", source="$b"))

    assert not created
    assert again == first
    assert len(await storage.list_events(ROOM)) == 1


async def test_duplicate_check_folds_umlauts(storage: Storage) -> None:
    await add(storage, "über daten", source="$a")

    _, created = await storage.add_event(make_event("ÜBER DATEN", source="$b"))

    assert not created


async def test_same_title_and_start_in_another_room_is_new(storage: Storage) -> None:
    first = await add(storage, source="$a")

    other, created = await storage.add_event(make_event(room=OTHER_ROOM, source="$b"))

    assert created
    assert other.id != first.id
    assert other.room_id == OTHER_ROOM


async def test_same_title_at_another_time_is_new(storage: Storage) -> None:
    await add(storage, source="$a")

    _, created = await storage.add_event(make_event(start=at(2026, 1, 15, 20), source="$b"))

    assert created


async def test_cancelled_event_does_not_block_a_new_one(storage: Storage) -> None:
    first = await add(storage, source="$a")
    await storage.set_event_status(first, EventStatus.CANCELLED)

    _, created = await storage.add_event(make_event(source="$b"))

    assert created


# -- listing --


async def test_list_window_overlap(storage: Storage) -> None:
    await add(storage, "before", at(2026, 1, 10, 18), end=at(2026, 1, 10, 20))
    await add(storage, "running into the window", at(2026, 1, 14, 22), end=at(2026, 1, 15, 2))
    await add(storage, "multi-day across the window", at(2026, 1, 13, 9), end=at(2026, 1, 20, 17))
    await add(storage, "all day inside", at(2026, 1, 15), all_day=True)
    await add(storage, "all day span", at(2026, 1, 12), end=at(2026, 1, 15), all_day=True)
    await add(storage, "inside, no end", at(2026, 1, 15, 12))
    await add(storage, "starts at window end", at(2026, 1, 16, 0))
    await add(storage, "after", at(2026, 1, 17, 10))

    found = await storage.list_events(ROOM, start=at(2026, 1, 15), end=at(2026, 1, 16))

    assert titles(found) == [
        "all day span",
        "multi-day across the window",
        "running into the window",
        "all day inside",
        "inside, no end",
    ]


async def test_all_day_event_lasts_until_midnight(storage: Storage) -> None:
    await add(storage, "all day", at(2026, 1, 15), all_day=True)

    assert titles(await storage.list_events(ROOM, start=at(2026, 1, 15, 23, 59))) == ["all day"]


async def test_all_day_event_is_not_in_the_next_months_list(storage: Storage) -> None:
    await add(storage, "Silvester", at(2025, 12, 31), all_day=True)

    assert await storage.list_events(ROOM, start=at(2026, 1, 1), end=at(2026, 2, 1)) == []


async def test_list_without_window_and_with_open_ends(storage: Storage) -> None:
    await add(storage, "past", at(2025, 1, 1, 10))
    await add(storage, "future", at(2027, 1, 1, 10))

    assert titles(await storage.list_events(ROOM)) == ["past", "future"]
    assert titles(await storage.list_events(ROOM, start=at(2026, 1, 1))) == ["future"]
    assert titles(await storage.list_events(ROOM, end=at(2026, 1, 1))) == ["past"]


async def test_list_orders_by_start_then_insertion(storage: Storage) -> None:
    await add(storage, "late", at(2026, 1, 15, 20))
    await add(storage, "b first added at 19", at(2026, 1, 15, 19))
    await add(storage, "a second added at 19", at(2026, 1, 15, 19))
    await add(storage, "early", at(2026, 1, 15, 9))

    assert titles(await storage.list_events(ROOM)) == ["early", "b first added at 19", "a second added at 19", "late"]


async def test_list_statuses_filter(storage: Storage) -> None:
    for status in EventStatus:
        await add(storage, status.value, status=status)

    assert titles(await storage.list_events(ROOM)) == ["approved"]
    assert titles(await storage.list_events(ROOM, statuses=(EventStatus.PENDING,))) == ["pending"]
    assert set(titles(await storage.list_events(ROOM, statuses=list(EventStatus)))) == {s.value for s in EventStatus}
    assert await storage.list_events(ROOM, statuses=()) == []


async def test_list_is_scoped_to_the_room(storage: Storage) -> None:
    await add(storage, "here")
    await add(storage, "there", room=OTHER_ROOM)

    assert titles(await storage.list_events(ROOM)) == ["here"]
    assert titles(await storage.list_events(OTHER_ROOM)) == ["there"]


# -- search --


async def test_search_is_case_insensitive_and_ands_words(storage: Storage) -> None:
    await add(storage, "Open Data Day", at(2026, 3, 7, 10), place="Stadtbibliothek Leipzig")
    await add(storage, "OK Lab Treffen", at(2026, 3, 4, 19), place="Basislager Leipzig")
    await add(storage, "Wikipedia Stammtisch", at(2026, 3, 5, 19), place="Berlin")

    assert titles(await storage.search_events(ROOM, ["leipzig"])) == ["OK Lab Treffen", "Open Data Day"]
    assert titles(await storage.search_events(ROOM, ["OPEN", "leipzig"])) == ["Open Data Day"]
    assert titles(await storage.search_events(ROOM, ["open", "berlin"])) == []
    assert titles(await storage.search_events(OTHER_ROOM, ["leipzig"])) == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("%", ["100% Open"]),
        ("_", ["snake_case"]),
        ("0%", ["100% Open"]),
        ("e_c", ["snake_case"]),
        ("\\", ["back\\slash"]),
    ],
)
async def test_search_takes_wildcards_literally(storage: Storage, word: str, expected: list[str]) -> None:
    for title in ("100% Open", "snake_case", "plain text", "back\\slash"):
        await add(storage, title)

    assert titles(await storage.search_events(ROOM, [word])) == expected


async def test_search_skips_pending_and_rejected(storage: Storage) -> None:
    for status in EventStatus:
        await add(storage, f"Treffen {status.value}", status=status)

    assert titles(await storage.search_events(ROOM, ["treffen"])) == ["Treffen approved", "Treffen cancelled"]


async def test_search_folds_umlauts(storage: Storage) -> None:
    await add(storage, "Überblick Open Data")

    assert titles(await storage.search_events(ROOM, ["überblick"])) == ["Überblick Open Data"]


# -- time zones --


@pytest.mark.parametrize(("month", "offset"), [(1, timedelta(hours=1)), (7, timedelta(hours=2))])
async def test_wall_clock_time_survives_dst(storage: Storage, month: int, offset: timedelta) -> None:
    event = await add(storage, start=at(2026, month, 15, 19), end=at(2026, month, 15, 21))

    stored = await storage.get_event(ROOM, event.id)

    assert (stored.start.hour, stored.start.minute) == (19, 0)
    assert stored.start.utcoffset() == offset
    assert stored.start.tzinfo == BERLIN
    assert stored.end.utcoffset() == offset
    assert stored.start.isoformat() == f"2026-{month:02d}-15T19:00:00+0{offset.seconds // 3600}:00"


async def test_event_across_the_dst_change_keeps_both_offsets(storage: Storage) -> None:
    event = await add(storage, start=at(2026, 3, 28, 20), end=at(2026, 3, 29, 20))

    stored = await storage.get_event(ROOM, event.id)

    assert stored.start.utcoffset() == timedelta(hours=1)
    assert stored.end.utcoffset() == timedelta(hours=2)
    assert stored.end.timestamp() - stored.start.timestamp() == timedelta(hours=23).total_seconds()


async def test_events_in_another_zone_read_back_in_that_zone(storage: Storage) -> None:
    ny = ZoneInfo("America/New_York")
    event, _ = await storage.add_event(
        replace(make_event(), start=datetime(2026, 7, 4, 19, tzinfo=ny), timezone="America/New_York")
    )

    stored = await storage.get_event(ROOM, event.id)

    assert stored.start == datetime(2026, 7, 4, 19, tzinfo=ny)
    assert stored.start.utcoffset() == timedelta(hours=-4)


# -- handled commands, key/value, room settings --


async def test_is_handled_after_mark_handled(storage: Storage) -> None:
    assert await storage.is_handled("$evt1") is False

    await storage.mark_handled("$evt1", ROOM)
    await storage.mark_handled("$evt1", ROOM)  # twice is harmless

    assert await storage.is_handled("$evt1") is True
    assert await storage.is_handled("$evt2") is False


async def test_kv_set_and_get(storage: Storage) -> None:
    assert await storage.get_value("sync_token") is None

    await storage.set_values({"sync_token": "s1", "device_id": "DEV"})
    await storage.set_values({"sync_token": "s2"})

    assert await storage.get_value("sync_token") == "s2"
    assert await storage.get_value("device_id") == "DEV"


async def test_room_settings_default(storage: Storage) -> None:
    assert await storage.room_settings(ROOM) == RoomSettings(ROOM)


async def test_room_settings_round_trip(storage: Storage) -> None:
    settings = RoomSettings(
        ROOM,
        approval=True,
        timezone="Europe/Vienna",
        event_lead_times=(86400, 3600),
        meetup_lead_times=(),
        language="en",
    )

    await storage.save_room_settings(settings)

    assert await storage.room_settings(ROOM) == settings
    assert await storage.room_settings(OTHER_ROOM) == RoomSettings(OTHER_ROOM)

    await storage.save_room_settings(RoomSettings(ROOM))
    assert await storage.room_settings(ROOM) == RoomSettings(ROOM)


async def test_saving_settings_keeps_the_join_time(storage: Storage) -> None:
    await storage.record_join(ROOM, 1_700_000_000_000)

    await storage.save_room_settings(RoomSettings(ROOM, approval=True))
    await storage.record_join(ROOM, 1_800_000_000_000)  # the first join counts

    assert await storage.joined_at(ROOM) == 1_700_000_000_000
    assert (await storage.room_settings(ROOM)).approval is True


# -- transactions --


async def test_failing_statement_rolls_back_the_whole_transaction(storage: Storage) -> None:
    await storage.set_values({"kept": "before"})

    with pytest.raises(StorageUnavailable) as caught:
        async with storage.transaction() as db:
            await db.execute("INSERT INTO kv(key, value) VALUES ('new', 'x')")
            await db.execute("UPDATE kv SET value = 'changed' WHERE key = 'kept'")
            await db.execute("INSERT INTO no_such_table VALUES (1)")

    assert not isinstance(caught.value, sqlite3.Error)
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)  # kept for the log
    assert await storage.get_value("new") is None
    assert await storage.get_value("kept") == "before"
    await storage.set_values({"after": "works"})  # the lock was released and no transaction is left open
    assert await storage.get_value("after") == "works"


async def test_exception_in_transaction_body_rolls_back(storage: Storage) -> None:
    with pytest.raises(RuntimeError):
        async with storage.transaction() as db:
            await db.execute("INSERT INTO kv(key, value) VALUES ('new', 'x')")
            raise RuntimeError("boom")

    assert await storage.get_value("new") is None


# -- RSVPs of many targets at once (the reminder scheduler's query) --


async def test_rsvps_of_many_targets_keep_each_order_and_rooms_apart(storage: Storage) -> None:
    event, meetup_date, other_date = (
        Target("event", 1),
        Target("meetup", 1, "2026-12-02T19:00"),
        Target("meetup", 1, "2026-12-09T19:00"),
    )
    for number, (room, target, user) in enumerate(
        [
            (ROOM, event, "@zoe:x"),
            (ROOM, meetup_date, "@ada:x"),
            (ROOM, event, "@bob:x"),
            (OTHER_ROOM, event, "@eve:x"),
            (ROOM, other_date, "@cem:x"),
        ]
    ):
        assert await storage.add_rsvp(room, target, user, f"$reaction{number}")
    many = [(ROOM, Target("event", n)) for n in range(2, 400)]  # more than one chunk, no RSVPs

    found = await storage.rsvps_of(
        [(ROOM, event), *many, (ROOM, meetup_date), (OTHER_ROOM, event), (OTHER_ROOM, meetup_date)]
    )

    assert found == {
        (ROOM, event): ["@zoe:x", "@bob:x"],
        (ROOM, meetup_date): ["@ada:x"],
        (OTHER_ROOM, event): ["@eve:x"],
    }
    assert await storage.rsvps(ROOM, other_date) == ["@cem:x"]
    assert await storage.rsvps(OTHER_ROOM, other_date) == []


# -- the outbox: sent, or given up on with the reason --


def queued(txn_id: str, room: str = ROOM, announces: Target | None = None) -> QueuedMessage:
    return QueuedMessage(
        txn_id=txn_id,
        room_id=room,
        reply=Reply(f"text {txn_id}", f"<p>{txn_id}</p>"),
        mentions=("@alice:example.org",),
        announces=announces,
    )


async def test_failed_messages_are_kept_with_the_reason_and_not_sent_again(storage: Storage, tmp_path: Path) -> None:
    await storage.queue_messages([queued("t1"), queued("t2"), queued("t3")])

    await storage.mark_failed(queued("t2"), "M_FORBIDDEN: not in the room")
    await storage.mark_sent(queued("t3"), "$sent3")

    assert [message.txn_id for message in await storage.unsent_messages()] == ["t1"]
    with sqlite(tmp_path / "eventbot.db") as db:
        row = db.execute("SELECT failed_reason, failed_at, sent_event_id FROM outbox WHERE txn_id = 't2'").fetchone()
    assert row[0] == "M_FORBIDDEN: not in the room" and row[1] > 0 and row[2] is None


async def test_a_sent_message_is_not_marked_failed_afterwards(storage: Storage, tmp_path: Path) -> None:
    await storage.queue_messages([queued("t1")])
    await storage.mark_sent(queued("t1"), "$sent1")

    await storage.mark_failed(queued("t1"), "late error")

    with sqlite(tmp_path / "eventbot.db") as db:
        assert db.execute("SELECT failed_at, sent_event_id FROM outbox").fetchone() == (None, "$sent1")


async def test_mark_sent_refuses_an_empty_event_id(storage: Storage) -> None:
    target = Target("event", 7)
    await storage.queue_messages([queued("t1", announces=target)])

    with pytest.raises(ValueError, match="mark_failed"):
        await storage.mark_sent(queued("t1", announces=target), "")

    assert [message.txn_id for message in await storage.unsent_messages()] == ["t1"]
    assert await storage.announced(ROOM, "") is None


async def test_mark_sent_remembers_the_announcement(storage: Storage) -> None:
    event = await add(storage)
    target = Target("event", event.id)
    await storage.queue_messages([queued("t1", announces=target)])

    await storage.mark_sent(queued("t1", announces=target), "$sent1")

    assert await storage.unsent_messages() == []
    assert await storage.announced(ROOM, "$sent1") == target
    assert await storage.event_by_announcement(ROOM, "$sent1") == event
    assert await storage.event_by_announcement(OTHER_ROOM, "$sent1") is None


# -- when an event's or meetup's dates were set --


class Clock:
    """The storage's injected clock: unix seconds, moved by hand."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)


@pytest.fixture
def clock(storage: Storage) -> Clock:
    fake = Clock(1_750_000_000)
    storage.clock = fake
    return fake


def stamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


async def test_scheduled_at_is_set_on_insert_and_moves_only_with_the_dates(storage: Storage, clock: Clock) -> None:
    event = await add(storage)
    assert event.created_at == event.scheduled_at == stamp(1_750_000_000)

    clock.now += 100
    retitled = await storage.update_event(replace(event, title="Neuer Titel", place="Rathaus"))
    cancelled = await storage.set_event_status(retitled, EventStatus.CANCELLED)
    assert retitled.scheduled_at == cancelled.scheduled_at == stamp(1_750_000_000)

    for number, change in enumerate(
        [{"start": at(2026, 1, 16, 19)}, {"end": at(2026, 1, 16, 21)}, {"all_day": True}], start=1
    ):
        clock.now = 1_750_000_000 + 1000 * number
        event = await storage.update_event(replace(event, **change))
        assert event.scheduled_at == stamp(clock.now), change
        assert event.created_at == stamp(1_750_000_000)


def make_meetup(**changes: object) -> Meetup:
    meetup = Meetup(
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
    return replace(meetup, **changes)


async def test_meetup_created_at_and_scheduled_at(storage: Storage, clock: Clock) -> None:
    meetup, created = await storage.add_meetup(make_meetup(extra=frozenset({at(2026, 2, 3, 19)})))
    assert created and meetup.created_at == meetup.scheduled_at == stamp(1_750_000_000)
    assert meetup.extra == frozenset({at(2026, 2, 3, 19)})  # explicit dates are stored with a new meetup too

    clock.now += 100
    renamed = await storage.update_meetup(replace(meetup, name="Code for Köln", place="Lokal K"))
    assert renamed.scheduled_at == stamp(1_750_000_000)

    for number, change in enumerate(
        [
            {"start_time": time(18, 30)},
            {"rule_text": "jeden Montag", "rrule": None},
            {"skipped": frozenset({date(2026, 2, 2)})},
        ],
        start=1,
    ):
        clock.now = 1_750_000_000 + 1000 * number
        meetup = await storage.update_meetup(replace(meetup, **change))
        assert meetup.scheduled_at == stamp(clock.now), change
        assert meetup.created_at == stamp(1_750_000_000)


async def test_update_meetup_of_another_room_changes_nothing(storage: Storage) -> None:
    meetup, _ = await storage.add_meetup(make_meetup(skipped=frozenset({date(2026, 2, 2)})))

    with pytest.raises(AssertionError):
        await storage.update_meetup(replace(meetup, room_id=OTHER_ROOM, skipped=frozenset()))

    assert await storage.get_meetup(ROOM, meetup.id) == meetup


async def test_imported_events_are_stamped_with_the_import_time(storage: Storage, clock: Clock) -> None:
    imported = at(2026, 1, 1, 12)
    draft = replace(make_event(), uid="ics-1@example.org")
    await storage.import_items(ROOM, [draft], [], feed_id=None, now=imported)
    [event] = await storage.list_events(ROOM)
    assert event.created_at == event.scheduled_at == imported

    await storage.import_items(ROOM, [replace(draft, title="Umbenannt")], [], feed_id=None, now=at(2026, 1, 2))
    [event] = await storage.list_events(ROOM)
    assert event.title == "Umbenannt" and event.scheduled_at == imported

    await storage.import_items(ROOM, [replace(draft, start=at(2026, 1, 16, 19))], [], feed_id=None, now=at(2026, 1, 3))
    [event] = await storage.list_events(ROOM)
    assert event.scheduled_at == at(2026, 1, 3) and event.created_at == imported


# -- feeds --


async def test_feed_fetches_are_recorded(storage: Storage) -> None:
    feed, created = await storage.add_feed(ROOM, "https://example.org/cal.ics", 3600, "@mod:example.org")
    assert created and (feed.last_fetch_at, feed.last_error) == (None, None)
    assert {f.name for f in fields(Feed)} == {
        "id",
        "room_id",
        "url",
        "interval_s",
        "added_by",
        "last_fetch_at",
        "last_error",
    }

    await storage.record_fetch(feed, at=1_750_000_000, error="HTTP 500")
    assert (await storage.get_feed(ROOM, feed.id)) == replace(feed, last_fetch_at=1_750_000_000, last_error="HTTP 500")
    await storage.record_fetch(feed, at=1_750_000_600, error=None)
    assert await storage.feeds(ROOM) == [replace(feed, last_fetch_at=1_750_000_600)]
