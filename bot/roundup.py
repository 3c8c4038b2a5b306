"""The monthly "Out in the Open" post: which items go in (collect) and the Markdown itself (pure rendering)."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.clock import system_clock
from bot.config import Config, LinksConfig, RoundupConfig
from bot.errors import EventbotError
from bot.i18n import Translator
from bot.ical import event_ics, meetup_ics
from bot.links import fallback_title, find_section, render_item, render_recap
from bot.models import Deadline, Event, EventStatus, Link, LinkStatus, Meetup
from bot.parsing.months import MonthError, parse_month
from bot.schedule import city_sort_key
from bot.storage import Storage

_GERMAN = Translator("de")
DEFAULT_LINKS = LinksConfig()
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#@!$&'()+,;=%]")
_YAML_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*(?<!\s)$")


class RoundupUnavailable(EventbotError):
    """The offline roundup cannot be written (no such month, room or database)."""


@dataclass(frozen=True)
class Edition:
    """Which post: the month it reviews, its optional headline, when it is published."""

    year: int
    month: int
    published: datetime
    headline: str | None = None

    @property
    def slug(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def title(self) -> str:
        base = f"Out in the Open {_GERMAN.month(self.year, self.month)}"
        return f"{self.headline} – {base}" if self.headline else base


@dataclass(frozen=True)
class NewsSection:
    """One `## ` section of the post's news: its links in the order filed (those under a sub-heading after the
    others, by sub-heading in order of appearance); `recap` sections are a list of `* [Name](url)`."""

    name: str
    links: tuple[Link, ...]
    recap: bool = False


@dataclass(frozen=True)
class RoundupContent:
    edition: Edition
    window_start: datetime
    window_end: datetime
    events: tuple[Event, ...]
    meetups: tuple[Meetup, ...]
    deadlines: tuple[Deadline, ...]
    left_out: tuple[Event, ...]
    calendar_url: str = ""  # the room's published page, linked when `[roundup] calendar_url` is empty
    news: tuple[NewsSection, ...] = ()
    pending_links: int = 0


def events_window(year: int, month: int, lookahead_days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The edition for month M lists events starting in month M+1, plus lookahead days after it."""
    first = date(year + month // 12, month % 12 + 1, 1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, time(), zone),
        datetime.combine(after + timedelta(days=lookahead_days), time(), zone),
    )


async def link_sections(storage: Storage, room_id: str, links: LinksConfig) -> list[str]:
    """The room's news sections in the post's order (the configured list until the room changes it)."""
    stored = await storage.link_sections(room_id)
    return stored if stored is not None else list(links.sections)


def news_sections(links: list[Link], order: list[str], recap: str) -> tuple[NewsSection, ...]:
    """The edition's links by section in the room's order; sections the list no longer names follow at the end."""
    names = list(order) + [link.section for link in links if link.section not in order]
    grouped: dict[str, list[Link]] = {name: [] for name in names}
    for link in links:
        grouped[link.section].append(link)
    sections = []
    for name, items in grouped.items():
        if items:
            topics = list(dict.fromkeys(link.topic or "" for link in items))
            items.sort(key=lambda link: topics.index(link.topic or ""))  # stable: filing order within a topic
            sections.append(NewsSection(name, tuple(items), recap=find_section(name, [recap]) is not None))
    return tuple(sections)


async def collect_roundup(
    storage: Storage,
    room_id: str,
    edition: Edition,
    config: RoundupConfig,
    zone: ZoneInfo,
    links: LinksConfig = DEFAULT_LINKS,
) -> RoundupContent:
    """What goes into an edition: the approved links filed in its month, approved events starting in the window,
    all meetups, open deadlines, and the room's public page (when it has one and the bot serves pages:
    `config.page_base_url`)."""
    start, end = events_window(edition.year, edition.month, config.lookahead_days, zone)
    page = ""
    if not config.calendar_url and config.page_base_url:
        name = await storage.public_name(room_id)
        page = f"{config.page_base_url}/{name}/" if name else ""
    candidates = await storage.list_events(room_id, start=start, end=end, statuses=tuple(EventStatus))
    starting = [event for event in candidates if event.start >= start]
    filed = await storage.list_links(room_id, edition.slug)
    approved = [link for link in filed if link.status == LinkStatus.APPROVED]
    order = await link_sections(storage, room_id, links)
    return RoundupContent(
        news=news_sections(approved, order, links.recap),
        pending_links=len(filed) - len(approved),
        edition=edition,
        window_start=start,
        window_end=end,
        events=tuple(e for e in starting if e.status == EventStatus.APPROVED),
        meetups=tuple(sorted(await storage.list_meetups(room_id), key=city_sort_key)),
        deadlines=tuple(await storage.list_deadlines(room_id, ending_from=start.date())),
        left_out=tuple(e for e in starting if e.status != EventStatus.APPROVED),
        calendar_url=page,
    )


