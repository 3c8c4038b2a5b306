"""The public pages of a room, rendered on the server: data in, HTML out.

The page is a Jinja2 template with autoescaping; its list entries and grid links, thousands on a busy month, are
written here with every text passed through html.escape (`_Writer.article`), and the JSON-LD by `structured`.
Everything a page links to is relative to it (`../static/…`), so the pages work under any prefix a reverse
proxy puts in front of them; only what leaves the page (feed links, OpenGraph, JSON-LD) uses `Site.base_url`.
"""

from __future__ import annotations

import calendar
import functools
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from urllib.parse import quote, unquote_plus, urlencode, urlsplit
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date, get_day_names

from bot.i18n import Translator
from bot.locales import LANGUAGES
from bot.models import Event, Meetup
from bot.parsing.fields import MAX_YEAR, MIN_YEAR
from bot.schedule import next_dates
from bot.web.filters import NO_FILTERS, Filters
from bot.web.occurrences import (
    Occurrence,
    by_day,
    event_occurrence,
    meetup_occurrences,
    occurrences,
    on_days,
    over_at,
)
from bot.web.structured import iso, json_ld, markers

UPCOMING_WEEKS = 8
NEXT_DATES = 6  # the dates a meetup's page lists
MAX_GOOGLE_DETAILS = 1000  # characters of a description in a Google Calendar link


@dataclass(frozen=True)
class Site:
    """What every page of a published room needs besides its dates."""

    name: str  # the public name: the page is `<base_url>/<name>/`
    base_url: str
    language: str
    zone: ZoneInfo
    tiles: str = ""  # the tile URL template; empty: a map without tiles
    attribution: str = ""  # the tiles' attribution, HTML written by the operator
    query: str = ""  # kept on the links between the pages (`?lang=en` when the visitor chose the language, filters)
    lang_query: str = ""  # kept on the links to an event's page (`?lang=en` when the visitor chose the language)
    filters: Filters = NO_FILTERS

    @property
    def page_url(self) -> str:
        return f"{self.base_url}/{self.name}/"

    @property
    def feed_url(self) -> str:
        return f"{self.base_url}/{self.name}/calendar.ics"


class Entry(NamedTuple):
    """An occurrence as a list shows it: its ISO times and its rendered `article.h-event` (a named tuple: a page
    makes thousands)."""

    item: Occurrence
    start_iso: str
    end_iso: str | None
    html: str  # the list's <article> (escaped HTML); `_Writer.article` renders it again with another id
    grid: str  # the month grid's link to it (escaped HTML)


@dataclass(frozen=True)
class Day:
    """A day of a list with its entries."""

    day: date
    heading: str
    today: bool
    entries: list[Entry]

    @property
    def html(self) -> str:
        """The entries' articles (escaped HTML), joined once rather than one by one in the template."""
        return "\n".join(entry.html for entry in self.entries)


@dataclass(frozen=True)
class Cell:
    """A day of the month grid (None in a week's row: a day of the month before or after)."""

    day: date
    today: bool
    entries: list[Entry] = field(default_factory=list)

    @property
    def html(self) -> str:
        """The day's `<li>` of grid links (escaped HTML)."""
        return "\n".join(f"<li>{entry.grid}</li>" for entry in self.entries)


def upcoming_window(zone: ZoneInfo, now: datetime, filters: Filters = NO_FILTERS) -> tuple[datetime, datetime]:
    """From now to the end of the day UPCOMING_WEEKS weeks ahead (in the room's zone): everything not over yet of
    the next UPCOMING_WEEKS weeks, whatever the time of day. With `from=`/`to=`, from the start of `from` (else
    now) to the end of `to` (else UPCOMING_WEEKS weeks after `from`)."""
    start, end = filters.window(zone)
    if start is None:
        start = now
    if end is None:
        first = start.astimezone(zone).date()
        end = datetime.combine(first + timedelta(weeks=UPCOMING_WEEKS, days=1), time(), zone)
    return start, max(start, end)


