"""The bot's words in each language (one catalog per language in `bot/locales/`), and dates as each language writes
them (via Babel)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date, datetime
from importlib import import_module

from babel.dates import format_date

from bot.locales import LANGUAGES
from bot.text import Rich, fill

CATALOGS = {language: import_module(f"bot.locales.{language}") for language in LANGUAGES}
KEYS: frozenset[str] = frozenset(CATALOGS[LANGUAGES[0]].MESSAGES)


@functools.cache
def words(key: str) -> tuple[str, ...]:
    """The words every catalog accepts for a keyword (`switch.on`, `field.title`, `command.event.add`), in the
    order of LANGUAGES: commands understand every language the bot speaks, whatever a room's language."""
    found = (word for language in LANGUAGES for word in CATALOGS[language].WORDS.get(key, ()))
    return tuple(dict.fromkeys(found))


_PLACEHOLDER = re.compile(r"([<\[])([^<>\[\]|]+)([>\]])")


@functools.lru_cache(maxsize=4096)
def _day(day: date, language: str) -> str:
    """A date with its weekday, as the language writes it (cached: lists and roundups repeat days)."""
    return format_date(day, "EEEE, dd.MM.yyyy" if language == "de" else "EEEE, d MMM yyyy", locale=language)


class Translator:
    """Messages and dates in one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        catalog = CATALOGS[language]
        self._messages: Mapping[str, str] = catalog.MESSAGES
        self._placeholders: Mapping[str, str] = catalog.PLACEHOLDERS

    def __call__(self, key: str, **params: str | int | Rich) -> Rich:
        return fill(self._messages[key], **params)

    def count(self, key: str, count: int, **params: str | int | Rich) -> Rich:
        """A message about `count` things: its `_one` form (where it has one) for exactly one."""
        singular = f"{key}_one"
        return self(singular if count == 1 and singular in KEYS else key, count=count, **params)

    def raw(self, key: str) -> str:
        return self._messages[key]

    def usage(self, usage: str) -> str:
        """A usage line with its argument names in this language: `event list [Monat] [Jahr]`."""
        names = self._placeholders
        return _PLACEHOLDER.sub(lambda m: m[1] + names.get(m[2], m[2]) + m[3], usage)

    def month(self, year: int, month: int) -> str:
        """`November 2025` (the month's standalone name, as in headings)."""
        return format_date(date(year, month, 1), "LLLL yyyy", locale=self.language)

    def date(self, value: datetime) -> str:
        """`Donnerstag, 04.12.2025` / `Thursday, 4 Dec 2025` (the wall-clock date of `value`)."""
        return _day(value.date(), self.language)

    @staticmethod
    def time(value: datetime) -> str:
        return value.strftime("%H:%M")

    def when(self, start: datetime, end: datetime | None, all_day: bool) -> str:
        """`Donnerstag, 04.12.2025, 18:00-21:00`; several days `..., 13:00, bis Freitag, 05.12.2025, 13:00`."""
        until = self.raw("until")
        if all_day:
            if end is None or end.date() == start.date():
                return self.date(start)
            return f"{self.date(start)}, {until} {self.date(end)}"
        if end is None or end == start:
            return f"{self.date(start)}, {self.time(start)}"
        if end.date() == start.date():
            return f"{self.date(start)}, {self.time(start)}-{self.time(end)}"
        return f"{self.date(start)}, {self.time(start)}, {until} {self.date(end)}, {self.time(end)}"

    def place_and_link(self, place: str | None, online: bool, link: str | None) -> list[Rich]:
        """`Ort: ...` and `Link: ...` lines, as far as they are known."""
        shown = self.place(place, online)
        lines = [Rich.plain(f"{self.raw('label_place')}: {shown}")] if shown else []
        if link:
            lines.append(Rich.plain(f"{self.raw('label_link')}: {link}"))
        return lines

    def place(self, place: str | None, online: bool) -> str | None:
        """`online`, `<place> und auch online`, the place, or None."""
        if place and online:
            return self.raw("place_also_online").format(place=place)
        return place or (self.raw("place_online") if online else None)


TRANSLATORS: Mapping[str, Translator] = {language: Translator(language) for language in LANGUAGES}
"""One Translator per language, shared by every room that speaks it."""
