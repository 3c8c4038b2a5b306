"""The public calendar pages on the server side, without a browser: a real SQLite database seeded through the
real Dispatcher (the commands people type), the real aiohttp server on a loopback port, and outside readers of
what it serves (mf2py for microformats, json for JSON-LD, html5lib via BeautifulSoup for the document, the strict
`ical` parser and `recurring-ical-events` for the feed).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import icalendar
import mf2py
import pytest
import recurring_ical_events
from bs4 import BeautifulSoup
from ical.calendar_stream import IcsCalendarStream

from bot.commands.catalog import build_registry
from bot.config import Config, parse_config
from bot.dispatch import Dispatcher
from bot.http import FeedCache, start_http
from bot.models import EventStatus, Message
from bot.roundup import Edition, collect_roundup, render_roundup
from bot.schedule import meetup_dates
from bot.storage import Storage
from bot.web.names import alternative, slug, valid_name
from bot.web.pages import choose_language, content_security_policy, tile_source
from bot.web.structured import script_json

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=BERLIN)
ROOM, OTHER_ROOM = "!leipzig:example.org", "!halle:example.org"
MODERATOR, MEMBER = "@mod:example.org", "@member:example.org"
PUBLIC_URL = "https://events.example.org"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
SCHEMA = "https://schema.org/"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class World:
    """A bot's database and dispatcher, and its HTTP server: `say` as in a room, `get` as a browser would."""

    def __init__(self, storage: Storage, config: Config, clock: Clock, cache: FeedCache) -> None:
        self.storage = storage
        self.config = config
        self.clock = clock
        self.cache = cache
        self.dispatcher = Dispatcher(build_registry(), storage, config, clock=clock)
        self.numbers = itertools.count(1)
        self.session: aiohttp.ClientSession | None = None
        self.port = 0

    async def say(self, body: str, sender: str = MODERATOR, room: str = ROOM) -> str:
        number = next(self.numbers)
        answer = await self.dispatcher.dispatch(
            Message(
                room_id=room,
                event_id=f"$pages{number}",
                sender=sender,
                body=body,
                timestamp_ms=int(self.clock().timestamp() * 1000) + number,
                sender_power=100 if sender == MODERATOR else 0,
            )
        )
        assert answer is not None, body
        if answer.on_sent is not None:
            await answer.on_sent(f"$announcement{number}")
        self.cache.invalidate(room)  # what the app does after every handled message
        return answer.body.text

    async def add(self, body: str, sender: str = MODERATOR, room: str = ROOM) -> int:
        reply = await self.say(body, sender, room)
        found = re.search(r"#(\d+)", reply)
        assert found, f"{body!r} was not stored: {reply}"
        return int(found.group(1))

    async def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[aiohttp.ClientResponse, str]:
        assert self.session is not None
        async with self.session.get(
            f"http://127.0.0.1:{self.port}{path}", headers=headers, allow_redirects=False
        ) as response:
            return response, (await response.read()).decode("utf-8", "replace")

    async def page(self, path: str) -> str:
        response, body = await self.get(path)
        assert response.status == 200, (path, response.status, body[:200])
        assert response.content_type == "text/html"
        return body


def make_config(tmp_path: Path, **sections: dict[str, Any]) -> Config:
    raw: dict[str, Any] = {
        "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
        "bot": {"data_dir": str(tmp_path), "language": "de", "timezone": "Europe/Berlin"},
        "http": {"enabled": True, "public_url": PUBLIC_URL},
    }
    for name, values in sections.items():
        raw[name] = {**raw.get(name, {}), **values}
    return parse_config(raw, base_dir=tmp_path, env={})


async def open_world(tmp_path: Path, config: Config, now: datetime = NOW) -> tuple[World, Any]:
    clock = Clock(now)
    storage = await Storage.open(tmp_path / "eventbot.db", clock=clock)
    cache = FeedCache()
    world = World(storage, config, clock, cache)
    runner = await start_http(dataclasses.replace(config.http, host="127.0.0.1", port=0), storage, clock, cache=cache)
    world.port = runner.addresses[0][1]
    world.session = aiohttp.ClientSession()
    return world, runner


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    built, runner = await open_world(tmp_path, make_config(tmp_path))
    yield built
    assert built.session is not None
    await built.session.close()
    await runner.cleanup()
    await built.storage.close()


