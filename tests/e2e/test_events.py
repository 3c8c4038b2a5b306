"""Events through the chat on a real homeserver: add, list, edit, cancel, delete, approve, permissions, replays."""

from __future__ import annotations

import signal
import sqlite3
from datetime import date

YEAR = date.today().year + 1


def stored_events(bot) -> list[sqlite3.Row]:
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM events ORDER BY id").fetchall()


async def test_add_echoes_understanding_and_lists(room):
    bot, alice, bob, room_id = room
    reply = await alice.ask(
        room_id,
        f"!event add Jugend editiert | 04.12.{YEAR} 18:00-21:00 | "
        "WikiBär, Köpenicker Straße 45, 10179 Berlin | https://example.org/je",
    )
    number = int(reply.split("#", 1)[1].split(":", 1)[0])
    assert f"#{number}" in reply
    weekday = {0: "Montag", 1: "Dienstag", 2: "Mittwoch", 3: "Donnerstag", 4: "Freitag", 5: "Samstag", 6: "Sonntag"}[
        date(YEAR, 12, 4).weekday()
    ]
    assert f"{weekday}, 04.12.{YEAR}, 18:00-21:00" in reply
    assert "WikiBär, Köpenicker Straße 45" in reply and "https://example.org/je" in reply

    multi = await bob.ask(
        room_id,
        f"!event add\nTitel: Datenspaziergang\nWann: 2.12.{YEAR} 10:00\nWo: online\nLink: https://example.org/ds",
    )
    assert "online" in multi
    listing = await bob.ask(room_id, f"!event list dezember {YEAR}")
    assert listing.index("Datenspaziergang") < listing.index("Jugend editiert")
    rows = stored_events(bot)
    assert [row["title"] for row in rows] == ["Jugend editiert", "Datenspaziergang"]
    assert rows[0]["timezone"] == "Europe/Berlin" and rows[0]["start_local"] == f"{YEAR}-12-04T18:00"


async def test_bad_input_says_what_and_stores_nothing(room):
    bot, alice, _, room_id = room
    impossible = await alice.ask(room_id, f"!event add Test | 31.02.{YEAR} 18:00 | online")
    assert f"31.02.{YEAR}" in impossible and "gibt es nicht" in impossible and "Beispiel" in impossible
    past = await alice.ask(room_id, "!event add Test | 04.12.2020 18:00")
    assert "Vergangenheit" in past
    backwards = await alice.ask(room_id, f"!event add Test | 04.12.{YEAR} 21:00-18:00")
    assert "vor dem Beginn" in backwards
    bad_link = await alice.ask(room_id, f"!event add Test | 04.12.{YEAR} 18:00 | online | javascript:alert(1)")
    assert "http" in bad_link
    missing = await alice.ask(room_id, "!event add Nur ein Titel")
    assert "Wann" in missing and "!event add" in missing
    too_long = await alice.ask(room_id, f"!event add {'x' * 201} | 04.12.{YEAR} 18:00")
    assert "200" in too_long
    assert stored_events(bot) == []


async def test_edit_cancel_delete_and_permissions(room):
    bot, alice, bob, room_id = room
    await bob.ask(room_id, f"!event add Bobs Treffen | 10.12.{YEAR} 19:00 | online")
    await alice.ask(room_id, f"!event add Alices Treffen | 11.12.{YEAR} 19:00 | online")
    bobs, alices = (row["id"] for row in stored_events(bot))

    refused = await bob.ask(room_id, f"!event edit #{alices} title Übernommen")
    assert "Das dürfen nur" in refused
    refused_delete = await bob.ask(room_id, f"!event delete #{alices}")
    assert "Das dürfen nur" in refused_delete
    assert [row["title"] for row in stored_events(bot)] == ["Bobs Treffen", "Alices Treffen"]

    edited = await bob.ask(room_id, f"!event edit #{bobs} when 12.12.{YEAR} 18:00-21:00")
    assert f"12.12.{YEAR}, 18:00-21:00" in edited
    cancelled = await alice.ask(room_id, f"!event cancel #{bobs}")
    assert "Abgesagt" in cancelled
    shown = await bob.ask(room_id, f"!event show #{bobs}")
    assert "abgesagt" in shown
    deleted = await alice.ask(room_id, f"!termin löschen #{alices}")
    assert "Gelöscht" in deleted
    rows = stored_events(bot)
    assert [(row["title"], row["status"], row["start_local"]) for row in rows] == [
        ("Bobs Treffen", "cancelled", f"{YEAR}-12-12T18:00")
    ]
    missing = await alice.ask(room_id, f"!event show #{alices}")
    assert f"#{alices}" in missing and "keine" in missing


