"""Rendering rules of the roundup: dates and times, places, the window, deadlines, city order, escaping."""

from __future__ import annotations

from datetime import date, datetime, time
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.config import RoundupConfig
from bot.models import Deadline, Event, Meetup
from bot.parsing.fields import clean_text
from bot.roundup import (
    Edition,
    RoundupContent,
    deadline_line,
    event_line,
    events_window,
    markdown_text,
    meetup_line,
    render_roundup,
)
from bot.schedule import city_sort_key

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = datetime(2025, 12, 8, 8, 0, tzinfo=BERLIN)
HOSTILE = [
    'It\'s "quoted"',
    "<script>alert(1)</script>",
    "A & B &amp; C &#x41;",
    "**bold** and *it*",
    "snake_case_name",
    "[link](https://evil.example)",
    "`code` here",
    "x ~~strike~~ y",
    "1. not a list",
    "back\\slash",
    "pipe | table",
    "<b>bold</b>",
    "![img](x.png)",
    "# heading",
    "a\u200bb\u202ec",
]


def event(title: str = "Jugend editiert", **changes) -> Event:
    values = dict(
        id=1,
        room_id="!r",
        title=title,
        start=datetime(2025, 12, 4, 18, tzinfo=BERLIN),
        end=datetime(2025, 12, 4, 21, tzinfo=BERLIN),
        all_day=False,
        timezone="Europe/Berlin",
        place="WikiBär, Köpenicker Straße 45, 10179 Berlin",
        link="https://example.org/je",
        uid="u1",
    )
    values.update(changes)
    return Event(**values)


def meetup(city: str, name: str = "OKLab", **changes) -> Meetup:
    values = dict(
        id=1,
        room_id="!r",
        city=city,
        rule_text="jeden Mittwoch",
        rrule="FREQ=WEEKLY;BYDAY=WE",
        dtstart=date(2025, 7, 2),
        start_time=time(19),
        end_time=time(22),
        timezone="Europe/Berlin",
        name=name,
        place="Basislager",
        link="https://example.org/lab",
        uid="m1",
    )
    values.update(changes)
    return Meetup(**values)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "* Donnerstag, 04.12.2025, 18:00-21:00, WikiBär, Köpenicker Straße 45, 10179 Berlin: **Jugend editiert**"),
        ({"place": None, "online": True}, "* Donnerstag, 04.12.2025, 18:00-21:00, online: **Jugend editiert**"),
        (
            {"online": True},
            "* Donnerstag, 04.12.2025, 18:00-21:00, WikiBär, Köpenicker Straße 45, 10179 Berlin und "
            "auch online: **Jugend editiert**",
        ),
        (
            {"end": datetime(2025, 12, 7, 13, tzinfo=BERLIN), "place": None, "online": True},
            "* Donnerstag, 04.12.2025, 18:00, bis Sonntag, 07.12.2025, 13:00, online: **Jugend editiert**",
        ),
        (
            {"all_day": True, "start": datetime(2025, 12, 4, tzinfo=BERLIN), "end": None, "place": None},
            "* Donnerstag, 04.12.2025: **Jugend editiert**",
        ),
        (
            {
                "all_day": True,
                "start": datetime(2025, 12, 4, tzinfo=BERLIN),
                "end": datetime(2025, 12, 5, tzinfo=BERLIN),
                "place": None,
            },
            "* Donnerstag, 04.12.2025, bis Freitag, 05.12.2025: **Jugend editiert**",
        ),
        ({"end": None, "place": None, "online": True}, "* Donnerstag, 04.12.2025, 18:00, online: **Jugend editiert**"),
    ],
)
def test_event_line_dates_times_places(changes, expected):
    first, link = event_line(event(**changes), STAMP)
    assert first.split(" <a ", 1)[0] == expected
    assert link == "  * https://example.org/je"


def test_summer_time_event_keeps_its_wall_clock():
    first, _ = event_line(event(start=datetime(2026, 7, 2, 18, tzinfo=BERLIN), end=None), STAMP)
    assert first.startswith("* Donnerstag, 02.07.2026, 18:00, ")


def test_window_is_the_next_month_plus_lookahead():
    assert events_window(2025, 11, 0, BERLIN) == (
        datetime(2025, 12, 1, tzinfo=BERLIN),
        datetime(2026, 1, 1, tzinfo=BERLIN),
    )
    assert events_window(2025, 12, 15, BERLIN) == (
        datetime(2026, 1, 1, tzinfo=BERLIN),
        datetime(2026, 2, 16, tzinfo=BERLIN),
    )