async def seed(world: World) -> dict[str, int]:
    """The Leipzig room as the tests read it (NOW is Friday, 20 November 2026, noon); returns numbers by title."""
    ids = {
        "Datenabend": await world.add(
            "!event add\nTitel: Datenabend\nWann: 24.11.2026 19:00-21:00\nWo: Basislager, Leipzig\n"
            "Link: https://codefor.de/datenabend\nGeo: 51.3397, 12.3731"
        ),
        "Stammtisch": await world.add(
            "!event add\nTitel: Stammtisch\nWann: 26.11.2026 18:00-20:00\nWo: Basislager, Leipzig\n"
            "Geo: 51.3397, 12.3731"
        ),
        "Sprechstunde": await world.add(
            "!event add\nTitel: Sprechstunde\nWann: 25.11.2026 20:00-21:00\nWo: online\n"
            "Online: https://meet.example.org/sprechstunde"
        ),
        "Hybrid": await world.add(
            "!event add\nTitel: Hybrid\nWann: 27.11.2026 18:00\nWo: Stadtbibliothek, Leipzig und auch online\n"
            "Geo: 51.3350, 12.3800"
        ),
        "Wochenende": await world.add(
            "!event add\nTitel: Wochenende\nWann: 04.12.2026 10:00 bis 06.12.2026 16:00\n"
            "Wo: Haus des Buches, Leipzig\nGeo: 51.3340, 12.3890"
        ),
        "Tag der offenen Daten": await world.add("!event add Tag der offenen Daten | 05.12.2026 | Rathaus, Leipzig"),
        "Abgesagt": await world.add("!event add Abgesagt | 28.11.2026 18:00 | Werk 2, Leipzig"),
        IMG: await world.add(f"!event add\nTitel: {IMG}\nWann: 01.12.2026 19:00\nWo: Ostwache\nGeo: 51.3420, 12.4010"),
        SCRIPT: await world.add(f"!event add {SCRIPT} | 02.12.2026 19:00 | Ostwache | https://example.org/s"),
        "Später": await world.add("!event add Später | 20.02.2027 19:00 | Basislager, Leipzig"),
        "OKLab Leipzig": await world.add(
            "!meetup add\nStadt: Leipzig\nWann: jeden Mittwoch\nZeit: 19:00-22:00\nWo: Basislager\n"
            "Name: OKLab Leipzig\nLink: https://codefor.de/leipzig/\nGeo: 51.3300, 12.3600"
        ),
        "Code for Halle": await world.add(
            "!meetup add Halle | jeden ersten Montag im Monat | 18:30 | Zentrum | Code for Halle"
        ),
    }
    assert "#" in await world.say(f"!event cancel #{ids['Abgesagt']}")
    await world.say("!settings approval on")
    ids["Wartet"] = await world.add("!event add Wartet | 30.11.2026 19:00 | Irgendwo", sender=MEMBER)
    ids["Abgelehnt"] = await world.add("!event add Abgelehnt | 30.11.2026 20:00 | Irgendwo", sender=MEMBER)
    await world.say(f"!event reject #{ids['Abgelehnt']} doppelt")
    for title, status in (("Wartet", EventStatus.PENDING), ("Abgelehnt", EventStatus.REJECTED)):
        stored = await world.storage.get_event(ROOM, ids[title])
        assert stored is not None and stored.status == status
    # another room with its own events, published too: never on Leipzig's pages
    await world.add("!event add Fremdabend | 25.11.2026 19:00 | Halle", room=OTHER_ROOM)
    assert "/halle/" in await world.say("!calendar publish halle", room=OTHER_ROOM)
    return ids


@dataclasses.dataclass(frozen=True)
class Expected:
    name: str
    start: datetime
    online_only: bool
    all_day: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """What a page writes of it: the name and the start (a date for all-day ones, else a moment)."""
        return self.name, self.start.date().isoformat() if self.all_day else self.start.astimezone(UTC).isoformat()


def shown_key(name: str, start: str) -> tuple[str, str]:
    written = moment(start)
    return name, written.date().isoformat() if written.tzinfo is None else written.astimezone(UTC).isoformat()


async def expected(world: World, start: datetime, end: datetime) -> list[Expected]:
    """What the database holds for [start, end): approved and cancelled events not over before start, every meetup
    date starting in it."""
    found = [
        Expected(event.title, event.start, event.online_only, event.all_day)
        for event in await world.storage.list_events(
            ROOM, start=start, end=end, statuses=(EventStatus.APPROVED, EventStatus.CANCELLED)
        )
    ]
    for meetup in await world.storage.list_meetups(ROOM):
        found += [
            Expected(meetup.name, moment, meetup.online and not meetup.place)
            for moment in meetup_dates(meetup, start, end)
        ]
    return found


def moment(text: str) -> datetime:
    """An ISO date-time as mf2py or a page writes it (`+0100` or `+01:00`)."""
    return datetime.fromisoformat(re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text.replace(" ", "T")))


def h_events(html: str) -> list[dict[str, Any]]:
    return [item for item in mf2py.parse(doc=html, url=f"{PUBLIC_URL}/leipzig/")["items"] if "h-event" in item["type"]]


def json_ld(html: str) -> list[dict[str, Any]]:
    scripts = BeautifulSoup(html, "html5lib").find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert isinstance(data, list)
    return data


UPCOMING_END = datetime(2027, 1, 16, tzinfo=BERLIN)  # the end of the day 8 weeks after NOW


# -- publishing --


async def test_a_published_room_has_its_page_and_the_reply_gives_its_url(world: World) -> None:
    reply = await world.say("!calendar publish leipzig")

    assert f"{PUBLIC_URL}/leipzig/" in reply
    assert "<html" in await world.page("/leipzig/")
    assert "<html" in await world.page("/leipzig/2026/12/")
    response, _ = await world.get("/leipzig")
    assert response.status == 308 and response.headers["Location"] == "leipzig/"
    shown = await world.say("!calendar")
    private = next(word for word in shown.split() if word.startswith("http"))  # the secret URL still comes first
    assert private.endswith("/calendar.ics") and "/leipzig/" not in private
    assert f"{PUBLIC_URL}/leipzig/" in shown
    assert await world.storage.published_room("leipzig") == ROOM
    assert await world.storage.public_name(ROOM) == "leipzig"


