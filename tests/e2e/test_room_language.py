"""A reply language per room on the real homeserver: one room switched to English, another one staying German."""

from __future__ import annotations

from tests.e2e.test_reminders import event_soon, reminders_seen


async def test_a_room_switched_to_english_gets_english_replies_and_reminders_another_stays_german(
    make_bot, make_user, joined
):
    bot = make_bot()
    alice = await make_user("alice")
    english = await alice.create_room(invite=[bot.user.user_id])
    german = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, english, bot.user.user_id)
    await joined(alice, german, bot.user.user_id)
    # both reminders are set up while both rooms are German; the language is the room's when a reminder is due
    await event_soon(alice, german, "Datenabend", due_in=5)
    await event_soon(alice, english, "Data evening", due_in=5)

    assert (await alice.ask(english, "!settings language en")).startswith("Saved. Settings of this room:")

    assert await alice.ask(english, "!event delete #9") == "There is no event #9 in this room."
    assert (await alice.ask(english, "!help")).startswith("eventbot commands")
    assert await alice.ask(german, "!event delete #9") == "In diesem Raum gibt es keine Veranstaltung #9."
    assert (await alice.ask(german, "!help")).startswith("Befehle von eventbot")
    await alice.wait_for(lambda events: reminders_seen(alice, english) and reminders_seen(alice, german), timeout=15)
    assert reminders_seen(alice, english)[0]["content"]["body"].startswith("⏰ Reminder: Data evening\ntoday, ")
    assert reminders_seen(alice, german)[0]["content"]["body"].startswith("⏰ Erinnerung: Datenabend\nheute, ")
