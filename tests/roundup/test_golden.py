"""Golden test: the reference feed and meetups rendered as the November 2025 post, compared line by line."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.commands.catalog import build_registry
from bot.config import RoundupConfig, parse_config
from bot.dispatch import Dispatcher
from bot.ical import event_from_entry, parse_calendar
from bot.models import Message
from bot.roundup import Edition, collect_roundup, render_roundup
from bot.storage import Storage

DATA = Path(__file__).parent.parent / "data"
BERLIN = ZoneInfo("Europe/Berlin")
ROOM = "!reference:localhost"
CLOCK = datetime(2025, 11, 20, 12, 0, tzinfo=BERLIN)
LINK = re.compile(r" <a title='([^']*)' download='event.ics' href=\"data:text/calendar;base64,([^\"]+)\">&#x1F4C5;</a>")
DEADLINES = [
    "[Winterkongress] der Digitalen Gesellschaft Schweiz | https://www.digitale-gesellschaft.ch/2025/11/02/"
    "winterkongress-vom-20-und-21-februar-2026-call-for-participation/ | 07.12.2025",
    "Informatik Festival | https://informatik2026.gi.de/CfP.html | 15.12.2025",
    "re:publica | https://re-publica.com/de/cfp-berlin | 15.01.2026",
    "Munich Open Data Challenge 2026 | https://datengartln.de/challenge/ | 07.01.2026 - 11.02.2026",
]
REFERENCE_CONFIG = RoundupConfig(
    author="Jörg Reichert (Code for Leipzig)",
    attribution='<a href="https://pixabay.com/photos/open-open-sign-sushi-leipzig-9799996/">Foto</a> von '
    '<a href="https://pixabay.com/users/sannsie-40193152/">sannsie</a> auf <a href="https://pixabay.com/">'
    "Pixabay</a>",
    calendar_url="https://events.codeforleipzig.de",
    lookahead_days=15,
)


async def _command(dispatcher: Dispatcher, text: str, number: int) -> str:
    message = Message(
        room_id=ROOM,
        event_id=f"$cmd{number}",
        sender="@curator:localhost",
        body=text,
        timestamp_ms=number,
        sender_power=100,
    )
    answer = await dispatcher.dispatch(message)
    assert answer is not None
    return answer.body.text


@pytest.fixture
async def reference_room(tmp_path):
    """A room holding the feed's events (in feed order), the nine meetups and the four deadlines."""
    storage = await Storage.open(tmp_path / "eventbot.db")
    config = parse_config(
        {
            "matrix": {"homeserver": "http://localhost", "user_id": "@bot:localhost", "password": "x"},
            "bot": {"rate_limit_per_minute": 1000},
        },
        base_dir=tmp_path,
        env={},
    )
    lab_geo = {}
    for entry in parse_calendar((DATA / "events-feed-2025-12-12.ics").read_bytes(), BERLIN):
        if entry.rrule is None:
            await storage.add_event(event_from_entry(entry, room_id=ROOM, submitter="@curator:localhost"))
        elif entry.geo:
            lab_geo[entry.title] = entry.geo
    dispatcher = Dispatcher(build_registry(), storage, config, lambda: CLOCK)
    lines = (DATA / "reference-meetups.txt").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        assert "#" in await _command(dispatcher, f"!meetup add {line}", number)
    # the labs' coordinates, as the feed has them, added the way a curator would
    for meetup in await storage.list_meetups(ROOM):
        if meetup.name in lab_geo:
            lat, lon = lab_geo[meetup.name]
            assert "#" in await _command(dispatcher, f"!meetup edit #{meetup.id} geo {lat}, {lon}", 50 + meetup.id)
    for number, line in enumerate(DEADLINES, start=100):
        assert "#" in await _command(dispatcher, f"!frist add {line}", number)
    yield storage
    await storage.close()


async def _render(storage: Storage) -> str:
    edition = Edition(2025, 11, published=datetime(2025, 12, 8, 8, 0, tzinfo=BERLIN), headline="Allostatische Last")
    return render_roundup(await collect_roundup(storage, ROOM, edition, REFERENCE_CONFIG, BERLIN), REFERENCE_CONFIG)


def _visible(line: str) -> str:
    return LINK.sub("", line)


