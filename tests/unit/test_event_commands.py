"""The `event` family, `event who`, `meetup who` and `!reminders` as declared: usage lines generated from the
arguments, field names and keywords from the catalogs, `#N` or the bot's message replied to."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands import Answer, events
from bot.commands.catalog import build_registry
from bot.config import parse_config
from bot.dispatch import Dispatcher
from bot.models import Message
from bot.storage import Storage

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ROOM = "!events:example.org"
MODERATOR, MEMBER = "@mod:example.org", "@member:example.org"
_numbers = itertools.count(1)


@pytest.fixture
async def dispatcher(tmp_path: Path) -> AsyncIterator[Dispatcher]:
    config = parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path), "language": "en"},
        },
        base_dir=tmp_path,
        env={},
    )
    storage = await Storage.open(tmp_path / "eventbot.db")
    yield Dispatcher(build_registry(), storage, config, clock=lambda: NOW)
    await storage.close()


async def ask(dispatcher: Dispatcher, body: str, *, sender: str = MODERATOR, reply_to: str | None = None) -> Answer:
    number = next(_numbers)
    answer = await dispatcher.dispatch(
        Message(
            room_id=ROOM,
            event_id=f"$ev{number}",
            sender=sender,
            body=body,
            timestamp_ms=number,
            sender_power=100 if sender == MODERATOR else 0,
            reply_to=reply_to,
        )
    )
    assert answer is not None, body
    return answer


async def say(dispatcher: Dispatcher, body: str, **kwargs: str) -> str:
    return (await ask(dispatcher, body, **kwargs)).body.text


async def add(dispatcher: Dispatcher, line: str, *, sender: str = MODERATOR) -> tuple[int, str]:
    """Adds an event and posts the bot's confirmation: (its number, the confirmation's event id)."""
    answer = await ask(dispatcher, f"!event add {line}", sender=sender)
    found = re.search(r"#(\d+)", answer.body.text)
    assert found is not None, answer.body.text
    announcement = f"$confirmation{found[1]}"
    assert answer.on_sent is not None
    await answer.on_sent(announcement)
    return int(found[1]), announcement


@pytest.mark.parametrize(
    ("path", "usage"),
    [
        ("event", "event <add|list|show|edit|…>"),
        ("event add", "event add <title> | <when> | <where> | <link>"),
        ("event list", "event list [month] [year]"),
        ("event show", "event show #N"),
        ("event edit", "event edit #N <field> <value>"),
        ("event cancel", "event cancel #N"),
        ("event delete", "event delete #N"),
        ("event search", "event search <words>"),
        ("event approve", "event approve #N"),
        ("event reject", "event reject #N [reason]"),
        ("event who", "event who #N"),
        ("meetup who", "meetup who #N [date]"),
        ("reminders", "reminders [meetups] [<lead> ... | off]"),
    ],
)
def test_the_usage_lines_are_generated_from_the_arguments(path: str, usage: str) -> None:
    found = build_registry().resolve(path)
    assert found is not None and found[1] == ""
    assert found[0].usage_line == usage


def test_the_field_words_of_event_add_come_from_the_catalogs() -> None:
    """Exactly the words the hand-written table had before the catalogs held them."""
    assert dict(events.FIELDS.table()) == {
        "title": "title",
        "titel": "title",
        "name": "title",
        "when": "when",
        "wann": "when",
        "datum": "when",
        "date": "when",
        "zeit": "when",
        "where": "where",
        "wo": "where",
        "ort": "where",
        "place": "where",
        "location": "where",
        "link": "link",
        "url": "link",
        "geo": "geo",
        "description": "description",
        "beschreibung": "description",
        "online": "online",
        "stream": "online",
    }


async def test_the_multi_line_form_takes_field_names_in_every_language(dispatcher: Dispatcher) -> None:
    number, _ = await add(
        dispatcher,
        "\nTitel: Wochenende\nDatum: 12.12.2026 10:00\nOrt: Basislager\nBeschreibung: Karten bauen\n"
        "Stream: https://meet.example.org/w",
    )

    shown = await say(dispatcher, f"!event show #{number}")
    assert "Wochenende" in shown and "Saturday, 12 Dec 2026, 10:00" in shown
    assert "Basislager" in shown and "Karten bauen" in shown and "https://meet.example.org/w" in shown


async def test_edit_takes_a_field_name_in_any_language_and_names_the_fields_it_knows(
    dispatcher: Dispatcher,
) -> None:
    number, _ = await add(dispatcher, "Datenabend | 10.12.2026 19:00 | Basislager")

    assert "Place: Hof" in await say(dispatcher, f"!event edit #{number} Ort: Hof")
    unknown = await say(dispatcher, f"!event edit #{number} farbe rot")
    assert unknown.startswith("“farbe” does not fit here; possible: title, when, where, link, geo, description, online")
    assert "Usage: !event edit #N <field> <value>" in unknown


async def test_the_bots_confirmation_replied_to_names_the_event(dispatcher: Dispatcher) -> None:
    number, confirmation = await add(dispatcher, "Datenabend | 10.12.2026 19:00 | Basislager", sender=MEMBER)

    assert f"#{number}" in await say(dispatcher, "!event who", reply_to=confirmation)
    edited = await say(dispatcher, "!event edit wo Hof", reply_to=confirmation, sender=MEMBER)
    assert edited.startswith(f"Updated: #{number}") and "Place: Hof" in edited
    assert (await say(dispatcher, "!event who")).startswith("Usage: !event who #N")  # neither a number nor a reply


async def test_reject_reads_the_reason_after_the_number_or_the_reply(dispatcher: Dispatcher) -> None:
    assert "Saved" in await say(dispatcher, "!settings approval on")
    first, _ = await add(dispatcher, "Spam | 10.12.2026 19:00", sender=MEMBER)
    second, confirmation = await add(dispatcher, "Mehr Spam | 11.12.2026 19:00", sender=MEMBER)

    rejected = await say(dispatcher, f"!event ablehnen #{first} kein Bezug zu Open Data")
    assert rejected.startswith(f"Rejected: #{first}") and "kein Bezug zu Open Data" in rejected
    by_reply = await say(dispatcher, "!event reject off topic", reply_to=confirmation)
    assert by_reply.startswith(f"Rejected: #{second}") and "off topic" in by_reply
    assert "not waiting" in await say(dispatcher, f"!event reject #{first}")


async def test_the_other_words_for_the_events_subcommands(dispatcher: Dispatcher) -> None:
    assert "Saved" in await say(dispatcher, "!settings approval on")
    waiting, _ = await add(dispatcher, "Datenabend | 10.12.2026 19:00 | Basislager", sender=MEMBER)
    other, _ = await add(dispatcher, "Kartenabend | 11.12.2026 19:00 | Hof")

    assert (await say(dispatcher, f"!event freigeben #{waiting}")).startswith(f"Approved: #{waiting}")
    assert f"#{other}" in await say(dispatcher, "!veranstaltung suche karten")
    assert f"#{other}" in await say(dispatcher, "!events find karten")
    assert f"#{other}" in await say(dispatcher, f"!event wer #{other}")
    assert (await say(dispatcher, f"!termin absagen #{other}")).startswith(f"Cancelled: #{other}")


async def test_list_reads_a_month_and_says_when_it_is_none(dispatcher: Dispatcher) -> None:
    await add(dispatcher, "Datenabend | 10.12.2026 19:00 | Basislager")
    await add(dispatcher, "Neujahr | 07.01.2027 19:00 | Basislager")

    december = await say(dispatcher, "!event list dezember")
    assert december.startswith("Events in December 2026") and "Neujahr" not in december
    assert "Neujahr" in await say(dispatcher, "!event list 1 2027")
    assert "Datenabend" in await say(dispatcher, "!event list") and "Neujahr" in await say(dispatcher, "!event list")
    assert (await say(dispatcher, "!event list foo")).startswith("“foo” is not a month.")
    assert (await say(dispatcher, "!event list 12 2026 x")).startswith("More than the command takes: “x”.")


async def test_reminders_take_the_kind_and_off_in_every_language(dispatcher: Dispatcher) -> None:
    assert "events 1d, 1h before; regular meetups 3h before" in await say(dispatcher, "!reminders")
    assert "regular meetups 2h before" in await say(dispatcher, "!reminders treffen 2h")
    assert "events 2d, 3h before" in await say(dispatcher, "!erinnerungen veranstaltungen 3h 2d")
    assert "events off; regular meetups 2h before" in await say(dispatcher, "!reminders aus")
    assert "regular meetups off" in await say(dispatcher, "!reminders meetups off")
    assert "events 1w before" in await say(dispatcher, "!reminders events 1w")
    assert "not a lead time" in await say(dispatcher, "!reminders 5x")
    assert "Only moderators" in await say(dispatcher, "!reminders 1d", sender=MEMBER)
    assert "events 1w before" in await say(dispatcher, "!reminders meetups", sender=MEMBER)  # showing is for all
