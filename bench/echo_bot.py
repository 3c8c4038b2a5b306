"""The floor: a minimal matrix-nio bot that answers every text message at once with a notice in reply to it.

`python -m bench.echo_bot --homeserver URL --user-id @echo:server [--shaped]` (password in ECHO_BOT_PASSWORD). It
joins every room it is invited to, ignores what happened before it started, and logs READY_LINE once it is syncing.
With `--shaped` its answers have the shape of eventbot's: an HTML body of a few lines that mentions the sender
(what such an answer costs the homeserver, without any of eventbot's work).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import os
import signal
import sys
from typing import Any

from nio import AsyncClient, LoginResponse, RoomSendResponse, SyncResponse

from bench.gaps import timeline_sources

READY_LINE = "echo bot is ready"
SYNC_FILTER = {"room": {"timeline": {"limit": 100}}}
LONG_POLL_MS = 30_000


SHAPED_LINES = ("Donnerstag, 04.12.2026, 18:00-21:00", "Ort: WikiBär, Köpenicker Straße 45, 10179 Berlin",
                "Wer kommt? 👍 auf diese Nachricht.")


def answer_to(source: dict[str, Any], own_user_id: str, *, shaped: bool = False) -> dict[str, Any] | None:
    """The notice answering a timeline event, or None when it is not someone else's text message."""
    content = source.get("content")
    if (source.get("type") != "m.room.message" or source.get("sender") == own_user_id
            or not isinstance(content, dict) or content.get("msgtype") != "m.text"):
        return None
    echoed = str(content.get("body", ""))[:100]
    answer: dict[str, Any] = {"msgtype": "m.notice", "body": "echo: " + echoed,
                              "m.relates_to": {"m.in_reply_to": {"event_id": source.get("event_id")}}}
    if shaped:
        lines = [f"echo: {echoed}", *SHAPED_LINES]
        answer.update(body="\n".join(lines), format="org.matrix.custom.html",
                      formatted_body="<b>echo</b>: " + "<br>".join(html.escape(line) for line in
                                                                  [echoed, *SHAPED_LINES]))
        answer["m.mentions"] = {"user_ids": [source.get("sender")]}
    return answer


async def handle(client: AsyncClient, response: SyncResponse, since: str, shaped: bool) -> None:
    """Join invited rooms; answer each new text message, in timeline order (a limited timeline's gap filled, as
    eventbot does too)."""
    for room_id in response.rooms.invite:
        await client.join(room_id)
    for room_id, room in response.rooms.join.items():
        for source in await timeline_sources(client, room_id, room, since):
            content = answer_to(source, client.user_id, shaped=shaped)
            if content is not None:
                sent = await client.room_send(room_id, "m.room.message", content)
                if not isinstance(sent, RoomSendResponse):
                    print(f"could not answer in {room_id}: {sent}", flush=True)


async def run(homeserver: str, user_id: str, password: str, shaped: bool) -> None:
    client = AsyncClient(homeserver, user_id)
    try:
        login = await client.login(password, device_name="echo")
        if not isinstance(login, LoginResponse):
            raise SystemExit(f"login failed: {login}")
        first = await client.sync(timeout=0, sync_filter=SYNC_FILTER)
        if not isinstance(first, SyncResponse):
            raise SystemExit(f"first sync failed: {first}")
        for room_id in first.rooms.invite:  # invited before the start: join, but answer nothing old
            await client.join(room_id)
        since = first.next_batch
        print(READY_LINE, flush=True)
        while True:
            response = await client.sync(timeout=LONG_POLL_MS, since=since, sync_filter=SYNC_FILTER)
            if not isinstance(response, SyncResponse):
                await asyncio.sleep(0.5)
                continue
            await handle(client, response, since, shaped)
            since = response.next_batch
    finally:
        await client.close()


async def main_async(args: argparse.Namespace) -> None:
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await run(args.homeserver, args.user_id, os.environ["ECHO_BOT_PASSWORD"], args.shaped)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_bot", description=__doc__.splitlines()[0])
    parser.add_argument("--homeserver", required=True)
    parser.add_argument("--user-id", required=True)
    parser.add_argument("--shaped", action="store_true", help="answer in the shape of eventbot's answers")
    asyncio.run(main_async(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
