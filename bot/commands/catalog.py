"""Every command family of the bot, in the order `!help` lists them."""

from __future__ import annotations

from bot.commands import Registry
from bot.commands.help import HELP


def build_registry() -> Registry:
    return Registry([HELP])
