"""`!settings`: per-room approval and time zone (moderators change them)."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Command, Context, UsageError, UserError, redo_on_edit
from bot.config import valid_zone
from bot.text import Rich

_ON = ("on", "an", "ein", "ja", "yes", "true")
_OFF = ("off", "aus", "nein", "no", "false")


def _show(context: Context) -> Rich:
    t, settings = context.t, context.settings
    return t(
        "settings_show",
        approval=t.raw("on" if settings.approval else "off"),
        timezone=str(context.tz),
        room_mention=t.raw("on" if settings.room_mention else "off"),
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
    else:
        raise UsageError()
    await context.storage.save_room_settings(settings)
    return context.t("settings_saved") + _show(replace(context, settings=settings))


SETTINGS = Command(
    name="settings",
    aliases=("einstellungen",),
    usage="settings [approval on|off | timezone <zone> | roommention on|off]",
    handler=settings_command,
    example="settings approval on",
    help={
        "de": "zeigt oder ändert die Einstellungen des Raums (Moderation)",
        "en": "shows or changes the room's settings (moderators)",
    },
)
