"""An event's and a meetup's own page (`/<name>/e/<id>/`, `/<name>/m/<id>/`, their `.ics`) and the filters of the
pages and the public feed, over the real aiohttp server with the Leipzig room of test_pages seeded through the real
Dispatcher; read with BeautifulSoup (html5lib), mf2py, json and the strict `ical` parser.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import mf2py
import pytest
from bs4 import BeautifulSoup
from ical.calendar_stream import IcsCalendarStream

from bot.models import Target
from bot.schedule import next_dates
from tests.web.test_pages import IMG, NOW, OTHER_ROOM, ROOM, SCRIPT, World, make_config, open_world, seed


@pytest.fixture
async def leipzig(tmp_path: Path) -> AsyncIterator[tuple[World, dict[str, int]]]:
    built, runner = await open_world(tmp_path, make_config(tmp_path))
    try:
        assert "/leipzig/" in await built.say("!calendar publish leipzig")
        yield built, await seed(built)
    finally:
        assert built.session is not None
        await built.session.close()
        await runner.cleanup()
        await built.storage.close()


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html5lib")


def listed(html: str) -> list[str]:
    """The titles of the page's list (the online-only box beside the map repeats some)."""
    return [name.get_text() for name in soup_of(html).select("#list article.h-event .p-name")]


def feed_titles(body: str) -> set[str]:
    calendar = IcsCalendarStream.calendar_from_ics(body)
    return {event.summary or "" for event in calendar.events}


async def describe(world: World, number: int, description: str) -> None:
    event = await world.storage.get_event(ROOM, number)
    assert event is not None
    await world.storage.update_event(dataclasses.replace(event, description=description))
    world.cache.invalidate(ROOM)


# -- an event's page --


