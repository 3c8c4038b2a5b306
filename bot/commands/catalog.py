"""Every command family of the bot, in the order `!help` lists them."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Registry, calendar, events, meetups, rsvp
from bot.commands.deadlines import DEADLINE
from bot.commands.help import HELP
from bot.commands.roundup import ROUNDUP
from bot.commands.settings import SETTINGS


def build_registry() -> Registry:
    event = replace(
        events.EVENT, subcommands=(*events.EVENT.subcommands, rsvp.EVENT_WHO, calendar.EVENT_IMPORT, calendar.EVENT_ICS)
    )
    meetup = replace(meetups.MEETUP, subcommands=(*meetups.MEETUP.subcommands, rsvp.MEETUP_WHO, calendar.MEETUP_ICS))
    return Registry(
        [event, meetup, DEADLINE, ROUNDUP, rsvp.REMINDERS, calendar.FEED, calendar.CALENDAR, SETTINGS, HELP],
        reactions={**events.REACTIONS, rsvp.RSVP_KEY: rsvp.rsvp_by_reaction},
        on_redaction=rsvp.withdraw_by_redaction,
    )
