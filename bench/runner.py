"""Runs every part against one Synapse and collects a BenchReport; a part that fails is reported, not fatal."""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

from bench.imports import IMPORTS_CONFIG, calendar_server, hostile_calendars, measure_hostile, measure_isolation
from bench.latency import measure_burst, measure_latency
from bench.page import measure_page
from bench.peer import measure_peer
from bench.punctuality import measure_reminders
from bench.results import (
    BenchReport,
    BurstResult,
    HostileResult,
    IsolationResult,
    LatencyResult,
    Machine,
    PartError,
)
from bench.scale import measure_scale
from bench.session import Session, progress
from bench.sizes import Sizes
from bot.homeserver import Homeserver

Result = TypeVar("Result")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> Machine:
    return Machine(cores=os.cpu_count() or 0, python=platform.python_version(),
                   date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), platform=platform.platform(),
                   cpu=_cpu_model(), synapse=_version("matrix-synapse"), nio=_version("matrix-nio"))


async def attempt(part: str, run: Awaitable[Result]) -> Result | PartError:
    """The part's result, or what went wrong (the run goes on with the next part)."""
    try:
        return await run
    except Exception as exc:
        progress(f"{part} failed:\n{traceback.format_exc()}")
        return PartError(part, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


async def command_parts(session: Session, sizes: Sizes) -> tuple[LatencyResult | PartError, BurstResult | PartError]:
    """Latency and burst against one eventbot (and the echo floor)."""
    try:
        bot = await session.start_eventbot("commands")
    except Exception as exc:
        error = PartError("commands", f"eventbot did not start: {exc}")
        return error, error
    try:
        latency = await attempt("latency", measure_latency(session, bot, sizes))
        burst = await attempt("burst", measure_burst(session, bot, sizes))
    finally:
        bot.process.stop()
    return latency, burst


async def import_parts(session: Session,
                       sizes: Sizes) -> tuple[IsolationResult | PartError, HostileResult | PartError]:
    """Room B during a slow import in room A, and the hostile calendars, against one eventbot that may fetch from
    a calendar server on loopback."""
    files = {case.key: case.data for case in hostile_calendars(sizes)}
    async with calendar_server(sizes.slow_import_s, files) as server:
        try:
            bot = await session.start_eventbot("imports", IMPORTS_CONFIG)
        except Exception as exc:
            error = PartError("imports", f"eventbot did not start: {exc}")
            return error, error
        try:
            isolation = await attempt("isolation", measure_isolation(session, bot, server, sizes))
            hostile = await attempt("hostile", measure_hostile(session, bot, server, sizes))
        finally:
            bot.process.stop()
    return isolation, hostile


async def run_parts(homeserver: Homeserver, workdir: Path, sizes: Sizes, peer_python: str) -> BenchReport:
    started = time.perf_counter()
    async with Session.open(homeserver, workdir) as session:
        latency, burst = await command_parts(session, sizes)
        isolation, hostile = await import_parts(session, sizes)
        reminders = await attempt("reminders", measure_reminders(session, sizes, spread_s=0))
        reminders_spread = await attempt("reminders", measure_reminders(session, sizes, sizes.reminder_spread_s))
        scale = await attempt("scale", measure_scale(session, sizes))
        peer = await attempt("peer", measure_peer(session, sizes, peer_python))
    page = await attempt("page", measure_page(sizes))  # in this process, no Synapse
    return BenchReport(machine=machine(), sizes=sizes, seconds=time.perf_counter() - started, latency=latency,
                       burst=burst, reminders=reminders, reminders_spread=reminders_spread, scale=scale, peer=peer,
                       isolation=isolation, hostile=hostile, page=page)


async def run_benchmark(sizes: Sizes, workdir: Path | None = None, peer_python: str = sys.executable) -> BenchReport:
    """Start Synapse in workdir (a temporary directory unless given), run every part, stop everything."""
    with tempfile.TemporaryDirectory(prefix="eventbot-bench-") as temporary:
        directory = workdir or Path(temporary)
        homeserver = Homeserver(directory / "synapse")
        progress(f"starting Synapse in {homeserver.directory}")
        await asyncio.to_thread(homeserver.start)
        try:
            return await run_parts(homeserver, directory, sizes, peer_python)
        finally:
            homeserver.stop()
