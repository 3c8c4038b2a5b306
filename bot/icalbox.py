"""Calendars parsed in a box: a child process with memory and CPU limits reads an ICS file from outside.

Reading a calendar runs icalendar on hostile data: bot.ical.parse_calendar bounds what it can (no VTIMEZONE
rules, entry and nesting caps), and this module bounds the rest. `parse_calendar_boxed` starts
`python -m bot.icalbox ZONE MAX_ENTRIES MEMORY_BYTES CPU_S` with the file on stdin; the child limits itself
(RLIMIT_AS, RLIMIT_CPU, no core files), runs parse_calendar and writes one JSON object on stdout:
`{"entries": [...]}` or `{"error": "<CalendarError message>"}`. The parent kills it after `timeout_s` wall time;
the child gets none of the parent's environment variables but a few (PATH, PYTHONPATH, locale, time zone path),
runs at most MAX_CHILDREN at once per event loop, and inherits no open files.
A child that runs out of memory or CPU time, crashes, or is too slow becomes a CalendarError that quotes nothing
of the file. The event loop only waits; decoding the JSON of a few thousand entries is quick.

In the JSON a datetime is `[local ISO time, IANA zone key, fold]`, rebuilt without arithmetic.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import signal
import sys
import warnings
import weakref
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.ical import CalendarEntry, CalendarError, parse_calendar

log = logging.getLogger(__name__)

MEMORY_BYTES = 512 * 1024 * 1024  # address space of the child (RLIMIT_AS)
CPU_S = 6  # CPU seconds of the child (RLIMIT_CPU; SIGKILL one second later)
TIMEOUT_S = 10.0  # wall time before the parent kills the child
MAX_CHILDREN = 2  # calendars read at the same time; more wait for a turn
OUT_OF_MEMORY = 3  # the child's exit status after a MemoryError

_ROOT = Path(__file__).resolve().parent.parent  # the directory holding the `bot` package: the child's cwd
_CHILD_ENV = frozenset({"PATH", "PYTHONPATH", "TZDIR", "PYTHONTZPATH", "LANG", "SYSTEMROOT"})
_MOMENTS = frozenset({"start", "end"})
_MOMENT_LISTS = frozenset({"exdates", "rdates"})
_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _too_complex(why: str) -> CalendarError:
    return CalendarError(f"the calendar is too large or too complex to read ({why})")


# --- the JSON between child and parent ------------------------------------------------------------------


def _moment_out(moment: datetime) -> list[Any]:
    return [moment.replace(tzinfo=None).isoformat(), moment.tzinfo.key, moment.fold]  # type: ignore[union-attr]


def _moment_in(value: list[Any]) -> datetime:
    text, key, fold = value
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(key), fold=fold)


def entry_to_json(entry: CalendarEntry) -> dict[str, Any]:
    """A CalendarEntry as JSON values; every datetime is in a ZoneInfo zone (parse_calendar makes them so)."""
    out: dict[str, Any] = {}
    for field in fields(CalendarEntry):
        value = getattr(entry, field.name)
        if field.name in _MOMENTS:
            value = None if value is None else _moment_out(value)
        elif field.name in _MOMENT_LISTS:
            value = [_moment_out(moment) for moment in value]
        elif field.name == "geo" and value is not None:
            value = list(value)
        out[field.name] = value
    return out


def entry_from_json(data: dict[str, Any]) -> CalendarEntry:
    values: dict[str, Any] = {}
    for field in fields(CalendarEntry):
        value = data[field.name]
        if field.name in _MOMENTS:
            value = None if value is None else _moment_in(value)
        elif field.name in _MOMENT_LISTS:
            value = tuple(_moment_in(moment) for moment in value)
        elif field.name == "geo" and value is not None:
            value = (float(value[0]), float(value[1]))
        values[field.name] = value
    return CalendarEntry(**values)


# --- the parent ---------------------------------------------------------------------------------------------


def _turn() -> asyncio.Semaphore:
    """This event loop's limit of children at once."""
    loop = asyncio.get_running_loop()
    if loop not in _turns:
        _turns[loop] = asyncio.Semaphore(MAX_CHILDREN)
    return _turns[loop]


