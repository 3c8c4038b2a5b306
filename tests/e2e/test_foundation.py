"""The frame: join on invite, !help, restart without double answers, catch-up after downtime."""

from __future__ import annotations

import signal
import time

from bot.app import txn_id_for


async def test_joins_on_invite_and_answers_help(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    assert await joined(alice, room, bot.user.user_id, timeout=5) < 5

    started = time.monotonic()
    help_id = await alice.send(room, "!help")
    reply = await alice.reply_to(help_id, timeout=5)
    assert time.monotonic() - started < 1.0
    assert reply["sender"] == bot.user.user_id
    assert reply["content"]["msgtype"] == "m.notice"
    assert "!help" in reply["content"]["body"]
    assert "<code>!help" in reply["content"]["formatted_body"]


async def test_unknown_command_and_own_and_notice_messages(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    notice_id = await alice.send(room, "!help", msgtype="m.notice")
    plain_id = await alice.send(room, "just chatting, no command")
    other_bot = await alice.send(room, "!remindme in 2 days; Müll rausbringen")
    typo = await alice.ask(room, "!evnet list")
    assert "!evnet" in typo and "!event" in typo and "!help" in typo
    # the typo was answered after the earlier messages, which got nothing: another bot's command is not ours
    assert alice.replies_to(notice_id) == [] and alice.replies_to(plain_id) == []
    assert alice.replies_to(other_bot) == []


async def test_history_before_join_is_ignored(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[])
    early = await alice.send(room, "!help")
    await alice.client.room_invite(room, bot.user.user_id)
    await joined(alice, room, bot.user.user_id)
    late = await alice.send(room, "!help")
    await alice.reply_to(late)
    assert alice.replies_to(early) == []


async def test_restart_answers_nothing_twice_and_catches_up(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    before = await alice.send(room, "!help")
    await alice.reply_to(before)

    bot.stop(signal.SIGKILL)
    sent_while_down = [await alice.send(room, f"!help event {i}") for i in range(25)]
    bot.start()
    after = await alice.send(room, "!help")
    await alice.reply_to(after, timeout=15)
    await alice.wait_for(lambda events: all(alice.replies_to(e) for e in sent_while_down), timeout=15)

    for event_id in [before, *sent_while_down, after]:
        assert len(alice.replies_to(event_id)) == 1, event_id
    # in order: each catch-up reply comes after the previous one
    positions = [alice.events.index(alice.replies_to(e)[0]) for e in sent_while_down]
    assert positions == sorted(positions)


async def test_invite_allowlist_refuses_strangers(make_bot, make_user):
    bot = make_bot(extra='invite_allowlist = ["@nobody:elsewhere.org"]\n')
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await alice.wait_for(
        lambda events: any(
            e.get("type") == "m.room.member"
            and e.get("state_key") == bot.user.user_id
            and e.get("content", {}).get("membership") == "leave"
            and e.get("room_id") == room
            for e in events
        )
    )
    assert "refusing invite" in bot.log()


def test_txn_ids_are_stable_and_distinct():
    assert txn_id_for("reply", "$a") == txn_id_for("reply", "$a")
    assert txn_id_for("reply", "$a") != txn_id_for("reply", "$b")
    assert txn_id_for("reply", "$a") != txn_id_for("reaction", "$a")
