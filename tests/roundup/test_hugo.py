"""The roundup draft builds unchanged in a Hugo site: the published November 2025 post and the bot's own draft.

Each post is built once (by Hugo, see `hugo_build` in conftest.py) and the page checked: title, links, headings,
calendar links and that no Markdown is left in the text.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).parent.parent / "data"
SLUG = "out-in-the-open-2025-11"
DATA_URL = "data:text/calendar;base64,"
# the Markdown's links: [text](url), and the bare URLs on the "  * https://..." lines that linkify turns into links
MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
BARE_URL = re.compile(r"^\s*\* (https?://\S+)\s*$", re.MULTILINE)
CALENDAR_ICON = "&#x1F4C5;"


class Page(HTMLParser):
    """What the tests look at in the built page; everything but <h1> and <time> only inside <article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # attribute values and text come unescaped
        self.h1: list[str] = []
        self.times: list[str] = []  # the datetime attributes
        self.h2: list[str] = []
        self.links: list[dict[str, str | None]] = []  # the <a> tags' attributes, and their text as "text"
        self.text: list[str] = []  # the visible text of the article
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append(tag)
        if tag == "a" and "article" in self._open:
            self.links.append({**dict(attrs), "text": ""})
        elif tag == "time":
            self.times.append(dict(attrs).get("datetime") or "")
        elif tag in ("h1", "h2"):
            getattr(self, tag).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if "h1" in self._open:
            self.h1[-1] += data
        if "article" not in self._open:
            return
        self.text.append(data)
        if "h2" in self._open:
            self.h2[-1] += data
        if "a" in self._open and self.links:
            self.links[-1]["text"] = (self.links[-1]["text"] or "") + data


@dataclass
class Built:
    markdown: str
    front_matter: dict
    body: str  # the Markdown after the front matter
    page: Page


def _build(markdown: str, hugo_build) -> Built:
    _, front, body = markdown.split("---\n", 2)
    page = Page()
    page.feed(hugo_build(markdown, slug=SLUG))
    page.close()
    return Built(markdown, yaml.safe_load(front), body, page)


@pytest.fixture(scope="module")
def _built() -> dict[str, Built | None]:
    return {}  # each post built once for the module's tests (None: its build failed)


@pytest.fixture(params=["reference", "bot"])
def post(request, _built, hugo_build) -> Built:
    """The published post (tests/data/out-in-the-open-2025-11.md) or the bot's draft of it, built by Hugo."""
    if request.param in _built:
        built = _built[request.param]
        if built is None:
            pytest.fail(f"the {request.param} post did not build: see the first error", pytrace=False)
        return built
    _built[request.param] = None
    if request.param == "reference":
        markdown = (DATA / "out-in-the-open-2025-11.md").read_text(encoding="utf-8")
    else:
        markdown = request.getfixturevalue("bot_post")
    _built[request.param] = built = _build(markdown, hugo_build)
    return built


def test_the_post_builds(post):
    # hugo_build has checked the exit code and the log; the page has the post in it
    assert post.page.h1 and post.page.text


def test_the_title_is_the_front_matter_title(post):
    assert post.page.h1 == [post.front_matter["title"]]


def test_the_date_is_the_front_matter_date(post):
    date = post.front_matter["date"]
    expected = date if isinstance(date, datetime) else datetime.fromisoformat(date)
    assert [datetime.fromisoformat(time) for time in post.page.times] == [expected]


def test_every_url_of_the_markdown_is_a_link(post):
    urls = {html.unescape(url) for url in MARKDOWN_LINK.findall(post.body) + BARE_URL.findall(post.body)}
    assert len(urls) > 20  # the deadlines, the calendar, the events and the labs
    hrefs = {link["href"] for link in post.page.links if link.get("href") and not link["href"].startswith("data:")}
    assert hrefs == urls


def test_the_sections_are_h2_headings(post):
    headings = [line[3:] for line in post.body.splitlines() if line.startswith("## ")]
    assert [heading.split(" ", 1)[0] for heading in headings] == ["Fristen", "Veranstaltungen"]
    # "## Veranstaltungen ([Kalender/Karte](...))": the heading's text with its link rendered
    assert post.page.h2 == [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading) for heading in headings]


def test_every_calendar_link_downloads_an_ical_file(post):
    calendar_links = [link for link in post.page.links if link["text"] == "📅"]
    assert len(calendar_links) == post.body.count(CALENDAR_ICON) > 0
    for link in calendar_links:
        assert link.get("download") == "event.ics", link
        href = link.get("href") or ""
        assert href.startswith(DATA_URL), link
        try:
            payload = base64.b64decode(href.removeprefix(DATA_URL), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            pytest.fail(f"the calendar link {link.get('title')!r} does not carry base64 UTF-8: {error}")
        assert payload.startswith("BEGIN:VCALENDAR"), link.get("title")


def test_no_markdown_is_left_in_the_text(post):
    text = "".join(post.page.text)
    leftovers = [marker for marker in ("**", "](") if marker in text]
    assert not leftovers, [line for line in text.splitlines() if any(marker in line for marker in leftovers)]
