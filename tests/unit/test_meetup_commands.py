"""`!meetup …` as declared once: the usage lines, the field words of every catalog, `#N` or the bot's message
replied to, the count of `next`, and skip/move/dates with dates of the meetup's rule computed from today."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands import meetups
from bot.commands.args import example_values
from bot.commands.catalog import build_registry
from bot.config import parse_config
from bot.dispatch import Dispatcher
from bot.i18n import Translator
from bot.models import Message, Target
from bot.storage import Storage

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=BERLIN)  # a Wednesday
ROOM = "!meetups:example.org"
OWNER = "@owner:example.org"
ADD = "!" + meetups.EXAMPLE_ADD  # every Wednesday, 19:00-22:00
_numbers = itertools.count(1)


@pytest.fixture
async def dispatcher(tmp_path: Path) -> AsyncIterator[Dispatcher]:
    config = parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path), "language": "de"},
        },
        base_dir=tmp_path,
        env={},
    )
    storage = await Storage.open(tmp_path / "eventbot.db")
    yield Dispatcher(build_registry(), storage, config, clock=lambda: NOW)
    await storage.close()


async def say(
    dispatcher: Dispatcher, body: str, reply_to: str | None = None, replaces: str | None = None
) -> tuple[str, bool]:
    """The reply's text and whether the command was carried out."""
    number = next(_numbers)
    message = Message(
        room_id=ROOM,
        event_id=f"$m{number}",
        sender=OWNER,
        body=body,
        timestamp_ms=number,
        reply_to=reply_to,
        replaces=replaces,
    )
    answer = await dispatcher.dispatch(message)
    assert answer is not None, body
    assert "Referenz" not in answer.body.text, answer.body.text  # never an internal error
    return answer.body.text, answer.carried_out


def day(value: date) -> str:
    return f"{value:%d.%m.%Y}"


WEDNESDAY = datetime.strptime(example_values(NOW.date())["wednesday"], "%d.%m.%Y").date()


# -- declared once --

USAGE = {
    "add": "meetup add <city> | <rule> | <time> | <where> | <name> | <link>",
    "list": "meetup list",
    "show": "meetup show #N",
    "next": "meetup next [#N] [count]",
    "edit": "meetup edit #N <field> <value>",
    "delete": "meetup delete #N",
    "skip": "meetup skip #N <date>",
    "move": "meetup move #N <date> <new date and time>",
    "dates": "meetup dates #N <date> [<date> ...]",
}


def test_the_usage_lines_are_generated_as_they_were_written() -> None:
    assert {sub.name: sub.usage_line for sub in meetups.MEETUP.subcommands} == USAGE


def test_the_german_usage_lines_name_the_arguments_in_german() -> None:
    t = Translator("de")
    usage = {sub.name: t.usage(sub.usage_line) for sub in meetups.MEETUP.subcommands}
    assert usage["add"] == "meetup add <Stadt> | <Regel> | <Uhrzeit> | <wo> | <Name> | <Link>"
    assert usage["next"] == "meetup next [#N] [Anzahl]"
    assert usage["dates"] == "meetup dates #N <Datum> [<Datum> ...]"


def test_the_examples_name_no_fixed_year() -> None:
    source = Path(meetups.__file__).read_text(encoding="utf-8")
    assert re.findall(r"\b20[2-9]\d\b", source) == []


@pytest.mark.parametrize(
    "today", [date(2026, 12, 2), date(2026, 12, 31), date(2027, 1, 1), date(2027, 2, 28), date(2030, 6, 15)]
)
def test_the_example_wednesday_is_ahead_and_the_day_before_date2(today: date) -> None:
    values = example_values(today)
    wednesday = datetime.strptime(values["wednesday"], "%d.%m.%Y").date()
    assert wednesday.weekday() == 2 and wednesday > today
    assert f"{wednesday + timedelta(days=1):%d.%m.%Y}" == values["date2"]


async def test_the_subcommands_have_their_german_names(dispatcher: Dispatcher) -> None:
    await say(dispatcher, ADD)
    for alias in ("nächste", "naechste", "termine"):
        text, _ = await say(dispatcher, f"!treffen {alias} #1")
        assert "Nächste Termine" in text, alias


# -- the field words, in every catalog --

