"""The bot's own text reads back.

- Every event the bot can store, written as the bot writes it (`Translator.when`: the confirmation, `!event list`,
  the roundup; German and English), parses to the same start, end and all-day flag: a property over random events
  (one day, several days, all day, with and without times, on and around the days the clocks change, in several
  zones). Stored events keep wall-clock times without a fold (bot/storage/events.py), so they are the times with
  fold=0, which is what the parser gives, too; the bot writes minutes, so events are drawn to the minute.
- The examples in an error reply parse on the day they are shown, and none is in the past; the readings an
  "ambiguous" reply offers parse back to themselves.
- The multi-line form that a one-line command with a `|` too many is answered with reads back to the fields it
  shows, as does the one-line form with `\\|`; nothing is stored until then.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.commands.catalog import build_registry
from bot.commands.common import pipe_form, spread_parts, when_examples, when_message
from bot.commands.events import EVENT_FIELDS
from bot.commands.meetups import MEETUP_FIELDS
from bot.config import parse_config
from bot.dispatch import Dispatcher
from bot.i18n import Translator
from bot.models import Message
from bot.parsing.fields import FieldError, split_fields
from bot.parsing.when import When, WhenError, parse_when
from bot.storage import Storage

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
ZONES = {name: ZoneInfo(name) for name in ("Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC")}
LANGUAGES = ("de", "en")


def clock_changes(zone: ZoneInfo) -> list[date]:
    """The days in 2026-2029 on which zone's clocks change, with the day before and after each."""
    days = []
    day = date(2026, 1, 11)
    while day < date(2030, 1, 1):
        if datetime.combine(day, time(12), zone).utcoffset() != datetime.combine(day, time(0), zone).utcoffset():
            days += [day - timedelta(days=1), day, day + timedelta(days=1)]
        day += timedelta(days=1)
    return days


CHANGES = {name: clock_changes(zone) for name, zone in ZONES.items()}


def exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether a wall-clock time is shown by zone's clocks (not skipped when they go forward)."""
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


@st.composite
def events(draw: st.DrawFn) -> tuple[ZoneInfo, When]:
    """A zone and an event the bot can store in it, on or after NOW: one day, several, all day or timed."""
    name = draw(st.sampled_from(sorted(ZONES)))
    zone = ZONES[name]
    days = st.dates(min_value=date(2026, 1, 11), max_value=date(2029, 12, 31))
    first = draw(st.one_of(days, st.sampled_from(CHANGES[name] or [date(2026, 6, 1)])))
    length = draw(st.sampled_from([0, 0, 1, 2, 6, 40]))
    last = first + timedelta(days=length)
    if draw(st.booleans()):  # all day
        start = datetime(first.year, first.month, first.day, tzinfo=zone)
        end = datetime(last.year, last.month, last.day, tzinfo=zone) if length or draw(st.booleans()) else None
        return zone, When(start, end, all_day=True)
    minutes = st.integers(min_value=0, max_value=24 * 60 - 1)
    wall_start = datetime.combine(first, time()) + timedelta(minutes=draw(minutes))
    if not exists(wall_start, zone):
        wall_start += timedelta(hours=1)  # out of the gap: the bot stores no time the clocks skip
    start = wall_start.replace(tzinfo=zone)
    if draw(st.booleans()) and not length:
        return zone, When(start, None, all_day=False)
    wall_end = datetime.combine(last, time()) + timedelta(minutes=draw(minutes))
    if not exists(wall_end, zone):
        wall_end += timedelta(hours=1)
    if wall_end < wall_start:
        wall_end = wall_start + timedelta(minutes=draw(st.integers(min_value=0, max_value=600)))
        if not exists(wall_end, zone):
            wall_end += timedelta(hours=1)
    return zone, When(start, wall_end.replace(tzinfo=zone), all_day=False)


def shown(when: When) -> When:
    """The event as its text says it: an end equal to the start (or on the start's day, all day) is not written."""
    end = when.end
    if end is not None and (end == when.start or (when.all_day and end.date() == when.start.date())):
        end = None
    return When(when.start, end, when.all_day)


def same(actual: datetime | None, expected: datetime | None, zone: ZoneInfo) -> bool:
    """The same instant and the same wall-clock time in zone."""
    if actual is None or expected is None:
        return actual is expected
    return (
        actual.tzinfo is zone
        and actual.astimezone(UTC) == expected.astimezone(UTC)
        and actual.replace(tzinfo=None) == expected.replace(tzinfo=None)
    )


BERLIN = ZONES["Europe/Berlin"]


