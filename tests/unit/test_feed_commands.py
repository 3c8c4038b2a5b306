"""`!feed add` and `!feed list` through the real Dispatcher on a real SQLite database: at most
`import.max_feeds_per_room` feeds per room, and credentials in feed URLs are never shown in the room.

No feed is fetched here (adding a feed only checks its URL); name resolution is switched off to make sure.
"""

from __future__ import annotations

import itertools
import re
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands import Answer
from bot.commands.calendar import carries_credentials, display_url
from bot.commands.catalog import build_registry
from bot.config import parse_config
from bot.dispatch import Dispatcher
from bot.i18n import Translator
from bot.models import Message
from bot.storage import Storage

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ROOM, OTHER_ROOM = "!feeds:example.org", "!other:example.org"
MODERATOR, MEMBER = "@mod:example.org", "@member:example.org"
POWER = {MODERATOR: 50, MEMBER: 0}
HOST = "calendar.example.invalid"  # never resolved: feed add does not fetch
SECRET_URL = f"https://alice:hunter2@{HOST}/private.ics"
_numbers = itertools.count(1)


class Bot:
    def __init__(self, dispatcher: Dispatcher, storage: Storage) -> None:
        self.dispatcher = dispatcher
        self.storage = storage

    async def say(self, body: str, sender: str = MODERATOR, room: str = ROOM) -> Answer:
        number = next(_numbers)
        answer = await self.dispatcher.dispatch(
            Message(
                room_id=room,
                event_id=f"$feed{number}",
                sender=sender,
                body=body,
                timestamp_ms=1_700_000_000_000 + number * 60_000,
                sender_power=POWER[sender],
            )
        )
        assert answer is not None, body
        return answer


async def make_bot(tmp_path: Path, **imports: object) -> tuple[Bot, Storage]:
    config = parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path), "language": "en", "rate_limit_per_minute": 10_000},
            "import": dict(imports),
        },
        base_dir=tmp_path,
        env={},
    )
    storage = await Storage.open(tmp_path / "eventbot.db")
    return Bot(Dispatcher(build_registry(), storage, config, clock=lambda: NOW), storage), storage


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a feed command tried to resolve a host name")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    bot, storage = await make_bot(tmp_path, max_feeds_per_room=3)
    yield bot
    await storage.close()


def feed_number(answer: Answer) -> int:
    match = re.search(r"#(\d+)", answer.body.text)
    assert match, answer.body.text
    return int(match.group(1))


# -- feeds per room --


async def test_a_room_at_its_feed_limit_refuses_more_and_names_the_way_out(bot: Bot) -> None:
    numbers = [feed_number(await bot.say(f"!feed add https://{HOST}/{name}.ics")) for name in "abc"]

    refusal = (await bot.say(f"!feed add https://{HOST}/d.ics")).body
    assert "3 feeds" in refusal.text
    assert "<code>!feed remove #N</code>" in refusal.html
    assert [feed.id for feed in await bot.storage.feeds(ROOM)] == numbers
    # the example in the refusal works as written
    example = re.findall(r"<code>([^<]*#\d+)</code>", refusal.html)
    assert example == [f"!feed remove #{numbers[0]}"]
    assert "Unsubscribed" in (await bot.say(example[0])).body.text
    assert "Subscribed" in (await bot.say(f"!feed add https://{HOST}/d.ics")).body.text
    assert len(await bot.storage.feeds(ROOM)) == 3


async def test_at_the_limit_a_known_feed_is_still_named_and_other_rooms_are_not_counted(bot: Bot) -> None:
    first = feed_number(await bot.say(f"!feed add https://{HOST}/a.ics"))
    for name in "bc":
        await bot.say(f"!feed add https://{HOST}/{name}.ics")

    assert (await bot.say(f"!feed add https://{HOST}/a.ics")).body.text == f"That feed exists as #{first}."
    assert "Subscribed" in (await bot.say(f"!feed add https://{HOST}/a.ics", room=OTHER_ROOM)).body.text


async def test_the_default_limit_is_ten(tmp_path: Path) -> None:
    bot, storage = await make_bot(tmp_path)
    try:
        for number in range(10):
            assert "Subscribed" in (await bot.say(f"!feed add https://{HOST}/{number}.ics")).body.text
        assert "10 feeds" in (await bot.say(f"!feed add https://{HOST}/10.ics")).body.text
        assert len(await storage.feeds(ROOM)) == 10
    finally:
        await storage.close()


