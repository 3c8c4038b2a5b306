"""The bot's words in German and English, and dates written the way each language writes them (via Babel)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from babel.dates import format_datetime

from bot.text import Rich, fill

MESSAGES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    # dispatcher
    "unknown_command": {
        "de": "Unbekannter Befehl `{command}`. `{prefix}help` zeigt alle Befehle.",
        "en": "Unknown command `{command}`. `{prefix}help` lists all commands.",
    },
    "usage": {"de": "So geht es: `{usage}`", "en": "Usage: `{usage}`"},
    "usage_list": {"de": "So geht es:", "en": "Usage:"},
    "example": {"de": "Beispiel: `{example}`", "en": "Example: `{example}`"},
    "internal_error": {
        "de": "Das hat leider nicht geklappt: ein interner Fehler (Referenz {code}). "
              "Bitte melde die Referenz den Betreibern des Bots.",
        "en": "Sorry, that did not work: an internal error (reference {code}). "
              "Please pass the reference on to the bot's operators.",
    },
    "storage_error": {
        "de": "Die Datenbank ist gerade nicht verfügbar (Referenz {code}); es wurde nichts gespeichert. "
              "Bitte versuche es gleich noch einmal.",
        "en": "The database is unavailable right now (reference {code}); nothing was saved. "
              "Please try again in a moment.",
    },
    "rate_limited": {
        "de": "Langsam, bitte: höchstens {limit} Befehle pro Minute. Weitere Befehle ignoriere ich kurz.",
        "en": "Slow down, please: at most {limit} commands per minute. I will ignore further commands briefly.",
    },
    "too_long": {
        "de": "Die Nachricht ist zu lang ({length} Zeichen, höchstens {limit}).",
        "en": "The message is too long ({length} characters, at most {limit}).",
    },
    "not_allowed": {
        "de": "Das dürfen nur {who}.",
        "en": "Only {who} may do that.",
    },
    "who_moderators": {"de": "Moderator:innen dieses Raums", "en": "moderators of this room"},
    "who_owner_or_moderators": {
        "de": "die Person, die es eingetragen hat, und Moderator:innen dieses Raums",
        "en": "the person who submitted it and moderators of this room",
    },
    # help
    "help_header": {"de": "**Befehle von eventbot**", "en": "**eventbot commands**"},
    "help_footer": {
        "de": "Mehr zu einem Befehl: `{prefix}help <Befehl>`",
        "en": "More about one command: `{prefix}help <command>`",
    },
    "help_aliases": {"de": "Auch: {aliases}", "en": "Also: {aliases}"},
    # when parsing
    "when_unreadable": {
        "de": "Ich kann „{fragment}“ nicht als Datum/Uhrzeit lesen.",
        "en": "I cannot read \u201c{fragment}\u201d as a date/time.",
    },
    "when_impossible_date": {
        "de": "Das Datum „{fragment}“ gibt es nicht.",
        "en": "The date \u201c{fragment}\u201d does not exist.",
    },
    "when_impossible_time": {
        "de": "Die Uhrzeit „{fragment}“ gibt es nicht (an diesem Tag in {zone}).",
        "en": "The time \u201c{fragment}\u201d does not exist (on that day in {zone}).",
    },
    "when_past": {
        "de": "„{fragment}“ liegt in der Vergangenheit.",
        "en": "\u201c{fragment}\u201d is in the past.",
    },
    "when_end_before_start": {
        "de": "Das Ende „{fragment}“ liegt vor dem Beginn.",
        "en": "The end \u201c{fragment}\u201d is before the start.",
    },
    "when_weekday_mismatch": {
        "de": "„{fragment}“ passt nicht zum Datum.",
        "en": "\u201c{fragment}\u201d does not match the date.",
    },
    "when_examples": {
        "de": "So geht es zum Beispiel: `04.12.2026 18:00-21:00`, `4. Dezember 18 Uhr`, `morgen 19 Uhr`, "
              "`02.12.2026 - 05.12.2026`",
        "en": "For example: `2026-12-04 18:00-21:00`, `4 December 6pm`, `tomorrow 7pm`, `02.12.2026 - 05.12.2026`",
    },
})


class Translator:
    """Messages and dates in one language."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **params: str | int | Rich) -> Rich:
        return fill(MESSAGES[key][self.language], **params)

    def raw(self, key: str) -> str:
        return MESSAGES[key][self.language]

    def date(self, value: datetime) -> str:
        """`Donnerstag, 04.12.2025` / `Thursday, 4 Dec 2025`."""
        pattern = "EEEE, dd.MM.yyyy" if self.language == "de" else "EEEE, d MMM yyyy"
        return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=self.language)

    @staticmethod
    def time(value: datetime) -> str:
        return value.strftime("%H:%M")
