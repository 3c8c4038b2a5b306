"""End-to-end encryption: a real encrypting nio client in an encrypted room, before and after a bot restart."""

from __future__ import annotations

import asyncio
import io
import json
import os
import stat
import urllib.request
from datetime import date
from urllib.parse import quote

from nio import UploadResponse

YEAR = date.today().year + 1
ENCRYPTED_ROOM = [{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]


def raw_event_type(homeserver, chat, room: str, event_id: str) -> str:
    """The event as the homeserver stores it, not as the client decrypted it."""
    request = urllib.request.Request(
        f"{homeserver.url}/_matrix/client/v3/rooms/{quote(room)}/event/{quote(event_id)}",
        headers={"Authorization": f"Bearer {chat.user.access_token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["type"]


async def test_encrypted_room_before_and_after_restart(homeserver, make_bot, make_user, joined, tmp_path):
    bot = make_bot()
    (tmp_path / "alice-crypto").mkdir()
    alice = await make_user("alice", store_path=tmp_path / "alice-crypto")
    room = await alice.create_room(invite=[bot.user.user_id], initial_state=ENCRYPTED_ROOM)
    await joined(alice, room, bot.user.user_id)
    await asyncio.sleep(0.5)  # let the bot's device keys reach alice's device list

    command = await alice.send(room, f"!event add Verschlüsselt | 05.05.{YEAR} 19:00 | online")
    reply = await alice.reply_to(command, timeout=15)
    assert reply["sender"] == bot.user.user_id
    assert "Eingetragen als #1" in reply["content"]["body"]  # readable: alice decrypted it
    assert raw_event_type(homeserver, alice, room, reply["event_id"]) == "m.room.encrypted"  # on the wire

    bot.stop()
    bot.start()
    again = await alice.send(room, "!event list")
    listing = await alice.reply_to(again, timeout=15)
    assert "Verschlüsselt" in listing["content"]["body"]
    assert raw_event_type(homeserver, alice, room, listing["event_id"]) == "m.room.encrypted"
    # the same device, with its crypto store, came back
    log = bot.log()
    assert log.count("resumed session") == 1 and "cannot decrypt" not in log

    roundup = await alice.send(room, f"!roundup {date.today().month}")
    await alice.wait_for(lambda events: len(alice.replies_to(roundup)) >= 2, timeout=15)
    upload = alice.replies_to(roundup)[1]["content"]
    assert "file" in upload and "url" not in upload  # an encrypted attachment

    data = bot.directory / "data"
    for path in [data, data / "eventbot.db", data / "crypto"]:
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, path
    for secret in (bot.user.password, bot.user.access_token):
        assert secret not in log


async def test_import_of_an_encrypted_attachment(make_bot, make_user, joined, tmp_path):
    bot = make_bot()
    (tmp_path / "bob-crypto").mkdir()
    bob = await make_user("bob", store_path=tmp_path / "bob-crypto")
    room = await bob.create_room(invite=[bot.user.user_id], initial_state=ENCRYPTED_ROOM)
    await joined(bob, room, bot.user.user_id)
    await asyncio.sleep(0.5)
    feed = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:enc@t\r\n"
        b"DTSTAMP:20250101T000000Z\r\nDTSTART:"
        + f"{YEAR}0707T190000".encode()
        + b"\r\nSUMMARY:Geheimes Treffen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    upload, keys = await bob.client.upload(
        io.BytesIO(feed), content_type="text/calendar", filename="geheim.ics", filesize=len(feed), encrypt=True
    )
    assert isinstance(upload, UploadResponse) and keys
    command = await bob.send(
        room,
        "!event import",
        msgtype="m.file",
        filename="geheim.ics",
        file={"url": upload.content_uri, **keys},
        info={"mimetype": "text/calendar"},
    )
    assert "1 neu" in (await bob.reply_to(command, timeout=15))["content"]["body"]
    assert "Geheimes Treffen" in await bob.ask(room, f"!event list juli {YEAR}")
