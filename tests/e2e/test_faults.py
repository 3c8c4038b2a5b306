"""Faults on a real homeserver: outages, SIGKILL mid-burst, a locked database, 429 rate limiting."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections.abc import Iterator
from datetime import date

import pytest

from bot.homeserver import Homeserver

YEAR = date.today().year + 1


@pytest.fixture(scope="module")
def own_homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    """A homeserver of this module's own: the tests here stop it and limit its rates."""
    server = Homeserver(tmp_path_factory.mktemp("faulty-synapse"), message_rate={"per_second": 3, "burst_count": 5})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(own_homeserver: Homeserver) -> Homeserver:
    return own_homeserver


def events_in_db(bot) -> list[str]:
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        return [row[0] for row in db.execute("SELECT title FROM events ORDER BY id")]


async def setup_room(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id, timeout=15)
    return bot, alice, room


async def test_homeserver_down_for_30_seconds(own_homeserver, make_bot, make_user, joined):
    bot, alice, room = await setup_room(make_bot, make_user, joined)
    before = await alice.send(room, "!help")
    own_homeserver.stop()
    await asyncio.sleep(30)
    own_homeserver.start()
    after = await alice.send(room, f"!event add Nach dem Ausfall | 01.06.{YEAR} 19:00 | online")
    await alice.wait_for(lambda events: alice.replies_to(before) and alice.replies_to(after), timeout=60)
    await asyncio.sleep(2)
    assert len(alice.replies_to(before)) == 1 and len(alice.replies_to(after)) == 1
    assert events_in_db(bot) == ["Nach dem Ausfall"]
    assert "eventbot stopped" not in bot.log()


async def test_sigkill_in_the_middle_of_a_burst(make_bot, make_user, joined):
    bot, alice, room = await setup_room(make_bot, make_user, joined)
    commands = [
        await alice.send(room, f"!event add Burst {n:02d} | {1 + n % 28:02d}.07.{YEAR} {8 + n % 12}:00 | online")
        for n in range(50)
    ]
    await alice.wait_for(lambda events: sum(1 for c in commands if alice.replies_to(c)) >= 5, timeout=60)
    bot.stop(signal.SIGKILL)
    bot.start()
    await alice.wait_for(lambda events: all(alice.replies_to(c) for c in commands), timeout=120)
    await asyncio.sleep(2)
    assert [len(alice.replies_to(c)) for c in commands] == [1] * 50
    assert sorted(events_in_db(bot)) == [f"Burst {n:02d}" for n in range(50)]


async def test_locked_database_gets_an_error_reply_and_stores_nothing(make_bot, make_user, joined):
    bot, alice, room = await setup_room(make_bot, make_user, joined)
    await alice.ask(room, "!help")  # the bot has settled in the room
    lock = sqlite3.connect(bot.directory / "data" / "eventbot.db", isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        reply = await alice.ask(room, f"!event add Gesperrt | 02.06.{YEAR} 19:00 | online", timeout=30)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert "Datenbank" in reply and "nichts gespeichert" in reply and "Referenz" in reply
    assert events_in_db(bot) == []
    later = await alice.ask(room, f"!event add Danach | 03.06.{YEAR} 19:00 | online", timeout=30)
    assert "Eingetragen" in later and events_in_db(bot) == ["Danach"]


async def test_rate_limited_burst_all_replies_in_order(own_homeserver, make_bot, make_user, joined):
    bot, alice, room = await setup_room(make_bot, make_user, joined)
    own_homeserver.exempt_from_rate_limits(alice.user.user_id)  # alice may flood; the bot must wait its turn
    commands = [await alice.send(room, f"!help event {n}") for n in range(20)]
    await alice.wait_for(lambda events: all(alice.replies_to(c) for c in commands), timeout=120)
    assert [len(alice.replies_to(c)) for c in commands] == [1] * 20
    positions = [alice.events.index(alice.replies_to(c)[0]) for c in commands]
    assert positions == sorted(positions)
    assert "429" in bot.log() or "ratelimited" in bot.log()