async def test_an_unpublished_room_is_not_found_anywhere(world: World) -> None:
    await seed(world)
    paths = ("/leipzig/", "/leipzig/calendar.ics", "/leipzig/2026/12/", "/leipzig")
    for path in paths:
        assert (await world.get(path))[0].status == 404, path

    await world.say("!calendar publish leipzig")
    for path in paths[:3]:
        assert (await world.get(path))[0].status == 200, path
    reply = await world.say("!calendar unpublish")

    assert "404" in reply and f"{PUBLIC_URL}/leipzig/" in reply
    for path in paths:
        response, body = await world.get(path)
        assert response.status == 404, path
        assert "Datenabend" not in body
    assert await world.storage.published_room("leipzig") is None
    assert "keine öffentliche Seite" in await world.say("!calendar unpublish")
    # the room's secret feed still works, the other room's page too
    private = next(word for word in (await world.say("!calendar")).split() if word.startswith("http"))
    assert (await world.get(private.removeprefix(PUBLIC_URL)))[0].status == 200
    assert "Fremdabend" in await world.page("/halle/")


async def test_only_approved_and_cancelled_events_of_the_room_are_public(world: World) -> None:
    await seed(world)
    await world.say("!calendar publish leipzig")

    texts = [
        await world.page("/leipzig/"),
        await world.page("/leipzig/2026/11/"),
        await world.page("/leipzig/2026/12/"),
        (await world.get("/leipzig/calendar.ics"))[1],
    ]
    for text in texts:
        for hidden in ("Wartet", "Abgelehnt", "Fremdabend"):
            assert hidden not in text
    assert "Datenabend" in texts[0] and "Abgesagt" in texts[0]
    assert "Später" not in texts[0]  # beyond the next 8 weeks
    assert "Später" in await world.page("/leipzig/2027/02/")


# -- what the pages show --


async def test_mf2py_extracts_exactly_the_occurrences_of_the_next_eight_weeks(world: World) -> None:
    await seed(world)
    await world.say("!calendar publish leipzig")
    html = await world.page("/leipzig/")

    items = h_events(html)
    shown = [shown_key(item["properties"]["name"][0], item["properties"]["start"][0]) for item in items]
    wanted = await expected(world, NOW, UPCOMING_END)
    online = [e.key for e in wanted if e.online_only]
    # the list holds each once; the online-only ones are listed beside the map as well
    assert sorted(shown) == sorted([e.key for e in wanted] + online)
    assert {e.name for e in wanted} >= {"Datenabend", "Wochenende", "OKLab Leipzig", "Code for Halle", IMG, SCRIPT}
    by_name = {item["properties"]["name"][0]: item["properties"] for item in items}
    assert by_name["Datenabend"]["url"] == ["https://codefor.de/datenabend"]
    assert by_name["Datenabend"]["location"] == ["Basislager, Leipzig"]
    assert moment(by_name["Wochenende"]["end"][0]) == datetime(2026, 12, 6, 16, tzinfo=BERLIN)
    assert "url" not in by_name["Stammtisch"]  # no link: a span, not a link

    soup = BeautifulSoup(html, "html5lib")
    assert soup.html is not None and soup.html["lang"] == "de"
    assert soup.find("main") is not None and soup.title is not None and "leipzig" in soup.title.text
    assert soup.find("meta", attrs={"name": "viewport"})["content"] == "width=device-width, initial-scale=1"
    assert soup.find("meta", property="og:title") and soup.find("meta", property="og:description")
    days = soup.select("section#list h3")
    assert days[0].text.startswith("Dienstag, 24.11.2026")  # grouped by day, in order
    cancelled = [a for a in soup.select("section#list article.h-event") if "Abgesagt" in a.text]
    assert len(cancelled) == 1 and "cancelled" in cancelled[0]["class"] and cancelled[0].select_one("del .p-name")
    assert [a.select_one(".p-name").text for a in soup.select("section#online article.h-event")] == ["Sprechstunde"]
    for article in soup.select("article.h-event"):
        assert moment(article["data-start"]).tzinfo is not None


