"""Long lists say how to see the rest: the month it reached, a search, and the public calendar when published."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands.catalog import build_registry
from bot.config import parse_config
from bot.dispatch import Dispatcher
from bot.models import Message
from bot.storage import Storage

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ROOM = "!lists:example.org"
_numbers = itertools.count(1)


@pytest.fixture
async def dispatcher(tmp_path: Path) -> AsyncIterator[Dispatcher]:
    config = parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path)},
            "http": {"enabled": True, "public_url": "https://termine.example.org"},
        },
        base_dir=tmp_path,
        env={},
    )
    storage = await Storage.open(tmp_path / "eventbot.db")
    yield Dispatcher(build_registry(), storage, config, clock=lambda: NOW)
    await storage.close()


async def say(dispatcher: Dispatcher, body: str) -> str:
    number = next(_numbers)
    answer = await dispatcher.dispatch(
        Message(room_id=ROOM, event_id=f"$l{number}", sender="@mod:x", body=body, timestamp_ms=number, sender_power=100)
    )
    assert answer is not None
    return answer.body.text


async def test_a_cut_list_names_the_month_a_search_and_the_public_page(dispatcher: Dispatcher) -> None:
    for day in range(1, 32):
        assert "#" in await say(dispatcher, f"!event add Abend {day} | {day:02d}.12.2026 19:00 | Basislager")

    unpublished = (await say(dispatcher, "!event list")).splitlines()[-1]
    assert "… und 1 weitere" in unpublished and "!event list Dezember 2026" in unpublished
    assert "!event search" in unpublished and "https://" not in unpublished

    assert "termine.example.org" in await say(dispatcher, "!calendar publish leipzig")
    published = (await say(dispatcher, "!event list")).splitlines()[-1]
    assert "https://termine.example.org/leipzig/2026/12/" in published

    month = (await say(dispatcher, "!event list dezember")).splitlines()[-1]
    assert "… und 1 weitere" in month and "!event search" in month


@pytest.mark.parametrize(
    ("when", "noted"),
    [
        ("04.12.2026 8:30-10", True),
        ("04.12.2026 08:30-10:00", False),  # a leading zero: a 24-hour clock, no doubt
        ("04.12.2026 8:30-10 Uhr", False),
        ("04.12.2026 8am-10am", False),
        ("04.12.2026 18:30-21:00", False),
    ],
)
async def test_a_bare_small_range_says_it_was_read_as_the_morning(
    dispatcher: Dispatcher, when: str, noted: bool
) -> None:
    reply = await say(dispatcher, f"!event add Frühstück | {when} | Basislager")

    assert reply.startswith("Eingetragen als #1")
    assert ("Gelesen als 08:30–10:00 Uhr am Vormittag" in reply and "20:30-22:00" in reply) is noted
