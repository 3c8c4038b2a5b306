"""Every command family of the bot, in the order `!help` lists them."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Context, Registry, calendar, events, links, meetups, rsvp
from bot.commands.deadlines import DEADLINE
from bot.commands.help import HELP
from bot.commands.roundup import ROUNDUP
from bot.commands.settings import SETTINGS
from bot.dispatch import normalize_reaction
from bot.models import Reaction
from bot.text import Rich


async def approve_by_reaction(context: Context, reaction: Reaction) -> Rich | None:
    """✅ on the bot's answer about a waiting event or link approves it."""
    approved = await events.approve_by_reaction(context, reaction)
    return approved if approved is not None else await links.approve_by_reaction(context, reaction)


def build_registry(link_reaction: str = "🔖") -> Registry:
    """All commands; `link_reaction` (`[links] reaction`) files the link of the message it is put on."""
    event = replace(
        events.EVENT, subcommands=(*events.EVENT.subcommands, rsvp.EVENT_WHO, calendar.EVENT_IMPORT, calendar.EVENT_ICS)
    )
    meetup = replace(meetups.MEETUP, subcommands=(*meetups.MEETUP.subcommands, rsvp.MEETUP_WHO, calendar.MEETUP_ICS))
    return Registry(
        [
            event,
            meetup,
            DEADLINE,
            links.LINK,
            links.SECTION,
            ROUNDUP,
            rsvp.REMINDERS,
            calendar.FEED,
            calendar.CALENDAR,
            SETTINGS,
            HELP,
        ],
        reactions={
            events.APPROVE_KEY: approve_by_reaction,
            rsvp.RSVP_KEY: rsvp.rsvp_by_reaction,
            normalize_reaction(link_reaction): links.file_by_reaction,
        },
        on_redaction=rsvp.withdraw_by_redaction,
    )
