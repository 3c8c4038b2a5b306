"""The link desk: `!link …` and 🔖 file links for the roundup's news sections; `!section …` orders the sections."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.commands import Answer, Command, Context, UsageError, UserError, command, family
from bot.commands.args import Arg, Item, ItemKind, Keyword, Month, Text, item_kind
from bot.commands.common import added_by_original
from bot.fetch import FetchError, fetch_url
from bot.links import (
    Filing,
    LinkError,
    chat_line,
    clean_url,
    fallback_title,
    find_section,
    page_title,
    parse_filing,
    parse_message,
    render_item,
    render_recap,
    url_key,
)
from bot.models import Link, LinkStatus, Reaction
from bot.parsing.months import MonthError, parse_month
from bot.roundup import link_sections
from bot.text import Rich

LINK_LIST_LIMIT = 60
MAX_LINK_TEXT = 1000
MAX_SECTION = 60
TITLE_MAX_BYTES = 512 * 1024
EXAMPLE_URL = "https://example.org/strassenbaeume"
EXAMPLE_ADD = f"link {EXAMPLE_URL} #Karten Die Stadt [zeigt] ihre Straßenbäume auf einer Karte."


# -- what the handlers share --


async def room_sections(context: Context) -> list[str]:
    """The room's sections in the post's order (the configured list until the room changes it)."""
    return await link_sections(context.storage, context.message.room_id, context.config.links)


def edition_of(context: Context) -> str:
    """The edition a link filed now belongs to: this month, in the room's zone."""
    return f"{context.now.astimezone(context.tz):%Y-%m}"


def edition_name(context: Context, edition: str) -> str:
    year, month = (int(part) for part in edition.split("-"))
    return context.t.month(year, month)


def item_markdown(context: Context, link: Link) -> str:
    """The item as the post will carry it."""
    fallback = link.title or fallback_title(link.url)
    if find_section(link.section, [context.config.links.recap]) is not None:
        return render_recap(link.text, link.url, fallback=fallback)
    return render_item(link.text, link.url, fallback=fallback)


def describe(context: Context, link: Link) -> Rich:
    """`#N` with its section and edition, and the item as the post will carry it."""
    t = context.t
    where = link.section + (f" / {link.topic}" if link.topic else "")
    head = Rich.bold(f"#{link.id}") + Rich.plain(f" {where} · {edition_name(context, link.edition)}")
    if link.status == LinkStatus.PENDING:
        head += Rich.plain(f" ({t.raw('status_pending')})")
    return Rich.join([head, Rich.code(item_markdown(context, link))])


def url_error(context: Context, error: LinkError) -> UserError:
    return UserError(context.t(error.message_key, url=error.url) + Rich.plain("\n") + example(context, EXAMPLE_ADD))


def example(context: Context, text: str) -> Rich:
    return context.t("example", example=context.prefix + text)


async def resolve_section(context: Context, name: str | None) -> tuple[str, list[str] | None]:
    """The section a link goes to, and the room's new section list when `name` creates a section."""
    sections = await room_sections(context)
    if not name:
        default = find_section(context.config.links.default_section, sections)
        return default or sections[-1], None
    found = find_section(name, sections)
    if found is not None:
        return found, None
    shown = " ".join(name.replace("_", " ").split())
    if not shown or len(shown) > MAX_SECTION:
        raise UserError(context.t("section_bad_name", limit=MAX_SECTION))
    # a new section goes before the recap and the catch-all at the end of the post
    links = context.config.links
    tail = {find_section(links.recap, sections), find_section(links.default_section, sections)}
    position = len(sections)
    while position > 0 and sections[position - 1] in tail:
        position -= 1
    return shown, [*sections[:position], shown, *sections[position:]]


async def fetched_title(context: Context, url: str) -> str | None:
    """The page's own title (for a link filed without text), or None when it cannot be had quickly."""
    imports = context.config.imports
    try:
        data, headers = await fetch_url(
            url,
            allowed_hosts=imports.allowed_hosts,
            allowed_ports=imports.allowed_ports,
            max_bytes=TITLE_MAX_BYTES,
            timeout_s=context.config.links.title_timeout_s,
            headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"},
        )
    except FetchError:
        return None
    return page_title(data, headers.get("Content-Type"))