async def test_the_map_has_one_marker_per_place_listing_everything_there(world: World) -> None:
    await seed(world)
    await world.say("!calendar publish leipzig")
    soup = BeautifulSoup(await world.page("/leipzig/"), "html5lib")

    element = soup.select_one("#map")
    assert element is not None
    assert element["data-tiles"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "https://www.openstreetmap.org/copyright" in element["data-attribution"]
    markers = json.loads(element["data-markers"])
    spots = {(m["lat"], m["lon"]): [item["title"] for item in m["items"]] for m in markers}
    assert len(markers) == len(spots) == 5  # Basislager (twice), Stadtbibliothek, Haus des Buches, Ostwache, OKLab
    assert spots[(51.3397, 12.3731)] == ["Datenabend", "Stammtisch"]
    assert set(spots[(51.33, 12.36)]) == {"OKLab Leipzig"} and len(spots[(51.33, 12.36)]) == 8  # every Wednesday
    assert spots[(51.342, 12.401)] == [IMG]
    item = markers[0]["items"][0]
    assert set(item) >= {"title", "start", "url"} and moment(item["start"]).tzinfo is not None


async def test_json_ld_has_one_event_per_occurrence_with_its_properties(world: World) -> None:
    ids = await seed(world)
    await world.say("!calendar publish leipzig")
    html = await world.page("/leipzig/")

    data = json_ld(html)
    wanted = await expected(world, NOW, UPCOMING_END)
    assert sorted(shown_key(d["name"], d["startDate"]) for d in data) == sorted(e.key for e in wanted)
    for entry in data:
        assert entry["@context"] == "https://schema.org" and entry["@type"] == "Event"
        assert set(entry) >= {"name", "startDate", "eventStatus", "eventAttendanceMode", "url"}
        if "T" in entry["startDate"]:
            assert moment(entry["startDate"]).utcoffset() is not None
            assert re.search(r"[+-]\d\d:\d\d$", entry["startDate"])
        assert entry["url"].startswith("https://")
    named = {d["name"]: d for d in data}
    assert named["Abgesagt"]["eventStatus"] == SCHEMA + "EventCancelled"
    assert named["Datenabend"]["eventStatus"] == SCHEMA + "EventScheduled"
    assert named["Datenabend"]["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert named["Datenabend"]["location"] == {
        "@type": "Place",
        "name": "Basislager, Leipzig",
        "address": {"@type": "PostalAddress", "streetAddress": "Basislager, Leipzig"},
        "geo": {"@type": "GeoCoordinates", "latitude": 51.3397, "longitude": 12.3731},
    }
    assert named["Datenabend"]["url"] == "https://codefor.de/datenabend"
    assert named["Datenabend"]["startDate"] == "2026-11-24T19:00:00+01:00"
    assert named["Datenabend"]["endDate"] == "2026-11-24T21:00:00+01:00"
    assert named["Sprechstunde"]["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert named["Sprechstunde"]["location"] == {
        "@type": "VirtualLocation",
        "url": "https://meet.example.org/sprechstunde",
    }
    assert named["Hybrid"]["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
    assert [place["@type"] for place in named["Hybrid"]["location"]] == ["Place", "VirtualLocation"]
    assert named["Stammtisch"]["url"] == f"{PUBLIC_URL}/leipzig/#e{ids['Stammtisch']}"  # no link: its list entry
    assert named["Tag der offenen Daten"]["startDate"] == "2026-12-05"  # all day: a date
    meetups = [d for d in data if d["name"] == "OKLab Leipzig"]
    assert len(meetups) == 8 and len({d["startDate"] for d in meetups}) == 8  # every date its own Event


async def test_hostile_titles_stay_text_in_html_attributes_and_json_ld(world: World) -> None:
    await seed(world)
    await world.say("!calendar publish leipzig")

    for path in ("/leipzig/", "/leipzig/2026/12/"):
        html = await world.page(path)
        assert IMG not in html and SCRIPT not in html and "<script>alert" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        soup = BeautifulSoup(html, "html5lib")
        assert not soup.find_all("img")
        scripts = soup.find_all("script")
        assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
        assert len([s for s in scripts if not s.get("src")]) == 1
        assert all(s["src"].startswith("../") and s["src"].endswith(".js") for s in scripts if s.get("src"))
        names = {e.select_one(".p-name").text for e in soup.select("section#list article.h-event")}
        assert {IMG, SCRIPT} <= names
        assert {IMG, SCRIPT} <= {d["name"] for d in json_ld(html)}
        assert not soup.find(attrs={"onerror": True})
    markers = json.loads(BeautifulSoup(await world.page("/leipzig/"), "html5lib").select_one("#map")["data-markers"])
    assert IMG in [item["title"] for m in markers for item in m["items"]]


def test_json_for_a_script_element_cannot_end_it() -> None:
    text = script_json({"name": "</script><!-- & \u2028"})

    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><!-- & \u2028"}


async def test_only_http_links_become_links(world: World) -> None:
    await world.say("!calendar publish leipzig")
    number = await world.add("!event add Sicher | 01.12.2026 19:00 | Ort | https://example.org/ok")
    event = await world.storage.get_event(ROOM, number)
    assert event is not None
    # a link that slipped in some other way (an old row, an import): never a link on the page
    await world.storage.update_event(dataclasses.replace(event, link="javascript:alert(1)", online_url="data:x"))
    world.cache.invalidate(ROOM)

    html = await world.page("/leipzig/")
    assert "javascript:" not in html and "data:x" not in html
    soup = BeautifulSoup(html, "html5lib")
    assert all(
        a["href"].startswith(("https://", "http://", "webcal://", "#", "../", "20", "e/", "m/"))
        for a in soup.select("a")
    )


async def test_the_month_grid_has_every_day_of_its_events_and_the_meetup_dates(world: World) -> None:
    await seed(world)
    await world.say("!calendar publish leipzig")
    world.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=BERLIN)
    world.cache.invalidate()
    html = await world.page("/leipzig/2026/12/")
    soup = BeautifulSoup(html, "html5lib")

    grid = soup.select_one("table.month-grid")
    assert grid is not None
    headers = [th.text for th in grid.select("thead th[scope=col]")]
    assert len(headers) == 7 and headers[0].startswith("Mo") and headers[6].startswith("So")
    cells = {td["data-date"]: td for td in grid.select("td[data-date]")}
    assert sorted(cells) == [f"2026-12-{day:02d}" for day in range(1, 32)]
    assert grid.select("tbody tr")[0].select("td")[0].get("data-date") is None  # 1 December is a Tuesday
    assert [td["data-date"] for td in grid.select("td.today")] == ["2026-12-03"]

    def titles(day: int) -> list[str]:
        return [e.text for e in cells[f"2026-12-{day:02d}"].select(".grid-event")]

    for day in (4, 5, 6):
        assert "Wochenende" in titles(day)
    assert "Wochenende" not in titles(3) + titles(7)
    assert "Tag der offenen Daten" in titles(5)
    for day in (2, 9, 16, 23, 30):  # every Wednesday
        assert "OKLab Leipzig" in titles(day)
    assert "Code for Halle" in titles(7)  # the first Monday
    assert titles(1) == [IMG]
    wanted = await expected(world, datetime(2026, 12, 1, tzinfo=BERLIN), datetime(2027, 1, 1, tzinfo=BERLIN))
    listed = [shown_key(e["properties"]["name"][0], e["properties"]["start"][0]) for e in h_events(html)]
    assert sorted(listed) == sorted(e.key for e in wanted)
    assert soup.select_one('a[rel="prev"]')["href"] == "../../2026/11/"
    assert soup.select_one('a[rel="next"]')["href"] == "../../2027/01/"
    assert soup.select_one("section#subscribe") is not None


async def test_months_outside_1900_to_2199_or_malformed_are_not_found(world: World) -> None:
    await world.say("!calendar publish leipzig")

    for path in ("/leipzig/1900/01/", "/leipzig/2199/12/"):
        assert (await world.get(path))[0].status == 200, path
    soup = BeautifulSoup(await world.page("/leipzig/1900/01/"), "html5lib")
    assert soup.select_one('a[rel="prev"]') is None and soup.select_one('a[rel="next"]') is not None
    assert "In diesem Monat steht nichts an." in soup.select_one("section#list").text
    for path in (
        "/leipzig/1899/12/",
        "/leipzig/2200/01/",
        "/leipzig/2026/13/",
        "/leipzig/2026/00/",
        "/leipzig/26/12/",
        "/leipzig/2026/1/",
        "/leipzig/2026/december/",
        "/Leipzig/",
        "/leipzig/2026/",
    ):
        assert (await world.get(path))[0].status == 404, path


async def test_the_subscribe_box_links_webcal_google_and_the_feed(world: World) -> None:
    await world.say("!calendar publish leipzig")
    soup = BeautifulSoup(await world.page("/leipzig/"), "html5lib")

    links = [a["href"] for a in soup.select("section#subscribe a")]
    assert links == [
        "webcal://events.example.org/leipzig/calendar.ics",
        "https://calendar.google.com/calendar/render?cid=https%3A%2F%2Fevents.example.org%2Fleipzig%2Fcalendar.ics",
        f"{PUBLIC_URL}/leipzig/calendar.ics",
    ]
    assert len(soup.select("section#subscribe .hint")) == 3


# -- the feed --


async def test_the_public_feed_is_strict_ical_and_expands_to_the_bots_own_meetup_dates_across_dst(
    tmp_path: Path,
) -> None:
    world, runner = await open_world(tmp_path, make_config(tmp_path), now=datetime(2027, 3, 1, 12, tzinfo=BERLIN))
    try:
        weekly = await world.add(
            "!meetup add Leipzig | jeden Dienstag | 19:00-21:00 | Basislager | OKLab Leipzig | https://codefor.de/"
        )
        assert "#" in await world.say(f"!meetup skip #{weekly} 06.04.2027")
        assert "#" in await world.say(f"!meetup move #{weekly} 13.04.2027 14.04.2027 18:00")
        monthly = await world.add("!meetup add Halle | jeden ersten Montag im Monat | 18:30 | Zentrum | Halle")
        edited = await world.add("!event add Datenabend | 30.03.2027 19:00 | Basislager | https://codefor.de/d")
        await world.say(f"!event edit #{edited} title Datenabend spezial")
        await world.say(f"!event edit #{edited} where Werk 2")
        gone = await world.add("!event add Fällt aus | 31.03.2027 19:00 | Werk 2")
        await world.say(f"!event cancel #{gone}")
        await world.say("!settings approval on")
        await world.add("!event add Wartet | 01.04.2027 19:00 | Irgendwo", sender=MEMBER)
        await world.say("!calendar publish leipzig")

        response, body = await world.get("/leipzig/calendar.ics")
        assert response.status == 200 and response.content_type == "text/calendar"

        strict = IcsCalendarStream.calendar_from_ics(body)  # raises on anything RFC 5545 does not allow
        assert {e.summary for e in strict.events} == {"OKLab Leipzig", "Halle", "Datenabend spezial", "Fällt aus"}
        calendar = icalendar.Calendar.from_ical(body)
        assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == "leipzig"
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body.replace("\n", "\r\n").replace("\r\r", "\r")
        assert "X-PUBLISHED-TTL:PT6H" in body
        events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
        assert int(events["Datenabend spezial"]["SEQUENCE"]) == 2  # edited twice
        assert str(events["Datenabend spezial"]["URL"]) == "https://codefor.de/d"
        assert str(events["Fällt aus"]["STATUS"]) == "CANCELLED" and int(events["Fällt aus"]["SEQUENCE"]) == 1

        start, end = datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 12, 1, tzinfo=BERLIN)  # over both changes
        for number, uid_name in ((weekly, "OKLab Leipzig"), (monthly, "Halle")):
            meetup = next(m for m in await world.storage.list_meetups(ROOM) if m.id == number)
            ours = meetup_dates(meetup, start, end)
            theirs = sorted(
                item["DTSTART"].dt
                for item in recurring_ical_events.of(calendar).between(start, end)
                if str(item["SUMMARY"]) == uid_name
            )
            assert [moment.astimezone(UTC) for moment in theirs] == [moment.astimezone(UTC) for moment in ours]
            assert len(ours) > 8
        weekly_dates = meetup_dates(
            next(m for m in await world.storage.list_meetups(ROOM) if m.id == weekly), start, end
        )
        local = {moment.astimezone(BERLIN).time() for moment in weekly_dates}
        assert local == {time(19), time(18)}  # 19:00 on both sides of the change; the moved date at 18:00
        assert {moment.utcoffset() for moment in weekly_dates} == {timedelta(hours=1), timedelta(hours=2)}
        assert date(2027, 4, 6) not in {moment.date() for moment in weekly_dates}

        # the secret feed of the same room: the same calendar, with the room's public name
        private = next(word for word in (await world.say("!calendar")).split() if word.startswith("http"))
        response, secret = await world.get(private.removeprefix(PUBLIC_URL))
        assert response.status == 200 and secret == body
        assert response.headers["Cache-Control"].startswith("private")
    finally:
        assert world.session is not None
        await world.session.close()
        await runner.cleanup()
        await world.storage.close()


