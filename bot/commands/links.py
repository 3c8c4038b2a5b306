"""The link desk: `!link …` and 🔖 file links for the roundup's news sections; `!section …` orders the sections."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from bot.commands import Answer, Command, Context, UsageError, UserError, redo_on_edit, subcommand
from bot.commands.common import added_by_original, looks_like_number, read_number
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
from bot.models import Link, LinkStatus, Message, Reaction
from bot.parsing.months import MonthError, parse_month
from bot.text import Rich

LINK_LIST_LIMIT = 60
MAX_LINK_TEXT = 1000
MAX_SECTION = 60
TITLE_MAX_BYTES = 512 * 1024
EXAMPLE_ADD = "link https://example.org/strassenbaeume #Karten Die Stadt [zeigt] ihre Straßenbäume auf einer Karte."
LINK_FIELDS = {
    "text": "text",
    "section": "section",
    "abschnitt": "section",
    "topic": "topic",
    "thema": "topic",
    "unterthema": "topic",
    "url": "url",
    "link": "url",
}


# -- what the handlers share --


async def room_sections(context: Context) -> list[str]:
    """The room's sections in the post's order (the configured list until the room changes it)."""
    stored = await context.storage.link_sections(context.message.room_id)
    return stored if stored is not None else list(context.config.links.sections)


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
    return UserError(
        context.t(f"link_bad_{error.code}", url=error.url) + Rich.plain("\n") + example(context, EXAMPLE_ADD)
    )


def example(context: Context, text: str) -> Rich:
    return context.t("example", example=context.prefix + text)


async def find_link(context: Context, text: str) -> Link:
    """The link a command names: `#N`, or (without one) the link of the bot's answer it replies to."""
    room = context.message.room_id
    if text.strip():
        number = read_number(context, text)
        link = await context.storage.get_link(room, number)
        if link is None:
            raise UserError(context.t("link_not_found", number=number))
        return link
    message = context.message
    if isinstance(message, Message) and message.reply_to:
        link = await context.storage.link_by_message(room, message.reply_to)
        if link is not None:
            return link
    raise UsageError()


def split_link_number(args: str) -> tuple[str, str]:
    """`#N rest` as ("#N", "rest"); without a number first, ("", args)."""
    first, _, rest = args.strip().partition(" ")
    return (first, rest.strip()) if looks_like_number(first) else ("", args.strip())


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
    existing = await storage.link_with_key(room, url_key(filing.url))
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
        stored, created = await storage.add_link(link, url_key(link.url))
    lines = [t("link_filed" if created else "link_already_filed", number=stored.id), describe(context, stored)]
    if new_sections is not None:
        lines.append(t("link_section_created", section=section, number=stored.id, prefix=context.prefix))
    if stored.status == LinkStatus.PENDING:
        lines.append(t("link_pending"))

    async def remember_answer(event_id: str) -> None:
        await storage.set_link_answer(stored.id, event_id)

    return Answer(Rich.join(lines), on_sent=remember_answer if created else None)


# -- !link --


@redo_on_edit("update")
async def add_link(context: Context, args: str) -> Rich | Answer:
    try:
        filing = parse_filing(args)
    except LinkError as error:
        raise url_error(context, error) from None
    if filing.url is None:
        raise UsageError()
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


def read_edition(context: Context, words: list[str]) -> str:
    today = context.now.astimezone(context.tz).date()
    try:
        year, month = parse_month(words, today, prefer="past")
    except MonthError as error:
        raise UserError(context.t("bad_month", value=str(error))) from None
    return f"{year:04d}-{month:02d}"


@redo_on_edit("rerun")
async def list_links(context: Context, args: str) -> Rich:
    """The links of this month's edition (or another month's), by section in the post's order."""
    t = context.t
    edition = read_edition(context, args.split()) if args.split() else edition_of(context)
    month = edition_name(context, edition)
    links = await context.storage.list_links(context.message.room_id, edition)
    if not links:
        return t("links_none", month=month, prefix=context.prefix)
    sections = await room_sections(context)
    order = {name: position for position, name in enumerate(sections)}
    links.sort(key=lambda link: (order.get(link.section, len(order)), link.section, link.topic or "", link.id))
    lines = [t("links_header", month=month, count=len(links))]
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


@redo_on_edit("rerun")
async def show_link(context: Context, args: str) -> Rich:
    link = await find_link(context, args)
    return describe(context, link) + Rich.plain("\n") + context.t("link_by", submitter=link.submitter)


