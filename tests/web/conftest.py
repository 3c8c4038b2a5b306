"""A real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium) and a real calendar site.

`site` is a room seeded through the real Dispatcher (the same commands people type), published with
`!calendar publish leipzig` and served by the real `start_http` on a free loopback port, in a thread with its own
event loop, so the blocking WebDriver calls of the tests never stall the server. `Site.expected(...)` computes from
the database what a page must show. `browser` and `browser_without_js` are session-wide Chromium sessions.

Nothing here reaches the network: no map tiles (`http.map_tiles = ""`), Chromium without background networking.
`bash scripts/test` installs Chromium, ChromeDriver and axe-core when they are missing.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import re
import shutil
import socket
import tempfile
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REPO = Path(__file__).resolve().parents[2]
AXE_JS = Path(os.environ.get("EVENTBOT_AXE_JS") or REPO / ".cache/npm/node_modules/axe-core/axe.min.js")
CHROMIUM_HINT = "`bash scripts/test` installs them (as root: apt-get install chromium chromium-driver)"
AXE_HINT = "`bash scripts/test` installs it (npm install --prefix .cache/npm axe-core@4), or set EVENTBOT_AXE_JS"

ROOM = "!leipzig:example.org"
NAME = "leipzig"
BERLIN = ZoneInfo("Europe/Berlin")
MODERATOR, MEMBER = "@mod:example.org", "@member:example.org"
PHONE, DESKTOP = (375, 800), (1280, 900)
UPCOMING_DAYS = 56  # the upcoming page shows at least the next 8 weeks
HOSTILE = '<img src=x onerror="window.__pwned=1">'
PENDING = "Noch nicht freigegeben"

# Chromium as the machine allows it: no sandbox (root), no GPU, nothing that phones home
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
)

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------------- the browser


class Browser:
    """One Chromium session: open pages at a viewport size, run axe-core, read the console, take screenshots."""

    def __init__(self, driver: Any, profile: str, javascript: bool) -> None:
        self.driver = driver
        self.profile = profile
        self.javascript = javascript

    def resize(self, width: int, height: int) -> None:
        """An exact viewport (CSS pixels); below 600 px wide a phone (mobile viewport, the page's meta viewport)."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )

    def open(self, url: str, size: tuple[int, int] = DESKTOP) -> Browser:
        """Load `url` in a viewport of `size` (width, height) and wait until the document is complete."""
        self.resize(*size)
        self.driver.get("about:blank")
        if self.javascript:
            self.driver.get_log("browser")  # forget what earlier pages logged
        self.driver.get(url)
        return self

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def css(self, selector: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def wait_for(self, condition: Any, timeout: float = 10, message: str = "") -> Any:
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda _: condition(), message)

    def axe_violations(self) -> list[dict[str, Any]]:
        """axe-core's violations on the loaded page (each with `id`, `impact`, `help` and the failing `nodes`)."""
        if not AXE_JS.is_file():
            pytest.fail(f"axe-core is missing at {AXE_JS}: {AXE_HINT}", pytrace=False)
        self.driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
        self.driver.set_script_timeout(60)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            "  .then(r => done(r.violations), e => done({error: String(e)}));"
        )
        if isinstance(result, dict):
            pytest.fail(f"axe-core could not run: {result['error']}")
        return result

    def console_errors(self) -> list[str]:
        """What the page logged as errors (script errors, refused resources, CSP violations) since it was opened."""
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def screenshot(self, path: Path, size: tuple[int, int]) -> Path:
        """The whole page (up to 6,000 px tall) at the width of `size`, as a PNG."""
        height = min(6000, max(size[1], int(self.js("return document.documentElement.scrollHeight"))))
        self.resize(size[0], height)
        try:
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        finally:
            self.resize(*size)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


