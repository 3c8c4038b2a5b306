"""Command line: `eventbot run | check-config | demo`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot import __version__
from bot.config import ConfigError, load_config
from bot.matrix import MatrixLoginError
from bot.storage import StorageError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eventbot",
        description="A Matrix bot for community events: submissions, meetups, reminders, the monthly roundup.",
    )
    parser.add_argument("--version", action="version", version=f"eventbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot")
    run.add_argument("--config", required=True, metavar="PATH", help="the TOML configuration file")
    check = commands.add_parser("check-config", help="validate a configuration file and exit")
    check.add_argument("--config", required=True, metavar="PATH", help="the TOML configuration file")
    roundup = commands.add_parser("roundup", help="write a month's roundup post (Markdown) without Matrix")
    roundup.add_argument("month", help="the month the post reviews: 2025-11, november, 11, ...")
    roundup.add_argument("--config", required=True, metavar="PATH", help="the TOML configuration file")
    roundup.add_argument("--room", metavar="ROOM_ID", help="the room whose events to use (needed if several)")
    roundup.add_argument("--headline", help="headline before 'Out in the Open <Monat> <Jahr>'")
    roundup.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    demo = commands.add_parser("demo", help="start a throwaway homeserver and chat with the bot in the terminal")
    demo.add_argument("--keep", metavar="DIR", help="keep the homeserver and bot data in DIR (default: temporary)")
    demo.add_argument("--language", choices=("de", "en"), default="de", help="language of the bot's replies")
    return parser


def _setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # nio logs every request at INFO; keep its warnings only
    logging.getLogger("nio").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from bot.demo import run_demo

        return run_demo(args.keep, args.language)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    if args.command == "check-config":
        print(f"{args.config}: OK (bot {config.matrix.user_id} on {config.matrix.homeserver})")
        return 0
    if args.command == "roundup":
        from bot.roundup import RoundupUnavailable, write_roundup

        try:
            markdown = asyncio.run(write_roundup(config, args.month, room_id=args.room, headline=args.headline))
        except RoundupUnavailable as exc:
            print(f"eventbot roundup: {exc}", file=sys.stderr)
            return 2
        if args.out:
            with open(args.out, "w", encoding="utf-8") as out:
                out.write(markdown)
        else:
            sys.stdout.write(markdown)
        return 0
    from bot.app import run_bot
    from bot.http import HttpStartError

    _setup_logging(config.bot.log_level)
    try:
        asyncio.run(run_bot(config))
    except HttpStartError as exc:
        logging.getLogger("eventbot").error("%s (set [http] host and port to a free address)", exc)
        return 2
    except (MatrixLoginError, StorageError) as exc:
        logging.getLogger("eventbot").error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