async def file_link(context: Context, filing: Filing, *, source: str, submitter: str) -> Answer:
    """File a link (or say which number it already has), with the reply that shows it as the post will."""
    t, storage = context.t, context.storage
    assert filing.url is not None
    if len(filing.text) > MAX_LINK_TEXT:
        raise UserError(t("link_text_too_long", length=len(filing.text), limit=MAX_LINK_TEXT))
    room = context.message.room_id
    key = url_key(filing.url)
    existing = await storage.link_with_key(room, key)
    if existing is not None and existing.source_event_id != source:
        return Answer(t("link_duplicate", number=existing.id) + Rich.plain("\n") + describe(context, existing))
    section, new_sections = await resolve_section(context, filing.section)
    title = await fetched_title(context, filing.url) if not filing.text else None
    pending = context.settings.approval and not context.is_moderator
    link = Link(
        id=0,
        room_id=room,
        url=filing.url,
        text=filing.text,
        title=title,
        section=section,
        topic=filing.topic,
        edition=edition_of(context),
        status=LinkStatus.PENDING if pending else LinkStatus.APPROVED,
        submitter=submitter,
        source_event_id=source,
    )
    async with storage.transaction():
        if new_sections is not None:
            await storage.save_link_sections(room, new_sections)
        stored, created = await storage.add_link(link, key)
    lines = [t("link_filed" if created else "link_already_filed", number=stored.id), describe(context, stored)]
    if new_sections is not None:
        lines.append(t("link_section_created", section=section, number=stored.id, prefix=context.prefix))
    if stored.status == LinkStatus.PENDING:
        lines.append(t("link_pending"))

    async def remember_answer(event_id: str) -> None:
        await storage.set_link_answer(stored.id, event_id)

    return Answer(Rich.join(lines), on_sent=remember_answer if created else None)


item_kind(
    "link",
    ItemKind(
        find=lambda context, number: context.storage.get_link(context.message.room_id, number),
        not_found="link_not_found",
        replied=lambda context, event_id: context.storage.link_by_message(context.message.room_id, event_id),
    ),
)


class FilingArg(Arg):
    """`<URL> [#section[/topic]] [text]`: the link to file (only http(s) URLs)."""

    takes_rest = True

    def usage(self) -> str:
        return "<URL> [#section] [text]"

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        try:
            filing = parse_filing(text)
        except LinkError as error:
            raise url_error(context, error) from None
        if filing.url is None:
            raise UsageError()
        return filing, ""

    def sample(self, today: date) -> str:
        return f"{EXAMPLE_URL} #Karten Die Stadt [zeigt] ihre Bäume."


class NameAndPosition(Arg):
    """`<name> <position>`: a section's name (several words) and a position from 1 on (the last word)."""

    def usage(self) -> str:
        return "<name> <position>"

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        name, _, position = text.strip().rpartition(" ")
        if not name.strip() or not position.isdigit() or int(position) < 1:
            raise UsageError()
        return (name.strip(), int(position)), ""

    def sample(self, today: date) -> str:
        return "Klima 3"


# -- !link --


@command("link add", FilingArg("filing"), examples=EXAMPLE_ADD, on_edit="update")
async def add_link(context: Context, filing: Filing) -> Rich | Answer:
    source, added = await added_by_original(context, context.storage.link_by_message)
    if added is not None:
        return await _update_from_edit(context, added, filing)
    return await file_link(context, filing, source=source, submitter=context.message.sender)


async def _update_from_edit(context: Context, link: Link, filing: Filing) -> Rich:
    """An edited `!link` command changes the link it filed."""
    assert filing.url is not None
    section, new_sections = await resolve_section(context, filing.section or link.section)
    changed = replace(link, url=filing.url, text=filing.text, section=section, topic=filing.topic)
    await _save(context, changed, new_sections)
    return context.t("link_updated", number=link.id) + Rich.plain("\n") + describe(context, changed)


async def _save(context: Context, link: Link, new_sections: list[str] | None = None) -> None:
    """Save a changed link; a URL another link of the room has is refused."""
    key = url_key(link.url)
    other = await context.storage.link_with_key(link.room_id, key)
    if other is not None and other.id != link.id:
        raise UserError(context.t("link_duplicate", number=other.id))
    async with context.storage.transaction():
        if new_sections is not None:
            await context.storage.save_link_sections(link.room_id, new_sections)
        await context.storage.update_link(link, key)


def _changed(context: Context, link: Link, new_sections: list[str] | None) -> Rich:
    lines = [context.t("link_updated", number=link.id), describe(context, link)]
    if new_sections is not None:
        lines.append(context.t("link_section_created", section=link.section, number=link.id, prefix=context.prefix))
    return Rich.join(lines)


