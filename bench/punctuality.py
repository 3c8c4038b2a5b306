"""Reminder punctuality: many events in many rooms whose reminders fall due at the same moment."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.client import Arrival, BenchClient
from bench.processes import eventbot_database
from bench.results import ReminderResult
from bench.session import BotHandle, Session, progress
from bench.sizes import Sizes
from bot.models import Event
from bot.storage import RoomSettings, Storage

ZONE = ZoneInfo("Europe/Berlin")
REMINDER_MARK = "⏰"
LOST_AFTER_S = 30.0
DOUBLES_GRACE_S = 2.0
FLOOR_TIMEOUT_S = 120.0
_TITLE = re.compile(r"Punctual (\d{5})")
_FLOOR = re.compile(r"floor (\d{5})")
FLOOR_LINES = ("heute, Dienstag, 01.12.2026, 19:00-21:00 (in 1 Minute)", "Ort: online",
               "Wer kommt? 👍 auf diese Nachricht.")


@dataclass(frozen=True)
class ReminderPlan:
    """`count` events in `rooms` rooms, all starting at `start` (a whole minute: events are stored to the minute).
    Without `spread_s` every room's lead time is `lead_s`, so every reminder is due at `due`; with it the rooms'
    lead times are shortened step by step, so their reminders fall due evenly across `spread_s` seconds."""

    start: datetime
    lead_s: int
    count: int
    rooms: int
    spread_s: int = 0

    @property
    def due(self) -> datetime:
        return self.start - timedelta(seconds=self.lead_s)

    def room_offset_s(self, room_index: int) -> int:
        return room_index * self.spread_s // self.rooms

    def room_lead_s(self, room_index: int) -> int:
        return self.lead_s - self.room_offset_s(room_index)

    def due_of(self, number: int) -> float:
        """When event `number`'s reminder is due (epoch seconds); events are dealt to the rooms round-robin."""
        return self.due.timestamp() + self.room_offset_s(number % self.rooms)

    @property
    def last_due(self) -> float:
        return max(self.due_of(number) for number in range(min(self.count, self.rooms)))

    @classmethod
    def make(cls, now: datetime, sizes: Sizes, spread_s: int) -> ReminderPlan:
        earliest = now + timedelta(seconds=sizes.reminder_start_after_s)
        start = earliest.replace(second=0, microsecond=0) + timedelta(minutes=1)
        lead = int((start - now).total_seconds()) - sizes.reminder_due_in_s
        return cls(start, lead, sizes.reminder_events, sizes.reminder_rooms, spread_s)


def spread(count: int, rooms: list[str]) -> list[tuple[int, str]]:
    """Numbers 0..count-1 dealt round-robin to the rooms."""
    return [(number, rooms[number % len(rooms)]) for number in range(count)]


async def seed_reminder_events(database: str, rooms: list[str], plan: ReminderPlan, submitter: str) -> None:
    storage = await Storage.open(database)
    try:
        for index, room_id in enumerate(rooms):
            await storage.save_room_settings(RoomSettings(room_id, event_lead_times=(plan.room_lead_s(index),)))
        for number, room_id in spread(plan.count, rooms):
            await storage.add_event(Event(
                id=0, room_id=room_id, title=f"Punctual {number:05d}", start=plan.start,
                end=plan.start + timedelta(hours=2),
                all_day=False, timezone=str(ZONE), online=True,
                submitter=submitter))
    finally:
        await storage.close()


def numbered(arrivals: Iterable[Arrival], pattern: re.Pattern[str], rooms: set[str]) -> dict[int, list[Arrival]]:
    """Arrivals in the rooms whose body starts with the reminder mark, by the number in their text."""
    found: dict[int, list[Arrival]] = {}
    for arrival in arrivals:
        match = pattern.search(arrival.body)
        if arrival.room_id in rooms and arrival.body.startswith(REMINDER_MARK) and match:
            found.setdefault(int(match.group(1)), []).append(arrival)
    return found


