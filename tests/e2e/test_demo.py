"""The README's first command: `eventbot demo` starts its own homeserver and chats with the bot."""

from __future__ import annotations

import subprocess
import sys


def test_demo_answers_help_typed_in_the_terminal():
    typed = "!help\n!event add Demo | morgen 19 Uhr | online\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"], input=typed, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "eventbot: Befehle von eventbot" in result.stdout
    assert "Eingetragen als #1" in result.stdout
    assert result.stdout.rstrip().endswith("bye")


def test_cli_help_lists_the_commands():
    result = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("run", "check-config", "demo", "roundup"):
        assert command in result.stdout
