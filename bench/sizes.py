"""How big each part of the benchmark is: the full run and the quick one (for the smoke test)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    name: str
    latency_n: int = 100
    warmup: int = 5
    burst_users: int = 4
    burst_per_user: int = 50
    reminder_events: int = 500
    reminder_rooms: int = 20
    # the events start on the first whole minute at least this far ahead; their reminders are due this soon
    reminder_start_after_s: int = 90
    reminder_due_in_s: int = 30
    # the second reminder part spreads the same number of due times evenly over this many seconds
    reminder_spread_s: int = 60
    scale_events: int = 10_000
    scale_meetups: int = 200
    scale_rooms: int = 50
    roundup_sizes: tuple[int, int, int] = (100, 1_000, 10_000)
    roundup_runs: int = 5
    list_n: int = 100
    # room B's `!event list` while room A's import waits on a slow server: rounds × commands, and the delay
    isolation_rounds: int = 4
    isolation_per_round: int = 5
    slow_import_s: float = 10.0
    # VEVENTs of the largest hostile calendar
    hostile_events: int = 100_000
    # the public month page: events in the room and in the busy month, meetups, requests per measure, at once
    page_events: int = 10_000
    page_month_events: int = 1_000
    page_meetups: int = 20
    page_n: int = 30
    page_concurrent: int = 200

    def describe(self) -> str:
        return (f"{self.name}: latency N={self.latency_n} (warm-up {self.warmup}), burst {self.burst_users}×"
                f"{self.burst_per_user}, reminders {self.reminder_events} in {self.reminder_rooms} rooms (at once, "
                f"and across {self.reminder_spread_s} s), "
                f"scale {self.scale_events:,} events / {self.scale_meetups} meetups / {self.scale_rooms} rooms, "
                f"roundup {' / '.join(f'{n:,}' for n in self.roundup_sizes)} events in a month "
                f"(median of {self.roundup_runs}), `!event list` N={self.list_n}, room B during a slow import "
                f"{self.isolation_rounds}×{self.isolation_per_round} (server delay {self.slow_import_s:g} s), "
                f"hostile calendars up to {self.hostile_events:,} VEVENTs, public month page of "
                f"{self.page_month_events:,} events ({self.page_events:,} in the room, {self.page_meetups} meetups) "
                f"N={self.page_n}, {self.page_concurrent} at once")


FULL = Sizes("full")
QUICK = Sizes("quick", latency_n=5, warmup=2, burst_users=2, burst_per_user=3, reminder_events=10, reminder_rooms=2,
              reminder_start_after_s=20, reminder_due_in_s=8,
              reminder_spread_s=5, scale_events=200, scale_meetups=5, scale_rooms=3,
              roundup_sizes=(10, 40, 160), roundup_runs=3, list_n=5, isolation_rounds=1, isolation_per_round=3,
              slow_import_s=3.0, hostile_events=10_000, page_events=1_000, page_month_events=100, page_meetups=5,
              page_n=5, page_concurrent=20)
