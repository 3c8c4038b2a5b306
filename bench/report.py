"""The one place that turns results into the Markdown table (and RESULTS.md): values, floors, ratios, goals."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from bench.results import (
    BenchReport,
    BurstResult,
    HostileResult,
    IsolationResult,
    LatencyResult,
    PageResult,
    PartError,
    PeerResult,
    ReminderResult,
    ScaleResult,
)
from bench.stats import median, ratio

HOSTILE_GOAL_S = 10.0
HOSTILE_GOAL_RSS = 200e6
PAGE_GOAL_S = 0.050
NOT_MODIFIED_GOAL_S = 0.005
HEADINGS = ("Measure", "eventbot", "Floor", "Ratio", "Goal", "Met")
LINEAR_SLACK = 1.5  # growth counts as linear while the time per event grows by at most this factor
MISSING = "—"
Result = TypeVar("Result")


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    floor: str = MISSING
    ratio: str = MISSING
    goal: str = MISSING
    met: bool | None = None

    def cells(self) -> tuple[str, ...]:
        met = MISSING if self.met is None else ("✅" if self.met else "❌")
        return self.measure, self.value, self.floor, self.ratio, self.goal, met


def ms(seconds: float) -> str:
    return MISSING if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def secs(seconds: float) -> str:
    return MISSING if math.isnan(seconds) else f"{seconds:.2f} s"


def times(value: float) -> str:
    return MISSING if math.isnan(value) else f"{value:.2f}×"


def megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


def at_most(value: float, limit: float) -> bool:
    return not math.isnan(value) and value <= limit


def below(value: float, limit: float) -> bool:
    return not math.isnan(value) and value < limit


def latency_rows(result: LatencyResult, label: str, goal: float) -> list[Row]:
    bot, floor = result.bot, result.floor
    median_ratio = ratio(bot.median, floor.median)
    n = len(bot.samples) + bot.lost
    rows = [
        Row(f"{label}: `{result.command}` latency, median (N={n})", ms(bot.median), ms(floor.median),
            times(median_ratio), f"ratio ≤ {goal}", at_most(median_ratio, goal)),
        Row(f"{label}: `{result.command}` latency, p90", ms(bot.p90), ms(floor.p90), times(ratio(bot.p90, floor.p90))),
    ]
    if result.shaped_floor is not None:
        shaped = result.shaped_floor
        rows.append(Row(f"{label}: `{result.command}` latency against an echo answering in eventbot's shape (HTML, "
                        "sender mentioned), median", ms(bot.median), ms(shaped.median),
                        times(ratio(bot.median, shaped.median))))
    if bot.lost or floor.lost:
        rows.append(Row(f"{label}: `{result.command}` unanswered", str(bot.lost), str(floor.lost), goal="0",
                        met=bot.lost == 0))
    return rows


def command_latency_rows(result: LatencyResult) -> list[Row]:
    return latency_rows(result, "Commands", 1.05)


def burst_rows(result: BurstResult) -> list[Row]:
    bot, floor = result.bot, result.floor
    label = f"Burst {result.users}×{result.per_user}"
    return [
        Row(f"{label}: time until the last answer", secs(bot.seconds), secs(floor.seconds),
            times(ratio(bot.seconds, floor.seconds))),
        Row(f"{label}: answers lost", str(bot.lost), str(floor.lost), goal="0", met=bot.lost == 0),
        Row(f"{label}: answers doubled", str(bot.doubled), str(floor.doubled), goal="0", met=bot.doubled == 0),
    ]


def isolation_rows(result: IsolationResult) -> list[Row]:
    busy, idle = result.busy, result.idle
    label = "Room B during a slow import in room A"
    command = f"`{result.command}`"
    n = len(busy.samples) + busy.lost
    median_ratio = ratio(busy.median, idle.median)
    replies = result.import_reply_s
    reply = median(replies)
    rows = [
        Row(f"{label} (its server answers after {result.slow_s:g} s): {command} latency in room B, median (N={n}; "
            f"floor: the same command in room B with room A idle, in alternating rounds)", ms(busy.median),
            ms(idle.median), times(median_ratio), "ratio ≤ 1.2", at_most(median_ratio, 1.2)),
        Row(f"{label}: {command} latency in room B, p90", ms(busy.p90), ms(idle.p90),
            times(ratio(busy.p90, idle.p90))),
        Row(f"{label}: time until room A's import answer arrived, median of {len(replies)} (slowest "
            f"{secs(max(replies, default=math.nan))}; floor: the server's delay)", secs(reply), secs(result.slow_s),
            times(ratio(reply, result.slow_s))),
    ]
    if busy.lost or idle.lost:
        rows.append(Row(f"{label}: {command} unanswered in room B", str(busy.lost), str(idle.lost), goal="0",
                        met=busy.lost == 0))
    if result.outside:
        rows.append(Row(f"{label}: round trips left out (they ended after the server had answered)",
                        str(result.outside)))
    return rows


def _slowest(result: HostileResult) -> str:
    worst = max(result.cases, key=lambda case: math.inf if math.isnan(case.seconds) else case.seconds)
    return worst.key


def hostile_rows(result: HostileResult) -> list[Row]:
    other = result.other_room
    n = len(other.samples) + other.lost
    worst_other = max(other.samples, default=math.nan)
    lost = f", {other.lost} unanswered" if other.lost else ""
    seconds, peak = result.worst_seconds, result.peak_rss_bytes
    met = at_most(seconds, HOSTILE_GOAL_S) and peak < HOSTILE_GOAL_RSS and other.lost == 0 and n > 0
    return [Row(
        f"Hostile calendars ({len(result.cases)} cases, listed below), worst of each: time until the bot's answer "
        f"(case {_slowest(result)}) / peak memory of the bot process, VmHWM (the calendar reader is a child process "
        f"of its own, not included) / `{result.other_command}` latency in another room meanwhile (worst of N={n}, "
        f"median {ms(other.median)}{lost})",
        f"{secs(seconds)} / {megabytes(peak)} / {ms(worst_other)}", "— (no floor)", MISSING,
        f"answer ≤ {HOSTILE_GOAL_S:g} s, RSS < {HOSTILE_GOAL_RSS / 1e6:.0f} MB, every `{result.other_command}` "
        "answered", met)]


def hostile_details(result: HostileResult) -> list[str]:
    lines = ["Hostile calendars, case by case (each sent as `!event import <loopback URL>` by the room's moderator; "
             f"bot VmRSS sampled every {result.sample_s * 1000:.0f} ms, the calendar reader child's every "
             f"{2 * result.sample_s * 1000:.0f} ms; the bot's answer, its lines joined by ` / `):", ""]
    for case in result.cases:
        reader = megabytes(case.child_peak_rss_bytes) if case.child_peak_rss_bytes else "not seen"
        lines.append(f"- ({case.key}) {case.name}, {case.size:,} bytes: answered after {secs(case.seconds)}, bot "
                     f"VmRSS ≤ {megabytes(case.peak_rss_bytes)}, reader ≤ {reader}: “{case.answer}”")
    return lines


def reminder_rows(result: ReminderResult) -> list[Row]:
    when = f"due across {result.spread_s} s" if result.spread_s else "all due at one moment"
    label = f"Reminders ({result.events} in {result.rooms} rooms, {when})"
    first = [] if result.spread_s else [Row(f"{label}: lateness of the first", secs(result.first),
                                            secs(result.floor_first))]
    return [
        *first,
        Row(f"{label}: lateness p50", secs(result.p50), secs(result.floor_p50), times(ratio(result.p50,
                                                                                              result.floor_p50))),
        Row(f"{label}: lateness p99", secs(result.p99), secs(result.floor_p99),
            times(ratio(result.p99, result.floor_p99)), "< 1 s", below(result.p99, 1.0)),
        Row(f"{label}: duplicates", str(result.duplicates), goal="0", met=result.duplicates == 0),
        Row(f"{label}: lost (none within due + 30 s)", str(result.lost), goal="0", met=result.lost == 0),
    ]


def scale_rows(result: ScaleResult) -> list[Row]:
    label = f"Scale ({result.events:,} events, {result.meetups} meetups, {result.rooms} rooms)"
    small, middle, large = result.renders
    rows = [
        Row(f"Roundup render, {middle.events:,} events in the month, median of {middle.runs} "
            f"(post of {middle.chars / 1e6:.1f} M characters)", ms(middle.seconds), goal="< 100 ms",
            met=below(middle.seconds, 0.1)),
        Row(f"Roundup render, {middle.events:,} events in the month, first run (nothing cached yet)",
            ms(middle.first_seconds), goal="< 100 ms", met=below(middle.first_seconds, 0.1)),
    ]
    for before, after in ((small, middle), (middle, large)):
        growth = ratio(after.seconds, before.seconds)
        cold = ratio(after.first_seconds, before.first_seconds)
        rows.append(Row(f"Roundup render growth {before.events:,} → {after.events:,} events, median "
                        f"({ms(before.seconds)} → {ms(after.seconds)}; first runs {ms(before.first_seconds)} → "
                        f"{ms(after.first_seconds)}, {times(cold)})", times(growth),
                        goal=f"~linear: ≤ {after.events / before.events * LINEAR_SLACK:.0f}×",
                        met=at_most(growth / (after.events / before.events), LINEAR_SLACK)))
    rows += latency_rows(result.list_latency, label, 1.1)
    handling = result.list_handling
    rows.append(Row(f"{label}: `{handling.command}` handled in-process, no network (reply of {handling.chars:,} "
                    f"characters), median of {handling.runs}", ms(handling.seconds)))
    rows += [
        Row(f"{label}: bot memory (VmRSS) after the run", megabytes(result.rss_bytes),
            megabytes(result.floor_rss_bytes), times(ratio(result.rss_bytes, result.floor_rss_bytes)), "< 100 MB",
            result.rss_bytes < 100e6),
        Row(f"{label}: start-up until the first command is answered", secs(result.startup_s), goal="< 3 s",
            met=below(result.startup_s, 3.0)),
    ]
    return rows


def page_rows(result: PageResult) -> list[Row]:
    label = f"Public month page ({result.month_events:,} events)"
    goal = f"≤ {PAGE_GOAL_S * 1000:.0f} ms (incl. loopback HTTP)"
    rebuilt, cached, not_modified = result.rebuilt, result.cached, result.not_modified
    rows = [
        Row(f"Public month page of a room with {result.events:,} events, {result.month_events:,} of them in the "
            f"month ({result.month}), and {result.meetups} meetups (page of {result.body_bytes / 1e6:.2f} MB): first "
            "request (cold: nothing cached, templates not compiled yet; a new connection), end to end over loopback "
            "HTTP (floor: a trivial aiohttp handler on another loopback port answering the same bytes, its first "
            "request)", ms(result.cold_s), ms(result.floor_cold_s), times(ratio(result.cold_s, result.floor_cold_s)),
            goal, at_most(result.cold_s, PAGE_GOAL_S)),
        Row(f"{label}: built anew for each request (the bot's cache dropped before each), end to end over loopback "
            f"HTTP, median (N={len(rebuilt.samples)})", ms(rebuilt.median), ms(result.rebuilt_floor.median),
            times(ratio(rebuilt.median, result.rebuilt_floor.median)), goal, at_most(rebuilt.median, PAGE_GOAL_S)),
        Row(f"{label}: built anew for each request, p90", ms(rebuilt.p90), ms(result.rebuilt_floor.p90),
            times(ratio(rebuilt.p90, result.rebuilt_floor.p90))),
        Row(f"{label}: from the bot's cache, median (N={len(cached.samples)})", ms(cached.median),
            ms(result.cached_floor.median), times(ratio(cached.median, result.cached_floor.median)), goal,
            at_most(cached.median, PAGE_GOAL_S)),
        Row(f"{label}: from the bot's cache, p90", ms(cached.p90), ms(result.cached_floor.p90),
            times(ratio(cached.p90, result.cached_floor.p90))),
        Row(f"{label}: 304 to If-None-Match with its ETag, median (N={len(not_modified.samples)}; floor: the "
            "trivial handler answering 304)", ms(not_modified.median), ms(result.not_modified_floor.median),
            times(ratio(not_modified.median, result.not_modified_floor.median)),
            f"≤ {NOT_MODIFIED_GOAL_S * 1000:.0f} ms", at_most(not_modified.median, NOT_MODIFIED_GOAL_S)),
    ]
    burst, burst_floor = result.concurrent, result.concurrent_floor
    at_once = f"{label}: {burst.requests} requests at once"
    failure = f"; first failure: {burst.failure}" if burst.failure else ""
    rows += [
        Row(f"{at_once} (asyncio.gather, client connector limit {burst.requests}, timeout 30 s; the bot's cache "
            f"dropped just before, so one build is among them): answered with the whole page{failure}",
            f"{burst.answered} of {burst.requests}", f"{burst_floor.answered} of {burst_floor.requests}",
            goal="all answered", met=burst.answered == burst.requests),
        Row(f"{at_once}: latency p99 (median {ms(burst.median)}, floor {ms(burst_floor.median)}; the last answer "
            f"after {secs(burst.seconds)}, floor {secs(burst_floor.seconds)})", ms(burst.p99), ms(burst_floor.p99),
            times(ratio(burst.p99, burst_floor.p99))),
    ]
    return rows


def peer_rows(result: PeerResult) -> list[Row]:
    if result.latency is None:
        return [Row(f"Peer: {result.name}", result.note)]
    rows = latency_rows(result.latency, f"Peer {result.name}", math.inf)
    return [Row(row.measure, row.value, row.floor, row.ratio) for row in rows]


def _rows_or_error(part: Result | PartError, make: Callable[[Result], list[Row]], name: str) -> list[Row]:
    if isinstance(part, PartError):
        return [Row(f"{name}: could not finish", f"error: {part.message}", met=False)]
    return make(part)


def rows(report: BenchReport) -> list[Row]:
    return [
        *_rows_or_error(report.latency, command_latency_rows, "Command latency"),
        *_rows_or_error(report.burst, burst_rows, "Burst"),
        *_rows_or_error(report.isolation, isolation_rows, "Room B during a slow import in room A"),
        *_rows_or_error(report.hostile, hostile_rows, "Hostile calendars"),
        *_rows_or_error(report.reminders, reminder_rows, "Reminders"),
        *_rows_or_error(report.reminders_spread, reminder_rows, "Reminders"),
        *_rows_or_error(report.scale, scale_rows, "Scale"),
        *_rows_or_error(report.page, page_rows, "Public page"),
        *_rows_or_error(report.peer, peer_rows, "Peer"),
    ]


def table(all_rows: Iterable[Row]) -> str:
    lines = ["| " + " | ".join(HEADINGS) + " |", "|" + "|".join("---" for _ in HEADINGS) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row.cells()) + " |"
              for row in all_rows]
    return "\n".join(lines)


NOTES = """\
How it is measured: one Synapse (SQLite) on loopback, the bots as their own processes, a matrix-nio client whose
long-poll sync (filter timeline limit 1000) stamps every event when the sync returns (Synapse still sends at most
100 events of a room per sync; the rest of such a "limited" timeline is fetched from /messages and counts as arrived
with that sync). Latency is from just before sending a command until the answer (`m.in_reply_to` the command)
arrives in that sync. The floor is `bench/echo_bot.py`, a minimal matrix-nio bot answering every text at once
(filling timeline gaps as eventbot does); a second echo answers in the shape of eventbot's answers (a few lines of
HTML mentioning the sender), which shows how much of the gap is the answer itself rather than eventbot's work;
eventbot and the floors are measured in turn, command by command (who goes first rotates), so drift of the shared
machine hits all alike. Each is warmed up first. The peer's answers carry no reply relation: its first message after
the command counts, and its reminder texts are numbered (it refuses a repeated text). Reminder lateness is arrival
(client wall clock) minus due time, for reminders all due at one moment (what the homeserver can take at once) and
for the same number spread across a minute (each room with its own lead time, a few seconds apart: how punctual the
scheduler is); its floor is a plain client sending notices of the same shape (four lines with HTML), each at its due
time, rooms side by side as the bot sends them. Roundup render times (`collect_roundup` + `render_roundup`) and the
in-process `!event list` time (dispatcher and reply rendering, no network) are measured in this process on a copy of
the bot's database (median of several runs); they show how much of a command's latency is the bot's own work. Ratios
are the headline: absolute times drift on a shared machine.