@settings(max_examples=400, deadline=None, database=None)
@given(events(), st.sampled_from(LANGUAGES))
@example((BERLIN, When(datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN), None, False)), "de")  # the hour twice
@example(
    (BERLIN, When(datetime(2027, 3, 27, 18, tzinfo=BERLIN), datetime(2027, 3, 28, 18, tzinfo=BERLIN), False)), "en"
)
@example(
    (BERLIN, When(datetime(2026, 12, 4, 18, tzinfo=BERLIN), datetime(2026, 12, 6, 15, tzinfo=BERLIN), False)), "de"
)
@example((BERLIN, When(datetime(2026, 12, 4, tzinfo=BERLIN), datetime(2026, 12, 6, tzinfo=BERLIN), True)), "en")
@example((BERLIN, When(datetime(2026, 12, 4, 22, tzinfo=BERLIN), datetime(2026, 12, 5, tzinfo=BERLIN), False)), "de")
def test_the_bots_text_reads_back(event: tuple[ZoneInfo, When], language: str) -> None:
    zone, when = event
    text = Translator(language).when(when.start, when.end, when.all_day)
    result = parse_when(text, now=NOW, tz=zone)
    expected = shown(when)
    assert result.all_day is expected.all_day, text
    assert same(result.start, expected.start, zone), (text, result)
    assert same(result.end, expected.end, zone), (text, result)


# --- the examples in error replies ------------------------------------------------------------------------

BACKTICKED = re.compile(r"`([^`]+)`")


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)),
    st.sampled_from(sorted(ZONES)),
    st.sampled_from(LANGUAGES),
)
def test_the_examples_parse_and_are_never_in_the_past(now: datetime, name: str, language: str) -> None:
    zone = ZONES[name]
    values = when_examples(Translator(language), now, zone)
    examples = BACKTICKED.findall(Translator(language).raw("when_examples").format(**values))
    assert len(examples) == 5
    ranges = [text for text in examples if (when := parse_when(text, now=now, tz=zone)).end is not None]
    assert len(ranges) == 3  # a day's hours, the all-day range and the range over days with times
    several_days = parse_when(values["range"], now=now, tz=zone)
    assert several_days.end is not None and not several_days.all_day
    assert several_days.end.date() > several_days.start.date()
    assert when.start.astimezone(UTC) > now  # the last example, like the others, is ahead


def test_an_error_reply_names_the_piece_and_shows_a_range_with_times() -> None:
    t = Translator("de")
    now = datetime(2026, 12, 1, 12, tzinfo=BERLIN)
    with pytest.raises(WhenError) as info:
        parse_when("04.12.2026 18:00 irgendwann", now=now, tz=BERLIN)
    reply = when_message(t, info.value, now, BERLIN).text
    assert reply.startswith("Ich kann „irgendwann“ nicht als Datum/Uhrzeit lesen.\n")
    assert "Freitag, 11.12.2026, 18:00, bis Sonntag, 13.12.2026, 15:00" in reply


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "text", ["12/4/2027", "next Friday 19:00", "Freitag Mitternacht", "4.12", "4/12/2026 - 6/12/2026", "next Sunday"]
)
def test_the_readings_offered_read_back(language: str, text: str) -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=BERLIN)
    t = Translator(language)
    with pytest.raises(WhenError) as info:
        parse_when(text, now=now, tz=BERLIN)
    error = info.value
    assert error.code == "ambiguous" and error.options
    reply = when_message(t, error, now, BERLIN).text
    for option in error.options:
        written = t.when(option.start, option.end, option.all_day)
        assert written in reply
        again = parse_when(written, now=now, tz=BERLIN)
        assert (again.start, again.end, again.all_day) == (option.start, option.end, option.all_day)


def test_a_weekday_that_does_not_fit_says_which_day_it_is() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=BERLIN)
    with pytest.raises(WhenError) as info:
        parse_when("Samstag, 04.12.2026, 18 Uhr", now=now, tz=BERLIN)
    reply = when_message(Translator("de"), info.value, now, BERLIN).text
    assert reply.startswith("„Samstag“ passt nicht zum Datum: das ist Freitag, 04.12.2026.")


# --- pipes in text --------------------------------------------------------------------------------------