@command("link list", Month(optional=True, prefer="past"), examples="link list", on_edit="rerun")
async def list_links(context: Context, month: tuple[int, int] | None) -> Rich:
    """The links of this month's edition (or another month's), by section in the post's order."""
    t = context.t
    edition = f"{month[0]:04d}-{month[1]:02d}" if month else edition_of(context)
    name = edition_name(context, edition)
    links = await context.storage.list_links(context.message.room_id, edition)
    if not links:
        return t("links_none", month=name, prefix=context.prefix)
    sections = await room_sections(context)
    order = {section: position for position, section in enumerate(sections)}
    links.sort(key=lambda link: (order.get(link.section, len(order)), link.section, link.topic or "", link.id))
    lines = [t("links_header", month=name, count=len(links))]
    heading = None
    for link in links[:LINK_LIST_LIMIT]:
        if link.section != heading:
            heading = link.section
            lines.append(Rich.bold(heading))
        status = f" ({t.raw('status_pending')})" if link.status == LinkStatus.PENDING else ""
        topic = f"{link.topic}: " if link.topic else ""
        shown = chat_line(link.text, link.url, fallback=link.title or fallback_title(link.url))
        lines.append(Rich.plain(f"#{link.id} {topic}{shown}{status}"))
    if len(links) > LINK_LIST_LIMIT:
        lines.append(t("links_more", count=len(links) - LINK_LIST_LIMIT, prefix=context.prefix))
    return Rich.join(lines)


@command("link show", Item(kind="link"), examples="link show #1", on_edit="rerun")
async def show_link(context: Context, link: Link) -> Rich:
    return describe(context, link) + Rich.plain("\n") + context.t("link_by", submitter=link.submitter)


LINK_FIELD = Keyword("field", group="link", choices=("text", "section", "topic", "url"))


@command(
    "link edit",
    Item(kind="link"),
    LINK_FIELD,
    Text("value", optional=True, example="Die Stadt [zeigt] ihre Bäume."),
    examples="link edit #1 text Die Stadt [zeigt] ihre Bäume.",
    on_edit="rerun",
)
async def edit_link(context: Context, link: Link, field: str, value: str) -> Rich:
    """Text, section, topic (empty: none) or URL of a link."""
    context.require_owner_or_moderator(link.submitter)
    new_sections = None
    if field == "url":
        try:
            changed = replace(link, url=clean_url(value), title=None)
        except LinkError as error:
            raise url_error(context, error) from None
    elif field == "section":
        if not value:
            raise UsageError()
        section, new_sections = await resolve_section(context, value.lstrip("#"))
        changed = replace(link, section=section)
    elif field == "topic":
        changed = replace(link, topic=" ".join(value.split()) or None)
    else:
        if len(value) > MAX_LINK_TEXT:
            raise UserError(context.t("link_text_too_long", length=len(value), limit=MAX_LINK_TEXT))
        changed = replace(link, text=" ".join(value.split()))
    await _save(context, changed, new_sections)
    return _changed(context, changed, new_sections)


@command(
    "link move",
    Item(kind="link"),
    Text("section or month", example="Mobilität"),
    examples=("link move #1 Mobilität", "link move #1 {month}"),
    on_edit="rerun",
)
async def move_link(context: Context, link: Link, target: str) -> Rich:
    """To another section, or to another month's edition."""
    context.require_owner_or_moderator(link.submitter)
    new_sections = None
    try:
        year, month = parse_month(target.split(), context.now.astimezone(context.tz).date(), prefer="past")
        changed = replace(link, edition=f"{year:04d}-{month:02d}")
    except MonthError:
        section, new_sections = await resolve_section(context, target.lstrip("#"))
        changed = replace(link, section=section)
    await _save(context, changed, new_sections)
    return _changed(context, changed, new_sections)


@command("link delete", Item(kind="link"), examples="link delete #1")
async def delete_link(context: Context, link: Link) -> Rich:
    context.require_owner_or_moderator(link.submitter)
    await context.storage.delete_link(link.room_id, link.id)
    return context.t("link_deleted", number=link.id, url=link.url)


async def _approve(context: Context, link: Link) -> Rich:
    context.require_moderator()
    if link.status != LinkStatus.PENDING:
        return context.t("link_not_pending", number=link.id)
    await context.storage.update_link(replace(link, status=LinkStatus.APPROVED), url_key(link.url))
    return context.t("link_approved", number=link.id)


