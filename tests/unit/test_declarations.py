"""Tests generated from the command declarations: every usage line parses with its own arguments, every example
in help is accepted by its command in a fresh room, examples never lie in the past, and every command has its
words in every catalog."""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from itertools import count
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands import Answer, Command
from bot.commands.catalog import build_registry
from bot.config import Config, parse_config
from bot.dispatch import Dispatcher
from bot.i18n import KEYS, Translator
from bot.locales import LANGUAGES
from bot.models import Message
from bot.storage import Storage

ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=ZONE)
MODERATOR = 100
# commands whose examples fetch from the network (refused here with a clear reply, never with the usage line)
FETCHING = {"event import", "feed add", "feed sync"}
_ids = count(1)
_rooms = count(1)


def commands() -> list[Command]:
    """Every command that runs something, families' defaults included."""
    found: list[Command] = []
    for declared in build_registry():
        found += [declared] if declared.handler is not None and not declared.subcommands else []
        found += [sub for sub in declared.subcommands if sub.handler is not None]
    return found


def command_id(declared: Command) -> str:
    return declared.path or declared.name


def make_config(tmp_path: Path) -> Config:
    raw = {
        "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@eventbot:example.org", "password": "pw"},
        "bot": {"data_dir": str(tmp_path), "language": "en"},
        "http": {"enabled": True, "public_url": "https://events.example.org"},
    }
    return parse_config(raw, base_dir=tmp_path, env={})


@pytest.fixture
async def dispatcher(tmp_path: Path) -> AsyncIterator[Dispatcher]:
    storage = await Storage.open(tmp_path / "eventbot.db")
    yield Dispatcher(build_registry(), storage, make_config(tmp_path), clock=lambda: NOW)
    await storage.close()


async def say(dispatcher: Dispatcher, room: str, body: str) -> Answer:
    message = Message(
        room_id=room,
        event_id=f"$declared{next(_ids)}",
        sender="@alice:example.org",
        body=body,
        timestamp_ms=1_000,
        sender_power=MODERATOR,
    )
    answer = await dispatcher.dispatch(message)
    assert answer is not None, body
    return answer


async def fresh_room(dispatcher: Dispatcher) -> str:
    """A room holding item #1 of every kind an example names: the families' add examples, run first, and a
    subscribed feed."""
    room = f"!declared{next(_rooms)}:example.org"
    for path in ("event add", "meetup add", "frist add", "link add"):
        adding = dispatcher.registry.resolve(path)
        assert adding is not None
        for example in adding[0].example_texts(NOW.date())[:1]:
            answer = await say(dispatcher, room, "!" + example)
            assert answer.carried_out, (example, answer.body.text)
    # feed #1: `feed add` would fetch it, which no test here may
    await dispatcher.storage.add_feed(room, "https://events.example.org/events.ics", 6 * 3600, "@alice:example.org")
    return room


def is_usage(answer: Answer) -> bool:
    text = answer.body.text
    return any(text.startswith(Translator(language).raw("usage").split("`")[0]) for language in LANGUAGES)


@pytest.mark.parametrize("declared", commands(), ids=command_id)
def test_every_handler_takes_the_values_of_its_declared_arguments(declared: Command) -> None:
    """The dispatcher calls `handler(context, *values)`: one parameter per declared argument, no raw text."""
    parameters = list(inspect.signature(declared.handler).parameters.values())
    assert len(parameters) == 1 + len(declared.args), [p.name for p in parameters]
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)


@pytest.mark.parametrize("declared", commands(), ids=command_id)
async def test_the_usage_line_parses_with_its_own_arguments(dispatcher: Dispatcher, declared: Command) -> None:
    sample = " ".join(arg.sample(NOW.date()) for arg in declared.args)
    room = await fresh_room(dispatcher)
    answer = await say(dispatcher, room, f"!{declared.path} {sample}".rstrip())
    assert not is_usage(answer), (sample, answer.body.text)
    assert "reference" not in answer.body.text, answer.body.text  # no internal error


EXAMPLES = [(declared, example) for declared in commands() for example in declared.example_texts(NOW.date())]


@pytest.mark.parametrize(("declared", "example"), EXAMPLES, ids=[example for _, example in EXAMPLES])
async def test_every_example_is_accepted_in_a_fresh_room(
    dispatcher: Dispatcher, declared: Command, example: str
) -> None:
    room = await fresh_room(dispatcher)
    answer = await say(dispatcher, room, "!" + example)
    assert not is_usage(answer), answer.body.text
    if declared.path in FETCHING:
        assert "reference" not in answer.body.text, answer.body.text  # refused for the network, clearly
    else:
        assert answer.carried_out, answer.body.text


def test_every_command_has_examples_and_every_family_member_is_listed() -> None:
    missing = [command_id(declared) for declared in commands() if not declared.examples]
    assert missing == []


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2027, 1, 31), date(2030, 6, 15), date(2031, 12, 31)])
def test_no_example_date_lies_in_the_past(today: date) -> None:
    dates = [
        datetime.strptime(found, "%d.%m.%Y").date()
        for declared in build_registry()
        for sub in (declared, *declared.subcommands)
        for example in sub.example_texts(today)
        for found in re.findall(r"\b\d{2}\.\d{2}\.\d{4}\b", example)
    ]
    assert dates, "the examples name dates"
    assert [day for day in dates if day <= today] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_command_has_a_help_text_in_every_catalog(language: str) -> None:
    t = Translator(language)
    keys = {sub.help_key for declared in build_registry() for sub in (declared, *declared.subcommands)}
    assert sorted(keys - KEYS) == []
    assert all(t.raw(key).strip() for key in keys)


def test_no_two_commands_of_a_family_share_a_name() -> None:
    for declared in build_registry():
        names = [name.casefold() for sub in declared.subcommands for name in sub.names]
        assert len(names) == len(set(names)), declared.name
