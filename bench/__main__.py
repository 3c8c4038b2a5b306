"""`python -m bench [--quick] [--out bench/RESULTS.md] [--workdir DIR] [--peer-python PATH]`: run the benchmark,
print and save the table."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bench.report import markdown
from bench.runner import run_benchmark
from bench.sizes import FULL, QUICK

DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmark eventbot against a real Synapse.")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test, well under a minute)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the table (default {DEFAULT_OUT})")
    parser.add_argument("--workdir", type=Path, help="keep Synapse, bot data and logs in DIR (default: temporary)")
    parser.add_argument("--peer-python", default=sys.executable,
                        help="the Python of a venv with matrix-reminder-bot installed, to measure it as the peer "
                             "(default: this Python)")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    report = asyncio.run(run_benchmark(QUICK if args.quick else FULL, args.workdir, args.peer_python))
    text = markdown(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.out}", file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