Imports come from an aiohttp server in the benchmark's process on 127.0.0.1 (the bot's config: `[import]
allowed_hosts = ["127.0.0.1"]`, `max_bytes` 16 MiB, `max_entries` left at its default of 5,000), sent as `!event
import <URL>` by the rooms' creator (a moderator). Room B during a slow import: the server holds `/slow.ics` for the
given delay; once it has the bot's request, `!event list` is sent to room B a few times, one after another (round
trips that end after the server has answered are left out); the floor is the same `!event list` in room B with
nothing running in room A (a second after the last import's answer), in rounds alternating with the busy ones (the
same bot, so the ratio says "no slower than alone" rather than "as fast as an echo"). Hostile calendars: the time
from sending the import until the bot's answer (a refusal or an import report), the bot process's memory (VmRSS
sampled during each case, and VmHWM, its peak over its whole life, after the last one; calendars are read in a child
process with its own memory and CPU limits, whose VmRSS is sampled separately and not counted), and meanwhile
`!help` round trips in another room, one after another with a 0.2 s pause. That part has no floor: its goals are
absolute.

The public page is measured in the benchmark's own process, without Synapse: a real SQLite database in a temporary
directory with one published room (its events two hours long, a tenth of the room's in one month a few months
ahead, the rest spread over the twelve months before and after it; every twentieth cancelled, which the page
shows), served by the bot's `start_http` on 127.0.0.1 and requested by an aiohttp client in the same process (the
times are end to end: from sending the request until the whole body was read, loopback HTTP included). Its floor
is a trivial aiohttp handler on another loopback port answering the same bytes (or a 304 to its ETag); page and
floor are requested in turn, who goes first alternating. The first request is the process's first page (templates
not compiled yet); "built anew" drops the bot's page cache before each request (what a visitor gets after the
room changed); "from the bot's cache" is what every further visitor gets until the room changes or a minute has
passed. The requests at once go through a client connector allowing that many connections, page and floor one
after the other; the latency of each counts from its own send."""


def markdown(report: BenchReport) -> str:
    machine = report.machine
    header = [
        "# eventbot benchmark results", "",
        f"- Date: {machine.date}",
        f"- Machine: {machine.cores} cores (os.cpu_count()), {machine.cpu}, {machine.platform}",
        f"- Python {machine.python}, Synapse {machine.synapse}, matrix-nio {machine.nio}",
        f"- Sizes: {report.sizes.describe()}",
        f"- The run took {report.seconds:.0f} s", "",
    ]
    details = hostile_details(report.hostile) if isinstance(report.hostile, HostileResult) else []
    return "\n".join([*header, table(rows(report)), "", *details, *([""] if details else []), NOTES, ""])
