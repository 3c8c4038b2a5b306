"""Command latency (one command after another) and bursts (several users at once), eventbot next to the floor."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from bench.client import BenchClient
from bench.results import BurstResult, BurstRun, Latencies, LatencyResult
from bench.session import BotHandle, Session, progress
from bench.sizes import Sizes

ANSWER_TIMEOUT_S = 30.0
BURST_TIMEOUT_S = 180.0
DOUBLES_GRACE_S = 2.0
FIRST_DAY_AHEAD = 10


@dataclass(frozen=True)
class Target:
    """A bot in a room; `responder` is set for bots that answer without a reply relation (then the first message
    of that user after the command counts)."""

    room_id: str
    responder: str | None = None


def event_add_commands(label: str, first_day: date) -> Iterator[str]:
    """`!event add <label> N | <date> 19:00 | online`, one day later each time."""
    for number in itertools.count(1):
        day = first_day + timedelta(days=number - 1)
        yield f"!event add {label} {number} | {day:%d.%m.%Y} 19:00 | online"


def first_event_day() -> date:
    return date.today() + timedelta(days=FIRST_DAY_AHEAD)


async def round_trip(client: BenchClient, target: Target, body: str) -> float | None:
    """Seconds from sending body until the answer arrived in the client's sync; None if none came."""
    after = len(client.arrivals)
    started = time.perf_counter()
    event_id = await client.send(target.room_id, body)
    if target.responder is None:
        answer = await client.wait_reply(event_id, ANSWER_TIMEOUT_S)
    else:
        answer = await client.wait_message_from(target.responder, target.room_id, after, ANSWER_TIMEOUT_S)
    return None if answer is None else answer.clock - started


async def compare(client: BenchClient, targets: list[Target], commands: Iterator[str], n: int,
                  warmup: int) -> list[Latencies]:
    """n round trips to each target, interleaved (the order rotates every command) so drift hits all alike."""
    samples: dict[Target, list[float]] = {target: [] for target in targets}
    for index in range(warmup + n):
        body = next(commands)
        shift = index % len(targets)
        for target in targets[shift:] + targets[:shift]:
            seconds = await round_trip(client, target, body)
            if index >= warmup:
                samples[target].append(math.nan if seconds is None else seconds)
    return [_latencies(samples[target]) for target in targets]


def _latencies(samples: list[float]) -> Latencies:
    answered = tuple(s for s in samples if not math.isnan(s))
    return Latencies(answered, lost=len(samples) - len(answered))


async def measure_latency(session: Session, bot: BotHandle, sizes: Sizes) -> LatencyResult:
    shaped = await session.start_echo_bot(shaped=True)
    try:
        bot_room, echo_room, shaped_room = [await session.room_with(b) for b in (bot, session.echo, shaped)]
        progress(f"latency: {sizes.latency_n} × `!event add` to eventbot, to the echo floor and to the echo "
                 "answering in eventbot's shape")
        commands = event_add_commands("Bench", first_event_day())
        bot_latencies, floor_latencies, shaped_latencies = await compare(
            session.alice, [Target(bot_room), Target(echo_room), Target(shaped_room)], commands, sizes.latency_n,
            sizes.warmup)
    finally:
        shaped.process.stop()
    return LatencyResult("!event add", bot_latencies, floor_latencies, shaped_floor=shaped_latencies)


async def _send_all(client: BenchClient, room_id: str, bodies: list[str]) -> list[str]:
    return [await client.send(room_id, body) for body in bodies]


async def burst(observer: BenchClient, senders: list[BenchClient], room_id: str, per_user: int) -> BurstRun:
    """Every sender sends per_user commands back to back, all senders at once; the observer counts the answers."""
    commands = event_add_commands("Burst", first_event_day())
    batches = [[next(commands) for _ in range(per_user)] for _ in senders]
    started = time.perf_counter()
    sent = await asyncio.gather(*(_send_all(s, room_id, b) for s, b in zip(senders, batches, strict=True)))
    event_ids = [event_id for ids in sent for event_id in ids]
    await observer.wait_until(lambda: all(observer.replies(e) for e in event_ids), BURST_TIMEOUT_S)
    await asyncio.sleep(DOUBLES_GRACE_S)  # a doubled answer would come right after the first
    answers = [observer.replies(event_id) for event_id in event_ids]
    last = max((replies[0].clock for replies in answers if replies), default=math.nan)
    return BurstRun(commands=len(event_ids), seconds=last - started,
                    lost=sum(1 for replies in answers if not replies),
                    doubled=sum(1 for replies in answers if len(replies) > 1))


async def measure_burst(session: Session, bot: BotHandle, sizes: Sizes) -> BurstResult:
    others = [await session.client(f"burst{n}") for n in range(1, sizes.burst_users)]
    senders = [session.alice, *others]
    bot_room = await session.room_with(bot, tuple(others))
    echo_room = await session.room_with(session.echo, tuple(others))
    total = sizes.burst_users * sizes.burst_per_user
    progress(f"burst: {sizes.burst_users} users × {sizes.burst_per_user} commands ({total}) to eventbot")
    bot_run = await burst(session.alice, senders, bot_room, sizes.burst_per_user)
    progress(f"burst: the same {total} commands to the echo floor")
    floor_run = await burst(session.alice, senders, echo_room, sizes.burst_per_user)
    return BurstResult(sizes.burst_users, sizes.burst_per_user, bot_run, floor_run)