@redo_on_edit("rerun")
async def edit_link(context: Context, args: str) -> Rich:
    number, rest = split_link_number(args)
    parts = rest.split(None, 1)
    if not parts:
        raise UsageError()
    field = LINK_FIELDS.get(parts[0].casefold().rstrip(":"))
    if field is None:
        raise UserError(context.t("link_unknown_field", value=parts[0][:40], known="text, section, topic, url"))
    value = parts[1].strip() if len(parts) > 1 else ""
    link = await find_link(context, number)
    context.require_owner_or_moderator(link.submitter)
    new_sections = None
    if field == "url":
        try:
            changed = replace(link, url=clean_url(value), title=None if value else link.title)
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
    lines = [context.t("link_updated", number=link.id), describe(context, changed)]
    if new_sections is not None:
        lines.append(context.t("link_section_created", section=changed.section, number=link.id, prefix=context.prefix))
    return Rich.join(lines)


@redo_on_edit("rerun")
async def move_link(context: Context, args: str) -> Rich:
    """`move #N <section>` or `move #N <month>`."""
    number, rest = split_link_number(args)
    if not rest:
        raise UsageError()
    link = await find_link(context, number)
    context.require_owner_or_moderator(link.submitter)
    new_sections = None
    try:
        year, month = parse_month(rest.split(), context.now.astimezone(context.tz).date(), prefer="past")
        changed = replace(link, edition=f"{year:04d}-{month:02d}")
    except MonthError:
        section, new_sections = await resolve_section(context, rest.lstrip("#"))
        changed = replace(link, section=section)
    await _save(context, changed, new_sections)
    lines = [context.t("link_updated", number=link.id), describe(context, changed)]
    if new_sections is not None:
        lines.append(context.t("link_section_created", section=changed.section, number=link.id, prefix=context.prefix))
    return Rich.join(lines)


async def delete_link(context: Context, args: str) -> Rich:
    link = await find_link(context, args)
    context.require_owner_or_moderator(link.submitter)
    await context.storage.delete_link(link.room_id, link.id)
    return context.t("link_deleted", number=link.id, url=link.url)


async def _approve(context: Context, link: Link) -> Rich:
    context.require_moderator()
    if link.status != LinkStatus.PENDING:
        return context.t("link_not_pending", number=link.id)
    await context.storage.update_link(replace(link, status=LinkStatus.APPROVED), url_key(link.url))
    return context.t("link_approved", number=link.id)


async def approve_link(context: Context, args: str) -> Rich:
    return await _approve(context, await find_link(context, args))


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


async def _section_arg(context: Context, text: str) -> tuple[list[str], str]:
    sections = await room_sections(context)
    found = find_section(text.lstrip("#"), sections)
    if found is None:
        raise UserError(context.t("section_unknown", section=text[:MAX_SECTION], sections=", ".join(sections)))
    return sections, found


def _position(context: Context, text: str, count: int) -> int:
    """A 1-based position as a list index; beyond the end means the end."""
    if not text.isdigit() or int(text) < 1:
        raise UserError(context.t("section_bad_position", value=text[:20], count=count))
    return min(int(text), count) - 1


def _sections_reply(context: Context, head: Rich, sections: list[str]) -> Rich:
    return head + Rich.plain("\n") + Rich.plain(", ".join(f"{n}. {name}" for n, name in enumerate(sections, 1)))


@redo_on_edit("rerun")
async def list_sections(context: Context, args: str) -> Rich:
    stored = await context.storage.link_sections(context.message.room_id)
    sections = stored if stored is not None else list(context.config.links.sections)
    head = context.t("sections_header" if stored is not None else "sections_header_default")
    return _sections_reply(context, head, sections)


async def add_section(context: Context, args: str) -> Rich:
    """`add <name> [position]` (the position as the last word, when it is a number)."""
    words = args.split()
    if not words:
        raise UsageError()
    context.require_moderator()
    sections = await room_sections(context)
    position = len(sections)
    if len(words) > 1 and words[-1].isdigit():
        position = _position(context, words.pop(), len(sections) + 1)
    name = " ".join(words).lstrip("#").replace("_", " ").strip()
    if not name or len(name) > MAX_SECTION:
        raise UserError(context.t("section_bad_name", limit=MAX_SECTION))
    if (existing := find_section(name, sections)) is not None:
        raise UserError(context.t("section_exists", section=existing))
    sections.insert(position, name)
    await context.storage.save_link_sections(context.message.room_id, sections)
    return _sections_reply(context, context.t("section_added", section=name), sections)


async def move_section(context: Context, args: str) -> Rich:
    """`move <name> <position>`."""
    words = args.split()
    if len(words) < 2:
        raise UsageError()
    context.require_moderator()
    sections, found = await _section_arg(context, " ".join(words[:-1]))
    position = _position(context, words[-1], len(sections))
    sections.remove(found)
    sections.insert(position, found)
    await context.storage.save_link_sections(context.message.room_id, sections)
    return _sections_reply(context, context.t("section_moved", section=found, position=position + 1), sections)


