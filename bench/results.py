"""What each part measured: one frozen dataclass per result, raw numbers only (report.py formats them)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench.sizes import Sizes
from bench.stats import median, percentile


@dataclass(frozen=True)
class Latencies:
    """Round trips (send until the answer arrived in the client's sync), in seconds; lost = never answered."""

    samples: tuple[float, ...]
    lost: int = 0

    @property
    def median(self) -> float:
        return median(self.samples)

    @property
    def p90(self) -> float:
        return percentile(self.samples, 90)


@dataclass(frozen=True)
class LatencyResult:
    command: str
    bot: Latencies
    floor: Latencies
    # the echo answering in eventbot's shape (HTML, mention): what the answer itself costs the homeserver
    shaped_floor: Latencies | None = None


@dataclass(frozen=True)
class BurstRun:
    """Users × commands sent at once: seconds from the first send until the last answer arrived."""

    commands: int
    seconds: float
    lost: int
    doubled: int


@dataclass(frozen=True)
class BurstResult:
    users: int
    per_user: int
    bot: BurstRun
    floor: BurstRun


@dataclass(frozen=True)
class ReminderResult:
    """Lateness (arrival in the client's sync minus due time) of each event's first reminder, in seconds."""

    events: int
    rooms: int
    lead_s: int
    spread_s: int  # 0: all due at one moment; else due times spread evenly over this many seconds
    lateness: tuple[float, ...]
    duplicates: int
    lost: int
    # the same notices sent on time by a plain nio client, rooms side by side: seconds from due until arrival
    floor: tuple[float, ...]

    @property
    def first(self) -> float:
        return percentile(self.lateness, 0)

    @property
    def p50(self) -> float:
        return percentile(self.lateness, 50)

    @property
    def p99(self) -> float:
        return percentile(self.lateness, 99)

    @property
    def floor_first(self) -> float:
        return percentile(self.floor, 0)

    @property
    def floor_p50(self) -> float:
        return percentile(self.floor, 50)

    @property
    def floor_p99(self) -> float:
        return percentile(self.floor, 99)


@dataclass(frozen=True)
class RenderTiming:
    """collect_roundup + render_roundup for a month with `events` events: median of `runs` runs, and the first run
    (cold: nothing of this month cached yet), in seconds."""

    events: int
    seconds: float
    first_seconds: float
    runs: int
    chars: int


@dataclass(frozen=True)
class HandlingTiming:
    """A command handled in-process (no network): parse, query, render the reply; median of `runs`, in seconds."""

    command: str
    seconds: float
    runs: int
    chars: int  # of the reply's plain text


@dataclass(frozen=True)
class ScaleResult:
    events: int
    meetups: int
    rooms: int
    renders: tuple[RenderTiming, ...]
    list_latency: LatencyResult
    list_handling: HandlingTiming
    rss_bytes: int
    floor_rss_bytes: int
    startup_s: float


@dataclass(frozen=True)
class ConcurrentRun:
    """`requests` HTTP requests issued at once: how many were answered with the whole page, their latencies (each
    from its own send until its body was read), seconds until the last answer, the first failure (if any)."""

    requests: int
    answered: int
    latencies: tuple[float, ...]
    seconds: float
    failure: str = ""

    @property
    def median(self) -> float:
        return median(self.latencies)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)


@dataclass(frozen=True)
class PageResult:
    """The public month page of a busy month over loopback HTTP (end to end, in seconds), each against a trivial
    aiohttp handler answering the same bytes (the floor): the first request (cold), built anew for each request
    (the bot's cache dropped before each), from the bot's cache, a 304, and `concurrent.requests` at once."""

    events: int
    month_events: int
    meetups: int
    month: str  # yyyy-mm
    body_bytes: int
    cold_s: float
    floor_cold_s: float
    rebuilt: Latencies
    rebuilt_floor: Latencies
    cached: Latencies
    cached_floor: Latencies
    not_modified: Latencies
    not_modified_floor: Latencies
    concurrent: ConcurrentRun
    concurrent_floor: ConcurrentRun


@dataclass(frozen=True)
class IsolationResult:
    """Room B's command while room A's import waits on a calendar server that answers after `slow_s` (busy),
    and the same command in room B with nothing running in room A (idle, the floor), in alternating rounds."""

    command: str
    slow_s: float
    busy: Latencies
    idle: Latencies
    import_reply_s: tuple[float, ...]  # per round: sending the import until its answer arrived in room A
    outside: int  # busy round trips left out: they ended after the server had already answered


@dataclass(frozen=True)
class HostileCase:
    """One hostile calendar sent as `!event import <URL>`: seconds until the bot's answer (NaN: none), the bot
    process's VmRSS (sampled) during it, the calendar reader child's largest VmRSS seen (sampled, 0: none seen)."""

    key: str
    name: str
    size: int
    seconds: float
    peak_rss_bytes: int
    child_peak_rss_bytes: int
    answer: str


@dataclass(frozen=True)
class HostileResult:
    cases: tuple[HostileCase, ...]
    hwm_bytes: int  # the bot process's VmHWM after the last case: its peak resident memory over its whole life
    other_command: str
    other_room: Latencies  # that command in another room, one after another, while the cases ran
    sample_s: float  # the bot's VmRSS was read this often (the reader child's every other time)

    @property
    def worst_seconds(self) -> float:
        times = [case.seconds for case in self.cases]
        return math.nan if any(math.isnan(t) for t in times) or not times else max(times)

    @property
    def peak_rss_bytes(self) -> int:
        return max([self.hwm_bytes, *(case.peak_rss_bytes for case in self.cases)])


@dataclass(frozen=True)
class PeerResult:
    """matrix-reminder-bot, when installed: the same latency test with its own command."""

    name: str
    latency: LatencyResult | None
    note: str = ""


@dataclass(frozen=True)
class PartError:
    """A part that could not finish; the other parts still report."""

    part: str
    message: str


@dataclass(frozen=True)
class Machine:
    cores: int
    python: str
    date: str
    platform: str
    cpu: str
    synapse: str
    nio: str


@dataclass(frozen=True)
class BenchReport:
    machine: Machine
    sizes: Sizes
    seconds: float
    latency: LatencyResult | PartError
    burst: BurstResult | PartError
    reminders: ReminderResult | PartError
    reminders_spread: ReminderResult | PartError
    scale: ScaleResult | PartError
    peer: PeerResult | PartError
    isolation: IsolationResult | PartError
    hostile: HostileResult | PartError
    page: PageResult | PartError

    @property
    def errors(self) -> list[PartError]:
        parts = (self.latency, self.burst, self.isolation, self.hostile, self.reminders, self.reminders_spread,
                 self.scale, self.page, self.peer)
        return [part for part in parts if isinstance(part, PartError)]