def test_the_limit_message_reads_well_in_german() -> None:
    message = Translator("de")("feed_limit", limit=10, prefix="!", number=4)
    assert "10 Feeds" in message.text
    assert "<code>!feed remove #N</code>" in message.html and "<code>!feed remove #4</code>" in message.html


# -- credentials --


async def test_adding_a_feed_with_credentials_does_not_show_them(bot: Bot) -> None:
    answer = await bot.say(f"!feed add {SECRET_URL} every 12h")

    for shown in (answer.body.text, answer.body.html):
        assert "hunter2" not in shown and "alice" not in shown
        assert f"https://{HOST}/private.ics" in shown
    assert (await bot.storage.feeds(ROOM))[0].url == SECRET_URL  # kept for fetching


async def test_a_feed_with_credentials_is_listed_to_moderators_only_and_never_with_them(bot: Bot) -> None:
    secret = feed_number(await bot.say(f"!feed add {SECRET_URL}"))
    public = feed_number(await bot.say(f"!feed add https://{HOST}/public.ics"))

    member = (await bot.say("!feed list", sender=MEMBER)).body
    lines = member.text.splitlines()
    assert f"#{secret} (hidden: its address carries credentials; only moderators see it)" in lines
    assert any(line.startswith(f"#{public} https://{HOST}/public.ics (") for line in lines)
    assert "private.ics" not in member.text + member.html and "hunter2" not in member.text + member.html

    moderator = (await bot.say("!feed list")).body
    assert any(line.startswith(f"#{secret} https://{HOST}/private.ics (") for line in moderator.text.splitlines()), (
        moderator.text
    )
    assert "hunter2" not in moderator.text + moderator.html and "alice" not in moderator.text + moderator.html


@pytest.mark.parametrize(
    ("url", "shown", "secret"),
    [
        ("https://alice:hunter2@example.org/cal.ics", "https://example.org/cal.ics", True),
        ("https://alice@example.org:8443/cal.ics?x=1#top", "https://example.org:8443/cal.ics?x=1#top", True),
        ("https://a@b:c@example.org/", "https://example.org/", True),
        ("http://u:p@[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x", True),
        ("https://example.org/cal.ics", "https://example.org/cal.ics", False),
        (
            "https://example.org/people/@alice/cal.ics?by=@bob",
            "https://example.org/people/@alice/cal.ics?by=@bob",
            False,
        ),
    ],
)
def test_display_url_drops_user_and_password(url: str, shown: str, secret: bool) -> None:
    assert display_url(url) == shown
    assert carries_credentials(url) is secret


# -- the interval --


async def test_the_interval_follows_every_in_any_language_and_nothing_else(bot: Bot) -> None:
    assert "(every 12h)" in (await bot.say(f"!feed add https://{HOST}/a.ics every 12h")).body.text
    assert "(every 2h)" in (await bot.say(f"!feed add https://{HOST}/b.ics alle 2h")).body.text
    for body in (
        f"!feed add https://{HOST}/c.ics 12h",  # no keyword
        f"!feed add https://{HOST}/c.ics every",  # no interval
        f"!feed add https://{HOST}/c.ics every 12h more",
        "!feed add",
    ):
        answer = (await bot.say(body)).body.text
        assert "Usage: !feed add <URL> [every 6h]\nExample: !feed add https://" in answer, (body, answer)
    assert [feed.interval_s for feed in await bot.storage.feeds(ROOM)] == [12 * 3600, 2 * 3600]


async def test_a_feed_is_named_by_its_number(bot: Bot) -> None:
    number = feed_number(await bot.say(f"!feed add https://{HOST}/a.ics"))

    assert (await bot.say("!feed remove #99")).body.text == "No feed #99 in this room."
    assert (await bot.say("!feed remove")).body.text.startswith("Usage: !feed remove #N\nExample: !feed remove #1")
    assert (await bot.say(f"!feed remove #{number}", sender=MEMBER)).body.text.startswith("Only moderators")
    assert (await bot.say(f"!feed remove #{number}")).body.text == f"Unsubscribed from feed #{number}."