async def test_an_event_page_shows_its_fields_and_escapes_a_hostile_description(
    leipzig: tuple[World, dict[str, int]],
) -> None:
    world, ids = leipzig
    number = ids["Datenabend"]
    await describe(world, number, f"Erste Zeile {IMG}\nZweite Zeile {SCRIPT}")
    for user in ("@a:example.org", "@b:example.org"):
        await world.storage.add_rsvp(ROOM, Target("event", number), user, f"$yes{user}")
    response, html = await world.get(f"/leipzig/e/{number}/")
    assert response.status == 200 and response.content_type == "text/html"
    assert "Content-Security-Policy" in response.headers and response.headers["X-Content-Type-Options"] == "nosniff"
    soup = soup_of(html)
    assert soup.h1 is not None and soup.h1.get_text() == "Datenabend"
    facts = soup.select_one("dl.facts")
    assert facts is not None
    text = facts.get_text(" ")
    assert "24.11.2026" in text and "19:00-21:00" in text and "Europe/Berlin" in text
    assert "Basislager, Leipzig" in text
    assert [a["href"] for a in facts.select("a.link")] == ["https://codefor.de/datenabend"]
    rsvps = soup.select_one(".rsvps")
    assert rsvps is not None and rsvps.get_text().startswith("2 ")
    # the description: text, its line break kept, nothing of it markup
    description = soup.select_one(".description p")
    assert description is not None
    assert description.get_text("\n").splitlines() == [f"Erste Zeile {IMG}", f"Zweite Zeile {SCRIPT}"]
    assert len(description.select("br")) == 1 and not description.select("img, script")
    assert not soup.select("img[onerror]") and "<img src=x" not in html
    # one h-event and one JSON-LD Event, as in the lists; the name links to the event's own link
    events = [item for item in mf2py.parse(doc=html)["items"] if "h-event" in item["type"]]
    assert [event["properties"]["name"] for event in events] == [["Datenabend"]]
    assert events[0]["properties"]["url"] == ["https://codefor.de/datenabend"]
    script = soup.select_one('script[type="application/ld+json"]')
    assert script is not None
    (ld,) = json.loads(script.string or "")
    assert ld["name"] == "Datenabend" and ld["startDate"] == "2026-11-24T19:00:00+01:00"
    assert ld["location"]["address"]["streetAddress"] == "Basislager, Leipzig"
    # a map with its one marker
    map_element = soup.select_one("#map")
    assert map_element is not None
    (marker,) = json.loads(str(map_element["data-markers"]))
    assert (marker["lat"], marker["lon"]) == (51.3397, 12.3731)
    assert [item["title"] for item in marker["items"]] == ["Datenabend"]
    # add to calendar: the .ics, Google Calendar with UTC times, webcal
    (ics,) = soup.select("a.ics")
    assert ics["href"] == f"../{number}.ics"
    (google,) = soup.select("a.google-template")
    parts = urlsplit(str(google["href"]))
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://calendar.google.com/calendar/render"
    params = parse_qs(parts.query)
    assert params["action"] == ["TEMPLATE"] and params["text"] == ["Datenabend"]
    assert params["dates"] == ["20261124T180000Z/20261124T200000Z"]
    assert params["location"] == ["Basislager, Leipzig"]
    assert params["details"][0].startswith(f"Erste Zeile {IMG}\nZweite Zeile")
    assert [a["href"] for a in soup.select("a.webcal")] == ["webcal://events.example.org/leipzig/calendar.ics"]
    # hostile titles stay text in the heading, the title and the JSON-LD
    for hostile in (IMG, SCRIPT):
        page = soup_of(await world.page(f"/leipzig/e/{ids[hostile]}/"))
        assert page.h1 is not None and page.h1.get_text() == hostile
        assert page.title is not None and page.title.get_text().startswith(hostile)
        assert not page.select("img[onerror], body script:not([src])")
        data = page.select_one('script[type="application/ld+json"]')
        assert data is not None and json.loads(data.string or "")[0]["name"] == hostile
    # and the same ETag answers 304
    again, body = await world.get(f"/leipzig/e/{number}/", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304 and body == ""


async def test_the_event_download_is_strict_icalendar_of_just_that_event(leipzig: tuple[World, dict[str, int]]) -> None:
    world, ids = leipzig
    response, body = await world.get(f"/leipzig/e/{ids['Datenabend']}.ics")
    assert response.status == 200 and response.content_type == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = IcsCalendarStream.calendar_from_ics(body)
    (event,) = calendar.events
    assert event.summary == "Datenabend"
    assert event.dtstart == datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    again, _ = await world.get(
        f"/leipzig/e/{ids['Datenabend']}.ics", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status == 304
    meetup_response, meetup_body = await world.get(f"/leipzig/m/{ids['OKLab Leipzig']}.ics")
    assert meetup_response.status == 200
    (meetup,) = IcsCalendarStream.calendar_from_ics(meetup_body).events
    assert meetup.summary == "OKLab Leipzig" and meetup.rrule is not None


async def test_pending_rejected_other_rooms_and_unknown_ids_are_not_found(
    leipzig: tuple[World, dict[str, int]],
) -> None:
    world, ids = leipzig
    halle = await world.add("!event add Hallenser Abend | 26.11.2026 19:00 | Halle", room=OTHER_ROOM)
    assert await world.storage.get_event(ROOM, halle) is None
    for path in (
        f"/leipzig/e/{ids['Wartet']}/",
        f"/leipzig/e/{ids['Abgelehnt']}/",
        f"/leipzig/e/{ids['Wartet']}.ics",
        f"/leipzig/e/{halle}/",
        f"/leipzig/e/{halle}.ics",
        "/leipzig/e/99999/",
        "/leipzig/m/99999/",
        "/nobody/e/1/",
    ):
        assert (await world.get(path))[0].status == 404, path
    # the cancelled one has its page, struck through
    html = await world.page(f"/leipzig/e/{ids['Abgesagt']}/")
    assert soup_of(html).select("article.h-event.cancelled del .p-name")
    # without the slash: redirected to it
    response, _ = await world.get(f"/leipzig/e/{ids['Datenabend']}")
    assert response.status == 308 and response.headers["Location"] == f"{ids['Datenabend']}/"


async def test_a_meetup_page_shows_its_rule_and_next_dates(leipzig: tuple[World, dict[str, int]]) -> None:
    world, ids = leipzig
    number = ids["OKLab Leipzig"]
    meetup = await world.storage.get_meetup(ROOM, number)
    assert meetup is not None
    coming = next_dates(meetup, NOW, 6)
    await world.storage.add_rsvp(
        ROOM, Target("meetup", number, coming[0].strftime("%Y-%m-%dT%H:%M")), "@a:example.org", "$yes"
    )
    soup = soup_of(await world.page(f"/leipzig/m/{number}/"))
    rule = soup.select_one(".rule")
    assert rule is not None and rule.get_text() == meetup.rule_text == "jeden Mittwoch"
    shown = [datetime.fromisoformat(str(time["datetime"])) for time in soup.select("ul.coming time")]
    assert shown == coming and shown[0] == datetime(2026, 11, 25, 19, 0, tzinfo=meetup.zone)
    rsvps = soup.select_one(".rsvps")
    assert rsvps is not None and rsvps.get_text().startswith("1 ")
    (article,) = soup.select("#list article.h-event")
    time = article.select_one("time.dt-start")
    assert time is not None and time["datetime"] == "2026-11-25T19:00:00+01:00"
    assert [a["href"] for a in soup.select("a.link")] == ["https://codefor.de/leipzig/"]
    # the lists link to the pages, and the name keeps linking to the event's own link
    home = soup_of(await world.page("/leipzig/"))
    assert home.select(f'#list a.details[href="m/{number}/"]')
    (datenabend,) = [a for a in home.select("#list article.h-event") if a.get("id") == f"e{ids['Datenabend']}"]
    assert [a["href"] for a in datenabend.select("a.p-name.u-url")] == ["https://codefor.de/datenabend"]
    assert [a["href"] for a in datenabend.select("a.details")] == [f"e/{ids['Datenabend']}/"]
    month = soup_of(await world.page("/leipzig/2026/12/?lang=en"))
    assert month.select(f'a.details[href="../../e/{ids[IMG]}/?lang=en"]')


# -- filters --


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("city=HALLE", {"Code for Halle"}),
        ("city=ostwache", {IMG, SCRIPT}),
        ("online=only", {"Sprechstunde"}),
        ("q=basislager+LEIPZIG", {"Datenabend", "Stammtisch", "OKLab Leipzig"}),
        ("q=datenabend", {"Datenabend"}),
        ("from=2026-12-01&to=2026-12-02", {IMG, SCRIPT, "OKLab Leipzig"}),
        ("from=2027-02-20&to=2027-02-20", {"Später"}),
        ("city=leipzig&online=no&q=stamm", {"Stammtisch"}),
    ],
)
async def test_each_filter_narrows_the_list(
    leipzig: tuple[World, dict[str, int]], query: str, expected: set[str]
) -> None:
    world, _ = leipzig
    html = await world.page(f"/leipzig/?{query}")
    assert set(listed(html)) == expected
    assert soup_of(html).select("p.filtered")


