"""Smoke test of the benchmark suite: `python -m bench --quick` runs to the end and writes its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = "| Measure | eventbot | Floor | Ratio | Goal | Met |"
SECTIONS = (
    "Commands: `!event add` latency",
    "in eventbot's shape",
    "Burst",
    "Reminders",
    "Roundup render",
    "`!event list` latency",
    "handled in-process",
    "memory (VmRSS)",
    "start-up",
    "Peer",
    "Room B during a slow import in room A",
    "Hostile calendars",
)


def test_quick_benchmark_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    text = out.read_text(encoding="utf-8")
    assert HEADINGS in text
    for section in SECTIONS:
        assert section in text, section
    assert "could not finish" not in text
    lost = [line for line in text.splitlines() if " lost" in line or "unanswered" in line]
    assert lost, text
    assert all("❌" not in line for line in lost), lost