def start_chromium(*, javascript: bool = True) -> Browser:
    """A headless Chromium under the system ChromeDriver; fails (never skips) when either is missing."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(f"the browser tests need {' and '.join(missing)}: {CHROMIUM_HINT}", pytrace=False)
    os.environ.setdefault("SE_AVOID_STATS", "true")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is missing: pip install -e '.[dev]' (`bash scripts/test` does)", pytrace=False)
    profile = tempfile.mkdtemp(prefix="eventbot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,900")
    prefs: dict[str, object] = {"intl.accept_languages": "de-DE,de"}  # a visitor from Leipzig
    if javascript:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    else:
        options.add_argument("--blink-settings=scriptEnabled=false")
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except Exception as error:
        shutil.rmtree(profile, ignore_errors=True)
        pytest.fail(f"Chromium did not start under {CHROMEDRIVER}: {error}", pytrace=False)
    driver.set_page_load_timeout(30)
    return Browser(driver, profile, javascript)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = start_chromium()
    yield chromium
    chromium.quit()


@pytest.fixture(scope="session")
def browser_without_js() -> Iterator[Browser]:
    chromium = start_chromium(javascript=False)
    yield chromium
    chromium.quit()


# ------------------------------------------------------------------------------------------------------ the site


class LoopThread:
    """An asyncio loop in a thread of its own: the server lives there, the tests ask it with `run`."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="eventbot-site", daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@dataclass(frozen=True)
class Occurrence:
    """Something a page lists: one event, or one date of a meetup (its name is the meetup's name)."""

    kind: str  # "event" or "meetup"
    item_id: int
    name: str
    start: datetime
    end: datetime | None
    geo: tuple[float, float] | None
    online_only: bool
    cancelled: bool

    def days(self, zone: tzinfo) -> list[date]:
        """The local days it takes place on (every day of a multi-day event)."""
        first = self.start.astimezone(zone).date()
        last = (self.end - timedelta(seconds=1)).astimezone(zone).date() if self.end else first
        return [first + timedelta(days=n) for n in range(max(0, (last - first).days) + 1)]