def test_deadline_lines():
    assert deadline_line(
        Deadline(
            1, "!r", "[Winterkongress] der Digitalen Gesellschaft Schweiz", "https://x.ch/w", end=date(2025, 12, 7)
        )
    ) == ("* [Winterkongress](https://x.ch/w) der Digitalen Gesellschaft Schweiz, Einreichungen bis 07.12.2025")
    assert deadline_line(
        Deadline(
            2, "!r", "Munich Open Data Challenge 2026", "https://d.de/c", start=date(2026, 1, 7), end=date(2026, 2, 11)
        )
    ) == ("* [Munich Open Data Challenge 2026](https://d.de/c), Einreichungen von 07.01.2026 bis 11.02.2026 möglich")


def test_cities_sort_as_a_german_reader_expects():
    cities = [
        "temporärhaus (Neu-Ulm)",
        "Leipzig",
        "Köln",
        "Karlsruhe",
        "Münster",
        "aachen",
        "Berlin",
        "Österreich",
        "Zwickau",
    ]
    ordered = [m.city for m in sorted((meetup(city) for city in cities), key=city_sort_key)]
    assert ordered == [
        "aachen",
        "Berlin",
        "Karlsruhe",
        "Köln",
        "Leipzig",
        "Münster",
        "Österreich",
        "temporärhaus (Neu-Ulm)",
        "Zwickau",
    ]


def test_front_matter_and_sections():
    content = RoundupContent(
        edition=Edition(2025, 11, STAMP, headline='Say "hi"'),
        window_start=STAMP,
        window_end=STAMP,
        events=(event(),),
        meetups=(meetup("Leipzig"),),
        deadlines=(),
        left_out=(),
    )
    text = render_roundup(content, RoundupConfig(author="A. Autor", calendar_url="https://events.example.org"))
    lines = text.splitlines()
    assert lines[:3] == ["---", 'title: "Say \\"hi\\" – Out in the Open November 2025"', 'author: "A. Autor"']
    assert "date: '2025-12-08T08:00:00+01:00'" in lines
    assert "## Fristen" not in text
    assert "## Veranstaltungen ([Kalender/Karte](https://events.example.org))" in lines
    assert lines[-3] == "* Regelmäßige OKLab-Treffen"
    assert lines[-2].startswith("  * Leipzig: jeden Mittwoch, 19:00-22:00, Basislager: **OKLab** <a ")
    assert text.endswith("    * https://example.org/lab\n")


class _Anchor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.titles.append(dict(attrs).get("title") or "")


def _bold_text(markdown: str) -> str:
    """The text CommonMark shows in bold in the first bullet."""
    tokens = MarkdownIt("commonmark").parseInline(markdown.split("**", 1)[0] + "**" + markdown.split("**", 1)[1])
    children = tokens[0].children
    start = next(i for i, t in enumerate(children) if t.type == "strong_open")
    end = next(i for i, t in enumerate(children) if t.type == "strong_close")
    assert all(t.type == "text" for t in children[start + 1 : end]), [t.type for t in children[start + 1 : end]]
    return "".join(t.content for t in children[start + 1 : end])


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_show_exactly_as_stored(title):
    line, _ = event_line(event(title), STAMP)
    assert _bold_text(line.split(" <a ", 1)[0]) == title
    html_out = MarkdownIt("commonmark").render(line)
    anchor = _Anchor()
    anchor.feed(html_out)
    assert anchor.titles == [f"Kalendereintrag {title}"]
    assert "<script" not in html_out and "<b>" not in html_out.replace("<strong>", "")


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_meetup_names_and_cities(name):
    line = meetup_line(meetup(city=name, name=name), STAMP)[0]
    rendered = MarkdownIt("commonmark").render(line.split(" <a ", 1)[0])
    assert "<ol" not in rendered and "<h1" not in rendered and "<script" not in rendered
    assert _bold_text(line.split(" <a ", 1)[0].removeprefix("  * ")) == name


@given(st.text(min_size=1, max_size=80).map(clean_text).filter(bool))
def test_any_title_survives_commonmark(title):
    # titles reach the roundup through clean_text (no control characters, single spaces)
    assert _bold_text(f"x: **{markdown_text(title)}**") == title