def _child_env() -> dict[str, str]:
    """The few variables the child needs: nothing of the bot's own settings (tokens may live there)."""
    return {name: value for name, value in os.environ.items() if name in _CHILD_ENV or name.startswith("LC_")}


def _failure(returncode: int) -> str:
    """What a child's exit status says, in general words."""
    if returncode == OUT_OF_MEMORY:
        return "memory limit"
    if returncode == -signal.SIGXCPU:
        return "CPU time limit"
    if returncode == -signal.SIGKILL:
        return "killed at a limit"
    if returncode < 0:
        return f"reader stopped by signal {-returncode}"
    return f"reader failed with status {returncode}"


async def parse_calendar_boxed(
    data: bytes,
    zone: ZoneInfo,
    *,
    max_entries: int,
    timeout_s: float = TIMEOUT_S,
    memory_bytes: int = MEMORY_BYTES,
    cpu_s: int = CPU_S,
) -> list[CalendarEntry]:
    """parse_calendar(data, zone, max_entries=...) in a child process with memory, CPU and wall-time limits;
    CalendarError when the file is refused or the child fails (see the module's doc)."""
    if zone.key is None:
        raise ValueError("the zone needs an IANA key")
    async with _turn():
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.icalbox",
            zone.key,
            str(max_entries),
            str(memory_bytes),
            str(cpu_s),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=_ROOT,
            env=_child_env(),
        )
        try:
            out, err = await asyncio.wait_for(child.communicate(data), timeout_s)
        except TimeoutError:
            log.warning("calendar reader killed after %.1f s (%d bytes)", timeout_s, len(data))
            raise _too_complex(f"more than {timeout_s:g} s") from None
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
    if child.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:]
        log.warning(
            "calendar reader exited with status %s (%d bytes): %s",
            child.returncode,
            len(data),
            tail[0][:300] if tail else "",
        )
        raise _too_complex(_failure(child.returncode if child.returncode is not None else -1))
    try:
        reply = json.loads(out)
        refusal = reply.get("error")
        entries = None if refusal is not None else [entry_from_json(item) for item in reply["entries"]]
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        log.warning("calendar reader answered something unreadable: %s", error)
        raise _too_complex("unreadable answer") from None
    if entries is None:
        raise CalendarError(str(refusal))
    return entries


# --- the child ----------------------------------------------------------------------------------------------


def _limit_self(memory_bytes: int, cpu_s: int) -> None:
    """Lower this process's limits (never above a hard limit already set)."""

    def lower(kind: int, soft: int, hard: int) -> None:
        _, old_hard = resource.getrlimit(kind)
        if old_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, old_hard), min(hard, old_hard)
        resource.setrlimit(kind, (soft, hard))

    lower(resource.RLIMIT_CORE, 0, 0)
    lower(resource.RLIMIT_CPU, cpu_s, cpu_s + 1)  # SIGXCPU at the soft limit, SIGKILL at the hard one
    lower(resource.RLIMIT_AS, memory_bytes, memory_bytes)


def main(argv: list[str]) -> int:
    """The child: `python -m bot.icalbox ZONE MAX_ENTRIES MEMORY_BYTES CPU_S`, the calendar on stdin."""
    zone_key, max_entries, memory_bytes, cpu_s = argv
    _limit_self(int(memory_bytes), int(cpu_s))
    warnings.simplefilter("ignore")
    try:
        data = sys.stdin.buffer.read()
        try:
            entries = parse_calendar(data, ZoneInfo(zone_key), max_entries=int(max_entries))
            reply: dict[str, Any] = {"entries": [entry_to_json(entry) for entry in entries]}
        except CalendarError as error:
            reply = {"error": str(error)}
        sys.stdout.buffer.write(json.dumps(reply).encode())
        sys.stdout.buffer.flush()
    except MemoryError:
        return OUT_OF_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
