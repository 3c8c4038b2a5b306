"""Plain, frozen data passed between the layers: what came in from Matrix, what goes out, what is stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class FileRef:
    """A file in the media repository; key, iv and sha256 are set when it is an encrypted attachment."""

    url: str
    key: str | None = None
    iv: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Message:
    """A text message in a room, as the bot saw it."""

    room_id: str
    event_id: str
    sender: str
    body: str
    timestamp_ms: int
    sender_power: int = 0
    reply_to: str | None = None
    attachment: FileRef | None = None
    thread_root: str | None = None  # sent in this thread (m.thread): the answer goes there too
    replaces: str | None = None  # an edit (m.replace) of this earlier message; body is the new content
    direct: bool = False  # a direct chat: the bot and one person
    mentions_bot: bool = False  # m.mentions names the bot (Element's pill)


@dataclass(frozen=True)
class Reaction:
    """An m.reaction annotation on an event in a room."""

    room_id: str
    event_id: str
    sender: str
    key: str
    target_event_id: str
    timestamp_ms: int
    sender_power: int = 0


@dataclass(frozen=True)
class Reply:
    """What a command answers: a plain body and a safe HTML body with the same content."""

    text: str
    html: str
    notice: bool = True


@dataclass(frozen=True)
class Outgoing:
    """A reply on its way to a room, with the transaction id that makes resending it harmless."""

    room_id: str
    reply: Reply
    txn_id: str
    in_reply_to: str | None = None
    mentions: tuple[str, ...] = ()
    attachment: Attachment | None = None
    room_mention: bool = False
    thread_root: str | None = None  # answer in this thread
    replaces: str | None = None  # an edit of this earlier message of the bot's


@dataclass(frozen=True)
class Invite:
    room_id: str
    inviter: str | None


@dataclass(frozen=True)
class Joined:
    """The bot's own join to a room; anything sent before it is ignored."""

    room_id: str
    timestamp_ms: int


@dataclass(frozen=True)
class SyncBatch:
    """What one sync brought, in timeline order per room, with gaps already filled."""

    next_batch: str
    items: tuple[Message | Reaction | Redaction | Joined, ...] = ()
    invites: tuple[Invite, ...] = ()
    left: tuple[str, ...] = ()


class EventStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Event:
    """A community event submitted in a room."""

    id: int
    room_id: str
    title: str
    start: datetime
    end: datetime | None
    all_day: bool
    timezone: str
    place: str | None = None
    online: bool = False
    online_url: str | None = None
    link: str | None = None
    geo: tuple[float, float] | None = None
    description: str | None = None
    submitter: str = ""
    source_event_id: str | None = None
    status: EventStatus = EventStatus.APPROVED
    uid: str = ""
    created_at: datetime | None = field(default=None, compare=False)
    scheduled_at: datetime | None = field(default=None, compare=False)
    """When the current start, end, all-day flag and zone were set (at creation, or by the last change of them)."""
    sequence: int = field(default=0, compare=False)
    """How often the event was changed since it was added (the SEQUENCE of calendar feeds)."""

    @property
    def online_only(self) -> bool:
        return self.online and not self.place


@dataclass(frozen=True)
class Meetup:
    """A lab's regular meetup: the rule as people wrote it, and as an RRULE when it can be computed."""

    id: int
    room_id: str
    city: str
    rule_text: str
    rrule: str | None
    dtstart: date
    start_time: time
    end_time: time | None
    timezone: str
    name: str
    place: str | None = None
    online: bool = False
    link: str | None = None
    geo: tuple[float, float] | None = None
    submitter: str = ""
    source_event_id: str | None = None
    uid: str = ""
    skipped: frozenset[date] = frozenset()
    moved: Mapping[date, datetime] = field(default_factory=lambda: MappingProxyType({}))
    extra: frozenset[datetime] = frozenset()
    created_at: datetime | None = field(default=None, compare=False)
    scheduled_at: datetime | None = field(default=None, compare=False)
    """When the rule, times and dates were set (at creation, or by the last change of them)."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def computable(self) -> bool:
        """Whether the bot knows its dates (a rule it understood, or dates given explicitly)."""
        return self.rrule is not None or bool(self.extra)


@dataclass(frozen=True)
class Deadline:
    """A call for participation: `[Name] rest` marks the linked words; ends on `end` (from `start` if given)."""

    id: int
    room_id: str
    name: str
    link: str
    end: date
    start: date | None = None
    submitter: str = ""
    source_event_id: str | None = None


class LinkStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"


@dataclass(frozen=True)
class Link:
    """A link filed for the roundup's news: one paragraph in `section` (under the sub-heading `topic`) of the post
    for the month `edition` ("YYYY-MM"). `[words]` in `text` carry the link; `title` is the page's own title."""

    id: int
    room_id: str
    url: str
    text: str
    section: str
    edition: str
    topic: str | None = None
    title: str | None = None
    status: LinkStatus = LinkStatus.APPROVED
    submitter: str = ""
    source_event_id: str | None = None
    answer_event_id: str | None = None


@dataclass(frozen=True)
class Posted:
    """A message someone posted in a room, as read back from the homeserver (for a 🔖 on it)."""

    sender: str
    body: str
    thread_root: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A file the bot uploads with a reply."""

    filename: str
    mimetype: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Redaction:
    """Something in a room was redacted (e.g. a reaction withdrawn)."""

    room_id: str
    event_id: str
    sender: str
    redacts: str
    timestamp_ms: int


@dataclass(frozen=True)
class Target:
    """What a bot message announces: an event, or one date of a meetup (occurrence = local ISO start)."""

    kind: str
    item_id: int
    occurrence: str = ""


@dataclass(frozen=True)
class HandledCommand:
    """A command in the ledger: who sent it, the bot's answer to it, whether it was carried out (None: unknown)."""

    sender: str | None
    answer_event_id: str | None
    carried_out: bool | None


@dataclass(frozen=True)
class QueuedMessage:
    """A message waiting in the outbox; its transaction id makes sending it twice harmless."""

    txn_id: str
    room_id: str
    reply: Reply
    mentions: tuple[str, ...] = ()
    announces: Target | None = None
    room_mention: bool = False
    replaces: str | None = None  # an edit of this earlier message of the bot's (a confirmation kept true)


@dataclass(frozen=True)
class RoomSettings:
    """A room's choices; None means the bot's configured default."""

    room_id: str
    approval: bool = False
    timezone: str | None = None
    event_lead_times: tuple[int, ...] | None = None
    meetup_lead_times: tuple[int, ...] | None = None
    room_mention: bool = False
    language: str | None = None  # the language of the room's replies and its page


@dataclass(frozen=True)
class Feed:
    """A calendar feed a room subscribed to, with the outcome of its last fetch."""

    id: int
    room_id: str
    url: str
    interval_s: int
    added_by: str
    last_fetch_at: int | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class ImportCounts:
    """What one calendar import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    duplicates: int = 0
    cancelled_ids: tuple[int, ...] = ()  # the room's numbers of the events a feed no longer lists
