"""Matrix conversation on the real homeserver, with messages shaped as Element sends them: edits, threads,
replies that name their event, direct chats and pills, quiet beside other bots."""

from __future__ import annotations

import asyncio
import signal
from datetime import date
from typing import Any

from nio import RoomCreateResponse

YEAR = date.today().year + 5


async def edit(chat, room: str, original: str, new_body: str) -> str:
    """An edit as Element sends it: `* ` fallback body, m.new_content, m.replace relation."""
    return await chat.send(
        room,
        f"* {new_body}",
        **{
            "m.new_content": {"msgtype": "m.text", "body": new_body},
            "m.relates_to": {"rel_type": "m.replace", "event_id": original},
        },
    )


def edits_of(chat, event_id: str) -> list[dict[str, Any]]:
    return [
        e
        for e in chat.events
        if e.get("content", {}).get("m.relates_to", {}).get("rel_type") == "m.replace"
        and e["content"]["m.relates_to"].get("event_id") == event_id
    ]


async def reply_in_element(chat, room: str, target: dict[str, Any], body: str) -> str:
    """A rich reply with the fallback quote Element (still) writes."""
    quoted = "\n".join(f"> {line}" for line in target["content"]["body"].splitlines())
    return await chat.send(
        room,
        f"> <{target['sender']}> {quoted[2:]}\n\n{body}",
        **{"m.relates_to": {"m.in_reply_to": {"event_id": target["event_id"]}}},
    )


async def test_an_edit_carries_out_a_failed_command_and_updates_a_stored_one(room):
    bot, alice, bob, room = room
    wrong = await alice.send(room, f"!event add Datenabend | 31.11.{YEAR} 18:00 | Basislager")
    error = await alice.reply_to(wrong)
    assert "gibt es nicht" in error["content"]["body"]

    await edit(alice, room, wrong, f"!event add Datenabend | 30.11.{YEAR} 18:00 | Basislager")
    await alice.wait_for(lambda events: edits_of(alice, error["event_id"]), timeout=10)
    fixed = edits_of(alice, error["event_id"])[0]
    assert fixed["sender"] == bot.user.user_id
    assert fixed["content"]["m.new_content"]["body"].startswith("Eingetragen als #1")
    assert "18:00" in fixed["content"]["m.new_content"]["body"]

    # the stored event, edited again from 18:00 to 19:00: the same #1, and the answer shows 19:00
    await edit(alice, room, wrong, f"!event add Datenabend | 30.11.{YEAR} 19:00 | Basislager")
    await alice.wait_for(lambda events: len(edits_of(alice, error["event_id"])) >= 2, timeout=10)
    latest = edits_of(alice, error["event_id"])[-1]["content"]["m.new_content"]["body"]
    assert latest.startswith("Eingetragen als #1") and "19:00" in latest
    listed = await alice.ask(room, "!event list")
    assert listed.count("Datenabend") == 1 and "19:00" in listed

    # someone else's "edit" of alice's command is no edit at all
    await edit(bob, room, wrong, f"!event add Fremd | 30.11.{YEAR} 20:00 | Basislager")
    marker = await alice.ask(room, "!event list")
    assert "Fremd" not in marker and len(edits_of(alice, error["event_id"])) == 2


async def test_commands_in_a_thread_are_answered_in_it(room):
    _bot, alice, _, room = room
    root = await alice.send(room, "Planung fürs Frühjahr")
    command = await alice.send(
        room,
        "!event list",
        **{
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root},
            }
        },
    )
    answer = await alice.reply_to(command)
    relation = answer["content"]["m.relates_to"]
    assert relation["rel_type"] == "m.thread" and relation["event_id"] == root
    assert relation["is_falling_back"] is False and relation["m.in_reply_to"]["event_id"] == command