async def test_post_matches_the_reference_line_by_line(reference_room):
    ours = (await _render(reference_room)).splitlines()
    reference = (DATA / "out-in-the-open-2025-11.md").read_text(encoding="utf-8").splitlines()
    assert len(ours) == len(reference)
    differences = [
        (_visible(theirs), _visible(mine))
        for theirs, mine in zip(reference, ours, strict=True)
        if _visible(theirs) != _visible(mine)
    ]
    # the only two differences are errors in the published post:
    assert differences == [
        # December is winter time in Berlin: +01:00, not +02:00
        ("date: '2025-12-08T08:00:00+02:00'", "date: '2025-12-08T08:00:00+01:00'"),
        # every other lab line has a colon after the city
        (
            "  * Karlsruhe, jeden dritten Montag im Monat, 19:00-21:00, Impact Hub, Kaiserstr 97, 76131 Karlsruhe: "
            "**Code for Karlsruhe**",
            "  * Karlsruhe: jeden dritten Montag im Monat, 19:00-21:00, Impact Hub, Kaiserstr 97, 76131 Karlsruhe: "
            "**Code for Karlsruhe**",
        ),
    ]


def _calendar_fields(payload: str) -> dict[str, str]:
    calendar = icalendar.Calendar.from_ical(base64.b64decode(payload))
    event = next(iter(calendar.walk("VEVENT")))
    fields = {name: str(event.get(name)) for name in ("SUMMARY", "LOCATION", "URL", "LINK") if event.get(name)}
    start = event.decoded("DTSTART")
    fields["START"] = start.strftime("%Y%m%dT%H%M%S")
    if event.get("DTEND"):
        fields["END"] = event.decoded("DTEND").strftime("%Y%m%dT%H%M%S")
    if event.get("GEO"):
        fields["GEO"] = f"{event['GEO'].latitude:.6f};{event['GEO'].longitude:.6f}"
    if event.get("RRULE"):
        fields["RRULE"] = event["RRULE"].to_ical().decode()
    return fields


async def test_calendar_payloads_carry_the_reference_fields_and_more(reference_room):
    ours = [LINK.search(line) for line in (await _render(reference_room)).splitlines()]
    reference = [LINK.search(line) for line in (DATA / "out-in-the-open-2025-11.md").read_text().splitlines()]
    pairs = [(theirs, mine) for theirs, mine in zip(reference, ours, strict=True) if theirs]
    assert len(pairs) == 19 + 9  # events of December and 15 January, and the labs
    for theirs, mine in pairs:
        if mine is None:  # Berlin's rule cannot be computed and has no dates: no calendar entry
            assert "Code for Berlin" in theirs.group(1)
            continue
        expected, got = _calendar_fields(theirs.group(2)), _calendar_fields(mine.group(2))
        assert mine.group(1).replace("&amp;", "&") == theirs.group(1)
        assert got["SUMMARY"] == expected["SUMMARY"]
        assert got["URL"] == expected["LINK"]
        assert got.get("LOCATION") == expected.get("LOCATION")
        assert got.get("GEO") == expected.get("GEO")
        if "RRULE" in got:  # meetups: same weekday and time as the feed's first date, a real rule
            assert got["START"][9:] == expected["START"][9:]
        else:
            assert (got["START"], got.get("END")) == (expected["START"], expected.get("END"))
        calendar = icalendar.Calendar.from_ical(base64.b64decode(mine.group(2)))
        event = next(iter(calendar.walk("VEVENT")))
        assert event.get("UID") and event.get("DTSTAMP")
        assert event["DTSTART"].params.get("TZID") == "Europe/Berlin"
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


async def test_meetup_payloads_have_ordinal_rules(reference_room):
    rules = {}
    for line in (await _render(reference_room)).splitlines():
        match = LINK.search(line)
        if match and line.startswith("  * "):
            rules[line[4:].split(":", 1)[0].split(",", 1)[0]] = _calendar_fields(match.group(2)).get("RRULE")
    assert rules == {
        "Bielefeld": "FREQ=WEEKLY;BYDAY=TH",
        "Flensburg": "FREQ=WEEKLY;BYDAY=WE",
        "Karlsruhe": "FREQ=MONTHLY;BYDAY=3MO",
        "Köln": "FREQ=MONTHLY;BYDAY=1MO",
        "Leipzig": "FREQ=WEEKLY;BYDAY=WE",
        "Münster": "FREQ=WEEKLY;BYDAY=TU",
        "Niederrhein": "FREQ=WEEKLY;BYDAY=TU",
        "temporärhaus (Neu-Ulm)": "FREQ=MONTHLY;BYDAY=2WE,4WE",
    }