def choose_language(asked: str | None, accept_language: str, default: str) -> str | None:
    """`?lang=` if given (None when it is no language of the pages), else the first of Accept-Language the pages
    speak, else `default`."""
    if asked is not None:
        return asked if asked in LANGUAGES else None
    ranked = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, position, tag.strip().split("-")[0].casefold()))
    for quality, _, tag in sorted(ranked):
        if tag in LANGUAGES and quality < 0:
            return tag
    return default


def valid_month(year: int, month: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12


def month_window(zone: ZoneInfo, year: int, month: int) -> tuple[datetime, datetime]:
    following = date(year + month // 12, month % 12 + 1, 1)
    return datetime.combine(date(year, month, 1), time(), zone), datetime.combine(following, time(), zone)


def tile_source(tiles: str) -> str | None:
    """The CSP source the tiles come from: `https://tile.openstreetmap.org`, `https://*.host` for `{s}.host`."""
    try:
        parts = urlsplit(tiles)
    except ValueError:
        return None
    host = parts.netloc
    if parts.scheme not in ("http", "https") or not host:
        return None
    if host.startswith("{s}."):
        host = "*." + host.removeprefix("{s}.")
    if any(ch in host for ch in "{} ;,'\""):
        return None
    return f"{parts.scheme}://{host}"


def content_security_policy(tiles: str) -> str:
    """Scripts and styles from the bot only, nothing inline; images also from the tile server."""
    images = " ".join(source for source in ("'self'", "data:", tile_source(tiles) if tiles else None) if source)
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _escape(text: str) -> str:
    """Text for HTML text and (double-quoted) attributes: `& < > " '` as character references."""
    return html.escape(text, quote=True)


def _grid_link(item: Occurrence) -> str:
    """An occurrence in a day of the month grid: its title, linking to its entry in the list below (HTML)."""
    classes = "grid-event" + (" cancelled" if item.cancelled else "") + (" meetup" if item.kind == "meetup" else "")
    title = _escape(item.title)
    return f'<a class="{classes}" href="#{item.key}">{f"<del>{title}</del>" if item.cancelled else title}</a>'


def _clock(moment: datetime) -> str:
    """`18:00` (strftime is slow, and pages write thousands of times)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def item_path(kind: str, item_id: int) -> str:
    """The path of an event's (`e/12/`) or a meetup's (`m/3/`) page, from the room's `/<name>/`."""
    return f"{'m' if kind == 'meetup' else 'e'}/{item_id}/"


class _Writer:
    """Dates, times and places as the page's language writes them."""

    def __init__(self, site: Site, root: str = "") -> None:
        self.site = site
        self.root = root  # the path from the page to the room's `/<name>/`, for the links to an event's page
        self.t = t = Translator(site.language)
        # the words every entry may need, escaped once
        self.all_day = _escape(t.raw("page_all_day"))
        self.until = _escape(t.raw("until"))
        self.cancelled = f' <span class="status">({_escape(t.raw("status_cancelled"))})</span>'
        self.online = _escape(t.raw("place_online"))
        self.meetup = t.raw("page_meetup")
        self.details = _escape(t.raw("page_details"))
        self._days: dict[date, str] = {}
        self._short_days: dict[date, str] = {}

    def day(self, day: date) -> str:
        return self.t.date(datetime.combine(day, time()))

    def escaped_day(self, day: date) -> str:
        """`day` as HTML text (kept: a page writes the same days many times)."""
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = _escape(self.day(day))
        return text

    def short_day(self, day: date) -> str:
        """`Do., 4. Dez.` (kept: Babel takes its time, and a map lists the same days many times)."""
        text = self._short_days.get(day)
        if text is None:
            pattern = "EEE d. MMM" if self.site.language == "de" else "EEE d MMM"
            text = self._short_days[day] = format_date(day, pattern, locale=self.site.language)
        return text

    def when(self, item: Occurrence) -> str:
        """The date and time for a popup: `Do., 4. Dez., 18:00`."""
        text = self.short_day(item.start.date())
        return text if item.all_day else f"{text}, {_clock(item.start)}"

    def entry(self, item: Occurrence, listed_on: date | None) -> Entry:
        """The entry as listed under the day `listed_on` (None: under no day, so its date is written)."""
        start_iso = iso(item)
        assert start_iso is not None
        end_iso = iso(item, end=True)
        return Entry(item, start_iso, end_iso, self.article(item, start_iso, end_iso, listed_on), _grid_link(item))

    def article(
        self, item: Occurrence, start_iso: str, end_iso: str | None, listed_on: date | None, prefix: str = ""
    ) -> str:
        """`<article class="h-event">` with p-name (u-url), dt-start, dt-end, p-location: the page's contract.

        Rendered here rather than in a template, every text escaped with html.escape: lists hold thousands."""
        start, end = item.start, item.end
        when = self.all_day if item.all_day else _clock(start)
        if start.date() != listed_on:
            when = f"{self.escaped_day(start.date())}, {when}"
        title = _escape(item.title)
        if item.link:
            name = f'<a class="p-name u-url" href="{_escape(item.link)}">{title}</a>'
        else:
            name = f'<span class="p-name">{title}</span>'
        if item.cancelled:
            name = f"<del>{name}</del>{self.cancelled}"
        times = f'<time class="dt-start" datetime="{start_iso}">{when}</time>'
        if end is not None:
            if item.all_day:
                until, separator = f"{self.until} {self.escaped_day(end.date())}", ", "
            elif end.date() == start.date():
                until, separator = _clock(end), "–"
            else:
                until, separator = f"{self.until} {self.escaped_day(end.date())}, {_clock(end)}", ", "
            times += f'{separator}<time class="dt-end" datetime="{end_iso}">{until}</time>'
        data_start = start_iso if not item.all_day else start.isoformat(timespec="seconds")
        html = (
            f'<article class="{"h-event cancelled" if item.cancelled else "h-event"}" id="{prefix}{item.key}" '
            f'data-start="{data_start}">\n<p class="title">{name}</p>\n<p class="when">{times}</p>\n'
        )
        if item.place or item.online:
            where = f'<span class="p-location">{_escape(item.place)}</span>' if item.place else ""
            if item.online:
                online = f'<a href="{_escape(item.online_url)}">{self.online}</a>' if item.online_url else self.online
                where = f"{where} · {online}" if where else online
            html += f'<p class="where">{where}</p>\n'
        if item.kind == "meetup":
            kind = f"{self.meetup} · {item.city}" if item.city else self.meetup
            html += f'<p class="kind">{_escape(kind)}</p>\n'
        href = f"{self.root}{item_path(item.kind, item.item_id)}{self.site.lang_query}"
        html += (
            f'<p class="more"><a class="details" href="{_escape(href)}">{self.details}'
            f'<span class="visually-hidden">: {title}</span></a></p>\n'
        )
        return html + "</article>"

    def days(self, items: Iterable[Occurrence], first_day: date, today: date) -> list[Day]:
        return [
            Day(day, self.day(day), day == today, [self.entry(item, day) for item in listed])
            for day, listed in by_day(items, first_day)
        ]

    def common(self, now: datetime) -> dict[str, object]:
        site, t = self.site, self.t
        feed = site.feed_url
        return {
            "lang": site.language,
            "t": t.raw,
            "site": site,
            "zone_note": t.raw("page_zone").format(zone=site.zone.key),
            "webcal": "webcal://" + feed.split("://", 1)[1],
            "google": "https://calendar.google.com/calendar/render?cid=" + quote(feed, safe=""),
            "feed": feed,
        }


def upcoming_page(site: Site, events: Sequence[Event], meetups: Sequence[Meetup], now: datetime) -> str:
    """`/<name>/`: the next UPCOMING_WEEKS weeks by day, the map with the online-only dates beside it, subscribing.

    `events` are the room's events in `upcoming_window` (the page keeps approved and cancelled ones)."""
    writer = _Writer(site)
    local = now.astimezone(site.zone)
    today = local.date()
    # meetup dates from the start of today, of which those still going on stay (events: as the caller read them)
    start, end = upcoming_window(site.zone, now, site.filters)
    first = start if site.filters.start is not None else datetime.combine(today, time(), site.zone)
    items = [
        item
        for item in occurrences(events, meetups, first, end, site.zone)
        if over_at(item) > start and site.filters.matches(item)
    ]
    when = {item.key: writer.when(item) for item in items if item.geo is not None}
    days = writer.days(items, start.astimezone(site.zone).date(), today)
    entries = [entry for day in days for entry in day.entries]
    return (
        _templates()
        .get_template("upcoming.html")
        .render(
            **writer.common(now),
            root="../",
            canonical=site.page_url,
            title=writer.t.raw("page_title").format(name=site.name),
            heading=writer.t.raw("page_heading").format(name=site.name),
            description=writer.t.raw("page_description").format(name=site.name),
            days=days,
            nothing=writer.t.raw("page_filtered_nothing" if site.filters else "page_nothing").format(
                weeks=UPCOMING_WEEKS
            ),
            filtered=_filtered(site),
            month_link=f"{local.year:04d}/{local.month:02d}/{site.query}",
            markers=json.dumps(markers(items, when), ensure_ascii=False, separators=(",", ":")),
            has_markers=any(item.geo is not None and not item.cancelled for item in items),
            online=[
                writer.article(entry.item, entry.start_iso, entry.end_iso, None, "online-")
                for entry in entries
                if entry.item.online_only
            ],
            json_ld=json_ld(entries, site.page_url),
        )
    )


def _filtered(site: Site) -> dict[str, str] | None:
    """What a page says of its filters (None without): them, and the link to the page without them."""
    if not site.filters:
        return None
    return {"query": unquote_plus(site.filters.query).replace("&", " · "), "all": f"./{site.lang_query}"}


def _month_link(year: int, month: int, step: int) -> tuple[int, int] | None:
    index = year * 12 + month - 1 + step
    target = divmod(index, 12)
    return (target[0], target[1] + 1) if valid_month(target[0], target[1] + 1) else None


def month_page(
    site: Site, events: Sequence[Event], meetups: Sequence[Meetup], year: int, month: int, now: datetime
) -> str:
    """`/<name>/<yyyy>/<mm>/`: the month as a grid (Monday first), then its list by day.

    `events` are the room's events in `month_window`."""
    writer = _Writer(site, "../../")
    t = writer.t
    start, end = month_window(site.zone, year, month)
    today = now.astimezone(site.zone).date()
    items = [item for item in occurrences(events, meetups, start, end, site.zone) if site.filters.matches(item)]
    days = writer.days(items, start.date(), today)
    entries = {entry.item.key: entry for day in days for entry in day.entries}
    taking_place = on_days(items)
    weeks = [
        [
            Cell(day, day == today, [entries[item.key] for item in taking_place.get(day, ())])
            if day.month == month
            else None
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    ]
    month_name = t.month(year, month)
    links: dict[str, tuple[str, str] | None] = {"prev": None, "next": None}
    for rel, step in (("prev", -1), ("next", 1)):
        target = _month_link(year, month, step)
        if target is not None:
            links[rel] = (f"../../{target[0]:04d}/{target[1]:02d}/{site.query}", t.month(*target))
    weekdays = get_day_names("wide", locale=site.language)
    short = get_day_names("abbreviated", locale=site.language)
    return (
        _templates()
        .get_template("month.html")
        .render(
            **writer.common(now),
            root="../../../",
            canonical=f"{site.page_url}{year:04d}/{month:02d}/",
            title=t.raw("page_month_title").format(name=site.name, month=month_name),
            heading=t.raw("page_month_heading").format(name=site.name, month=month_name),
            description=t.raw("page_month_description").format(name=site.name, month=month_name),
            month_name=month_name,
            list_heading=t.raw("page_month_list").format(month=month_name),
            weekdays=[(weekdays[n], short[n]) for n in range(7)],
            weeks=weeks,
            days=days,
            links=links,
            upcoming_link=f"../../{site.query}",
            filtered=_filtered(site),
            json_ld=json_ld(entries.values(), f"{site.page_url}{year:04d}/{month:02d}/"),
        )
    )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_template(item: Occurrence, details: str) -> str:
    """A Google Calendar link that adds the occurrence (times in UTC; all-day ones as dates, end exclusive)."""
    if item.all_day:
        last = (item.end or item.start).date() + timedelta(days=1)
        dates = f"{item.start:%Y%m%d}/{last:%Y%m%d}"
    else:
        dates = f"{_utc(item.start)}/{_utc(item.end or item.start + timedelta(hours=1))}"
    params = {
        "action": "TEMPLATE",
        "text": item.title,
        "dates": dates,
        "details": details[:MAX_GOOGLE_DETAILS],
        "location": item.place or item.online_url or "",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params, quote_via=quote)


@dataclass(frozen=True)
class Shown:
    """What an event's or a meetup's own page shows besides its occurrence."""

    kind: str  # "event" or "meetup"
    item_id: int
    title: str
    description: str | None
    rsvps: int
    rule: str | None = None  # a meetup's rule as written
    coming: tuple[Occurrence, ...] = ()  # a meetup's next dates


def event_page(site: Site, event: Event, rsvps: int, now: datetime) -> str:
    """`/<name>/e/<id>/`: one event (approved or cancelled) with everything known about it."""
    item = event_occurrence(event, site.zone)
    return _item_page(site, item, Shown("event", event.id, event.title, event.description, rsvps), now)


def meetup_page(site: Site, meetup: Meetup, rsvps: int, now: datetime) -> str:
    """`/<name>/m/<id>/`: a meetup, its rule as written and its next dates (the first of them as its occurrence;
    `rsvps` are that date's)."""
    dates = next_dates(meetup, now, NEXT_DATES)
    coming = meetup_occurrences(meetup, dates[0], dates[-1] + timedelta(seconds=1), site.zone) if dates else []
    shown = Shown("meetup", meetup.id, meetup.name, None, rsvps, meetup.rule_text, tuple(coming))
    return _item_page(site, coming[0] if coming else None, shown, now)


def _item_page(site: Site, item: Occurrence | None, shown: Shown, now: datetime) -> str:
    writer = _Writer(site, "../../")
    t = writer.t
    path = item_path(shown.kind, shown.item_id)
    canonical = f"{site.page_url}{path}"
    entries = [writer.entry(item, None)] if item is not None else []
    when = t.when(item.start, item.end, item.all_day) if item is not None else ""
    place = t.place(item.place, item.online) if item is not None else None
    details = "\n\n".join(
        part for part in (shown.description, shown.rule, item.link if item else None, canonical) if part
    )
    popup = {item.key: writer.when(item)} if item is not None else {}
    found_markers = markers([item], popup) if item is not None else []
    description = shown.description or shown.rule or t.raw("page_description").format(name=site.name)
    return (
        _templates()
        .get_template("item.html")
        .render(
            **writer.common(now),
            root="../../../",
            canonical=canonical,
            title=f"{shown.title} · {site.name}",
            heading=shown.title,
            description=description[:300],
            upcoming_link=f"../../{site.lang_query}",
            article=entries[0].html if entries else None,
            item=item,
            when=when,
            zone=site.zone.key,
            place=place,
            description_lines=shown.description.splitlines() if shown.description else [],
            rule=shown.rule,
            rsvps=t.raw("page_rsvps").format(count=shown.rsvps),
            coming=[(o.start.isoformat(timespec="seconds"), t.when(o.start, o.end, False)) for o in shown.coming],
            markers=json.dumps(found_markers, ensure_ascii=False, separators=(",", ":")),
            has_map=bool(found_markers),
            ics=f"../{shown.item_id}.ics",
            google_template=google_template(item, details) if item is not None else None,
            json_ld=json_ld(entries, canonical),
        )
    )


def error_page(site: Site, root: str, message: str, now: datetime) -> str:
    """A page of the room's layout saying what is wrong with the address (a 400's body)."""
    writer = _Writer(site)
    return (
        _templates()
        .get_template("error.html")
        .render(
            **writer.common(now),
            root=root,
            canonical=site.page_url,
            title=writer.t.raw("page_bad_request_title"),
            heading=writer.t.raw("page_bad_request_title"),
            description=message,
            message=message,
            upcoming_link=f"{root}{site.name}/{site.lang_query}",
            json_ld="[]",
        )
    )
