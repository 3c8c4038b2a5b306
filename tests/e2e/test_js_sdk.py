"""Threads as Element sees them: a real matrix-js-sdk client (the library under Element Web) files the bot's answer
to a command sent in a thread in that thread, and the answer to a command in the main timeline in the main timeline.

Needs Node and matrix-js-sdk@34 in .cache/npm, which `bash scripts/test` installs (or set EVENTBOT_MATRIX_JS_SDK to
the SDK's lib/index.js); without them the test fails, it never skips."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).parent / "js" / "thread_check.mjs"
MATRIX_JS_SDK = Path(
    os.environ.get("EVENTBOT_MATRIX_JS_SDK") or REPO / ".cache/npm/node_modules/matrix-js-sdk/lib/index.js"
)
HINT = (
    "`bash scripts/test` installs it (npm install --prefix .cache/npm matrix-js-sdk@34), or set EVENTBOT_MATRIX_JS_SDK"
)


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is missing; `bash scripts/test` installs Node (apt) and matrix-js-sdk@34 (npm)")
    if not MATRIX_JS_SDK.is_file():
        pytest.fail(f"matrix-js-sdk is missing at {MATRIX_JS_SDK}; {HINT}")
    return found


async def where_js_sdk_files(
    server: Any, chat: Any, room: str, root: str, event_id: str, expect: str
) -> tuple[int, dict[str, Any]]:
    """Run thread_check.mjs as `chat`: its exit code and its findings about event_id."""
    command = [node(), str(SCRIPT), "--expect", expect, server.url, chat.user.user_id, chat.client.access_token]
    result = await asyncio.to_thread(
        subprocess.run,
        [*command, room, root, event_id],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MATRIX_JS_SDK": str(MATRIX_JS_SDK), "TIMEOUT_MS": "30000"},
    )
    lines = result.stdout.strip().splitlines()
    assert lines, f"thread_check.mjs printed nothing (exit {result.returncode}):\n{result.stderr[-3000:]}"
    return result.returncode, json.loads(lines[-1])


async def test_js_sdk_files_a_thread_answer_in_its_thread_and_a_plain_answer_in_the_main_timeline(room, server):
    node()  # fails at once, not after the conversation, when Node or the SDK is missing
    bot, alice, _bob, room = room
    root = await alice.send(room, "Planung fürs Frühjahr")
    command = await alice.send(  # as Element sends a message in a thread
        room,
        "!help",
        **{
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root},
            }
        },
    )
    in_thread = await alice.reply_to(command)
    assert in_thread["sender"] == bot.user.user_id
    assert in_thread["content"]["m.relates_to"]["rel_type"] == "m.thread"
    plain = await alice.reply_to(await alice.send(room, "!help"))
    assert "rel_type" not in plain["content"]["m.relates_to"]

    code, findings = await where_js_sdk_files(server, alice, room, root, in_thread["event_id"], "thread")
    assert code == 0 and findings["ok"], findings
    assert findings["root_in_main_timeline"] and not findings["in_main_timeline"], findings
    assert findings["in_thread"] and findings["thread_root_id"] == root, findings
    assert findings["threads_holding_event"] == [root], findings

    code, findings = await where_js_sdk_files(server, alice, room, root, plain["event_id"], "main")
    assert code == 0 and findings["ok"], findings
    assert findings["in_main_timeline"] and not findings["threads_holding_event"], findings
    assert findings["thread_root_id"] is None, findings

    # the check can fail: asked to find the plain answer in the thread, it says no
    code, findings = await where_js_sdk_files(server, alice, room, root, plain["event_id"], "thread")
    assert code == 1 and not findings["ok"] and findings["in_main_timeline"], findings
