"""Reminders on the real homeserver: on time, once, across a crash, late after downtime, with RSVPs."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def reminders_seen(chat, room_id: str) -> list[dict]:
    return [
        e
        for e in chat.events
        if e.get("room_id") == room_id and e.get("content", {}).get("body", "").removeprefix("@room ").startswith("⏰")
    ]


async def event_soon(alice, room: str, title: str, due_in: float) -> tuple[str, datetime]:
    """An event starting at a whole minute at least two minutes ahead, with a lead time making it due soon."""
    now = datetime.now(BERLIN)
    start = (now + timedelta(minutes=3)).replace(second=0, microsecond=0)
    lead = int((start - now).total_seconds() - due_in)
    assert "Gespeichert" in await alice.ask(room, f"!reminders {lead}s")
    command = await alice.send(room, f"!event add {title} | {start:%d.%m.%Y %H:%M} | online")
    return command, start


async def test_reminder_arrives_once_with_rsvp_mentions(room):
    bot, alice, bob, room = room
    command, start = await event_soon(alice, room, "Datenabend", due_in=6)
    announcement = await alice.reply_to(command)
    await bob.react(room, announcement["event_id"], "👍")
    assert bob.user.user_id in await alice.ask(room, "!event who #1")

    await alice.wait_for(lambda events: reminders_seen(alice, room), timeout=30)
    reminder = reminders_seen(alice, room)[0]
    assert reminder["sender"] == bot.user.user_id and reminder["content"]["msgtype"] == "m.notice"
    assert "Datenabend" in reminder["content"]["body"] and f"{start:%H:%M}" in reminder["content"]["body"]
    assert "verspätet" not in reminder["content"]["body"]
    assert reminder["content"]["m.mentions"] == {"user_ids": [bob.user.user_id]}
    assert bob.user.user_id in reminder["content"]["formatted_body"]

    # killed right after sending and started again: no second copy
    bot.stop(signal.SIGKILL)
    bot.start()
    marker = await alice.send(room, "!help")
    await alice.reply_to(marker)
    await asyncio.sleep(2)
    assert len(reminders_seen(alice, room)) == 1


async def test_resending_after_a_crash_is_deduplicated(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    await event_soon(alice, room, "Einmalig", due_in=4)
    await alice.wait_for(lambda events: reminders_seen(alice, room), timeout=30)
    bot.stop(signal.SIGKILL)
    # the crash came between sending and recording: the outbox still holds the message as unsent
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        assert db.execute("UPDATE outbox SET sent_event_id = NULL").rowcount == 1
    bot.start()
    marker = await alice.send(room, "!help")
    await alice.reply_to(marker)
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        for _ in range(50):
            if db.execute("SELECT count(*) FROM outbox WHERE sent_event_id IS NULL").fetchone()[0] == 0:
                break
            await asyncio.sleep(0.1)
        sent = db.execute("SELECT sent_event_id FROM outbox").fetchone()[0]
    await asyncio.sleep(1)
    seen = reminders_seen(alice, room)
    assert len(seen) == 1 and seen[0]["event_id"] == sent


async def test_reminder_due_while_stopped_arrives_late_once(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    command, _ = await event_soon(alice, room, "Verpasst", due_in=20)
    await alice.reply_to(command)
    bot.stop()
    # lead times are re-read from the database; move the due time into the downtime
    await asyncio.sleep(1)
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        (lead,) = db.execute("SELECT event_lead_times FROM rooms WHERE room_id = ?", (room,)).fetchone()
        db.execute("UPDATE rooms SET event_lead_times = ? WHERE room_id = ?", (f"[{int(lead.strip('[]')) + 90}]", room))
        # and the event into the past of the due time: it was announced long before (else the reminder is moot)
        db.execute("UPDATE events SET created_at = created_at - 3600, scheduled_at = scheduled_at - 3600")
    bot.start()
    await alice.wait_for(lambda events: reminders_seen(alice, room), timeout=30)
    await asyncio.sleep(2)
    seen = reminders_seen(alice, room)
    assert len(seen) == 1 and "verspätet" in seen[0]["content"]["body"]


async def test_withdrawn_rsvp_and_cancelled_event_notice(room):
    _, alice, bob, room = room
    day = (datetime.now(BERLIN) + timedelta(days=20)).strftime("%d.%m.%Y")
    command = await alice.send(room, f"!event add Sommerfest | {day} 18:00 | Hof")
    announcement = await alice.reply_to(command)
    reaction = await bob.react(room, announcement["event_id"], "👍🏽")
    assert bob.user.user_id in await alice.ask(room, "!event who #1")
    await bob.client.room_redact(room, reaction)
    await asyncio.sleep(0.5)
    assert "Noch keine Zusagen" in await alice.ask(room, "!event who #1")
    await bob.react(room, announcement["event_id"], "👍")
    await alice.ask(room, "!event who #1")
    assert "Abgesagt" in await alice.ask(room, "!event cancel #1")
    notices = await alice.wait_for(
        lambda events: any("Bescheid an alle" in e.get("content", {}).get("body", "") for e in events)
    )
    assert notices[0]["content"]["m.mentions"] == {"user_ids": [bob.user.user_id]}


async def test_room_mention_only_when_enabled_and_the_bot_may(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    assert "@room in Erinnerungen an" in await alice.ask(room, "!settings roommention on")
    await event_soon(alice, room, "Ohne Macht", due_in=4)
    await alice.wait_for(lambda events: reminders_seen(alice, room), timeout=30)
    first = reminders_seen(alice, room)[0]["content"]
    assert "room" not in first["m.mentions"] and not first["body"].startswith("@room")  # power 0: no @room

    power = await alice.client.room_get_state_event(room, "m.room.power_levels")
    levels = dict(power.content)
    levels["users"] = {**levels.get("users", {}), bot.user.user_id: 50}
    await alice.client.room_put_state(room, "m.room.power_levels", levels)
    await asyncio.sleep(0.5)
    await event_soon(alice, room, "Mit Macht", due_in=4)
    await alice.wait_for(lambda events: len(reminders_seen(alice, room)) >= 2, timeout=30)
    second = [e for e in alice.events if e.get("content", {}).get("body", "").startswith("@room ⏰")]
    assert second and second[0]["content"]["m.mentions"].get("room") is True