async def remove_section(context: Context, args: str) -> Rich:
    if not args.strip():
        raise UsageError()
    context.require_moderator()
    sections, found = await _section_arg(context, args.strip())
    if len(sections) == 1:
        raise UserError(context.t("section_last"))
    sections.remove(found)
    await context.storage.save_link_sections(context.message.room_id, sections)
    reply = _sections_reply(context, context.t("section_removed", section=found), sections)
    using = [link for link in await context.storage.list_links(context.message.room_id) if link.section == found]
    if using:
        reply += Rich.plain("\n") + context.t.count("section_still_used", len(using), section=found)
    return reply


_link = partial(subcommand, "link")

LINK = Command(
    name="link",
    aliases=("links", "lesezeichen"),
    usage="link <URL> [#section] [text]",
    handler=add_link,
    help={
        "de": "legt Links für die Nachrichten des Rundbriefs ab (auch mit 🔖 auf einer Nachricht); "
        "#Abschnitt/Unterthema wählt den Abschnitt, [eckige Klammern] die verlinkten Wörter",
        "en": "files links for the roundup's news (also 🔖 on a message); #section/topic chooses the section, "
        "[brackets] the linked words",
    },
    example=EXAMPLE_ADD,
    subcommands=(
        _link(
            "add",
            ("neu", "ablegen"),
            "add <URL> [#section] [text]",
            add_link,
            "legt einen Link ab (kurz: `link <URL> …`); ohne Text gilt der Titel der Seite",
            "files a link (short: `link <URL> …`); without text, the page's title is used",
            EXAMPLE_ADD,
        ),
        _link(
            "list",
            ("liste", "ls"),
            "list [month] [year]",
            list_links,
            "zeigt die Links dieses Monats (oder eines anderen) nach Abschnitten",
            "lists this month's links (or another month's) by section",
            "link list",
        ),
        _link("show", ("zeige", "info"), "show #N", show_link, "zeigt einen Link", "shows one link", "link show #3"),
        _link(
            "edit",
            ("ändern", "bearbeiten", "aendern"),
            "edit #N <field> <value>",
            edit_link,
            "ändert Text, Abschnitt, Thema oder URL eines Links",
            "changes a link's text, section, topic or URL",
            "link edit #3 text Die Stadt [zeigt] ihre Bäume.",
        ),
        _link(
            "move",
            ("verschieben",),
            "move #N <section or month>",
            move_link,
            "verschiebt einen Link in einen anderen Abschnitt oder in die Ausgabe eines anderen Monats",
            "moves a link to another section or to another month's edition",
            "link move #3 Mobilität",
        ),
        _link(
            "delete",
            ("löschen", "loeschen", "remove"),
            "delete #N",
            delete_link,
            "löscht einen Link",
            "deletes a link",
            "link delete #3",
        ),
        _link(
            "approve",
            ("freigeben",),
            "approve #N",
            approve_link,
            "gibt einen wartenden Link frei (Moderation; auch ✅ auf die Antwort des Bots)",
            "approves a waiting link (moderators; also ✅ on the bot's answer)",
            "link approve #3",
        ),
    ),
)

_section = partial(subcommand, "section")

SECTION = Command(
    name="section",
    aliases=("abschnitt", "sections", "abschnitte"),
    usage="section <list|add|move|remove>",
    help={
        "de": "die Abschnitte der Nachrichten im Rundbrief und ihre Reihenfolge (Moderation ändert sie)",
        "en": "the roundup's news sections and their order (moderators change them)",
    },
    example="section list",
    subcommands=(
        _section(
            "list",
            ("liste", "ls"),
            "list",
            list_sections,
            "zeigt die Abschnitte in ihrer Reihenfolge",
            "lists the sections in order",
        ),
        _section(
            "add",
            ("neu",),
            "add <name> [position]",
            add_section,
            "legt einen Abschnitt an (am Ende oder an der Position)",
            "adds a section (at the end or at the position)",
            "section add Bildung 5",
        ),
        _section(
            "move",
            ("verschieben",),
            "move <name> <position>",
            move_section,
            "verschiebt einen Abschnitt an eine Position",
            "moves a section to a position",
            "section move Klima 3",
        ),
        _section(
            "remove",
            ("löschen", "loeschen", "delete", "entfernen"),
            "remove <name>",
            remove_section,
            "entfernt einen Abschnitt aus der Liste (seine Links bleiben)",
            "removes a section from the list (its links stay)",
            "section remove Gesundheit",
        ),
    ),
)
