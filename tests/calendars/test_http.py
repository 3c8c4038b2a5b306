"""The room's HTTP calendar feed: ETag and Last-Modified, so calendar apps can poll cheaply; tokens are secrets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.http import build_app
from bot.models import Event
from bot.storage import Storage

BERLIN = ZoneInfo("Europe/Berlin")
ROOM, TOKEN = "!feed:example.org", "s3cr3t-token"
URL = f"/{TOKEN}/calendar.ics"


def event(title: str, day: int) -> Event:
    start = datetime(2026, 12, day, 19, tzinfo=BERLIN)
    return Event(id=0, room_id=ROOM, title=title, start=start, end=start + timedelta(hours=2), all_day=False,
                 timezone="Europe/Berlin", online=True, submitter="@alice:example.org")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 10, 0, 0, 500_000, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "eventbot.db")
    await store.set_feed_token(ROOM, TOKEN)
    await store.add_event(event("Datenabend", 3))
    yield store
    await store.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Storage, Clock], TestClient]]:
    clients: list[TestClient] = []

    async def start(storage: Storage, clock: Clock) -> TestClient:
        client = TestClient(TestServer(build_app(storage, clock)))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()


async def test_feed_has_etag_and_last_modified_and_answers_304(storage, serve):
    clock = Clock()
    client = await serve(storage, clock)

    first = await client.get(URL)
    assert first.status == 200
    assert first.content_type == "text/calendar"
    assert "SUMMARY:Datenabend" in await first.text()
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert modified == "Sat, 28 Nov 2026 10:00:00 GMT"

    for header in ({"If-None-Match": etag}, {"If-None-Match": f'"other", W/{etag}'}, {"If-None-Match": "*"},
                   {"If-Modified-Since": modified},
                   {"If-Modified-Since": "Sun, 29 Nov 2026 08:00:00 GMT"}):
        response = await client.get(URL, headers=header)
        assert response.status == 304, header
        assert await response.read() == b""
        assert (response.headers["ETag"], response.headers["Last-Modified"]) == (etag, modified)
    for header in ({"If-None-Match": '"other"'}, {"If-Modified-Since": "Sat, 28 Nov 2026 09:59:59 GMT"},
                   {"If-Modified-Since": "gestern"},
                   {"If-None-Match": '"other"', "If-Modified-Since": modified}):  # If-None-Match decides
        response = await client.get(URL, headers=header)
        assert response.status == 200, header
        assert "SUMMARY:Datenabend" in await response.text()


async def test_a_change_gives_a_new_etag_and_last_modified_and_a_restart_keeps_them(storage, serve):
    clock = Clock()
    first = await (await serve(storage, clock)).get(URL)
    clock.now += timedelta(hours=3)

    await storage.add_event(event("Hackday", 5))
    changed = await (await serve(storage, clock)).get(URL, headers={"If-Modified-Since": first.headers[
        "Last-Modified"], "If-None-Match": first.headers["ETag"]})
    assert changed.status == 200
    assert "SUMMARY:Hackday" in await changed.text()
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.headers["Last-Modified"] == format_datetime(datetime(2026, 11, 28, 13, tzinfo=UTC), usegmt=True)

    clock.now += timedelta(days=1)  # a restart later: same calendar, same validators
    again = await (await serve(storage, clock)).get(URL)
    assert (again.headers["ETag"], again.headers["Last-Modified"]) == (changed.headers["ETag"],
                                                                       changed.headers["Last-Modified"])


async def test_unknown_token_is_not_found(storage, serve):
    client = await serve(storage, Clock())
    response = await client.get("/wrong-token/calendar.ics")
    assert response.status == 404
    assert "Datenabend" not in await response.text()