async def test_approval_by_command_and_reaction(room):
    bot, alice, bob, room_id = room
    refused = await bob.ask(room_id, "!settings approval on")
    assert "Das dürfen nur" in refused
    assert "Freigabe an" in await alice.ask(room_id, "!settings approval on")

    first_id = await bob.send(room_id, f"!event add Wartet | 13.12.{YEAR} 19:00 | online")
    first_reply = await bob.reply_to(first_id)
    assert "Freigabe" in first_reply["content"]["body"]
    await bob.ask(room_id, f"!event add Wartet auch | 14.12.{YEAR} 19:00 | online")
    first, second = (row["id"] for row in stored_events(bot))
    assert "Keine anstehenden" in await bob.ask(room_id, "!event list")

    # bob's own ✅ does nothing; alice's approves
    await bob.react(room_id, first_reply["event_id"], "✅")
    approved = await alice.send(room_id, "!help")  # a marker: the bot has processed bob's reaction before this
    await alice.reply_to(approved)
    assert [row["status"] for row in stored_events(bot)] == ["pending", "pending"]
    await alice.react(room_id, first_reply["event_id"], "✅")
    await alice.wait_for(lambda events: any("Freigegeben" in e.get("content", {}).get("body", "") for e in events))
    rejected = await alice.ask(room_id, f"!event reject #{second} kein Bezug")
    assert "Abgelehnt" in rejected and "kein Bezug" in rejected
    assert [row["status"] for row in stored_events(bot)] == ["approved", "rejected"]
    listing = await bob.ask(room_id, "!event list")
    assert "Wartet" in listing and "Wartet auch" not in listing and f"#{first}" in listing


async def test_rooms_do_not_see_each_other(room, make_user):
    bot, alice, _, room_id = room
    carol = await make_user("carol")
    other = await carol.create_room(invite=[bot.user.user_id])
    await carol.wait_for(
        lambda events: any(
            e.get("state_key") == bot.user.user_id and e.get("content", {}).get("membership") == "join" for e in events
        )
    )
    await alice.ask(room_id, f"!event add Geheim | 15.12.{YEAR} 19:00 | online")
    secret = stored_events(bot)[0]["id"]
    assert "Keine anstehenden" in await carol.ask(other, "!event list")
    assert "keine" in await carol.ask(other, f"!event show #{secret}")
    assert "keine" in await carol.ask(other, f"!event delete #{secret}")
    assert "Nichts gefunden" in await carol.ask(other, "!event search Geheim")
    assert len(stored_events(bot)) == 1


async def test_duplicates_and_search(room):
    bot, alice, bob, room_id = room
    await alice.ask(room_id, f"!event add Open Data Day | 07.03.{YEAR} 10:00 | Stadtbibliothek Leipzig")
    dup = await bob.ask(room_id, f"!event add open data day | 07.03.{YEAR} 10:00 | woanders")
    assert "gibt es schon" in dup
    found = await bob.ask(room_id, "!event search stadtbibliothek")
    assert "Open Data Day" in found
    assert len(stored_events(bot)) == 1


async def test_replayed_command_does_not_double_the_event(room):
    bot, alice, _, room_id = room
    await alice.ask(room_id, "!help")
    # the bot crashes after storing but before it can remember the command as handled
    bot.stop(signal.SIGKILL)
    command_id = await alice.send(room_id, f"!event add Einmal | 16.12.{YEAR} 19:00 | online")
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        token_before = db.execute("SELECT value FROM kv WHERE key = 'sync.token'").fetchone()[0]
    bot.start()
    await alice.reply_to(command_id)
    bot.stop(signal.SIGKILL)
    with sqlite3.connect(bot.directory / "data" / "eventbot.db") as db:
        # replay: rewind the sync token and forget that the command was handled
        db.execute("UPDATE kv SET value = ? WHERE key = 'sync.token'", (token_before,))
        db.execute("DELETE FROM handled_events WHERE event_id = ?", (command_id,))
    bot.start()
    marker = await alice.send(room_id, "!help")
    await alice.reply_to(marker)
    assert [row["title"] for row in stored_events(bot)] == ["Einmal"]
    # the second answer reused the first one's transaction id: the room still shows a single reply
    assert len(alice.replies_to(command_id)) == 1


async def test_html_in_titles_stays_text(room):
    _, alice, _, room_id = room
    event_id = await alice.send(room_id, f"!event add <b>laut</b> **fett** | 17.12.{YEAR} 19:00 | <i>ort</i>")
    reply = await alice.reply_to(event_id)
    html = reply["content"]["formatted_body"]
    assert "&lt;b&gt;laut&lt;/b&gt; fett" in html and "<i>" not in html  # Markdown emphasis: the plain words
    assert "<b>laut</b> fett" in reply["content"]["body"]


async def test_moderator_power_survives_a_restart(room):
    bot, alice, bob, room_id = room
    await bob.ask(room_id, f"!event add Nach dem Neustart | 18.12.{YEAR} 19:00 | online")
    number = stored_events(bot)[0]["id"]
    bot.stop()
    bot.start()
    assert "Abgesagt" in await alice.ask(room_id, f"!event cancel #{number}")
    assert "Das dürfen nur" in await bob.ask(room_id, "!settings timezone Europe/London")
