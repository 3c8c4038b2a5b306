"""End-to-end harness: a real Synapse (one per session), real bot processes, real nio clients."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, AsyncClientConfig, RoomCreateResponse, RoomSendResponse

from bot.homeserver import Homeserver, RegisteredUser
from bot.matrix import crypto_housekeeping

READY_LINE = "eventbot is ready"
# large enough that a test's burst never comes as a "limited" (gappy) timeline
CLIENT_FILTER = {"room": {"timeline": {"limit": 1000}}}


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    server = Homeserver(tmp_path_factory.mktemp("synapse"))
    server.start()
    yield server
    server.stop()


def unique(name: str) -> str:
    return f"{name}_{uuid.uuid4().hex[:8]}"


class BotProcess:
    """`python -m bot run` as a child process with its own config and data directory."""

    def __init__(
        self,
        homeserver: Homeserver,
        directory: Path,
        user: RegisteredUser,
        extra: str = "",
        rate_limit: int | None = 1000,
    ) -> None:
        self.directory = directory
        self.user = user
        self.config_path = directory / "config.toml"
        self.log_path = directory / "bot.log"
        self.config_path.write_text(
            f'[matrix]\nhomeserver = "{homeserver.url}"\nuser_id = "{user.user_id}"\n'
            f'password = "{user.password}"\n\n[bot]\ndata_dir = "data"\n'
            + (
                f"rate_limit_per_minute = {rate_limit}\nrate_limit_burst = {rate_limit}\n"
                if rate_limit is not None
                else ""
            )
            + f'log_level = "INFO"\n{extra}'
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, wait_ready: bool = True, timeout: float = 30) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(self.config_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
            )
        if wait_ready:
            self.wait_for_log(READY_LINE, timeout, offset)

    def wait_for_log(self, text: str, timeout: float = 30, offset: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log(offset):
                return
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"bot exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not in the bot's log within {timeout} s:\n{self.log()[-3000:]}")

    def log(self, offset: int = 0) -> str:
        return self.log_path.read_bytes()[offset:].decode(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


class ChatUser:
    """A real matrix-nio client of a test user that records everything the bot says."""

    def __init__(self, homeserver: Homeserver, user: RegisteredUser, store_path: Path | None = None) -> None:
        self.user = user
        config = AsyncClientConfig(
            encryption_enabled=store_path is not None, store_sync_tokens=False, max_timeout_retry_wait_time=2
        )
        self.client = AsyncClient(
            homeserver.url, user.user_id, config=config, store_path=str(store_path) if store_path else ""
        )
        self.client.restore_login(user.user_id, user.device_id, user.access_token)
        self.events: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await crypto_housekeeping(self.client)
        first = await self.client.sync(timeout=0)
        self._since = first.next_batch  # type: ignore[union-attr]
        self._task = asyncio.create_task(self._sync_loop())

    async def _sync_loop(self) -> None:
        while True:
            response = await self.client.sync(timeout=5000, since=self._since, sync_filter=CLIENT_FILTER)
            next_batch = getattr(response, "next_batch", None)
            if next_batch is None:
                await asyncio.sleep(0.2)
                continue
            self._since = next_batch
            await crypto_housekeeping(self.client)
            new = [event.source for room in response.rooms.join.values() for event in room.timeline.events]
            for room_id, room in response.rooms.join.items():
                for event in room.timeline.events:
                    event.source.setdefault("room_id", room_id)
            if new:
                async with self._changed:
                    self.events.extend(new)
                    self._changed.notify_all()

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
        await self.client.close()

    async def create_room(self, invite: list[str], **kwargs: Any) -> str:
        response = await self.client.room_create(invite=invite, **kwargs)
        assert isinstance(response, RoomCreateResponse), response
        return response.room_id

    async def join(self, room_id: str) -> None:
        await self.client.join(room_id)

    async def send(self, room_id: str, body: str, **extra: Any) -> str:
        content = {"msgtype": "m.text", "body": body, **extra}
        response = await self.client.room_send(room_id, "m.room.message", content, ignore_unverified_devices=True)
        assert isinstance(response, RoomSendResponse), response
        return response.event_id

    async def react(self, room_id: str, target: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}}
        response = await self.client.room_send(room_id, "m.reaction", content)
        assert isinstance(response, RoomSendResponse), response
        return response.event_id

    def replies_to(self, event_id: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.events
            if e.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id") == event_id
        ]

    async def wait_for(self, predicate: Any, timeout: float = 10) -> list[dict[str, Any]]:
        """Wait until predicate(events) is truthy; returns the matching events."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self.events)), timeout)
            except TimeoutError:
                raise AssertionError(f"timed out; {len(self.events)} events seen") from None
        return [e for e in self.events if predicate([e])]

    async def reply_to(self, event_id: str, timeout: float = 10) -> dict[str, Any]:
        """The bot's single reply to one of our messages."""
        await self.wait_for(lambda events: any(self._is_reply(e, event_id) for e in events), timeout)
        return next(e for e in self.events if self._is_reply(e, event_id))

    async def ask(self, room_id: str, body: str, timeout: float = 10) -> str:
        """Send a command and return the text of the bot's reply."""
        event_id = await self.send(room_id, body)
        return (await self.reply_to(event_id, timeout))["content"]["body"]

    @staticmethod
    def _is_reply(event: dict[str, Any], event_id: str) -> bool:
        return event.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id") == event_id


