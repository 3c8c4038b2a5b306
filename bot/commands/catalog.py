"""Every command family of the bot, in the order `!help` lists them."""

from __future__ import annotations

from bot.commands import Registry, events, meetups
from bot.commands.deadlines import DEADLINE
from bot.commands.help import HELP
from bot.commands.roundup import ROUNDUP
from bot.commands.settings import SETTINGS


def build_registry() -> Registry:
    return Registry([events.EVENT, meetups.MEETUP, DEADLINE, ROUNDUP, SETTINGS, HELP], reactions=events.REACTIONS)
