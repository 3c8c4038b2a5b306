"""Calendars in and out: `!event import`, `!feed ...`, `!event ics`, `!meetup ics`, `!calendar` (and its public
page: `!calendar publish`)."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from bot.commands import Answer, Command, Context, UserError, command, family
from bot.commands.args import Item, ItemKind, Option, Word, item_kind
from bot.feeds import sync_feed
from bot.fetch import FetchError, check_url, fetch_url
from bot.ical import CalendarError, event_ics, meetup_ics
from bot.importer import ImportReport, import_calendar
from bot.matrix import MediaError
from bot.models import Attachment, Event, Meetup, Message
from bot.reminders import LeadTimeError, format_lead, parse_lead
from bot.storage import Feed
from bot.text import Rich
from bot.web.names import alternative, reserved, slug, valid_name

MAX_SKIPPED_SHOWN = 10
FEED_URL = "https://events.example.org/events.ics"
EXAMPLE_FEED_ADD = f"feed add {FEED_URL} every 6h"
EXAMPLE_PUBLISH = "calendar publish ok-lab-leipzig"

item_kind(
    "feed",
    ItemKind(
        find=lambda context, number: context.storage.get_feed(context.message.room_id, number),
        not_found="feed_not_found",
    ),
)


def display_url(url: str) -> str:
    """The URL without the `user:password@` it may carry (shown in rooms, where every member reads it)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def carries_credentials(url: str) -> bool:
    """Whether the URL names a user or password (`https://user:password@host/...`)."""
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return "@" in url


def _fetch_error(context: Context, error: FetchError) -> UserError:
    ports = ", ".join(map(str, context.config.imports.allowed_ports))
    return UserError(context.t(error.message_key, detail=error.detail, ports=ports))


def report(context: Context, result: ImportReport) -> Rich:
    counts = result.counts
    lines = [
        context.t(
            "import_report",
            added=counts.added,
            updated=counts.updated,
            unchanged=counts.unchanged,
            duplicates=counts.duplicates,
            skipped=len(result.skipped),
            cancelled=counts.cancelled,
        )
    ]
    lines += [
        context.t("import_skipped", title=title, reason=reason) for title, reason in result.skipped[:MAX_SKIPPED_SHOWN]
    ]
    return Rich.join(lines)


async def _source(context: Context, url: str | None) -> tuple[bytes, str | None]:
    """The calendar to import and its content type (if known): from a URL, the attached file, or the file of the
    message replied to."""
    imports = context.config.imports
    limit = imports.max_bytes
    if url:
        try:
            data, headers = await fetch_url(
                url, allowed_hosts=imports.allowed_hosts, allowed_ports=imports.allowed_ports, max_bytes=limit
            )
        except FetchError as error:
            raise _fetch_error(context, error) from None
        return data, headers.get("Content-Type")
    message = context.message
    ref = message.attachment if isinstance(message, Message) else None
    if ref is None and isinstance(message, Message) and message.reply_to and context.media is not None:
        ref = await context.media.attachment_of(message.room_id, message.reply_to)
    if ref is None or context.media is None:
        raise UserError(context.t("import_no_source", prefix=context.prefix))
    try:
        return await context.media.download(ref, limit), None
    except MediaError as error:
        raise UserError(context.t("fetch_download", detail=str(error))) from None


@command(
    "event import",
    Word("https URL", optional=True, example=FEED_URL),
    examples=f"event import {FEED_URL}",
)
async def import_command(context: Context, url: str | None) -> Rich:
    context.require_moderator()
    data, content_type = await _source(context, url)
    try:
        result = await import_calendar(
            context.storage,
            context.message.room_id,
            data,
            zone=context.tz,
            submitter=context.message.sender,
            now=context.now,
            t=context.t,
            max_entries=context.config.imports.max_entries,
            content_type=content_type,
        )
    except CalendarError as error:
        raise UserError(context.t("import_bad_file", detail=str(error)[:200])) from None
    context.wake()
    return report(context, result)


