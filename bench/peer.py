"""A peer, where installed: matrix-reminder-bot answering `!remindme`, measured like eventbot."""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Iterator

from bench.latency import Target, compare
from bench.processes import ManagedProcess
from bench.results import LatencyResult, PeerResult
from bench.session import BotHandle, Session, progress
from bench.sizes import Sizes

NAME = "matrix-reminder-bot"
MODULE = "matrix_reminder_bot"
NOT_INSTALLED = f"{NAME} not installed (pip install {NAME}, or `--peer-python` a venv's python that has it)"
COMMAND = "!remindme in 2 days; text"  # numbered: the same text twice is refused as "a similar reminder"
READY_LINE = "Startup complete"
LAUNCH = "import asyncio, sys; from matrix_reminder_bot.main import main; sys.exit(asyncio.run(main()) is False)"


def numbered_commands() -> Iterator[str]:
    return (f"{COMMAND} {number}" for number in itertools.count(1))


def installed(python: str) -> bool:
    """Whether that interpreter can import the peer (it may live in a venv of its own: its pins can clash with
    eventbot's)."""
    return subprocess.run([python, "-c", f"import {MODULE}"], capture_output=True).returncode == 0


def peer_config(homeserver_url: str, user_id: str, password: str) -> str:
    """Its YAML config (JSON is valid YAML): SQLite in its directory, no allow/block lists, console log."""
    return json.dumps({
        "command_prefix": "!",
        "matrix": {"user_id": user_id, "user_password": password, "homeserver_url": homeserver_url,
                   "device_id": "BENCHPEER", "device_name": "bench peer"},
        "storage": {"database": "sqlite://peer.db", "store_path": "./store"},
        "reminders": {"timezone": "Europe/Berlin"},
        "allowlist": {"enabled": False, "regexes": []},
        "blocklist": {"enabled": False, "regexes": []},
        "logging": {"level": "INFO", "file_logging": {"enabled": False, "filepath": "peer.log"},
                    "console_logging": {"enabled": True}},
    }, indent=1)


async def start_peer(session: Session, python: str) -> BotHandle:
    user = await session.register("reminderbot")
    directory = session.workdir / "peer"
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "config.yaml"
    config.write_text(peer_config(session.homeserver.url, user.user_id, user.password))
    (directory / "store").mkdir(exist_ok=True)
    process = session.managed(ManagedProcess("peer", [python, "-c", LAUNCH, str(config)], directory,
                                             READY_LINE))
    await process.start_ready()
    return BotHandle(process, user)


async def measure_peer(session: Session, sizes: Sizes, python: str) -> PeerResult:
    if not installed(python):
        return PeerResult(NAME, None, NOT_INSTALLED)
    peer = await start_peer(session, python)
    try:
        room = await session.room_with(peer)
        echo_room = await session.room_with(session.echo)
        progress(f"peer: {sizes.latency_n} × `{COMMAND}` to {NAME} and to the echo floor")
        bot_latencies, floor_latencies = await compare(
            session.alice, [Target(room, responder=peer.user_id), Target(echo_room)], numbered_commands(),
            sizes.latency_n, sizes.warmup)
    finally:
        peer.process.stop()
    return PeerResult(NAME, LatencyResult(COMMAND, bot_latencies, floor_latencies))