@command("link approve", Item(kind="link"), examples="link approve #1")
async def approve_link(context: Context, link: Link) -> Rich:
    return await _approve(context, link)


async def approve_by_reaction(context: Context, reaction: Reaction) -> Rich | None:
    """✅ on the bot's answer about a waiting link approves it (moderators only)."""
    link = await context.storage.link_by_message(reaction.room_id, reaction.target_event_id)
    if link is None or link.status != LinkStatus.PENDING or link.answer_event_id != reaction.target_event_id:
        return None
    return await _approve(context, link)


async def file_by_reaction(context: Context, reaction: Reaction) -> Answer | None:
    """🔖 on a message with an http(s) URL files its link: hashtags choose the section, the text is the item.
    Quiet for messages without a link, for the bot's own messages and for a message already filed."""
    if context.media is None:
        return None
    if await context.storage.link_by_message(reaction.room_id, reaction.target_event_id) is not None:
        return None
    posted = await context.media.posted(reaction.room_id, reaction.target_event_id)
    if posted is None or posted.sender == context.config.matrix.user_id:
        return None
    filing = parse_message(posted.body)
    if filing is None or filing.url is None:
        return None
    answer = await file_link(context, filing, source=reaction.target_event_id, submitter=reaction.sender)
    return replace(answer, thread_root=posted.thread_root)


# -- !section --


async def _named_section(context: Context, name: str) -> tuple[list[str], str]:
    sections = await room_sections(context)
    found = find_section(name.lstrip("#"), sections)
    if found is None:
        raise UserError(context.t("section_unknown", section=name[:MAX_SECTION], sections=", ".join(sections)))
    return sections, found


def _sections_reply(context: Context, head: Rich, sections: list[str]) -> Rich:
    return head + Rich.plain("\n") + Rich.plain(", ".join(f"{n}. {name}" for n, name in enumerate(sections, 1)))


@command("section list", examples="section list", on_edit="rerun")
async def list_sections(context: Context) -> Rich:
    stored = await context.storage.link_sections(context.message.room_id)
    sections = stored if stored is not None else list(context.config.links.sections)
    head = context.t("sections_header" if stored is not None else "sections_header_default")
    return _sections_reply(context, head, sections)


@command("section add", Text("name", example="Bildung"), examples="section add Bildung")
async def add_section(context: Context, name: str) -> Rich:
    """A new section, before the recap and the catch-all at the end (`section move` puts it elsewhere)."""
    context.require_moderator()
    sections = await room_sections(context)
    if (existing := find_section(name.lstrip("#"), sections)) is not None:
        raise UserError(context.t("section_exists", section=existing))
    added, new_sections = await resolve_section(context, name.lstrip("#"))
    assert new_sections is not None
    await context.storage.save_link_sections(context.message.room_id, new_sections)
    return _sections_reply(context, context.t("section_added", section=added), new_sections)


@command("section move", NameAndPosition("section"), examples="section move Klima 3")
async def move_section(context: Context, target: tuple[str, int]) -> Rich:
    context.require_moderator()
    name, position = target
    sections, found = await _named_section(context, name)
    sections.remove(found)
    index = min(position, len(sections) + 1) - 1
    sections.insert(index, found)
    await context.storage.save_link_sections(context.message.room_id, sections)
    return _sections_reply(context, context.t("section_moved", section=found, position=index + 1), sections)


@command("section remove", Text("name", example="Gesundheit"), examples="section remove Gesundheit")
async def remove_section(context: Context, name: str) -> Rich:
    context.require_moderator()
    sections, found = await _named_section(context, name)
    if len(sections) == 1:
        raise UserError(context.t("section_last"))
    sections.remove(found)
    await context.storage.save_link_sections(context.message.room_id, sections)
    reply = _sections_reply(context, context.t("section_removed", section=found), sections)
    using = [link for link in await context.storage.list_links(context.message.room_id) if link.section == found]
    if using:
        reply += Rich.plain("\n") + context.t.count("section_still_used", len(using), section=found)
    return reply


LINK: Command = family(
    "link",
    add_link,
    list_links,
    show_link,
    edit_link,
    move_link,
    delete_link,
    approve_link,
    default=add_link,
)
SECTION: Command = family("section", list_sections, add_section, move_section, remove_section)
