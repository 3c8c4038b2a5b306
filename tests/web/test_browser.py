"""The public calendar page in a real headless Chromium: what a visitor sees at phone and desktop width.

Every check compares the page with the database (`Site.expected`), so a missing, duplicated or leaked occurrence
fails: the list, the month grid and the map show every approved (and cancelled) event and every meetup date of
their range and nothing pending; a hostile title stays text; the page works without JavaScript, by keyboard, and
has no serious or critical axe-core violation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import DESKTOP, HOSTILE, PENDING, PHONE, Browser, Occurrence, Site, markers_of

SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["375x800", "1280x900"])
SERIOUS = {"serious", "critical"}


@dataclass(frozen=True)
class Shown:
    """One `article.h-event` as the page shows it."""

    start: datetime
    name: str
    classes: frozenset[str]
    struck: bool  # the name is in <del>
    href: str | None


def normalized(text: str | None) -> str:
    return " ".join((text or "").split())


def articles(browser: Browser, scope: str) -> list[Shown]:
    """The h-event articles inside `scope` (works with and without JavaScript in the page)."""
    from selenium.webdriver.common.by import By

    found = []
    for article in browser.css(f"{scope} article.h-event"):
        raw = article.get_attribute("data-start") or ""
        try:
            start = datetime.fromisoformat(raw)
        except ValueError:
            pytest.fail(f"data-start={raw!r} is not an ISO date-time")
        assert start.tzinfo is not None, f"data-start={raw!r} has no UTC offset"
        names = article.find_elements(By.CSS_SELECTOR, ".p-name")
        assert names, f"an article ({raw}) has no .p-name"
        name = names[0]
        assert article.find_elements(By.CSS_SELECTOR, "time.dt-start[datetime]"), f"{raw}: no time.dt-start"
        links = article.find_elements(By.CSS_SELECTOR, "a.p-name.u-url[href]")
        found.append(
            Shown(
                start=start,
                name=normalized(name.get_attribute("textContent")),
                classes=frozenset((article.get_attribute("class") or "").split()),
                struck=bool(article.find_elements(By.CSS_SELECTOR, ".p-name del, del .p-name")),
                href=links[0].get_attribute("href") if links else None,
            )
        )
    return found


def matches(occurrence: Occurrence, shown: Shown) -> bool:
    return shown.start == occurrence.start and occurrence.name in shown.name


def describe(items: list[Occurrence]) -> str:
    return "; ".join(f"{o.kind} {o.name!r} {o.start.isoformat()}" for o in items)


def assert_lists(site: Site, shown: list[Shown], expected: list[Occurrence], where: str) -> None:
    """Every expected occurrence is shown; everything shown is an approved or cancelled one of the database."""
    missing = [o for o in expected if not any(matches(o, s) for s in shown)]
    assert not missing, f"{where}: not shown: {describe(missing)}"
    everything = site.anything()
    strays = [s for s in shown if not any(matches(o, s) for o in everything)]
    assert not strays, f"{where}: shown but not in the database: {strays}"
    assert not any(PENDING in s.name for s in shown), f"{where}: the pending event is shown"
    twice = [o for o in expected if sum(matches(o, s) for s in shown) > 1]
    assert not twice, f"{where}: shown more than once: {describe(twice)}"
    events = {(o.start, o.name) for o in expected if o.kind == "event"}
    shown_events = {(o.start, o.name) for o in everything if o.kind == "event" and any(matches(o, s) for s in shown)}
    assert shown_events == events, f"{where}: events shown {sorted(shown_events)} != expected {sorted(events)}"
    for occurrence in expected:
        for item in (s for s in shown if matches(occurrence, s)):
            if occurrence.cancelled:
                assert "cancelled" in item.classes and item.struck, f"{where}: {item} is not marked cancelled"
            else:
                assert "cancelled" not in item.classes and not item.struck, f"{where}: {item} is marked cancelled"


def assert_online(browser: Browser, expected: list[Occurrence], where: str) -> None:
    """The online-only occurrences are listed beside the map (as links to their entries, or as entries)."""
    online = [o for o in expected if o.online_only]
    assert online, "the seeded room has an online-only event"
    sections = browser.css("section#online")
    assert sections, f"{where}: no section#online"
    text = normalized(sections[0].get_attribute("textContent"))
    missing = [o.name for o in online if o.name not in text]
    assert not missing, f"{where}: not listed: {missing}"
    for o in expected:
        if not o.online_only:
            assert o.name not in text, f"{where}: {o.name!r} has a place but is listed as online"
    for link in browser.css('section#online a[href*="#"]'):
        anchor = urlsplit(link.get_attribute("href")).fragment
        assert browser.css(f'section#list article.h-event[id="{anchor}"]'), f"{where}: #{anchor} leads nowhere"


def assert_fits(browser: Browser, size: tuple[int, int], where: str) -> None:
    """At phone width: a phone viewport (meta viewport) and no horizontal scrolling."""
    if size != PHONE:
        return
    inner, scroll, body = browser.js(
        "return [window.innerWidth, document.documentElement.scrollWidth, document.body.scrollWidth]"
    )
    assert inner == PHONE[0], (
        f"{where}: the phone shows {inner} CSS px instead of 375 (content too wide, or no meta viewport)"
    )
    assert scroll <= inner and body <= inner, f"{where}: {scroll} px of content in a {inner} px viewport"


def assert_harmless(browser: Browser, where: str, shown: bool = True) -> None:
    """The hostile title is shown as text (where `shown`) and ran nothing."""
    if shown:
        text = browser.js("return document.body.textContent")
        assert HOSTILE in normalized(text), f"{where}: the hostile title is not shown as text"
    assert browser.js("return typeof window.__pwned") == "undefined", f"{where}: the hostile title ran"
    assert not browser.css('img[src="x"]'), f"{where}: the hostile title became an element"


def assert_document(browser: Browser, where: str) -> None:
    lang = browser.js("return document.documentElement.lang")
    assert lang in ("de", "en"), f"{where}: <html lang={lang!r}>"
    assert browser.css("main"), f"{where}: no <main>"
    assert normalized(browser.driver.title), f"{where}: no <title>"
    assert browser.css('meta[name="viewport"]'), f"{where}: no meta viewport"


def assert_no_errors(browser: Browser, where: str) -> None:
    errors = [e for e in browser.console_errors() if "favicon" not in e]
    assert not errors, f"{where}: the console shows errors: {errors}"


def month_of(site: Site) -> date:
    """The month the tests look at: next month, with the multi-day event and dates of both meetups."""
    return shift_month(site.today(), 1)


def shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# ------------------------------------------------------------------------------------------------------- pages


@SIZES
def test_the_upcoming_page_lists_every_occurrence(browser: Browser, site: Site, size, tmp_path: Path) -> None:
    browser.open(site.url(), size)
    where = f"upcoming page at {size[0]}x{size[1]}"

    assert_document(browser, where)
    assert_fits(browser, size, where)
    expected = site.upcoming()
    assert {o.kind for o in expected} == {"event", "meetup"}
    assert_lists(site, articles(browser, "section#list"), expected, where)
    assert_online(browser, expected, f"{where}, #online")
    assert PENDING not in browser.js("return document.body.textContent")
    assert_harmless(browser, where)
    browser.wait_for(lambda: browser.css(".leaflet-container"), message=f"{where}: the map did not start")
    assert_no_errors(browser, where)
    print("screenshot:", browser.screenshot(tmp_path / f"upcoming-{size[0]}x{size[1]}.png", size))


@SIZES
def test_the_month_grid_shows_meetup_dates_and_every_day_of_a_multi_day_event(
    browser: Browser, site: Site, size, tmp_path: Path
) -> None:
    month = month_of(site)
    browser.open(site.month_url(month), size)
    where = f"month page {month:%Y-%m} at {size[0]}x{size[1]}"

    assert_document(browser, where)
    assert_fits(browser, size, where)
    headers = browser.css("table.month-grid th[scope=col]")
    assert len(headers) == 7, f"{where}: {len(headers)} column headers"
    assert normalized(headers[0].get_attribute("textContent")).casefold().startswith("mo"), "Monday comes first"

    expected = site.month(month)
    meetups = [o for o in expected if o.kind == "meetup"]
    assert len({o.name for o in meetups}) == 2, f"both meetups have dates in {month:%Y-%m}: {describe(meetups)}"
    multi_day = [o for o in expected if len(o.days(site.zone)) > 1]
    assert multi_day, "the seeded multi-day event is in this month"
    for occurrence in expected:
        for day in occurrence.days(site.zone):
            if (day.year, day.month) != (month.year, month.month):
                continue
            cell = f'table.month-grid td[data-date="{day.isoformat()}"]'
            assert browser.css(cell), f"{where}: no cell for {day}"
            texts = [normalized(e.get_attribute("textContent")) for e in browser.css(f"{cell} .grid-event")]
            assert any(occurrence.name in text for text in texts), (
                f"{where}: {occurrence.kind} {occurrence.name!r} missing on {day} (the cell shows {texts})"
            )
    assert not any(PENDING in normalized(e.get_attribute("textContent")) for e in browser.css(".grid-event"))

    marked = [e.get_attribute("data-date") for e in browser.css("table.month-grid td.today")]
    assert marked == [], f"{where}: 'today' marked in another month: {marked}"

    assert_lists(site, articles(browser, "section#list"), expected, f"{where}, #list")
    assert_harmless(browser, where, shown=any(o.name == HOSTILE for o in expected))
    for rel, months in (("prev", -1), ("next", 1)):
        links = browser.css(f'a[rel="{rel}"]')
        assert links, f"{where}: no a[rel={rel}]"
        target = urlsplit(links[0].get_attribute("href")).path
        assert target == urlsplit(site.month_url(shift_month(month, months))).path, f"{where}: {rel} -> {target}"
    assert_no_errors(browser, where)
    print("screenshot:", browser.screenshot(tmp_path / f"month-{size[0]}x{size[1]}.png", size))


def test_the_month_links_lead_from_month_to_month_and_today_is_marked(browser: Browser, site: Site) -> None:
    today = site.today()
    browser.open(site.month_url(today), DESKTOP)
    marked = [e.get_attribute("data-date") for e in browser.css("table.month-grid td.today")]
    assert marked == [today.isoformat()], f"this month: today marked on {marked}"
    assert_lists(site, articles(browser, "section#list"), site.month(today), "this month's page")

    month = month_of(site)
    browser.open(site.month_url(month), DESKTOP)
    browser.css('a[rel="next"]')[0].click()
    browser.wait_for(
        lambda: urlsplit(browser.driver.current_url).path == urlsplit(site.month_url(shift_month(month, 1))).path
    )
    assert browser.css("table.month-grid")
    browser.css('a[rel="prev"]')[0].click()
    browser.wait_for(lambda: urlsplit(browser.driver.current_url).path == urlsplit(site.month_url(month)).path)
    assert_lists(site, articles(browser, "section#list"), site.month(month), "month page after next, prev")


# --------------------------------------------------------------------------------------------------------- map


@SIZES
def test_one_marker_per_distinct_coordinate_and_popups_list_what_is_there(browser: Browser, site: Site, size) -> None:
    browser.open(site.url(), size)
    where = f"map at {size[0]}x{size[1]}"
    places = {(round(o.geo[0], 4), round(o.geo[1], 4)) for o in site.upcoming() if o.geo and not o.cancelled}
    assert len(places) == 5, f"the seeded room has five places with coordinates: {places}"

    written = {(round(m["lat"], 4), round(m["lon"], 4)) for m in markers_of(browser)}
    assert len(markers_of(browser)) == len(places) and written == places, f"{where}: data-markers {written}"
    browser.wait_for(lambda: len(browser.css(".leaflet-marker-icon")) >= len(places), message=f"{where}: no markers")
    assert len(browser.css(".leaflet-marker-icon")) == len(places), f"{where}: marker count"

    popups = []
    for index in range(len(places)):
        browser.js("document.querySelectorAll('.leaflet-marker-icon')[arguments[0]].click()", index)
        browser.wait_for(lambda: browser.css(".leaflet-popup-content"), message=f"{where}: marker {index}: no popup")
        popups.append(normalized(browser.js("return document.querySelector('.leaflet-popup-content').textContent")))
        browser.js("document.querySelector('.leaflet-popup-close-button').click()")
        browser.wait_for(lambda: not browser.css(".leaflet-popup"), message=f"{where}: marker {index}: popup stays")
    shared = [p for p in popups if "Datenabend" in p]
    assert len(shared) == 1 and "Stammtisch Offene Daten" in shared[0], f"{where}: one popup for both: {popups}"
    assert any("<img src=x" in p for p in popups), f"{where}: the hostile title is not in a popup as text: {popups}"
    assert not any(PENDING in p for p in popups), f"{where}: the pending event is on the map"
    assert_harmless(browser, f"{where}, after opening every popup")
    assert_no_errors(browser, where)


# -------------------------------------------------------------------------------------------- safety and access


@SIZES
def test_the_hostile_title_is_text_on_every_page(browser: Browser, site: Site, size) -> None:
    hostile_day = next(o for o in site.upcoming() if o.name == HOSTILE).start.astimezone(site.zone).date()
    pages = [site.url(), site.month_url(hostile_day)]
    for url in pages:
        browser.open(url, size)
        assert_harmless(browser, url)
        hostile = [s for s in articles(browser, "section#list") if HOSTILE in s.name]
        assert hostile, f"{url}: no article shows the hostile title as its name"
    if hostile[0].href and urlsplit(hostile[0].href).netloc == urlsplit(site.base).netloc:
        browser.open(hostile[0].href, size)  # the event's own page
        assert_harmless(browser, hostile[0].href)
        assert_fits(browser, size, hostile[0].href)


def test_without_javascript_every_event_is_still_listed(browser_without_js: Browser, site: Site) -> None:
    month = month_of(site)
    for url, expected in ((site.url(), site.upcoming()), (site.month_url(month), site.month(month))):
        browser_without_js.open(url, PHONE)
        assert not browser_without_js.css(".leaflet-container"), "JavaScript ran in the browser without it"
        assert_lists(site, articles(browser_without_js, "section#list"), expected, f"{url} without JavaScript")
        assert not browser_without_js.css('img[src="x"]')
    assert browser_without_js.css("table.month-grid .grid-event")


@SIZES
@pytest.mark.parametrize("page", ["upcoming", "month"])
def test_axe_finds_no_serious_or_critical_violation(browser: Browser, site: Site, size, page: str) -> None:
    url = site.url() if page == "upcoming" else site.month_url(month_of(site))
    browser.open(url, size)
    if page == "upcoming":
        browser.wait_for(lambda: browser.css(".leaflet-marker-icon"), message="the map did not start")
    violations = [v for v in browser.axe_violations() if v.get("impact") in SERIOUS]
    report = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations]
    assert not violations, f"{page} page at {size[0]}x{size[1]}: " + "; ".join(report)


@SIZES
def test_the_keyboard_reaches_the_subscribe_links(browser: Browser, site: Site, size) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.open(site.url(), size)
    feed = site.url("calendar.ics")
    wanted = {
        "webcal": lambda href: href.startswith("webcal://") and href.endswith(f"/{urlsplit(feed).path.lstrip('/')}"),
        "google": lambda href: href.startswith("https://calendar.google.com/calendar/render?cid="),
        "feed": lambda href: href == feed,
    }
    for kind, test in wanted.items():
        assert any(test(a.get_attribute("href") or "") for a in browser.css("section#subscribe a")), f"no {kind} link"

    reached: dict[str, tuple[str, str]] = {}
    keys = ActionChains(browser.driver)
    for _ in range(200):
        keys.send_keys(Keys.TAB).perform()
        href, inside, outline, shadow = browser.js(
            "const e = document.activeElement, s = getComputedStyle(e);"
            "return [e.href || '', !!e.closest('#subscribe'), s.outlineStyle, s.boxShadow];"
        )
        for kind, test in wanted.items():
            if inside and test(href):
                reached.setdefault(kind, (outline, shadow))
        if len(reached) == len(wanted):
            break
    assert set(reached) == set(wanted), f"Tab reached only {sorted(reached)} of the subscribe links"
    for kind, (outline, shadow) in reached.items():
        assert outline != "none" or shadow != "none", f"the focused {kind} link shows no focus indicator"


def test_the_page_speaks_the_browsers_language_and_lang_switches_it(browser: Browser, site: Site) -> None:
    browser.open(site.url(), DESKTOP)  # the browser asks for German (Accept-Language)
    assert browser.js("return document.documentElement.lang") == "de"
    browser.open(site.url() + "?lang=en", DESKTOP)
    assert browser.js("return document.documentElement.lang") == "en"
    assert_lists(site, articles(browser, "section#list"), site.upcoming(), "upcoming page in English")
    english = browser.js("return document.body.textContent")
    browser.open(site.url() + "?lang=de", DESKTOP)
    assert browser.js("return document.documentElement.lang") == "de"
    german = browser.js("return document.body.textContent")
    days = ("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday", "Montag|Dienstag|Mittwoch|Donnerstag|Freitag")
    assert re.search(days[0], english) and re.search(days[1] + "|Samstag|Sonntag", german), "weekdays by language"
