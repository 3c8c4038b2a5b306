"""The core on the real homeserver: rooms answered side by side, exactly once across a kill, fair rate limits."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web

from bot.homeserver import free_port

BERLIN = ZoneInfo("Europe/Berlin")
YEAR = date.today().year + 1
SLOW_S = 8.0


def calendar(count: int) -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:slow-{n}@example.org\r\nSUMMARY:Langsamer Abend {n}\r\n"
        f"DTSTART;TZID=Europe/Berlin:{YEAR}0{n % 9 + 1}10T190000\r\nEND:VEVENT\r\n"
        for n in range(count)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n".encode()


class SlowServer:
    """A loopback calendar server that takes its time (as long as `delay` says) and counts requests."""

    def __init__(self) -> None:
        self.delay = SLOW_S
        self.requests = 0
        self.started = asyncio.Event()
        self.port = free_port()

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        self.started.set()
        await asyncio.sleep(self.delay)
        return web.Response(body=calendar(5), content_type="text/calendar")


@pytest.fixture
async def slow_server() -> AsyncIterator[SlowServer]:
    server = SlowServer()
    app = web.Application()
    app.router.add_get("/slow.ics", server.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", server.port).start()
    yield server
    await runner.cleanup()


async def two_rooms(make_bot, make_user, joined, **bot_options):
    bot = make_bot(extra='\n[import]\nallowed_hosts = ["127.0.0.1"]\n', **bot_options)
    alice = await make_user("alice")
    room_a = await alice.create_room(invite=[bot.user.user_id])
    room_b = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room_a, bot.user.user_id)
    await joined(alice, room_b, bot.user.user_id)
    return bot, alice, room_a, room_b


async def test_a_slow_import_in_one_room_does_not_hold_up_another(make_bot, make_user, joined, slow_server):
    _, alice, room_a, room_b = await two_rooms(make_bot, make_user, joined)
    importing = await alice.send(room_a, f"!event import http://127.0.0.1:{slow_server.port}/slow.ics")
    await asyncio.wait_for(slow_server.started.wait(), 10)

    started = time.monotonic()
    listing = await alice.ask(room_b, "!event list", timeout=SLOW_S)
    waited = time.monotonic() - started

    assert waited < 2.0, f"room B waited {waited:.1f} s behind room A's import"
    assert "Keine" in listing or "keine" in listing
    report = (await alice.reply_to(importing, timeout=SLOW_S + 15))["content"]["body"]
    assert report.startswith("Import: 5 neu")


async def test_killed_during_a_slow_import_nothing_is_answered_twice(make_bot, make_user, joined, slow_server):
    bot, alice, room_a, room_b = await two_rooms(make_bot, make_user, joined)
    importing = await alice.send(room_a, f"!event import http://127.0.0.1:{slow_server.port}/slow.ics")
    await asyncio.wait_for(slow_server.started.wait(), 10)
    asked = await alice.send(room_b, "!help")
    await alice.reply_to(asked, timeout=5)

    bot.stop(signal.SIGKILL)
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0  # wholly out
    slow_server.delay = 0.0
    bot.start()

    report = (await alice.reply_to(importing, timeout=20))["content"]["body"]
    assert report.startswith("Import: 5 neu")  # answered after the restart, the import wholly in
    marker = await alice.send(room_b, "!event list")
    await alice.reply_to(marker, timeout=10)
    await asyncio.sleep(1.5)
    assert len(alice.replies_to(importing)) == 1
    assert len(alice.replies_to(asked)) == 1
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 5


def refused_count(body: str) -> int:
    """How many commands a refusal covers: "Nicht ausgeführt: …" is one, "7 Befehle nicht ausgeführt: …" seven."""
    if body.startswith("Nicht ausgeführt"):
        return 1
    match = re.match(r"(\d+) Befehle nicht ausgeführt", body)
    return int(match.group(1)) if match else 0


async def test_a_moderator_setting_up_is_never_limited_and_a_member_is_told(make_bot, make_user, joined):
    bot = make_bot(rate_limit=None)  # the default limits: a burst of 20, then 10 a minute
    alice = await make_user("alice")
    bob = await make_user("bob")
    room = await alice.create_room(invite=[bot.user.user_id, bob.user.user_id])
    await bob.join(room)
    await joined(alice, room, bot.user.user_id)

    meetups = [
        await alice.send(
            room,
            f"!meetup add Leipzig {n} | jeden ersten Montag im Monat | 19:00 | "
            f"Basislager | OKLab {n} | https://codefor.de/leipzig/",
        )
        for n in range(12)
    ]
    for command in meetups:
        assert "#" in (await alice.reply_to(command, timeout=20))["content"]["body"]

    start = datetime.now(BERLIN) + timedelta(days=30)
    commands = [await bob.send(room, f"!event add Abend {n} | {start:%d.%m.%Y} 19:00 | online") for n in range(30)]

    def answers() -> list[str]:
        return [reply["content"]["body"] for c in commands for reply in bob.replies_to(c)]

    await bob.wait_for(lambda events: sum(refused_count(body) or 1 for body in answers()) >= 30, timeout=40)
    answers = answers()
    stored = [body for body in answers if "#" in body and not refused_count(body)]
    refused = sum(refused_count(body) for body in answers)

    assert 20 <= len(stored) <= 21  # the burst, plus at most one token refilled while bob typed
    assert len(stored) + refused == 30  # every command answered: carried out or "nicht ausgeführt"
    assert "in " in next(body for body in answers if refused_count(body))  # says when to try again
    listed = await alice.ask(room, "!event list")
    assert len(re.findall(r"Abend \d+", listed)) == len(stored)
    assert all(len(alice.replies_to(c)) == 1 for c in meetups)


async def test_an_event_added_inside_its_lead_time_gets_no_instant_late_reminder(room):
    _, alice, _, room = room
    now = datetime.now(BERLIN)
    start = (now + timedelta(minutes=3)).replace(second=0, microsecond=0)
    lead = int((start - now).total_seconds() - 6)
    assert "Gespeichert" in await alice.ask(room, f"!reminders 1d {lead}s")
    command = await alice.send(room, f"!event add Kurzfristig | {start:%d.%m.%Y %H:%M} | online")
    await alice.reply_to(command)

    def reminders() -> list[str]:
        return [
            e["content"]["body"]
            for e in alice.events
            if e.get("room_id") == room and e.get("content", {}).get("body", "").startswith("⏰")
        ]

    await alice.wait_for(lambda events: reminders(), timeout=30)
    await asyncio.sleep(1.5)
    assert len(reminders()) == 1  # the lead time that fell due before the event existed sends nothing
    assert "verspätet" not in reminders()[0] and "Kurzfristig" in reminders()[0]


def test_a_busy_http_port_ends_the_start_with_a_clear_message(make_bot):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = make_bot(extra=f'\n[http]\nenabled = true\nhost = "127.0.0.1"\nport = {port}\n', start=False)
        bot.start(wait_ready=False)
        assert bot.process is not None
        status = bot.process.wait(timeout=30)
    log = bot.log()
    assert status == 2
    assert f"127.0.0.1:{port}" in log and "Traceback" not in log
    assert "eventbot is ready" not in log