class Site:
    """The published room `leipzig`, its storage and server; `url(path)` is where a browser finds a page."""

    def __init__(self, thread: LoopThread, storage: Any, base: str, ids: dict[str, int], zone: ZoneInfo) -> None:
        self.thread = thread
        self.storage = storage
        self.base = base
        self.ids = ids  # event title (or meetup name) -> its number in the room
        self.zone = zone

    def url(self, path: str = "") -> str:
        return f"{self.base}/{NAME}/{path.lstrip('/')}"

    def month_url(self, day: date) -> str:
        return self.url(f"{day.year:04d}/{day.month:02d}/")

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()

    def expected(self, start: datetime, end: datetime) -> list[Occurrence]:
        """What the database holds for [start, end): approved and cancelled events, and every meetup date."""
        return self.thread.run(self._expected(start, end))

    async def _expected(self, start: datetime, end: datetime) -> list[Occurrence]:
        from bot.models import EventStatus
        from bot.schedule import meetup_dates

        found = [
            Occurrence(
                "event",
                event.id,
                event.title,
                event.start,
                event.end,
                event.geo,
                event.online_only,
                event.status == EventStatus.CANCELLED,
            )
            for event in await self.storage.list_events(
                ROOM, start=start, end=end, statuses=(EventStatus.APPROVED, EventStatus.CANCELLED)
            )
        ]
        for meetup in await self.storage.list_meetups(ROOM):
            for when in meetup_dates(meetup, start, end):
                finish = datetime.combine(when.date(), meetup.end_time, when.tzinfo) if meetup.end_time else None
                online_only = meetup.online and not meetup.place
                found.append(Occurrence("meetup", meetup.id, meetup.name, when, finish, meetup.geo, online_only, False))
        return sorted(found, key=lambda o: (o.start, o.name))

    def upcoming(self) -> list[Occurrence]:
        """What the upcoming page must show at least: the next 8 weeks."""
        now = self.now()
        return self.expected(now, now + timedelta(days=UPCOMING_DAYS))

    def month(self, day: date) -> list[Occurrence]:
        """Everything of the month of `day` (local time)."""
        first = datetime(day.year, day.month, 1, tzinfo=self.zone)
        after = datetime(day.year + day.month // 12, day.month % 12 + 1, 1, tzinfo=self.zone)
        return self.expected(first, after)

    def anything(self) -> list[Occurrence]:
        """Everything a page may show at all (two years around now)."""
        now = self.now()
        return self.expected(now - timedelta(days=366), now + timedelta(days=732))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dmy(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def seed_messages(today: date) -> list[tuple[str | None, str, str, int]]:
    """(title, sender, message, power) in the order the room writes them; dates relative to today, all ahead.

    `title` names what an `add` stores (the event's title, the meetup's name), None for other commands.
    """

    def on(days: int) -> str:
        return dmy(today + timedelta(days=days))

    # the 3rd to the 5th of next month: within 8 weeks, and a month in which both meetups have dates ahead
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    multi_day = (dmy(next_month.replace(day=3)), dmy(next_month.replace(day=5)))

    return [
        (
            "Datenabend",
            MODERATOR,
            f"!event add\nTitel: Datenabend\nWann: {on(2)} 19:00-21:00\nWo: Basislager, Leipzig\n"
            "Link: https://codeforleipzig.de/datenabend\nGeo: 51.3397, 12.3731",
            100,
        ),
        (
            "Stammtisch Offene Daten",  # the same coordinate as the Datenabend: one marker for both
            MODERATOR,
            f"!event add\nTitel: Stammtisch Offene Daten\nWann: {on(5)} 18:00-20:00\nWo: Basislager, Leipzig\n"
            "Geo: 51.3397, 12.3731",
            100,
        ),
        (
            "Mapathon",
            MODERATOR,
            f"!event add\nTitel: Mapathon\nWann: {on(8)} 17:00-20:00\nWo: Stadtbibliothek Leipzig\n"
            "Geo: 51.3350, 12.3800",
            100,
        ),
        (
            "Online-Sprechstunde",
            MODERATOR,
            f"!event add\nTitel: Online-Sprechstunde\nWann: {on(4)} 20:00-21:00\nWo: online\n"
            "Online: https://meet.example.org/sprechstunde",
            100,
        ),
        (
            "Wikipedia-Wochenende",
            MODERATOR,
            f"!event add\nTitel: Wikipedia-Wochenende\nWann: {multi_day[0]} 10:00 bis {multi_day[1]} 16:00\n"
            "Wo: Haus des Buches, Gerichtsweg 28, Leipzig\nGeo: 51.3340, 12.3890",
            100,
        ),
        ("Abgesagter Workshop", MODERATOR, f"!event add Abgesagter Workshop | {on(6)} 18:00 | Werk 2, Leipzig", 100),
        (
            HOSTILE,
            MODERATOR,
            f"!event add\nTitel: {HOSTILE}\nWann: {on(3)} 19:00\nWo: Ostwache, Leipzig\nGeo: 51.3420, 12.4010",
            100,
        ),
        (
            "OKLab Leipzig",
            MODERATOR,
            "!meetup add\nStadt: Leipzig\nWann: jeden Mittwoch\nZeit: 19:00-22:00\nWo: Basislager\n"
            "Name: OKLab Leipzig\nLink: https://codefor.de/leipzig/\nGeo: 51.3300, 12.3600",
            100,
        ),
        (
            "Code for Halle",
            MODERATOR,
            "!meetup add Halle | jeden ersten Montag im Monat | 18:30 | Zentrum | Code for Halle",
            100,
        ),
        (None, MODERATOR, "!settings approval on", 100),
        (
            PENDING,  # from a member while approval is on: waits, and is on no page
            MEMBER,
            f"!event add\nTitel: {PENDING}\nWann: {on(7)} 19:00\nWo: Irgendwo\nGeo: 51.3000, 12.3000",
            0,
        ),
    ]


async def seed(storage: Any, config: Any, clock: Any) -> dict[str, int]:
    """Writes the room through the real Dispatcher; returns each event's and meetup's number by its title."""
    from bot.commands.catalog import build_registry
    from bot.dispatch import Dispatcher
    from bot.models import Message

    dispatcher = Dispatcher(build_registry(), storage, config, clock=clock)
    numbers = itertools.count(1)

    async def say(sender: str, body: str, power: int) -> str:
        number = next(numbers)
        answer = await dispatcher.dispatch(
            Message(
                room_id=ROOM,
                event_id=f"$web{number}",
                sender=sender,
                body=body,
                timestamp_ms=int(clock().timestamp() * 1000) + number,
                sender_power=power,
            )
        )
        assert answer is not None, body
        if answer.on_sent:
            await answer.on_sent(f"$announcement{number}")
        return answer.body.text

    ids: dict[str, int] = {}
    for title, sender, body, power in seed_messages(clock().astimezone(BERLIN).date()):
        reply = await say(sender, body, power)
        if title is not None:
            number = re.search(r"#(\d+)", reply)
            assert number, f"{body!r} was not stored: {reply}"
            ids[title] = int(number.group(1))
    cancelled = await say(MODERATOR, f"!event cancel #{ids['Abgesagter Workshop']}", 100)
    assert "#" in cancelled, cancelled
    published = await say(MODERATOR, f"!calendar publish {NAME}", 100)
    assert f"/{NAME}/" in published, f"!calendar publish {NAME} did not publish: {published}"
    return ids


async def check_seeded(storage: Any, ids: dict[str, int]) -> None:
    """The room holds what the tests rely on (a failure here is the seeding's, not the page's)."""
    from bot.models import EventStatus

    hostile = await storage.get_event(ROOM, ids[HOSTILE])
    assert hostile.title == HOSTILE, f"the hostile title was stored as {hostile.title!r}"
    assert (await storage.get_event(ROOM, ids[PENDING])).status == EventStatus.PENDING
    assert (await storage.get_event(ROOM, ids["Abgesagter Workshop"])).status == EventStatus.CANCELLED
    assert (await storage.get_event(ROOM, ids["Online-Sprechstunde"])).online_only
    assert (await storage.get_event(ROOM, ids["Stammtisch Offene Daten"])).geo == (51.3397, 12.3731)
    assert len(await storage.list_meetups(ROOM)) == 2
    assert await storage.published_room(NAME) == ROOM


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from bot.config import parse_config
    from bot.http import start_http
    from bot.storage import Storage

    folder = tmp_path_factory.mktemp("site")
    port = free_port()
    config = parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(folder), "language": "de", "timezone": "Europe/Berlin"},
            "http": {
                "enabled": True,
                "host": "127.0.0.1",
                "port": port,
                "public_url": f"http://127.0.0.1:{port}",
                "map_tiles": "",
            },
        },
        base_dir=folder,
        env={},
    )

    def clock() -> datetime:
        return datetime.now(UTC)

    thread = LoopThread()

    async def start() -> tuple[Any, Any, dict[str, int]]:
        storage = await Storage.open(folder / "eventbot.db")
        ids = await seed(storage, config, clock)
        await check_seeded(storage, ids)
        runner = await start_http(config.http, storage, clock)
        return storage, runner, ids

    async def stop(storage: Any, runner: Any) -> None:
        await runner.cleanup()
        await storage.close()

    storage, runner, ids = thread.run(start())
    try:
        yield Site(thread, storage, f"http://127.0.0.1:{port}", ids, BERLIN)
    finally:
        thread.run(stop(storage, runner))
        thread.stop()


def markers_of(browser: Browser) -> list[dict[str, Any]]:
    """The map's markers as the server wrote them (`data-markers` of `#map`)."""
    maps = browser.css("#map")
    assert maps, "the page has no #map"
    return json.loads(maps[0].get_attribute("data-markers") or "[]")
