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


@dataclass(frozen=True)
class ReminderPlan:
    """Every event starts at `start` (a whole minute); with lead time `lead_s` every reminder is due at `due`."""

    start: datetime
    lead_s: int

    @property
    def due(self) -> datetime:
        return self.start - timedelta(seconds=self.lead_s)

    @classmethod
    def make(cls, now: datetime, sizes: Sizes) -> ReminderPlan:
        earliest = now + timedelta(seconds=sizes.reminder_start_after_s)
        start = earliest.replace(second=0, microsecond=0) + timedelta(minutes=1)
        lead = int((start - now).total_seconds()) - sizes.reminder_due_in_s
        return cls(start, lead)


def spread(count: int, rooms: list[str]) -> list[tuple[int, str]]:
    """Numbers 0..count-1 dealt round-robin to the rooms."""
    return [(number, rooms[number % len(rooms)]) for number in range(count)]


async def seed_reminder_events(database: str, rooms: list[str], plan: ReminderPlan, count: int,
                               submitter: str) -> None:
    storage = await Storage.open(database)
    try:
        for room_id in rooms:
            await storage.save_room_settings(RoomSettings(room_id, event_lead_times=(plan.lead_s,)))
        for number, room_id in spread(count, rooms):
            await storage.add_event(Event(
                id=0, room_id=room_id, title=f"Punctual {number:05d}", start=plan.start,
                end=plan.start + timedelta(hours=2), all_day=False, timezone=str(ZONE), online=True,
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


async def collect_reminders(client: BenchClient, rooms: list[str], plan: ReminderPlan, count: int,
                            bot_user_id: str) -> ReminderResult:
    room_set = set(rooms)

    def reminders() -> dict[int, list[Arrival]]:
        return numbered((a for a in client.arrivals if a.sender == bot_user_id), _TITLE, room_set)

    deadline = plan.due.timestamp() + LOST_AFTER_S
    await client.wait_until(lambda: len(reminders()) >= count, max(0.0, deadline - time.time()))
    await asyncio.sleep(DOUBLES_GRACE_S)
    due = plan.due.timestamp()
    seen = reminders()
    lateness = tuple(arrivals[0].wall - due for arrivals in seen.values() if arrivals[0].wall <= deadline)
    return ReminderResult(
        events=count, rooms=len(rooms), lead_s=plan.lead_s, lateness=lateness,
        duplicates=sum(1 for arrivals in seen.values() if len(arrivals) > 1), lost=count - len(lateness),
        floor=())


async def floor_blast(client: BenchClient, rooms: list[str], count: int) -> tuple[float, ...]:
    """The same number of notices, sent by a plain client at one moment, rooms side by side (as the bot sends its
    outbox): seconds from that moment until each arrived. What the homeserver allows at best."""
    by_room: dict[str, list[int]] = {}
    for number, room_id in spread(count, rooms):
        by_room.setdefault(room_id, []).append(number)

    async def send_room(room_id: str, numbers: list[int]) -> None:
        for number in numbers:
            await client.send(room_id, f"{REMINDER_MARK} floor {number:05d}", msgtype="m.notice")

    def arrived() -> dict[int, list[Arrival]]:
        return numbered((a for a in client.arrivals if a.sender == client.user.user_id), _FLOOR, set(rooms))

    started = time.time()
    await asyncio.gather(*(send_room(room_id, numbers) for room_id, numbers in by_room.items()))
    await client.wait_until(lambda: len(arrived()) >= count, FLOOR_TIMEOUT_S)
    return tuple(arrivals[0].wall - started for arrivals in arrived().values())


async def measure_reminders(session: Session, sizes: Sizes) -> ReminderResult:
    bot = await session.start_eventbot("reminders")
    try:
        progress(f"reminders: {sizes.reminder_rooms} rooms with the bot")
        rooms = [await session.room_with(bot) for _ in range(sizes.reminder_rooms)]
        result = await _reminders_after_restart(session, bot, rooms, sizes)
    finally:
        bot.process.stop()
    progress(f"reminders: floor, {sizes.reminder_events} notices sent at once by a plain client")
    floor = await floor_blast(session.alice, rooms, sizes.reminder_events)
    return replace(result, floor=floor)


async def _reminders_after_restart(session: Session, bot: BotHandle, rooms: list[str],
                                   sizes: Sizes) -> ReminderResult:
    """Stop the bot, seed the events into its database, start it again, collect the reminders."""
    bot.process.stop()
    plan = ReminderPlan.make(datetime.now(ZONE), sizes)
    await seed_reminder_events(str(eventbot_database(bot.process.directory)), rooms, plan, sizes.reminder_events,
                               session.alice.user.user_id)
    await bot.process.start_ready()
    wait = plan.due.timestamp() - time.time()
    progress(f"reminders: {sizes.reminder_events} events start at {plan.start:%H:%M}, lead {plan.lead_s} s, "
             f"due in {wait:.0f} s")
    if wait < 0:
        progress("reminders: WARNING the bot came up after the due time; lateness includes its start-up")
    return await collect_reminders(session.alice, rooms, plan, sizes.reminder_events, bot.user_id)