@pytest.fixture
def server(homeserver: Homeserver) -> Homeserver:
    """The homeserver a test talks to; a test module may override this with its own."""
    return homeserver


@pytest.fixture
def make_bot(server: Homeserver, tmp_path: Path) -> Iterator[Any]:
    homeserver = server
    bots: list[BotProcess] = []

    def make(extra: str = "", start: bool = True, rate_limit: int | None = 1000) -> BotProcess:
        """A bot process; rate_limit=None keeps the default command limits."""
        user = homeserver.register(unique("eventbot"))
        directory = tmp_path / f"bot{len(bots)}"
        directory.mkdir()
        bot = BotProcess(homeserver, directory, user, extra, rate_limit)
        bots.append(bot)
        if start:
            bot.start()
        return bot

    yield make
    for bot in bots:
        bot.stop()


@pytest.fixture
async def make_user(server: Homeserver) -> AsyncIterator[Any]:
    homeserver = server
    users: list[ChatUser] = []

    async def make(name: str = "user", store_path: Path | None = None) -> ChatUser:
        chat = ChatUser(homeserver, homeserver.register(unique(name)), store_path)
        await chat.start()
        users.append(chat)
        return chat

    yield make
    for chat in users:
        await chat.close()


async def wait_joined(chat: ChatUser, room_id: str, bot_user_id: str, timeout: float = 5) -> float:
    """Seconds until the bot's join shows up in the room."""
    started = time.monotonic()
    await chat.wait_for(
        lambda events: any(
            e.get("type") == "m.room.member"
            and e.get("state_key") == bot_user_id
            and e.get("content", {}).get("membership") == "join"
            and e.get("room_id") == room_id
            for e in events
        ),
        timeout,
    )
    return time.monotonic() - started


@pytest.fixture
def joined() -> Any:
    return wait_joined


@pytest.fixture
async def room(make_bot, make_user, joined) -> tuple[BotProcess, ChatUser, ChatUser, str]:
    """A room made by alice (power 100) with bob (power 0) and a running bot."""
    bot = make_bot()
    alice = await make_user("alice")
    bob = await make_user("bob")
    room_id = await alice.create_room(invite=[bot.user.user_id, bob.user.user_id])
    await bob.join(room_id)
    await joined(alice, room_id, bot.user.user_id)
    return bot, alice, bob, room_id