async def test_an_unpublished_rooms_secret_feed_is_named_eventbot(world: World) -> None:
    await world.add("!event add Datenabend | 24.11.2026 19:00 | Basislager")
    private = next(word for word in (await world.say("!calendar")).split() if word.startswith("http"))

    _, body = await world.get(private.removeprefix(PUBLIC_URL))
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == "eventbot"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in body and "SEQUENCE:0" in body


# -- headers --


async def test_pages_and_feeds_carry_the_security_headers_and_answer_304(world: World) -> None:
    await seed(world)
    await world.say("!calendar publish leipzig")

    for path in ("/leipzig/", "/leipzig/2026/12/", "/leipzig/calendar.ics"):
        response, _ = await world.get(path)
        assert response.status == 200, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
            again, body = await world.get(path, headers)
            assert again.status == 304 and body == "", (path, headers)
            assert again.headers["ETag"] == etag
        changed, _ = await world.get(path, {"If-None-Match": '"other"'})
        assert changed.status == 200
        if path.endswith("/"):
            policy = response.headers["Content-Security-Policy"]
            for directive in (
                "default-src 'none'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data: https://tile.openstreetmap.org",
                "connect-src 'none'",
                "base-uri 'none'",
                "form-action 'none'",
                "frame-ancestors 'none'",
            ):
                assert directive in policy
            assert response.headers["Cache-Control"].startswith("public")
    # a change gives a new ETag
    first, _ = await world.get("/leipzig/")
    await world.add("!event add Neu | 29.11.2026 19:00 | Basislager")
    second, body = await world.get("/leipzig/", {"If-None-Match": first.headers["ETag"]})
    assert second.status == 200 and "Neu" in body and second.headers["ETag"] != first.headers["ETag"]