ORDER = ("title", "when", "where", "link")
# a part of a one-line command: no `|`, `\`, line break or `:` (a `key:` first would make it the multi-line form)
PIECE = st.text(
    alphabet=st.characters(blacklist_characters="|\\:", blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=12
)


def context(body: str, language: str = "de") -> SimpleNamespace:
    """What pipe_form looks at: the translator, the message and the prefix."""
    return SimpleNamespace(t=Translator(language), message=SimpleNamespace(body=body), prefix="!")


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(PIECE.map(str.strip).filter(bool), min_size=5, max_size=8),
    st.sampled_from(LANGUAGES),
)
def test_the_multi_line_form_reads_back(parts: list[str], language: str) -> None:
    text = " | ".join(parts)
    with pytest.raises(FieldError) as info:
        split_fields(text, ORDER, EVENT_FIELDS)
    error = info.value
    assert error.code == "too_many_parts" and error.parts == tuple(parts) and error.names == ORDER
    form = pipe_form(context(f"!event add {text}", language), error, EVENT_FIELDS).text  # type: ignore[arg-type]
    head, _, rest = form.partition("\n")
    assert head == "!event add"
    expected = {name: value for name, value in spread_parts(parts, ORDER).items() if value}
    assert split_fields(rest, ORDER, EVENT_FIELDS) == expected
    assert expected["title"] == " | ".join(parts[: len(parts) - 3])
    # the same values, typed on one line with the title's pipes escaped
    escaped = " | ".join([expected["title"].replace("|", "\\|"), *parts[len(parts) - 3 :]])
    assert split_fields(escaped, ORDER, EVENT_FIELDS) == expected


def test_the_form_uses_the_words_of_the_language_and_the_command() -> None:
    text = "Leipzig | jeden Mittwoch | 19 Uhr | Basislager | OKLab | Leipzig | https://example.org"
    with pytest.raises(FieldError) as info:
        split_fields(text, ("city", "rule", "time", "where", "name", "link"), MEETUP_FIELDS)
    form = pipe_form(context(f"!meetup add {text}"), info.value, MEETUP_FIELDS).text  # type: ignore[arg-type]
    assert form.splitlines() == [
        "!meetup add",
        "Stadt: Leipzig",
        "Regel: jeden Mittwoch",
        "Zeit: 19 Uhr",
        "Wo: Basislager",
        "Name: OKLab | Leipzig",
        "Link: https://example.org",
    ]
    form = pipe_form(context(f"!meetup add {text}", "en"), info.value, MEETUP_FIELDS).text  # type: ignore[arg-type]
    assert form.splitlines()[1:3] == ["City: Leipzig", "Rule: jeden Mittwoch"]


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "eventbot.db")
    yield store
    await store.close()


def message(body: str, number: int) -> Message:
    return Message(
        room_id="!room:example.org", event_id=f"$m{number}", sender="@a:example.org", body=body, timestamp_ms=1
    )


async def test_a_pipe_in_a_title_is_answered_with_the_form_and_nothing_is_stored(
    storage: Storage, tmp_path: Path
) -> None:
    raw = {
        "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
        "bot": {"data_dir": str(tmp_path), "language": "de"},
    }
    now = datetime(2026, 12, 1, 12, tzinfo=BERLIN)
    dispatcher = Dispatcher(build_registry(), storage, parse_config(raw, base_dir=tmp_path, env={}), clock=lambda: now)
    one_line = (
        "!event add TRIALOG | ANYMOS – Mobilität im Datenrausch | Freitag, 04.12.2026, 18:00-21:00 | "
        "WikiBär, Berlin | https://example.org/trialog"
    )
    answer = await dispatcher.dispatch(message(one_line, 1))
    assert answer is not None and not answer.carried_out
    assert await storage.list_events("!room:example.org") == []
    form = answer.body.text.split("(bitte prüfen):\n", 1)[1]
    assert form.splitlines() == [
        "!event add",
        "Titel: TRIALOG | ANYMOS – Mobilität im Datenrausch",
        "Wann: Freitag, 04.12.2026, 18:00-21:00",
        "Wo: WikiBär, Berlin",
        "Link: https://example.org/trialog",
    ]
    answer = await dispatcher.dispatch(message(form, 2))
    assert answer is not None and answer.carried_out
    escaped = one_line.replace("TRIALOG |", "TRIALOG \\|").replace("Datenrausch", "Datenrausch II")
    answer = await dispatcher.dispatch(message(escaped, 3))
    assert answer is not None and answer.carried_out
    stored = await storage.list_events("!room:example.org")
    assert [event.title for event in stored] == [
        "TRIALOG | ANYMOS – Mobilität im Datenrausch",
        "TRIALOG | ANYMOS – Mobilität im Datenrausch II",
    ]
    assert stored[0].start == datetime(2026, 12, 4, 18, tzinfo=BERLIN)
