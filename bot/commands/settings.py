"""`!settings`: per-room approval, time zone, @room in reminders and reply language (moderators change them)."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Command, Context, UserError, command, family
from bot.commands.args import Choice, Switch, Word
from bot.config import valid_zone
from bot.i18n import TRANSLATORS, Translator
from bot.locales import LANGUAGES
from bot.storage import RoomSettings
from bot.text import Rich


def _named(t: Translator) -> str:
    """`Deutsch (de)`: a language by its own name and its code."""
    return f"{t.raw('language_name')} ({t.language})"


def _show(context: Context) -> Rich:
    t, settings = context.t, context.settings
    return t(
        "settings_show",
        approval=t.raw("on" if settings.approval else "off"),
        timezone=str(context.tz),
        room_mention=t.raw("on" if settings.room_mention else "off"),
        language=_named(t),
    )


async def _save(context: Context, settings: RoomSettings) -> Rich:
    await context.storage.save_room_settings(settings)
    # the answer already speaks the room's new language
    t = TRANSLATORS[settings.language or context.config.bot.language]
    return t("settings_saved") + _show(replace(context, settings=settings, t=t))


def _unknown_language(context: Context, value: str) -> UserError:
    languages = ", ".join(_named(TRANSLATORS[language]) for language in LANGUAGES)
    return UserError(context.t("settings_bad_language", value=value[:20], languages=languages))


@command("settings show", examples="settings", on_edit="rerun")
async def show_settings(context: Context) -> Rich:
    return _show(context)


@command("settings approval", Switch(), examples="settings approval on", on_edit="rerun")
async def set_approval(context: Context, on: bool) -> Rich:
    context.require_moderator()
    return await _save(context, replace(context.settings, approval=on))


@command(
    "settings timezone",
    Word("zone", example="Europe/Berlin"),
    examples="settings timezone Europe/Berlin",
    on_edit="rerun",
)
async def set_timezone(context: Context, zone: str) -> Rich:
    if not valid_zone(zone):
        raise UserError(context.t("settings_bad_zone", value=zone[:60]))
    context.require_moderator()
    return await _save(context, replace(context.settings, timezone=zone))


@command("settings roommention", Switch(), examples="settings roommention on", on_edit="rerun")
async def set_room_mention(context: Context, on: bool) -> Rich:
    context.require_moderator()
    return await _save(context, replace(context.settings, room_mention=on))


@command(
    "settings language",
    Choice("language", group="language", choices=LANGUAGES, refuse=_unknown_language),
    examples=f"settings language {LANGUAGES[-1]}",
    on_edit="rerun",
)
async def set_language(context: Context, language: str) -> Rich:
    context.require_moderator()
    return await _save(context, replace(context.settings, language=language))


SETTINGS: Command = family(
    "settings",
    show_settings,
    set_approval,
    set_timezone,
    set_room_mention,
    set_language,
    default=show_settings,
    examples=("settings approval on",),
)