async def test_static_files_come_from_the_bot(world: World) -> None:
    for path, kind in (
        ("/static/eventbot.js", "javascript"),
        ("/static/eventbot.css", "text/css"),
        ("/static/leaflet/leaflet.js", "javascript"),
        ("/static/leaflet/leaflet.css", "text/css"),
        ("/static/leaflet/images/marker-icon.png", "image/png"),
    ):
        response, _ = await world.get(path)
        assert response.status == 200 and kind in response.content_type, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"].startswith("public")
        again, _ = await world.get(path, {"If-None-Match": response.headers["ETag"]})
        assert again.status == 304
    for path in ("/static/../bot/http.py", "/static/%2e%2e/pyproject.toml", "/static/", "/static/missing.js"):
        assert (await world.get(path))[0].status in (403, 404), path


def test_the_content_security_policy_names_the_tile_host() -> None:
    assert tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert "img-src 'self' data:;" in content_security_policy("")
    assert "'unsafe-inline'" not in content_security_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png")


async def test_a_map_without_tiles(tmp_path: Path) -> None:
    world, runner = await open_world(tmp_path, make_config(tmp_path, http={"map_tiles": ""}))
    try:
        await world.add("!event add\nTitel: Datenabend\nWann: 24.11.2026 19:00\nWo: Basislager\nGeo: 51.3, 12.3")
        await world.say("!calendar publish leipzig")
        response, html = await world.get("/leipzig/")
        assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]
        element = BeautifulSoup(html, "html5lib").select_one("#map")
        assert element["data-tiles"] == "" and len(json.loads(element["data-markers"])) == 1
    finally:
        assert world.session is not None
        await world.session.close()
        await runner.cleanup()
        await world.storage.close()


