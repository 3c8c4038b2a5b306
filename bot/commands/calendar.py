"""Calendars in and out: `!event import`, `!feed ...`, `!event ics`, `!meetup ics`, `!calendar` (and its public
page: `!calendar publish`)."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from bot.commands import Answer, Command, Context, UsageError, UserError, redo_on_edit, subcommand
from bot.commands.common import read_number
from bot.commands.events import find_event
from bot.commands.meetups import find_meetup
from bot.feeds import sync_feed
from bot.fetch import FetchError, check_url, fetch_url
from bot.ical import CalendarError, event_ics, meetup_ics
from bot.importer import ImportReport, import_calendar
from bot.matrix import MediaError
from bot.models import Attachment, Message
from bot.reminders import LeadTimeError, format_lead, parse_lead
from bot.storage import Feed
from bot.text import Rich
from bot.web.names import alternative, reserved, slug, valid_name

MAX_SKIPPED_SHOWN = 10


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
    return UserError(context.t(f"fetch_{error.code}", detail=error.detail, ports=ports))


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


async def _source(context: Context, args: str) -> tuple[bytes, str | None]:
    """The calendar to import and its content type (if known): from a URL, the attached file, or the file of the
    message replied to."""
    url = args.strip()
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


async def import_command(context: Context, args: str) -> Rich:
    context.require_moderator()
    data, content_type = await _source(context, args)
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


async def feed_add(context: Context, args: str) -> Rich:
    """`<URL> [every 6h]` (also `alle 6h`)."""
    words = args.split()
    if not words:
        raise UsageError()
    context.require_moderator()
    interval_text = context.config.imports.feed_interval
    if len(words) == 3 and words[1].casefold() in ("every", "alle"):
        interval_text = words[2]
    elif len(words) != 1:
        raise UsageError()
    try:
        interval = parse_lead(interval_text)
    except LeadTimeError:
        raise UserError(context.t("reminders_bad_lead", value=interval_text)) from None
    try:
        check_url(words[0], context.config.imports.allowed_hosts, context.config.imports.allowed_ports)
    except FetchError as error:
        raise _fetch_error(context, error) from None
    feeds = await context.storage.feeds(context.message.room_id)
    existing = next((feed for feed in feeds if feed.url == words[0]), None)
    if existing is not None:
        return context.t("feed_exists", number=existing.id)
    limit = context.config.imports.max_feeds_per_room
    if len(feeds) >= limit:
        raise UserError(context.t("feed_limit", limit=limit, prefix=context.prefix, number=feeds[0].id))
    feed, created = await context.storage.add_feed(
        context.message.room_id, words[0], max(interval, 300), context.message.sender
    )
    if not created:
        return context.t("feed_exists", number=feed.id)
    context.wake()
    return context.t("feed_added", number=feed.id, interval=format_lead(feed.interval_s), url=display_url(feed.url))


@redo_on_edit("rerun")
async def feed_list(context: Context, args: str) -> Rich:
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


async def _find_feed(context: Context, args: str) -> Feed:
    number = read_number(context, args)
    feed = await context.storage.get_feed(context.message.room_id, number)
    if feed is None:
        raise UserError(context.t("feed_not_found", number=number))
    return feed


async def feed_remove(context: Context, args: str) -> Rich:
    context.require_moderator()
    feed = await _find_feed(context, args)
    await context.storage.remove_feed(feed.room_id, feed.id)
    return context.t("feed_removed", number=feed.id)


async def feed_sync(context: Context, args: str) -> Rich:
    context.require_moderator()
    feed = await _find_feed(context, args)
    try:
        result = await sync_feed(context.storage, context.config, feed, context.now)
    except FetchError as error:
        raise _fetch_error(context, error) from None
    except CalendarError as error:
        raise UserError(context.t("import_bad_file", detail=str(error)[:200])) from None
    context.wake()
    return report(context, result)


@redo_on_edit("rerun")
async def event_ics_command(context: Context, args: str) -> Answer:
    event = await find_event(context, args)
    data = event_ics(event, context.now)
    return Answer(
        Rich.bold(f"#{event.id}") + Rich.plain(f" {event.title}"),
        attachment=Attachment(f"event-{event.id}.ics", "text/calendar", data),
    )


@redo_on_edit("rerun")
async def meetup_ics_command(context: Context, args: str) -> Answer:
    meetup = await find_meetup(context, args)
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


@redo_on_edit("rerun")
async def calendar_command(context: Context, args: str) -> Rich:
    """`!calendar`: the room's subscription URL (a secret token) and its public page, if published."""
    if not context.config.http.enabled:
        return context.t("calendar_disabled")
    if args.strip():
        raise UsageError()
    return await _subscription(context)


async def calendar_rotate(context: Context, args: str) -> Rich:
    """A new secret token: the old subscription URL stops working."""
    if not context.config.http.enabled:
        return context.t("calendar_disabled")
    context.require_moderator()
    if args.strip():
        raise UsageError()
    return await _subscription(context, rotate=True)


