"""One benchmark session: the homeserver's users, the measuring client, the echo bot, and every process started,
all stopped again when the session closes (also on errors and Ctrl-C)."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import echo_bot
from bench.client import BenchClient
from bench.processes import ManagedProcess, eventbot_process
from bot.homeserver import Homeserver, RegisteredUser


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class BotHandle:
    """A bot process and the account it runs as."""

    process: ManagedProcess
    user: RegisteredUser

    @property
    def user_id(self) -> str:
        return self.user.user_id


class Session:
    """Shared pieces of one run; create with `async with Session.open(homeserver, workdir) as session`."""

    def __init__(self, homeserver: Homeserver, workdir: Path, stack: AsyncExitStack) -> None:
        self.homeserver = homeserver
        self.workdir = workdir
        self._stack = stack
        self.alice: BenchClient
        self.echo: BotHandle

    @classmethod
    @asynccontextmanager
    async def open(cls, homeserver: Homeserver, workdir: Path) -> AsyncIterator[Session]:
        async with AsyncExitStack() as stack:
            session = cls(homeserver, workdir, stack)
            session.alice = await session.client("alice", sync=True)
            session.echo = await session.start_echo_bot()
            yield session

    async def register(self, name: str) -> RegisteredUser:
        return await asyncio.to_thread(self.homeserver.register, f"{name}_{uuid.uuid4().hex[:6]}")

    async def client(self, name: str, *, sync: bool = False) -> BenchClient:
        """A new user's client, closed with the session; with sync it records what arrives."""
        client = BenchClient(self.homeserver.url, await self.register(name))
        self._stack.push_async_callback(client.close)
        if sync:
            await client.start_sync()
        return client

    def managed(self, process: ManagedProcess) -> ManagedProcess:
        """Stop the process when the session closes (stopping twice is harmless)."""
        self._stack.callback(process.stop)
        return process

    async def start_eventbot(self, name: str, extra: str = "") -> BotHandle:
        user = await self.register(f"eventbot_{name}")
        process = self.managed(eventbot_process(self.homeserver, user, self.workdir / f"eventbot-{name}", extra))
        await process.start_ready()
        return BotHandle(process, user)

    async def start_echo_bot(self, *, shaped: bool = False) -> BotHandle:
        name = "echo-shaped" if shaped else "echo"
        user = await self.register(name.replace("-", "_"))
        argv = [sys.executable, "-m", "bench.echo_bot", "--homeserver", self.homeserver.url, "--user-id", user.user_id,
                *(["--shaped"] if shaped else [])]
        process = self.managed(ManagedProcess(name, argv, self.workdir / name, echo_bot.READY_LINE,
                                              env={"ECHO_BOT_PASSWORD": user.password}))
        await process.start_ready()
        return BotHandle(process, user)

    async def room_with(self, bot: BotHandle, members: tuple[BenchClient, ...] = ()) -> str:
        """A new room of alice's with the bot (joined) and the given members."""
        room_id = await self.alice.create_room([bot.user_id, *(member.user.user_id for member in members)])
        for member in members:
            await member.join(room_id)
        await self.alice.wait_joined(room_id, bot.user_id)
        return room_id