OLD_WORDS = {
    "city": ("city", "stadt", "ort", "lab"),
    "rule": ("rule", "regel", "wann", "when", "rhythmus"),
    "time": ("time", "zeit", "uhrzeit"),
    "where": ("where", "wo", "place", "location", "treffpunkt"),
    "name": ("name", "titel", "title"),
    "link": ("link", "url"),
    "geo": ("geo",),
}


def test_the_catalogs_give_every_field_word_the_table_had() -> None:
    table = meetups.FIELDS.table()
    assert table == {word: field for field, words in OLD_WORDS.items() for word in words}
    assert meetups.MEETUP_FIELDS == table


async def test_the_multi_line_form_reads_keys_of_either_language(dispatcher: Dispatcher) -> None:
    text, done = await say(
        dispatcher,
        "!meetup add\nLab: Leipzig\nRhythmus: jeden Mittwoch\nUhrzeit: 19:00-22:00\nTreffpunkt: Basislager\n"
        "Title: OKLab Leipzig\nURL: https://codefor.de/leipzig/\nGeo: 51.33, 12.37",
    )
    assert done and "#1" in text
    shown, _ = await say(dispatcher, "!meetup show #1")
    assert "Leipzig: jeden Mittwoch, 19:00-22:00, Basislager: OKLab Leipzig" in shown
    assert "https://codefor.de/leipzig/" in shown


async def test_a_missing_field_is_named(dispatcher: Dispatcher) -> None:
    text, done = await say(dispatcher, "!meetup add Leipzig | jeden Mittwoch")
    assert not done
    assert text.startswith("Es fehlt: Zeit, Name.")


async def test_edit_takes_a_field_word_of_either_language(dispatcher: Dispatcher) -> None:
    await say(dispatcher, ADD)
    text, done = await say(dispatcher, "!meetup edit #1 uhrzeit 18:30-21:00")
    assert done and "Geändert: #1" in text and "18:30-21:00" in text
    text, done = await say(dispatcher, "!meetup edit #1 farbe rot")
    assert not done and "city, rule, time, where, name, link, geo" in text


async def test_an_edited_add_changes_the_meetup_it_added(dispatcher: Dispatcher) -> None:
    original = Message(room_id=ROOM, event_id="$orig", sender=OWNER, body=ADD, timestamp_ms=1)
    assert (await dispatcher.dispatch(original)) is not None
    text, done = await say(dispatcher, ADD.replace("19:00-22:00", "18:00-21:00"), replaces="$orig")
    assert done and "#1" in text and "18:00-21:00" in text
    listing, _ = await say(dispatcher, "!meetup list")
    assert "#2" not in listing and "18:00-21:00" in listing


# -- #N, or the meetup of the message replied to; the count of next --


async def test_next_shows_as_many_dates_as_asked(dispatcher: Dispatcher) -> None:
    await say(dispatcher, ADD)
    three, _ = await say(dispatcher, "!meetup next #1 3")
    assert len(re.findall(r"\d{2}\.\d{2}\.\d{4}, 19:00", three)) == 3
    default, _ = await say(dispatcher, "!meetup next #1")
    assert len(re.findall(r"\d{2}\.\d{2}\.\d{4}, 19:00", default)) == meetups.NEXT_DEFAULT
    fifty, _ = await say(dispatcher, f"!meetup next #1 {meetups.NEXT_MAX}")
    assert len(re.findall(r"\d{2}\.\d{2}\.\d{4}, 19:00", fifty)) == meetups.NEXT_MAX


@pytest.mark.parametrize("count", ["0", "51", "99999999999", "²", "-1", "x"])
async def test_next_refuses_another_count_with_the_usage_line(dispatcher: Dispatcher, count: str) -> None:
    await say(dispatcher, ADD)
    text, done = await say(dispatcher, f"!meetup next #1 {count}")
    assert not done and "meetup next [#N] [Anzahl]" in text


