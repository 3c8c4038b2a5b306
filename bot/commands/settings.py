"""`!settings`: per-room approval, time zone, @room in reminders and reply language (moderators change them)."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Command, Context, UsageError, UserError, redo_on_edit
from bot.config import valid_zone
from bot.i18n import TRANSLATORS, Translator
from bot.locales import LANGUAGES
from bot.text import Rich

_ON = ("on", "an", "ein", "ja", "yes", "true")
_OFF = ("off", "aus", "nein", "no", "false")


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


@redo_on_edit("rerun")
async def settings_command(context: Context, args: str) -> Rich:
    words = args.split()
    if not words:
        return _show(context)
    if len(words) != 2:
        raise UsageError()
    key, value = words[0].casefold(), words[1]
    if key in ("approval", "freigabe"):
        if value.casefold() not in _ON + _OFF:
            raise UsageError()
        context.require_moderator()
        settings = replace(context.settings, approval=value.casefold() in _ON)
    elif key in ("roommention", "@room", "raumerwähnung", "alle"):
        if value.casefold() not in _ON + _OFF:
            raise UsageError()
        context.require_moderator()
        settings = replace(context.settings, room_mention=value.casefold() in _ON)
    elif key in ("timezone", "zeitzone", "tz"):
        if not valid_zone(value):
            raise UserError(context.t("settings_bad_zone", value=value[:60]))
        context.require_moderator()
        settings = replace(context.settings, timezone=value)
    elif key in ("language", "sprache", "lang"):
        if value.casefold() not in LANGUAGES:
            languages = ", ".join(_named(TRANSLATORS[language]) for language in LANGUAGES)
            raise UserError(context.t("settings_bad_language", value=value[:20], languages=languages))
        context.require_moderator()
        settings = replace(context.settings, language=value.casefold())
    else:
        raise UsageError()
    await context.storage.save_room_settings(settings)
    # the answer already speaks the room's new language
    t = TRANSLATORS[settings.language or context.config.bot.language]
    return t("settings_saved") + _show(replace(context, settings=settings, t=t))


SETTINGS = Command(
    name="settings",
    aliases=("einstellungen",),
    usage=f"settings [approval on|off | timezone <zone> | roommention on|off | language {'|'.join(LANGUAGES)}]",
    handler=settings_command,
    example="settings approval on",
    help={
        "de": "zeigt oder ändert die Einstellungen des Raums: Freigabe, Zeitzone, @room, Sprache (Moderation)",
        "en": "shows or changes the room's settings: approval, time zone, @room, language (moderators)",
    },
)