# -- names --


async def test_names_are_checked_and_taken_or_reserved_ones_get_a_free_alternative(world: World) -> None:
    for bad in ("a", "A-Team", "-abc", "abc-", "ab_c", "ab.c", "x" * 41, "ökolab"):
        reply = await world.say(f"!calendar publish {bad}")
        assert "geht nicht als Name" in reply, bad
    assert await world.storage.public_name(ROOM) is None
    assert "nur Moderator" in (await world.say("!calendar publish leipzig", sender=MEMBER))
    assert await world.storage.public_name(ROOM) is None

    for reserved in ("static", "api", "feed", "calendar", "admin", "assets", "health"):
        reply = await world.say(f"!calendar publish {reserved}")
        assert "reserviert" in reply and f"calendar publish {reserved}-2" in reply, reply
    assert "x" * 40 in await world.say(f"!calendar publish {'x' * 40}")

    await world.say("!calendar publish leipzig", room=OTHER_ROOM)
    await world.say("!calendar publish leipzig-2", room="!third:example.org")
    reply = await world.say("!calendar publish leipzig")
    assert "schon ein anderer Raum" in reply and "calendar publish leipzig-3" in reply
    assert await world.storage.published_room("leipzig") == OTHER_ROOM
    assert not await world.storage.publish(ROOM, "leipzig")

    assert "/ok-lab-leipzig/" in await world.say("!calendar publish ok-lab-leipzig")
    assert "/ok-lab-leipzig/" in await world.say("!calendar publish ok-lab-leipzig")  # again: the same
    assert "/lab/" in await world.say("!calendar publish lab")  # renamed: the old name is free again
    assert (await world.get("/ok-lab-leipzig/"))[0].status == 404
    assert (await world.get("/lab/"))[0].status == 200
    assert "/lab/" in await world.say("!calendar publish")  # without a name: the current one


async def test_without_a_name_the_bot_makes_one_from_the_room_id(world: World) -> None:
    reply = await world.say("!calendar publish")

    assert f"{PUBLIC_URL}/leipzig/" in reply and "Raum-ID" in reply
    assert "/foo-bar/" in await world.say("!calendar publish", room="!Foo_Bar:example.org")
    assert "kein Name bilden" in await world.say("!calendar publish", room="!_:example.org")


async def test_name_helpers() -> None:
    assert valid_name("ab") and valid_name("ok-lab-2") and valid_name("x" * 40)
    assert not any(valid_name(name) for name in ("a", "-a", "a-", "A", "a b", "x" * 41, ""))
    assert slug("!AbC_def:example.org") == "abc-def"
    assert slug("!static:example.org") is None and slug("!x:example.org") is None

    async def taken(name: str) -> bool:
        return name in {"leipzig-2", "x" * 38 + "-2"}

    assert await alternative("leipzig", taken) == "leipzig-3"
    assert await alternative("x" * 40, taken) == "x" * 38 + "-3"


# -- language --