async def test_online_no_leaves_out_only_what_is_online_only(leipzig: tuple[World, dict[str, int]]) -> None:
    world, _ = leipzig
    everything = set(listed(await world.page("/leipzig/")))
    assert set(listed(await world.page("/leipzig/?online=no"))) == everything - {"Sprechstunde"}
    assert "Hybrid" in everything


async def test_filters_narrow_the_month_and_stay_on_its_links(leipzig: tuple[World, dict[str, int]]) -> None:
    world, _ = leipzig
    html = await world.page("/leipzig/2026/12/?city=ostwache&lang=en")
    assert set(listed(html)) == {IMG, SCRIPT}
    soup = soup_of(html)
    assert [a["href"] for a in soup.select("a[rel=next]")] == ["../../2027/01/?lang=en&city=ostwache"]
    grid = [a.get_text() for a in soup.select(".month-grid a.grid-event")]
    assert sorted(grid) == sorted([IMG, SCRIPT])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("city=halle", {"Code for Halle"}),
        ("online=only", {"Sprechstunde"}),
        ("q=datenabend", {"Datenabend"}),
        ("from=2026-12-01&to=2026-12-02", {IMG, SCRIPT, "OKLab Leipzig"}),
    ],
)
async def test_each_filter_narrows_the_feed_and_is_cached_apart(
    leipzig: tuple[World, dict[str, int]], query: str, expected: set[str]
) -> None:
    world, _ = leipzig
    response, body = await world.get(f"/leipzig/calendar.ics?{query}")
    assert response.status == 200, body[:300]
    assert feed_titles(body) == expected
    _, full = await world.get("/leipzig/calendar.ics")
    assert expected < feed_titles(full) and "Später" in feed_titles(full)
    _, once_more = await world.get(f"/leipzig/calendar.ics?{query}")
    assert feed_titles(once_more) == expected


@pytest.mark.parametrize(
    ("path", "name", "allowed"),
    [
        ("/leipzig/?online=maybe", "online", "online=only"),
        ("/leipzig/?from=2026-13-01", "from", "YYYY-MM-DD"),
        ("/leipzig/?to=1.12.2026", "to", "YYYY-MM-DD"),
        ("/leipzig/?from=2026-12-05&to=2026-12-01", "from", "after"),
        ("/leipzig/?from=2026-01-01&to=2028-01-01", "to", "366"),
        ("/leipzig/?colour=red", "colour", "city, online, q, from, to and lang"),
        ("/leipzig/?city=a&city=b", "city", "once"),
        ("/leipzig/2026/12/?online=sometimes", "online", "online=only"),
        ("/leipzig/calendar.ics?from=tomorrow", "from", "YYYY-MM-DD"),
        ("/leipzig/e/1/?city=leipzig", "city", "only knows lang"),
        ("/leipzig/e/1.ics?q=x", "q", "only knows lang"),
    ],
)
async def test_each_invalid_parameter_gives_a_400_page_naming_it(
    leipzig: tuple[World, dict[str, int]], path: str, name: str, allowed: str
) -> None:
    world, _ = leipzig
    separator = "&" if "?" in path else "?"
    response, html = await world.get(f"{path}{separator}lang=en")
    assert response.status == 400 and response.content_type == "text/html"
    assert "Content-Security-Policy" in response.headers
    soup = soup_of(html)
    assert soup.html is not None and soup.html["lang"] == "en"
    message = soup.select_one("p.error")
    assert message is not None
    assert f"“{name}”" in message.get_text() and allowed in message.get_text()
    assert soup.select('link[rel=stylesheet][href$="static/eventbot.css"]')
    german, german_html = await world.get(path, headers={"Accept-Language": "de"})
    assert german.status == 400 and "ist ungültig" in german_html


async def test_an_unknown_name_with_invalid_parameters_is_still_not_found(
    leipzig: tuple[World, dict[str, int]],
) -> None:
    world, _ = leipzig
    assert (await world.get("/nobody/?online=maybe"))[0].status == 404
    assert (await world.get("/nobody/calendar.ics?online=maybe"))[0].status == 404
