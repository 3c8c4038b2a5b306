"""`eventbot demo`: a throwaway Synapse, the bot, and a terminal chat as a demo user."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.homeserver import Homeserver, HomeserverError, synapse_available

log = logging.getLogger(__name__)
REPLY_WAIT_S = 15.0


DEMO_PAGE = "demo"  # the public name of the demo room's page


def _free_port() -> int:
    """A loopback port nobody listens on right now (for the demo's calendar page)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_config(directory: Path, homeserver: str, user_id: str, password: str, language: str, http_port: int) -> Path:
    path = directory / "config.toml"
    path.write_text(
        f'[matrix]\nhomeserver = "{homeserver}"\nuser_id = "{user_id}"\npassword = "{password}"\n\n'
        f'[bot]\ndata_dir = "bot-data"\nlanguage = "{language}"\n\n'
        f'[http]\nenabled = true\nhost = "127.0.0.1"\nport = {http_port}\n'
    )
    return path


class TerminalChat:
    """The demo user: sends what is typed, prints what the bot answers."""

    def __init__(self, client: Any, room_id: str, bot_id: str) -> None:
        self.client = client
        self.room_id = room_id
        self.bot_id = bot_id
        self.waiting: set[str] = set()
        self.answered = asyncio.Event()

    async def listen(self, since: str) -> None:
        while True:
            response = await self.client.sync(
                timeout=10_000, since=since, sync_filter={"room": {"timeline": {"limit": 200}}}
            )
            since = getattr(response, "next_batch", since)
            room = getattr(response, "rooms", None) and response.rooms.join.get(self.room_id)
            for event in room.timeline.events if room else []:
                source = event.source
                if source.get("sender") != self.bot_id or source.get("type") != "m.room.message":
                    continue
                print(f"\neventbot: {source['content'].get('body', '')}\n", flush=True)
                target = source["content"].get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")
                self.waiting.discard(target)
                self.answered.set()

    async def send(self, text: str) -> None:
        response = await self.client.room_send(self.room_id, "m.room.message", {"msgtype": "m.text", "body": text})
        if getattr(response, "event_id", None):
            self.waiting.add(response.event_id)

    async def drain(self) -> None:
        """Wait until every sent command has its answer (bounded)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_WAIT_S
        while self.waiting and loop.time() < deadline:
            self.answered.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.answered.wait(), deadline - loop.time())


async def _chat(directory: Path, server: Homeserver, language: str) -> None:
    from nio import AsyncClient

    from bot.app import EventBot
    from bot.config import load_config
    from bot.matrix import MatrixGateway
    from bot.storage import Storage

    bot_user = server.register("eventbot")
    demo_user = server.register("demo")
    config = load_config(
        _write_config(directory, server.url, bot_user.user_id, bot_user.password, language, _free_port())
    )
    config.bot.data_dir.mkdir(parents=True, exist_ok=True)
    storage = await Storage.open(config.bot.database_path)
    gateway = MatrixGateway(config.matrix, storage, crypto_dir=config.bot.data_dir / "crypto")
    bot = EventBot(config, storage, gateway)
    bot_task = asyncio.create_task(bot.run())
    client = AsyncClient(server.url, demo_user.user_id)
    client.restore_login(demo_user.user_id, demo_user.device_id, demo_user.access_token)
    try:
        await asyncio.wait_for(bot.ready.wait(), 30)
        created = await client.room_create(name="eventbot demo", invite=[bot_user.user_id])
        room_id = created.room_id
        first = await client.sync(timeout=0)
        chat = TerminalChat(client, room_id, bot_user.user_id)
        listener = asyncio.create_task(chat.listen(first.next_batch))
        await _wait_for_join(client, room_id, bot_user.user_id)
        await storage.publish(room_id, DEMO_PAGE)  # as `!calendar publish demo` would
        print(
            f"eventbot demo: you are {demo_user.user_id}, chatting with {bot_user.user_id} "
            f"on a throwaway Synapse at {server.url}.\n"
            f"The room's public calendar page: {config.http.base_url}/{DEMO_PAGE}/ (open it in a browser).\n"
            "Type !help (Ctrl-D or Ctrl-C to quit).\n",
            flush=True,
        )
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            if line.strip():
                await chat.send(line.rstrip("\n"))
        await chat.drain()
        listener.cancel()
    finally:
        bot.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(bot_task, 10)
        await client.close()
        await gateway.close()
        await storage.close()


async def _wait_for_join(client: Any, room_id: str, user_id: str) -> None:
    for _ in range(100):
        members = await client.joined_members(room_id)
        if any(member.user_id == user_id for member in getattr(members, "members", [])):
            return
        await asyncio.sleep(0.1)
    raise HomeserverError(f"{user_id} did not join the demo room")


def run_demo(keep: str | None, language: str = "de") -> int:
    """Run the demo; returns the process exit status."""
    if not synapse_available():
        print("eventbot demo needs Synapse: pip install -e '.[demo]'", file=sys.stderr)
        return 1
    directory = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="eventbot-demo-"))
    if keep and directory.exists() and any(directory.iterdir()):
        print(f"{directory} is not empty; give --keep a new directory", file=sys.stderr)
        return 2
    directory.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.WARNING, filename=directory / "bot.log", format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    server = Homeserver(directory / "synapse")
    print("Starting a throwaway Synapse homeserver on loopback ...", flush=True)
    try:
        server.start()
        asyncio.run(_chat(directory, server, language))
    except KeyboardInterrupt:
        pass
    except HomeserverError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)
    print("bye", flush=True)
    return 0
