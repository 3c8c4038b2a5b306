"""A blind fetch stays blind: whatever a URL returns that is not a calendar is described, never quoted back."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web

from bot.commands.catalog import build_registry
from bot.config import parse_config
from bot.dispatch import Dispatcher
from bot.models import Message
from bot.storage import Storage

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ROOM = "!blind:example.org"
SECRET = "root:x:0:0:INTERNAL-SECRET-7f3a:/root:/bin/bash"
_numbers = itertools.count(1)


@pytest.fixture
async def internal_server(unused_tcp_port_factory) -> AsyncIterator[int]:
    """A loopback service with data that must never leave it (allowed for the test as `allowed_hosts`)."""
    port = unused_tcp_port_factory()

    async def secret(request: web.Request) -> web.Response:
        return web.Response(text=f"{SECRET}\nBEGIN:VCALENDAR {SECRET}\n", content_type="text/html")

    app = web.Application()
    app.router.add_get("/secret", secret)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield port
    await runner.cleanup()


@pytest.fixture
async def dispatcher(tmp_path: Path) -> AsyncIterator[Dispatcher]:
    config = parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path), "language": "en"},
            "import": {"allowed_hosts": ["127.0.0.1"]},
        },
        base_dir=tmp_path,
        env={},
    )
    storage = await Storage.open(tmp_path / "eventbot.db")
    yield Dispatcher(build_registry(), storage, config, clock=lambda: NOW)
    await storage.close()


async def say(dispatcher: Dispatcher, body: str) -> str:
    answer = await dispatcher.dispatch(
        Message(
            room_id=ROOM,
            event_id=f"$blind{next(_numbers)}",
            sender="@mod:x",
            body=body,
            timestamp_ms=next(_numbers),
            sender_power=100,
        )
    )
    assert answer is not None
    return answer.body.text + "\n" + answer.body.html


async def test_an_import_of_something_else_is_described_not_quoted(
    dispatcher: Dispatcher, internal_server: int
) -> None:
    reply = await say(dispatcher, f"!event import http://127.0.0.1:{internal_server}/secret")

    assert "not an iCalendar file" in reply and "text/html" in reply and "nothing was changed" in reply
    assert "INTERNAL-SECRET" not in reply and "root:" not in reply


async def test_a_feed_of_something_else_shows_no_content_in_the_list(
    dispatcher: Dispatcher, internal_server: int
) -> None:
    url = f"http://127.0.0.1:{internal_server}/secret"
    assert "#1" in await say(dispatcher, f"!feed add {url}")

    synced = await say(dispatcher, "!feed sync #1")
    listed = await say(dispatcher, "!feed list")

    assert "not an iCalendar file" in synced and "not an iCalendar file" in listed
    assert "INTERNAL-SECRET" not in synced + listed
