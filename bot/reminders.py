"""Reminders before events and meetup dates: what is due (pure), and one scheduler task that sends it."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from bot.clock import Clock
from bot.config import Config
from bot.errors import InputError
from bot.i18n import TRANSLATORS, Translator
from bot.matrix import SendError
from bot.models import Event, Meetup, QueuedMessage, Target
from bot.schedule import meetup_dates
from bot.storage import RoomSettings, Storage
from bot.tasks import nap, reference_code
from bot.text import Rich

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(seconds=60)
SKIPPED_LOOKBACK = timedelta(days=1)
MAX_SLEEP = timedelta(hours=6)
ERROR_RETRY_S = 5.0
WAKE_SETTLE_S = 0.2  # changes come in bursts; recompute once after them (never later than the next due time)
_LEAD = re.compile(r"^(\d{1,4})([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class LeadTimeError(InputError, ValueError):
    """Not a lead time like `30s`, `15m`, `1h`, `1d`, `1w`: `str(error)` is the text (no codes)."""

    def __init__(self, text: str) -> None:
        super().__init__(None, text)


def parse_lead(text: str) -> int:
    """A lead time in seconds."""
    match = _LEAD.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise LeadTimeError(text)
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def format_lead(seconds: int) -> str:
    """The shortest exact form: 86400 -> `1d`, 5400 -> `90m`."""
    for unit in "wdhm":
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class Occurrence:
    """One event, or one date of a meetup, that people can be reminded of."""

    target: Target
    room_id: str
    key: str
    title: str
    start: datetime
    end: datetime | None
    all_day: bool
    place: str | None
    online: bool
    link: str | None
    known_since: datetime | None = None  # when it got its current date: reminders due before that mean nothing


@dataclass(frozen=True)
class DueGroup:
    """The reminders of one occurrence that are due now: sent as one message."""

    occurrence: Occurrence
    keys: tuple[str, ...]
    late: bool


@dataclass(frozen=True)
class Plan:
    due: tuple[DueGroup, ...]
    skipped: tuple[tuple[Occurrence, str], ...]
    next_due: datetime | None


def event_occurrence(event: Event) -> Occurrence:
    return Occurrence(
        target=Target("event", event.id),
        room_id=event.room_id,
        key=f"event:{event.room_id}:{event.uid}:{event.start.isoformat()}",
        title=event.title,
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        place=event.place,
        online=event.online,
        link=event.link,
        known_since=event.scheduled_at or event.created_at,
    )


def meetup_occurrences(meetup: Meetup, after: datetime, before: datetime) -> list[Occurrence]:
    found = []
    for start in meetup_dates(meetup, after, before):
        end = datetime.combine(start.date(), meetup.end_time, start.tzinfo) if meetup.end_time else None
        local = start.strftime("%Y-%m-%dT%H:%M")
        found.append(
            Occurrence(
                target=Target("meetup", meetup.id, local),
                room_id=meetup.room_id,
                key=f"meetup:{meetup.room_id}:{meetup.uid}:{start.isoformat()}",
                title=meetup.name,
                start=start,
                end=end if end is None or end > start else end + timedelta(days=1),
                all_day=False,
                place=meetup.place,
                online=meetup.online,
                link=meetup.link,
                known_since=meetup.scheduled_at,
            )
        )
    return found


def plan_reminders(
    occurrences: Iterable[Occurrence], leads: Callable[[Occurrence], tuple[int, ...]], done: set[str], now: datetime
) -> Plan:
    """Which reminders are due now (grouped per occurrence), which are not worth sending, and when the next is due.

    Not worth sending: the occurrence has begun, or the reminder fell due before the occurrence got its date (an
    event added an hour before it starts gets no "one day before"). Reminders missed while the bot was down are
    sent late, once.
    """
    due: dict[str, tuple[Occurrence, list[tuple[str, datetime]]]] = {}
    skipped: list[tuple[Occurrence, str]] = []
    next_due: datetime | None = None
    for occurrence in occurrences:
        for lead in leads(occurrence):
            key = f"{occurrence.key}:{lead}"
            if key in done:
                continue
            due_at = occurrence.start - timedelta(seconds=lead)
            if due_at > now:
                next_due = due_at if next_due is None else min(next_due, due_at)
            elif occurrence.start <= now:
                skipped.append((occurrence, key))  # it has begun: too late
            elif occurrence.known_since is not None and due_at < occurrence.known_since:
                skipped.append((occurrence, key))  # due before anyone knew: the confirmation was the announcement
            else:
                due.setdefault(occurrence.key, (occurrence, []))[1].append((key, due_at))
    groups = tuple(
        DueGroup(occurrence, tuple(key for key, _ in items), late=now - max(at for _, at in items) > LATE_AFTER)
        for occurrence, items in sorted(due.values(), key=lambda pair: (pair[0].start, pair[0].key))
    )
    return Plan(groups, tuple(skipped), next_due)


def _relative_day(t: Translator, start: datetime, now: datetime) -> str:
    days = (start.date() - now.astimezone(start.tzinfo).date()).days
    return {0: t.raw("today"), 1: t.raw("tomorrow")}.get(days, "")


def render_reminder(occurrence: Occurrence, rsvps: list[str], now: datetime, t: Translator, *, late: bool) -> Rich:
    """`Erinnerung: Title` / `morgen, Donnerstag, 04.12.2025, 18:00-21:00 (in 1 Tag)` / place, link, who comes."""
    # threshold 1: 20 hours stay "in 20 Stunden" (Babel's default rounds them up to "in 1 Tag")
    relative = format_timedelta(occurrence.start - now, add_direction=True, threshold=1, locale=t.language)
    day = _relative_day(t, occurrence.start, now)
    when = f"{day}, " if day else ""
    lines = [
        t("reminder_head", title=occurrence.title) + (Rich.plain(" ") + t("reminder_late") if late else Rich.plain("")),
        Rich.plain(f"{when}{t.when(occurrence.start, occurrence.end, occurrence.all_day)} ({relative})"),
    ]
    lines += t.place_and_link(occurrence.place, occurrence.online, occurrence.link)
    if rsvps:
        lines.append(
            t.count("reminder_rsvps", len(rsvps))
            + Rich.plain(" ")
            + Rich.join((Rich.mention(user) for user in rsvps), ", ")
        )
    else:
        lines.append(t("reminder_no_rsvps"))
    return Rich.join(lines)


async def notify_cancelled(storage: Storage, event: Event, t: Translator) -> None:
    """Tell those who said yes that the event is off (queued like a reminder, sent once); inside the caller's
    transaction, so the cancellation and the notice are stored together or not at all."""
    users = await storage.rsvps(event.room_id, Target("event", event.id))
    if not users:
        return
    body = (
        t("cancelled_notice", title=event.title, when=t.when(event.start, event.end, event.all_day))
        + Rich.plain(" ")
        + Rich.join((Rich.mention(user) for user in users), ", ")
    )
    await storage.queue_messages(
        [
            QueuedMessage(
                txn_id=reminder_txn([f"cancelled:{event.room_id}:{event.uid}:{event.start.isoformat()}"]),
                room_id=event.room_id,
                reply=body.to_reply(),
                mentions=tuple(users),
            )
        ]
    )


def reminder_txn(keys: Iterable[str]) -> str:
    return "eventbot-reminder-" + hashlib.sha256("|".join(sorted(keys)).encode()).hexdigest()[:32]


class ReminderScheduler:
    """One task: computes the next due reminder from the database, sleeps until then (or until woken), sends."""

    def __init__(
        self, storage: Storage, config: Config, clock: Clock, send: Callable[[QueuedMessage], Awaitable[str]]
    ) -> None:
        self.storage = storage
        self.config = config
        self.clock = clock
        self.send = send
        self._wake = asyncio.Event()
        self._default_event_leads = tuple(parse_lead(lead) for lead in config.reminders.lead_times)
        self._default_meetup_leads = tuple(parse_lead(lead) for lead in config.reminders.meetup_lead_times)

    def wake(self) -> None:
        """Something changed (an event was added, edited, cancelled...): look again now."""
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        """Until stopping is set: send what is queued, queue what is due, sleep until the next due time."""
        while not stopping.is_set():
            self._wake.clear()
            try:
                flushed = await self.flush()
                next_due = await self.tick()
                if not flushed:
                    retry_at = self.clock() + timedelta(seconds=ERROR_RETRY_S)
                    next_due = retry_at if next_due is None else min(next_due, retry_at)
            except Exception:
                code = reference_code()
                log.exception("reminder scheduler error [%s]; retrying in %.0f s", code, ERROR_RETRY_S)
                next_due = self.clock() + timedelta(seconds=ERROR_RETRY_S)
            if next_due is None:
                continue  # something was queued: send it first
            await nap(self._wake, stopping, (next_due - self.clock()).total_seconds(), settle=WAKE_SETTLE_S)

    async def flush(self) -> bool:
        """Send every queued message, in order per room, rooms side by side; False when some must wait."""
        pending = await self.storage.unsent_messages()
        by_room: dict[str, list[QueuedMessage]] = {}
        for message in pending:
            by_room.setdefault(message.room_id, []).append(message)

        async def send_room(messages: list[QueuedMessage]) -> bool:
            for message in messages:
                try:
                    sent_id = await self.send(message)
                except SendError as error:
                    if error.retryable:
                        log.warning(
                            "reminder %s to %s not taken (%s); trying again later",
                            message.txn_id,
                            message.room_id,
                            error.reason,
                        )
                        return False  # the rest of this room waits, so its messages stay in order
                    log.warning(
                        "reminder %s to %s refused by the homeserver: %s", message.txn_id, message.room_id, error.reason
                    )
                    await self.storage.mark_failed(message, error.reason)
                    continue
                await self.storage.mark_sent(message, sent_id)
            return True

        return all(await asyncio.gather(*(send_room(messages) for messages in by_room.values())))

    def _leads(self, settings: dict[str, RoomSettings]) -> Callable[[Occurrence], tuple[int, ...]]:
        def leads(occurrence: Occurrence) -> tuple[int, ...]:
            room = settings.get(occurrence.room_id)
            if occurrence.target.kind == "event":
                chosen = room.event_lead_times if room else None
                return self._default_event_leads if chosen is None else chosen
            chosen = room.meetup_lead_times if room else None
            return self._default_meetup_leads if chosen is None else chosen

        return leads

    async def occurrences(self, now: datetime, horizon: timedelta) -> list[Occurrence]:
        """Events and meetup dates starting in (now - a day, now + horizon]."""
        after, before = now - SKIPPED_LOOKBACK, now + horizon
        found = [event_occurrence(event) for event in await self.storage.upcoming_events(after, before)]
        for meetup in await self.storage.all_meetups():
            found += meetup_occurrences(meetup, after, before)
        return found

    async def tick(self) -> datetime | None:
        """Queue what is due; returns when to look again (None: look again at once)."""
        now = self.clock()
        settings = {s.room_id: s for s in await self.storage.all_room_settings()}
        all_leads = [
            *self._default_event_leads,
            *self._default_meetup_leads,
            *(lead for s in settings.values() for lead in (s.event_lead_times or ()) + (s.meetup_lead_times or ())),
        ]
        horizon = timedelta(seconds=max(all_leads, default=0)) + MAX_SLEEP
        occurrences = await self.occurrences(now, horizon)
        leads = self._leads(settings)
        keys = [f"{o.key}:{lead}" for o in occurrences for lead in leads(o)]
        plan = plan_reminders(occurrences, leads, await self.storage.ledger_keys(keys), now)
        for occurrence, key in plan.skipped:
            log.info(
                "reminder %s of %s in %s skipped (begun, or due before it was announced)",
                key,
                occurrence.title,
                occurrence.room_id,
            )
        messages: list[QueuedMessage] = []
        ledger: list[tuple[str, str, str, str | None]] = [(key, o.room_id, "skipped", None) for o, key in plan.skipped]
        said_yes = await self.storage.rsvps_of(
            (group.occurrence.room_id, group.occurrence.target) for group in plan.due
        )
        for group in plan.due:
            occurrence = group.occurrence
            rsvps = said_yes.get((occurrence.room_id, occurrence.target), [])
            txn = reminder_txn(group.keys)
            room = settings.get(occurrence.room_id)
            t = TRANSLATORS[(room.language if room else None) or self.config.bot.language]
            body = render_reminder(occurrence, rsvps, now, t, late=group.late)
            messages.append(
                QueuedMessage(
                    txn_id=txn,
                    room_id=occurrence.room_id,
                    reply=body.to_reply(),
                    mentions=tuple(rsvps),
                    announces=occurrence.target,
                    room_mention=bool(room and room.room_mention),
                )
            )
            ledger += [(key, occurrence.room_id, "queued", txn) for key in group.keys]
        if ledger:
            await self.storage.queue_messages(messages, ledger)
        if messages:
            return None
        return min(plan.next_due or now + MAX_SLEEP, now + MAX_SLEEP)