def markdown_text(text: str, *, line_start: bool = False) -> str:
    """User text as literal Markdown: everything that could format, link or open HTML is escaped."""
    escaped = _ENTITY.sub("&amp;", _MD_SPECIAL.sub(r"\\\1", text))
    return _LINE_START.sub(_escape_line_start, escaped) if line_start else escaped


def _escape_line_start(match: re.Match[str]) -> str:
    """`# x` → `\\# x`; `1. x` → `1\\. x` (a backslash before a digit is no escape in CommonMark)."""
    space, marker = match.groups()
    return f"{space}{marker[:-1]}\\{marker[-1]}" if marker[0].isdigit() else f"{space}\\{marker}"


def markdown_url(url: str) -> str:
    """A link as bare text that cannot break out: characters that could format are percent-encoded."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), url)


def yaml_string(text: str, *, quoted: bool = False) -> str:
    """A YAML scalar: plain where that is safe (and not asked otherwise), else double-quoted."""
    if not quoted and _YAML_PLAIN.match(text) and ": " not in text and " #" not in text:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def calendar_link(title: str, ics: bytes | None) -> str:
    """The 📅 link carrying the entry's calendar; the title is escaped for the attribute."""
    if ics is None:
        return ""
    payload = base64.b64encode(ics).decode("ascii")
    return (
        f" <a title='Kalendereintrag {html.escape(title, quote=True)}' download='event.ics' "
        f'href="data:text/calendar;base64,{payload}">&#x1F4C5;</a>'
    )


def _place(place: str | None, online: bool) -> str | None:
    shown = _GERMAN.place(place, online)
    return markdown_text(shown) if shown else None


def event_line(event: Event, stamp: datetime) -> list[str]:
    """`* Dienstag, 02.12.2025, 10:00-11:30, online: **Title** <a ...>` and the link below it."""
    head = ", ".join(
        part
        for part in (_GERMAN.when(event.start, event.end, event.all_day), _place(event.place, event.online))
        if part
    )
    lines = [f"* {head}: **{markdown_text(event.title)}**{calendar_link(event.title, event_ics(event, stamp))}"]
    if event.link:
        lines.append(f"  * {markdown_url(event.link)}")
    return lines


def meetup_line(meetup: Meetup, stamp: datetime) -> list[str]:
    """`  * Leipzig: jeden Mittwoch, 19:00-22:00, place: **Name** <a ...>` and the link below it."""
    times = meetup.start_time.strftime("%H:%M") + (f"-{meetup.end_time:%H:%M}" if meetup.end_time else "")
    parts = [
        f"{markdown_text(meetup.city, line_start=True)}: {markdown_text(meetup.rule_text)}",
        times,
        _place(meetup.place, meetup.online),
    ]
    head = ", ".join(part for part in parts if part)
    lines = [f"  * {head}: **{markdown_text(meetup.name)}**{calendar_link(meetup.name, meetup_ics(meetup, stamp))}"]
    if meetup.link:
        lines.append(f"    * {markdown_url(meetup.link)}")
    return lines


def deadline_line(deadline: Deadline) -> str:
    """`* [Name](link) rest, Einreichungen bis 07.12.2025` (or `von ... bis ... möglich`)."""
    match = re.fullmatch(r"(.*?)\[(.+?)\](.*)", deadline.name, re.DOTALL)
    before, linked, after = match.groups() if match else ("", deadline.name, "")
    name = f"{markdown_text(before)}[{markdown_text(linked)}]({markdown_url(deadline.link)}){markdown_text(after)}"
    if deadline.start:
        when = f"Einreichungen von {deadline.start:%d.%m.%Y} bis {deadline.end:%d.%m.%Y} möglich"
    else:
        when = f"Einreichungen bis {deadline.end:%d.%m.%Y}"
    return f"* {name}, {when}"