@command(
    "feed add",
    Word("URL", example=FEED_URL),
    Option("6h", group="feed", keyword="every", example="6h"),
    examples=EXAMPLE_FEED_ADD,
)
async def feed_add(context: Context, url: str, every: str | None) -> Rich:
    """`<URL> [every 6h]` (also `alle 6h`)."""
    context.require_moderator()
    interval_text = every or context.config.imports.feed_interval
    try:
        interval = parse_lead(interval_text)
    except LeadTimeError:
        raise UserError(context.t("reminders_bad_lead", value=interval_text)) from None
    try:
        check_url(url, context.config.imports.allowed_hosts, context.config.imports.allowed_ports)
    except FetchError as error:
        raise _fetch_error(context, error) from None
    feeds = await context.storage.feeds(context.message.room_id)
    existing = next((feed for feed in feeds if feed.url == url), None)
    if existing is not None:
        return context.t("feed_exists", number=existing.id)
    limit = context.config.imports.max_feeds_per_room
    if len(feeds) >= limit:
        raise UserError(context.t("feed_limit", limit=limit, prefix=context.prefix, number=feeds[0].id))
    feed, created = await context.storage.add_feed(
        context.message.room_id, url, max(interval, 300), context.message.sender
    )
    if not created:
        return context.t("feed_exists", number=feed.id)
    context.wake()
    return context.t("feed_added", number=feed.id, interval=format_lead(feed.interval_s), url=display_url(feed.url))


@command("feed list", examples="feed list", on_edit="rerun")
async def feed_list(context: Context) -> Rich:
    feeds = await context.storage.feeds(context.message.room_id)
    if not feeds:
        return context.t("feeds_none")
    lines = [context.t("feeds_header")]
    for feed in feeds:
        if carries_credentials(feed.url) and not context.is_moderator:
            lines.append(context.t("feed_hidden", number=feed.id))
            continue
        if feed.last_fetch_at is None:
            state = context.t.raw("feed_never")
        else:
            when = datetime.fromtimestamp(feed.last_fetch_at, context.tz).strftime("%d.%m.%Y %H:%M")
            state = when + (", " + context.t.raw("feed_error").format(error=feed.last_error) if feed.last_error else "")
        lines.append(
            Rich.bold(f"#{feed.id}") + Rich.plain(f" {display_url(feed.url)} ({format_lead(feed.interval_s)}; {state})")
        )
    return Rich.join(lines)


@command("feed remove", Item(kind="feed"), examples="feed remove #1")
async def feed_remove(context: Context, feed: Feed) -> Rich:
    context.require_moderator()
    await context.storage.remove_feed(feed.room_id, feed.id)
    return context.t("feed_removed", number=feed.id)


@command("feed sync", Item(kind="feed"), examples="feed sync #1")
async def feed_sync(context: Context, feed: Feed) -> Rich:
    context.require_moderator()
    try:
        result = await sync_feed(context.storage, context.config, feed, context.now)
    except FetchError as error:
        raise _fetch_error(context, error) from None
    except CalendarError as error:
        raise UserError(context.t("import_bad_file", detail=str(error)[:200])) from None
    context.wake()
    return report(context, result)


@command("event ics", Item(kind="event"), examples="event ics #1", on_edit="rerun")
async def event_ics_command(context: Context, event: Event) -> Answer:
    data = event_ics(event, context.now)
    return Answer(
        Rich.bold(f"#{event.id}") + Rich.plain(f" {event.title}"),
        attachment=Attachment(f"event-{event.id}.ics", "text/calendar", data),
    )


@command("meetup ics", Item(kind="meetup"), examples="meetup ics #1", on_edit="rerun")
async def meetup_ics_command(context: Context, meetup: Meetup) -> Answer:
    data = meetup_ics(meetup, context.now)
    if data is None:
        raise UserError(context.t("meetup_no_dates_known", number=meetup.id))
    return Answer(
        Rich.bold(f"#{meetup.id}") + Rich.plain(f" {meetup.name}"),
        attachment=Attachment(f"meetup-{meetup.id}.ics", "text/calendar", data),
    )


def _page_url(context: Context, name: str) -> str:
    return f"{context.config.http.base_url}/{name}/"


