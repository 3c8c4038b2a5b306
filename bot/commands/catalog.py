"""Every command family of the bot, in the order `!help` lists them."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Registry, events, meetups, rsvp
from bot.commands.deadlines import DEADLINE
from bot.commands.help import HELP
from bot.commands.roundup import ROUNDUP
from bot.commands.settings import SETTINGS


def build_registry() -> Registry:
    event = replace(events.EVENT, subcommands=(*events.EVENT.subcommands, rsvp.EVENT_WHO))
    meetup = replace(meetups.MEETUP, subcommands=(*meetups.MEETUP.subcommands, rsvp.MEETUP_WHO))
    return Registry([event, meetup, DEADLINE, ROUNDUP, rsvp.REMINDERS, SETTINGS, HELP],
                    reactions={**events.REACTIONS, rsvp.RSVP_KEY: rsvp.rsvp_by_reaction},
                    on_redaction=rsvp.withdraw_by_redaction)