async def test_the_page_speaks_the_visitors_language(world: World) -> None:
    await world.add("!event add Datenabend | 24.11.2026 19:00 | Basislager")
    await world.say("!calendar publish leipzig")

    english = BeautifulSoup(await world.page("/leipzig/?lang=en"), "html5lib")
    assert english.html is not None and english.html["lang"] == "en"
    assert "Tuesday" in english.text and "Subscribe" in english.text
    assert english.select_one("header nav a")["href"] == "2026/11/?lang=en"
    response, _ = await world.get("/leipzig/", {"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    assert response.headers["Vary"] == "Accept-Language"
    assert 'lang="en"' in (await world.get("/leipzig/", {"Accept-Language": "en-GB,en;q=0.9"}))[1]
    assert 'lang="de"' in (await world.get("/leipzig/", {"Accept-Language": "fr"}))[1]
    assert (await world.get("/leipzig/?lang=fr"))[0].status == 400
    assert choose_language(None, "fr, en;q=0.3, de;q=0.8", "en") == "de"
    assert choose_language(None, "", "en") == "en"
    assert choose_language("xx", "de", "de") is None


async def test_a_visitor_who_asks_for_no_language_gets_the_rooms(world: World) -> None:
    number = await world.add("!event add Datenabend | 24.11.2026 19:00 | Basislager")
    await world.say("!calendar publish leipzig")
    assert 'lang="de"' in await world.page("/leipzig/")  # the bot's language: the room chose none

    settings = await world.storage.room_settings(ROOM)
    # written without an invalidate: the cached German page is kept under its language, not served for English
    await world.storage.save_room_settings(dataclasses.replace(settings, language="en"))

    english = BeautifulSoup(await world.page("/leipzig/"), "html5lib")
    assert english.html is not None and english.html["lang"] == "en" and "Tuesday" in english.text
    assert english.select_one("header nav a")["href"] == "2026/11/"  # the room's language is not pinned on links
    assert 'lang="en"' in await world.page("/leipzig/2026/11/")
    assert 'lang="en"' in await world.page(f"/leipzig/e/{number}/")
    assert 'lang="en"' in (await world.get("/leipzig/", {"Accept-Language": "fr"}))[1]  # none the pages speak
    assert 'lang="de"' in (await world.get("/leipzig/", {"Accept-Language": "de-AT,de;q=0.9"}))[1]
    assert 'lang="de"' in await world.page("/leipzig/?lang=de")
    response, body = await world.get("/leipzig/calendar.ics?from=tomorrow")
    assert response.status == 400 and 'lang="en"' in body and "“from”" in body
    example = re.search(r"for example (\d{4}-\d{2}-\d{2})", body)  # a date ahead of today, never a fixed one
    assert example is not None and date.fromisoformat(example.group(1)) == world.clock().date() + timedelta(days=7)
    await world.say("!calendar publish halle", room=OTHER_ROOM)
    assert 'lang="de"' in await world.page("/halle/")  # another room keeps the bot's language


# -- storage --


async def test_every_update_raises_the_sequence(world: World) -> None:
    number = await world.add("!event add Datenabend | 24.11.2026 19:00 | Basislager")
    event = await world.storage.get_event(ROOM, number)
    assert event is not None and event.sequence == 0

    event = await world.storage.update_event(dataclasses.replace(event, title="Datenabend 2"))
    assert event.sequence == 1
    event = await world.storage.set_event_status(event, EventStatus.CANCELLED)
    assert event.sequence == 2


# -- the roundup --


async def test_the_roundup_links_the_published_page_when_no_calendar_url_is_set(world: World) -> None:
    await world.add("!event add Datenabend | 04.12.2026 19:00 | Basislager")
    edition = Edition(2026, 11, published=NOW)
    config = world.config.roundup
    assert config.calendar_url == "" and config.page_base_url == PUBLIC_URL

    async def heading() -> str:
        content = await collect_roundup(world.storage, ROOM, edition, config, BERLIN)
        return next(line for line in render_roundup(content, config).splitlines() if "## Veranstaltungen" in line)

    assert await heading() == "## Veranstaltungen"
    await world.say("!calendar publish leipzig")
    assert await heading() == f"## Veranstaltungen ([Kalender/Karte]({PUBLIC_URL}/leipzig/))"
    answer = await world.dispatcher.dispatch(
        Message(room_id=ROOM, event_id="$roundup", sender=MEMBER, body="!roundup november 2026", timestamp_ms=1)
    )
    attachment = answer.attachment if answer is not None else None
    assert attachment is not None and f"([Kalender/Karte]({PUBLIC_URL}/leipzig/))" in attachment.data.decode()
    config = dataclasses.replace(config, calendar_url="https://events.codeforleipzig.de")
    assert await heading() == "## Veranstaltungen ([Kalender/Karte](https://events.codeforleipzig.de))"


async def test_without_http_the_roundup_has_no_page_to_link(tmp_path: Path) -> None:
    config = make_config(tmp_path, http={"enabled": False})
    assert config.roundup.page_base_url == ""


async def test_a_room_with_its_own_time_zone_shows_its_times(world: World) -> None:
    await world.say("!settings timezone Europe/London")
    await world.add("!event add Datenabend | 24.11.2026 19:00 | Basislager")
    await world.say("!calendar publish leipzig")

    soup = BeautifulSoup(await world.page("/leipzig/"), "html5lib")
    article = soup.select_one("section#list article.h-event")
    assert article is not None and article["data-start"] == "2026-11-24T19:00:00+00:00"
    assert "Europe/London" in soup.select_one("footer").text
    response, _ = await world.get("/leipzig?lang=en")
    assert response.status == 308 and response.headers["Location"] == "leipzig/?lang=en"


async def test_the_cache_keeps_at_most_its_entries_and_forgets_a_room_at_once() -> None:
    cache = FeedCache(max_entries=3)

    async def load(room_id: str) -> tuple[bytes, str, datetime]:
        return room_id.encode(), '"x"', NOW

    for key in ("a", "b", "c", "d", "e"):
        await cache.feed(ROOM, load, key=key)
    assert sum(cache.get(ROOM, key) is not None for key in "abcde") <= 3
    assert cache.get(ROOM, "e") is not None
    await cache.feed(OTHER_ROOM, load)
    cache.invalidate(ROOM)
    assert all(cache.get(ROOM, key) is None for key in "abcde") and cache.get(OTHER_ROOM) is not None
    first = cache.first_built(ROOM, "/x/", '"1"', NOW)
    assert cache.first_built(ROOM, "/x/", '"1"', NOW + timedelta(hours=1)) == first
    assert cache.first_built(ROOM, "/x/", '"2"', NOW + timedelta(hours=1)) > first