async def _taken(context: Context, name: str) -> bool:
    holder = await context.storage.published_room(name)
    return holder is not None and holder != context.message.room_id


async def calendar_publish(context: Context, args: str) -> Rich:
    """`[<name>]`: the room's calendar becomes public at `<public_url>/<name>/`. Without a name: the room's
    current one, else one made from the room id (the bot knows no room names)."""
    if not context.config.http.enabled:
        return context.t("calendar_disabled")
    context.require_moderator()
    words = args.split()
    if len(words) > 1:
        raise UsageError()
    room = context.message.room_id
    derived = False
    if words:
        name = words[0]
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


async def calendar_unpublish(context: Context, args: str) -> Rich:
    """Takes the room's public page (and its public feed) down."""
    if not context.config.http.enabled:
        return context.t("calendar_disabled")
    context.require_moderator()
    if args.strip():
        raise UsageError()
    room = context.message.room_id
    name = await context.storage.public_name(room)
    if name is None or not await context.storage.unpublish(room):
        return context.t("calendar_unpublish_none")
    return context.t("calendar_unpublished", url=_page_url(context, name))


EVENT_IMPORT = subcommand(
    "event",
    "import",
    ("importieren",),
    "import [<https URL>]",
    import_command,
    "importiert eine .ics-Datei oder URL (Moderation)",
    "imports an .ics file or URL (moderators)",
    "event import https://events.example.org/events.ics",
)
EVENT_ICS = subcommand(
    "event",
    "ics",
    ("kalender",),
    "ics #N",
    event_ics_command,
    "die Veranstaltung als .ics-Datei",
    "the event as an .ics file",
    "event ics #12",
)
MEETUP_ICS = subcommand(
    "meetup",
    "ics",
    ("kalender",),
    "ics #N",
    meetup_ics_command,
    "das Treffen als .ics-Datei",
    "the meetup as an .ics file",
    "meetup ics #3",
)
FEED = Command(
    name="feed",
    aliases=("feeds", "abo"),
    usage="feed <add|list|remove|sync>",
    help={"de": "abonnierte Kalender-Feeds (Moderation)", "en": "subscribed calendar feeds (moderators)"},
    example="feed add https://events.example.org/events.ics every 6h",
    subcommands=(
        subcommand(
            "feed",
            "add",
            ("neu", "abonnieren"),
            "add <URL> [every 6h]",
            feed_add,
            "abonniert einen Feed",
            "subscribes to a feed",
            "feed add https://events.example.org/events.ics every 6h",
        ),
        subcommand("feed", "list", ("liste", "ls"), "list", feed_list, "zeigt die Feeds", "lists the feeds"),
        subcommand(
            "feed",
            "remove",
            ("löschen", "delete", "abbestellen"),
            "remove #N",
            feed_remove,
            "bestellt einen Feed ab",
            "unsubscribes from a feed",
            "feed remove #1",
        ),
        subcommand(
            "feed",
            "sync",
            ("abrufen", "jetzt"),
            "sync #N",
            feed_sync,
            "ruft einen Feed sofort ab",
            "fetches a feed now",
            "feed sync #1",
        ),
    ),
)
CALENDAR = Command(
    name="calendar",
    aliases=("kalender",),
    usage="calendar",
    handler=calendar_command,
    help={
        "de": "die Adresse zum Abonnieren der Termine dieses Raums und seine öffentliche Seite",
        "en": "the address to subscribe to this room's events, and its public page",
    },
    example="calendar publish ok-lab-leipzig",
    subcommands=(
        subcommand(
            "calendar",
            "show",
            ("zeigen", "url"),
            "show",
            calendar_command,
            "zeigt die Abo-Adresse (geheim) und die öffentliche Seite (auch ohne show)",
            "shows the subscription address (secret) and the public page (also without show)",
        ),
        subcommand(
            "calendar",
            "rotate",
            ("neu", "erneuern"),
            "rotate",
            calendar_rotate,
            "erzeugt eine neue geheime Abo-Adresse (Moderation)",
            "makes a new secret subscription address (moderators)",
        ),
        subcommand(
            "calendar",
            "publish",
            ("veröffentlichen", "öffentlich"),
            "publish [<name>]",
            calendar_publish,
            "macht den Kalender öffentlich unter <Adresse>/<Name>/, mit Liste und Karte (Moderation)",
            "publishes the calendar at <address>/<name>/, with list and map (moderators)",
            "calendar publish ok-lab-leipzig",
        ),
        subcommand(
            "calendar",
            "unpublish",
            ("zurückziehen", "verbergen", "privat"),
            "unpublish",
            calendar_unpublish,
            "nimmt die öffentliche Seite wieder herunter (Moderation)",
            "takes the public page down (moderators)",
        ),
    ),
)
