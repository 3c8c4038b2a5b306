"""Calendars on the real homeserver: import as a file upload, .ics export, feeds, the HTTP subscription feed."""

from __future__ import annotations

import asyncio
import io
from datetime import date
from pathlib import Path

import aiohttp
from aiohttp import web
from ical.calendar_stream import IcsCalendarStream
from nio import UploadResponse

from bot.homeserver import free_port

DATA = Path(__file__).parent.parent / "data"
YEAR = date.today().year + 1


async def upload_file(chat, room: str, data: bytes, filename: str, caption: str) -> str:
    upload, _ = await chat.client.upload(
        io.BytesIO(data), content_type="text/calendar", filename=filename, filesize=len(data)
    )
    assert isinstance(upload, UploadResponse)
    return await chat.send(
        room,
        caption,
        msgtype="m.file",
        filename=filename,
        url=upload.content_uri,
        info={"mimetype": "text/calendar", "size": len(data)},
    )


async def test_import_reference_feed_as_upload_and_export(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    command = await upload_file(
        alice, room, (DATA / "events-feed-2025-12-12.ics").read_bytes(), "events.ics", "!event import"
    )
    report = (await alice.reply_to(command, timeout=30))["content"]["body"]
    assert "359 neu" not in report  # events and meetups are counted together:
    assert report.startswith("Import: 368 neu, 0 aktualisiert, 0 unverändert, 7 doppelt in der Datei")
    found = await alice.ask(room, "!event search Jugend editiert")
    assert "Donnerstag, 04.12.2025, 18:00-21:00" in found
    number = next(line for line in found.splitlines() if "04.12.2025" in line).split()[0]

    again = await upload_file(
        alice, room, (DATA / "events-feed-2025-12-12.ics").read_bytes(), "events.ics", "!event import"
    )
    assert "0 neu, 0 aktualisiert, 368 unverändert" in (await alice.reply_to(again, timeout=30))["content"]["body"]

    export = await alice.send(room, f"!event ics {number}")
    await alice.wait_for(lambda events: len(alice.replies_to(export)) >= 2)
    upload = alice.replies_to(export)[1]
    assert upload["content"]["msgtype"] == "m.file" and upload["content"]["info"]["mimetype"] == "text/calendar"
    body = (await alice.client.download(upload["content"]["url"])).body.decode()
    calendar = IcsCalendarStream.calendar_from_ics(body)
    assert calendar.events[0].summary == "Jugend editiert"
    assert "TZID=Europe/Berlin" in body

    bad = await upload_file(alice, room, b"this is no calendar", "x.ics", "!event import")
    assert "nichts geändert" in (await alice.reply_to(bad))["content"]["body"]


async def test_import_by_reply_and_refused_private_url(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    feed = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:x@t\r\n"
        b"DTSTAMP:20250101T000000Z\r\nDTSTART:"
        + f"{YEAR}0301T190000".encode()
        + b"\r\nSUMMARY:Per Antwort\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    file_event = await upload_file(alice, room, feed, "termin.ics", "termin.ics")
    reply = await alice.send(room, "!event import", **{"m.relates_to": {"m.in_reply_to": {"event_id": file_event}}})
    assert "1 neu" in (await alice.reply_to(reply))["content"]["body"]
    refused = await alice.ask(room, "!event import http://169.254.169.254/latest/meta-data")
    assert "internes Netz" in refused
    refused = await alice.ask(room, f"!feed add http://127.0.0.1:{free_port()}/x.ics")
    assert "internes Netz" in refused


async def test_feed_subscription_and_http_calendar(make_bot, make_user, joined):
    served = {"body": b""}
    app = web.Application()

    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=served["body"], content_type="text/calendar")

    app.router.add_get("/feed.ics", feed)
    runner = web.AppRunner(app)
    await runner.setup()
    feed_port, http_port = free_port(), free_port()
    await web.TCPSite(runner, "127.0.0.1", feed_port).start()

    def calendar(*events: tuple[str, str]) -> bytes:
        body = "".join(
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:{YEAR}0401T190000\r\n"
            f"SUMMARY:{title}\r\nEND:VEVENT\r\n"
            for uid, title in events
        )
        return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n".encode()

    served["body"] = calendar(("a@t", "Bleibt"), ("b@t", "Geht"))
    try:
        bot = make_bot(
            extra=f'\n[import]\nallowed_hosts = ["127.0.0.1"]\n\n[http]\nenabled = true\nport = {http_port}\n'
        )
        alice = await make_user("alice")
        room = await alice.create_room(invite=[bot.user.user_id])
        await joined(alice, room, bot.user.user_id)
        added = await alice.ask(room, f"!feed add http://127.0.0.1:{feed_port}/feed.ics every 1h")
        assert "abonniert" in added
        for _ in range(50):  # the feed task fetches a new feed at once
            if "Geht" in await alice.ask(room, f"!event list april {YEAR}"):
                break
            await asyncio.sleep(0.2)
        served["body"] = calendar(("a@t", "Bleibt, neu benannt"))
        synced = await alice.ask(room, "!feed sync #1")
        assert "0 neu, 1 aktualisiert" in synced and "1 abgesagt" in synced
        listing = await alice.ask(room, f"!event list april {YEAR}")
        assert "Bleibt, neu benannt" in listing and "Geht (abgesagt)" in listing

        url = next(word for word in (await alice.ask(room, "!calendar")).split() if word.startswith("http"))
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                assert response.status == 200 and response.content_type == "text/calendar"
                body, etag = await response.text(), response.headers["ETag"]
            summaries = {e.summary: e.status for e in IcsCalendarStream.calendar_from_ics(body).events}
            assert set(summaries) == {"Bleibt, neu benannt", "Geht"} and summaries["Geht"] == "CANCELLED"
            async with session.get(url, headers={"If-None-Match": etag}) as response:
                assert response.status == 304
            async with session.get(url) as response:
                assert response.headers["ETag"] == etag  # stable across fetches
            await alice.ask(room, "!calendar rotate")
            async with session.get(url) as response:
                assert response.status == 404
    finally:
        await runner.cleanup()