def news_lines(section: NewsSection) -> list[str]:
    """`## Section`, then one paragraph per link (a `### ` heading before each sub-topic), or the recap's list."""
    lines = [f"## {markdown_text(section.name)}", ""]
    topic = None
    for link in section.links:
        fallback = link.title or fallback_title(link.url)
        if section.recap:
            lines.append(render_recap(link.text, link.url, fallback=fallback))
            continue
        if link.topic and link.topic != topic:
            lines += [f"### {markdown_text(link.topic)}", ""]
        topic = link.topic
        lines += [render_item(link.text, link.url, fallback=fallback), ""]
    if section.recap:
        lines.append("")
    return lines


def render_roundup(content: RoundupContent, config: RoundupConfig) -> str:
    """The whole post: Hugo front matter, the news sections, `## Fristen`, `## Veranstaltungen` with the regular
    meetups."""
    edition = content.edition
    image = f"out-in-the-open-{edition.slug}-header.jpg"
    lines = ["---", f"title: {yaml_string(edition.title, quoted=True)}"]
    if config.author:
        lines.append(f"author: {yaml_string(config.author, quoted=True)}")
    lines += [
        f"date: '{edition.published.isoformat(timespec='seconds')}'",
        f"excerpt: {yaml_string(config.excerpt)}",
        "topic: community",
        "images:",
        f"- imgname: {image}",
    ]
    if config.attribution:
        lines.append(f"  attribution: {yaml_string(config.attribution)}")
    lines += [f"og_image: {image}", "type: blog", "---", "", ""]
    for section in content.news:
        lines += news_lines(section)
    if content.deadlines:
        lines += ["## Fristen", *(deadline_line(d) for d in content.deadlines), "  ", ""]
    calendar_url = config.calendar_url or content.calendar_url
    calendar = f" ([Kalender/Karte]({markdown_url(calendar_url)}))" if calendar_url else ""
    lines.append(f"## Veranstaltungen{calendar}")
    stamp = edition.published
    for event in content.events:
        lines += event_line(event, stamp)
    if content.meetups:
        lines.append("* Regelmäßige OKLab-Treffen")
        for meetup in content.meetups:
            lines += meetup_line(meetup, stamp)
    return "\n".join(lines) + "\n"


def publication_time(local_now: datetime, publish_time: str) -> datetime:
    """Today (in the local zone) at the configured time of day."""
    hour, minute = (int(part) for part in publish_time.split(":"))
    return datetime.combine(local_now.date(), time(hour, minute), local_now.tzinfo)


async def write_roundup(
    config: Config, month: str, *, room_id: str | None, headline: str | None, now: datetime | None = None
) -> str:
    """The post for `eventbot roundup`: the same Markdown `!roundup` uploads, read straight from the database."""
    if not config.bot.database_path.exists():
        raise RoundupUnavailable(f"no database at {config.bot.database_path}")
    storage = await Storage.open(config.bot.database_path)
    try:
        rooms = await storage.rooms_with_content()
        if room_id is None:
            if len(rooms) != 1:
                raise RoundupUnavailable("choose a room with --room: " + (", ".join(rooms) or "no room has events"))
            room_id = rooms[0]
        settings = await storage.room_settings(room_id)
        zone = ZoneInfo(settings.timezone or config.bot.timezone)
        local_now = (now or system_clock()).astimezone(zone)
        try:
            year, number = parse_month(month.split(), local_now.date(), prefer="past")
        except MonthError:
            raise RoundupUnavailable(f"not a month: {month!r} (examples: 2025-11, november, 11)") from None
        edition = Edition(
            year, number, published=publication_time(local_now, config.roundup.publish_time), headline=headline
        )
        content = await collect_roundup(storage, room_id, edition, config.roundup, zone, config.links)
        return render_roundup(content, config.roundup)
    finally:
        await storage.close()