async def test_a_reply_to_the_confirmation_names_the_event(room):
    _bot, alice, _, room = room
    added = await alice.send(room, f"!event add Kartenabend | 04.12.{YEAR} 18:00 | Basislager")
    confirmation = await alice.reply_to(added)

    edited = await reply_in_element(alice, room, confirmation, f"!event edit when 06.12.{YEAR} 19:00")
    assert (await alice.reply_to(edited))["content"]["body"].startswith("Geändert: #1")
    cancel = await reply_in_element(alice, room, confirmation, "!event cancel")
    cancelled = (await alice.reply_to(cancel))["content"]["body"]
    assert "abgesagt" in cancelled.casefold() and "#1" in cancelled

    # the confirmation people reacted to now tells the truth: moved, then cancelled
    await alice.wait_for(
        lambda events: any(
            "abgesagt" in e["content"]["m.new_content"]["body"] for e in edits_of(alice, confirmation["event_id"])
        ),
        timeout=15,
    )
    bodies = [e["content"]["m.new_content"]["body"] for e in edits_of(alice, confirmation["event_id"])]
    assert any("06.12." in body and "19:00" in body for body in bodies)


async def test_quiet_beside_other_bots_and_markdown_titles(room):
    _bot, alice, _, room = room
    others = [await alice.send(room, body) for body in ("!remindme in 2 days; Müll", "!poll Pizza?", "!ping")]
    typo = await alice.ask(room, "!evnet list")
    assert "!event" in typo
    added = await alice.ask(room, f"!event add **Open Data Day** | 07.03.{YEAR} 10:00 | _Rathaus_")
    assert "Open Data Day" in added and "**" not in added and "_Rathaus_" not in added
    await asyncio.sleep(1)
    assert all(alice.replies_to(other) == [] for other in others)


async def test_direct_chats_and_pills_need_no_prefix(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    response = await alice.client.room_create(invite=[bot.user.user_id], is_direct=True)
    assert isinstance(response, RoomCreateResponse)
    direct = response.room_id
    await joined(alice, direct, bot.user.user_id)
    assert "Befehle" in await alice.ask(direct, "hilfe")
    chatter = await alice.send(direct, "danke!")

    bob = await make_user("bob")
    group = await alice.create_room(invite=[bot.user.user_id, bob.user.user_id])
    await bob.join(group)
    await joined(alice, group, bot.user.user_id)
    pill = await alice.send(
        group,
        f"{bot.user.user_id}: !help",
        **{"m.mentions": {"user_ids": [bot.user.user_id]}},
    )
    assert "Befehle" in (await alice.reply_to(pill))["content"]["body"]
    plain = await alice.send(group, "help")
    marker = await alice.ask(group, "!help")
    assert "Befehle" in marker
    assert alice.replies_to(plain) == [] and alice.replies_to(chatter) == []


async def test_an_edit_sent_while_the_bot_was_down_is_handled_once(room):
    bot, alice, _, room = room
    added = await alice.send(room, f"!event add Offline | 04.12.{YEAR} 18:00 | Basislager")
    confirmation = await alice.reply_to(added)
    bot.stop(signal.SIGTERM)
    await edit(alice, room, added, f"!event add Offline | 04.12.{YEAR} 20:00 | Basislager")
    bot.start()
    await alice.wait_for(lambda events: edits_of(alice, confirmation["event_id"]), timeout=20)
    bot.stop(signal.SIGKILL)
    bot.start()
    listed = await alice.ask(room, "!event list")
    await asyncio.sleep(1)
    assert listed.count("Offline") == 1 and "20:00" in listed
    assert len(edits_of(alice, confirmation["event_id"])) == 1


async def test_an_edit_of_a_command_whose_event_was_deleted(room):
    _bot, alice, _, room = room
    added = await alice.send(room, f"!event add Weg | 04.12.{YEAR} 18:00 | Basislager")
    await alice.reply_to(added)
    assert (await alice.ask(room, "!event delete #1")).startswith("Gelöscht: #1")
    edited = await edit(alice, room, added, f"!event add Weg | 04.12.{YEAR} 19:00 | Basislager")
    answer = (await alice.reply_to(edited))["content"]["body"]
    assert "gelöscht" in answer
    assert "Keine" in await alice.ask(room, "!event list") or "keine" in await alice.ask(room, "!event list")