async def _feed_url(context: Context, *, rotate: bool = False) -> str:
    """The room's secret subscription URL (a new token when asked, or when it has none)."""
    room = context.message.room_id
    token = None if rotate else await context.storage.feed_token(room)
    if token is None:
        token = secrets.token_urlsafe(24)
        await context.storage.set_feed_token(room, token)
    return f"{context.config.http.base_url}/{token}/calendar.ics"


async def _subscription(context: Context, *, rotate: bool = False) -> Rich:
    """The secret subscription URL, and the public page when the room has one."""
    lines = [context.t("calendar_url", url=await _feed_url(context, rotate=rotate), prefix=context.prefix)]
    name = await context.storage.public_name(context.message.room_id)
    if name is not None:
        lines.append(context.t("calendar_public", url=_page_url(context, name)))
    else:
        lines.append(context.t("calendar_not_public", prefix=context.prefix))
    return Rich.join(lines)


@command("calendar show", examples="calendar", on_edit="rerun")
async def calendar_command(context: Context) -> Rich:
    """`!calendar`: the room's subscription URL (a secret token) and its public page, if published."""
    if not context.config.http.enabled:
        return context.t("calendar_disabled")
    return await _subscription(context)


@command("calendar rotate", examples="calendar rotate")
async def calendar_rotate(context: Context) -> Rich:
    """A new secret token: the old subscription URL stops working."""
    if not context.config.http.enabled:
        return context.t("calendar_disabled")
    context.require_moderator()
    return await _subscription(context, rotate=True)


async def _taken(context: Context, name: str) -> bool:
    holder = await context.storage.published_room(name)
    return holder is not None and holder != context.message.room_id


@command("calendar publish", Word("name", optional=True, example="ok-lab-leipzig"), examples=EXAMPLE_PUBLISH)
async def calendar_publish(context: Context, name: str | None) -> Rich:
    """`[<name>]`: the room's calendar becomes public at `<public_url>/<name>/`. Without a name: the room's
    current one, else one made from the room id (the bot knows no room names)."""
    if not context.config.http.enabled:
        return context.t("calendar_disabled")
    context.require_moderator()
    room = context.message.room_id
    derived = False
    if name is not None:
        if not valid_name(name):
            raise UserError(context.t("calendar_name_bad", name=name[:60], prefix=context.prefix))
    else:
        current = await context.storage.public_name(room)
        made = current or slug(room)
        if made is None:
            raise UserError(context.t("calendar_name_needed", prefix=context.prefix))
        name, derived = made, current is None
    if reserved(name) or await _taken(context, name) or not await context.storage.publish(room, name):
        free = await alternative(name, lambda candidate: _taken(context, candidate))
        key = "calendar_name_reserved" if reserved(name) else "calendar_name_taken"
        raise UserError(context.t(key, name=name, free=free, prefix=context.prefix))
    lines = [context.t("calendar_published", url=_page_url(context, name), prefix=context.prefix)]
    if derived:
        lines.append(context.t("calendar_published_derived", prefix=context.prefix))
    return Rich.join(lines)


@command("calendar unpublish", examples="calendar unpublish")
async def calendar_unpublish(context: Context) -> Rich:
    """Takes the room's public page (and its public feed) down."""
    if not context.config.http.enabled:
        return context.t("calendar_disabled")
    context.require_moderator()
    room = context.message.room_id
    name = await context.storage.public_name(room)
    if name is None or not await context.storage.unpublish(room):
        return context.t("calendar_unpublish_none")
    return context.t("calendar_unpublished", url=_page_url(context, name))


EVENT_IMPORT: Command = import_command
EVENT_ICS: Command = event_ics_command
MEETUP_ICS: Command = meetup_ics_command
FEED: Command = family("feed", feed_add, feed_list, feed_remove, feed_sync, examples=(EXAMPLE_FEED_ADD,))
CALENDAR: Command = family(
    "calendar",
    calendar_command,
    calendar_rotate,
    calendar_publish,
    calendar_unpublish,
    default=calendar_command,
    examples=(EXAMPLE_PUBLISH,),
)