async def collect_reminders(client: BenchClient, rooms: list[str], plan: ReminderPlan,
                            bot_user_id: str) -> ReminderResult:
    room_set = set(rooms)

    def reminders() -> dict[int, list[Arrival]]:
        return numbered((a for a in client.arrivals if a.sender == bot_user_id), _TITLE, room_set)

    deadline = plan.last_due + LOST_AFTER_S
    await client.wait_until(lambda: len(reminders()) >= plan.count, max(0.0, deadline - time.time()))
    await asyncio.sleep(DOUBLES_GRACE_S)
    seen = reminders()
    lateness = tuple(arrivals[0].wall - plan.due_of(number) for number, arrivals in seen.items()
                     if arrivals[0].wall <= plan.due_of(number) + LOST_AFTER_S)
    return ReminderResult(
        events=plan.count, rooms=len(rooms), lead_s=plan.lead_s, spread_s=plan.spread_s, lateness=lateness,
        duplicates=sum(1 for arrivals in seen.values() if len(arrivals) > 1), lost=plan.count - len(lateness),
        floor=())


async def floor_on_time(client: BenchClient, rooms: list[str], plan: ReminderPlan) -> tuple[float, ...]:
    """Notices of the reminders' shape (four lines, HTML) sent by a plain client, each at its due time (shifted to
    start now), rooms side by side as the bot sends its outbox: seconds from each due time until the notice
    arrived. What the homeserver allows at best."""
    by_room: dict[str, list[int]] = {}
    for number, room_id in spread(plan.count, rooms):
        by_room.setdefault(room_id, []).append(number)
    shift = time.time() - plan.due_of(0)

    async def send_room(numbers: list[int], room_id: str) -> None:
        for number in numbers:
            await asyncio.sleep(max(0.0, plan.due_of(number) + shift - time.time()))
            lines = [f"{REMINDER_MARK} Erinnerung: floor {number:05d}", *FLOOR_LINES]
            await client.send(room_id, "\n".join(lines), msgtype="m.notice", html="<br>".join(lines))

    def arrived() -> dict[int, list[Arrival]]:
        return numbered((a for a in client.arrivals if a.sender == client.user.user_id), _FLOOR, set(rooms))

    await asyncio.gather(*(send_room(numbers, room_id) for room_id, numbers in by_room.items()))
    await client.wait_until(lambda: len(arrived()) >= plan.count, FLOOR_TIMEOUT_S)
    return tuple(arrivals[0].wall - plan.due_of(number) - shift for number, arrivals in arrived().items())


async def measure_reminders(session: Session, sizes: Sizes, spread_s: int) -> ReminderResult:
    """Reminders of `sizes.reminder_events` events in `sizes.reminder_rooms` rooms, due at one moment
    (spread_s=0) or spread over spread_s seconds; then the floor for the same plan."""
    bot = await session.start_eventbot(f"reminders-{spread_s}")
    try:
        progress(f"reminders: {sizes.reminder_rooms} rooms with the bot")
        rooms = [await session.room_with(bot) for _ in range(sizes.reminder_rooms)]
        plan, result = await _reminders_after_restart(session, bot, rooms, sizes, spread_s)
    finally:
        bot.process.stop()
    progress(f"reminders: floor, {plan.count} notices sent on time by a plain client")
    return replace(result, floor=await floor_on_time(session.alice, rooms, plan))


async def _reminders_after_restart(session: Session, bot: BotHandle, rooms: list[str], sizes: Sizes,
                                   spread_s: int) -> tuple[ReminderPlan, ReminderResult]:
    """Stop the bot, seed the events into its database, start it again, collect the reminders."""
    bot.process.stop()
    plan = ReminderPlan.make(datetime.now(ZONE), sizes, spread_s)
    await seed_reminder_events(str(eventbot_database(bot.process.directory)), rooms, plan,
                               session.alice.user.user_id)
    await bot.process.start_ready()
    wait = plan.due.timestamp() - time.time()
    progress(f"reminders: {plan.count} events start at {plan.start:%H:%M}"
             f"{f' over {spread_s} s' if spread_s else ''}, lead {plan.lead_s} s, due in {wait:.0f} s")
    if wait < 0:
        progress("reminders: WARNING the bot came up after the due time; lateness includes its start-up")
    return plan, await collect_reminders(session.alice, rooms, plan, bot.user_id)