async def test_next_without_a_number_lists_every_meetup_or_the_one_replied_to(dispatcher: Dispatcher) -> None:
    await say(dispatcher, ADD)
    await say(dispatcher, "!meetup add Köln | jeden ersten Montag im Monat | 19:00 | Lokal K | Code for Cologne")
    every, _ = await say(dispatcher, "!meetup next")
    assert "#1 Leipzig (OKLab Leipzig)" in every and "#2 Köln (Code for Cologne)" in every
    await dispatcher.storage.announce(ROOM, "$reminder", Target("meetup", 2))
    replied, _ = await say(dispatcher, "!meetup next 2", reply_to="$reminder")  # a number first: meetup #2
    assert "Code for Cologne" in replied and "OKLab" not in replied
    replied, _ = await say(dispatcher, "!meetup next", reply_to="$reminder")
    assert "Code for Cologne" in replied and "OKLab" not in replied
    assert len(re.findall(r"\d{2}\.\d{2}\.\d{4}, 19:00", replied)) == meetups.NEXT_DEFAULT


async def test_a_missing_meetup_is_named(dispatcher: Dispatcher) -> None:
    for body in ("!meetup show #7", "!meetup skip #7 nächsten Mittwoch", "!meetup dates #7 6.1."):
        text, done = await say(dispatcher, body)
        assert not done and text == "In diesem Raum gibt es kein Treffen #7.", body


# -- skip, move, dates --


async def test_a_skipped_wednesday_is_gone_and_a_thursday_is_no_date(dispatcher: Dispatcher) -> None:
    await say(dispatcher, ADD)
    text, done = await say(dispatcher, f"!meetup skip #1 {day(WEDNESDAY)}")
    assert done and "fällt aus" in text
    shown, _ = await say(dispatcher, "!meetup next #1 10")
    assert day(WEDNESDAY) not in shown and day(WEDNESDAY + timedelta(days=7)) in shown
    text, done = await say(dispatcher, f"!meetup skip #1 {day(WEDNESDAY + timedelta(days=1))}")
    assert not done and "kein Termin" in text


async def test_skip_takes_words_and_the_meetup_replied_to(dispatcher: Dispatcher) -> None:
    await say(dispatcher, ADD)
    await dispatcher.storage.announce(ROOM, "$reminder", Target("meetup", 1))
    text, done = await say(dispatcher, "!meetup skip nächsten Mittwoch", reply_to="$reminder")
    assert done and f"{NOW.date() + timedelta(days=7):%d.%m.%Y}" in text and "fällt aus" in text


async def test_a_moved_date_takes_its_new_day_and_time(dispatcher: Dispatcher) -> None:
    await say(dispatcher, ADD)
    thursday = WEDNESDAY + timedelta(days=1)
    text, done = await say(dispatcher, f"!meetup move #1 {day(WEDNESDAY)} {day(thursday)} 18:00")
    assert done and "verschoben" in text and f"{day(thursday)}, 18:00" in text
    shown, _ = await say(dispatcher, "!meetup next #1 10")
    assert f"{day(thursday)}, 18:00" in shown and f"{day(WEDNESDAY)}, 19:00" not in shown
    # a day without its time keeps the meetup's time
    text, done = await say(dispatcher, f"!meetup move #1 Mittwoch {day(NOW.date() + timedelta(days=2))}")
    assert done and f"{day(NOW.date() + timedelta(days=2))}, 19:00" in text


async def test_move_needs_the_new_date(dispatcher: Dispatcher) -> None:
    await say(dispatcher, ADD)
    text, done = await say(dispatcher, f"!meetup move #1 {day(WEDNESDAY)}")
    assert not done and "meetup move #N <Datum> <neues Datum und Uhrzeit>" in text


async def test_explicit_dates_each_with_its_own_time_or_the_meetups(dispatcher: Dispatcher) -> None:
    await say(
        dispatcher,
        "!meetup add Berlin | jeden zweiten oder dritten Montag im Monat | 19:00 | WikiBär | Code for Berlin",
    )
    first, second = WEDNESDAY + timedelta(days=5), WEDNESDAY + timedelta(days=40)
    text, done = await say(dispatcher, f"!meetup dates #1 {day(first)} {day(second)} 19:30")
    assert done and "2 Termine gespeichert" in text
    shown, _ = await say(dispatcher, "!meetup next #1")
    assert f"{day(first)}, 19:00" in shown and f"{day(second)}, 19:30" in shown
    text, done = await say(dispatcher, "!meetup dates #1")
    assert not done and "meetup dates #N <Datum> [<Datum> ...]" in text
