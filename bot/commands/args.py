"""Typed command arguments: each kind reads its part of a command's text and names itself in the usage line.

A command declares its arguments once, at its handler (`@command("event edit", Item("event"), …)`). The
dispatcher reads the text with them and calls the handler with the values; the usage line, `!help` and the
generated tests come from the same declaration, so a usage line cannot promise what the parser refuses.
Arguments read from the front of the text, one after the other; the last may take the rest (`Text`, `When`,
`Fields`). Text left over after the last argument is a usage error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from babel.dates import format_date

from bot.errors import UsageError, UserError
from bot.i18n import Translator, words
from bot.models import Message
from bot.parsing.fields import FieldError, looks_like_number, parse_number, split_fields
from bot.parsing.months import MonthError, parse_month

if TYPE_CHECKING:
    from bot.commands import Context


@dataclass(frozen=True)
class Arg:
    """One argument: `name` is how usage lines call it (translated by each catalog's PLACEHOLDERS)."""

    name: str
    optional: bool = False
    takes_rest: ClassVar[bool] = False

    def usage(self) -> str:
        return f"[{self.name}]" if self.optional else f"<{self.name}>"

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        """The value at the front of `text` and the text after it; UsageError when it does not fit."""
        raise NotImplementedError

    def sample(self, today: date) -> str:
        """A text this argument reads (for the generated tests)."""
        raise NotImplementedError


def first_word(text: str) -> tuple[str, str]:
    """The first word and the rest (line breaks in the rest kept)."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


# -- the room's items by number --


@dataclass(frozen=True)
class ItemKind:
    """How `#N` of one kind of item is found: by number, or as the item of the bot's message replied to."""

    find: Callable[[Context, int], Awaitable[Any]]
    not_found: str  # the message key, with {number}
    replied: Callable[[Context, str], Awaitable[Any]] | None = None


ITEM_KINDS: dict[str, ItemKind] = {}


def item_kind(kind: str, item: ItemKind) -> None:
    """Declare a kind of item `Item(kind)` arguments can name (each family declares its own)."""
    ITEM_KINDS[kind] = item


@dataclass(frozen=True)
class Item(Arg):
    """`#N`: the room's item of `kind` (an event, a meetup, …) with that number; without a number, the item of
    the bot's message the command replies to. The handler gets the item itself."""

    name: str = "#N"
    kind: str = ""

    def usage(self) -> str:
        return f"[{self.name}]" if self.optional else self.name

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        kind = ITEM_KINDS[self.kind]
        word, rest = first_word(text)
        if looks_like_number(word):
            number = parse_number(word)
            found = await kind.find(context, number)
            if found is None:
                raise UserError(context.t(kind.not_found, number=number))
            return found, rest
        message = context.message
        if kind.replied is not None and isinstance(message, Message) and message.reply_to:
            found = await kind.replied(context, message.reply_to)
            if found is not None:
                return found, text
        if self.optional:
            return None, text
        raise UsageError()

    def sample(self, today: date) -> str:
        return "#1"


# -- words --


@dataclass(frozen=True)
class Keyword(Arg):
    """One word from a known set: `choices` are the canonical values; each is also accepted in the words the
    catalogs give for `{group}.{choice}` (`field.title`: Titel, title; `switch.on`: an, ein, …)."""

    group: str = ""
    choices: tuple[str, ...] = ()
    shown: bool = False  # the usage line lists the choices (`on|off`) instead of the argument's name

    def usage(self) -> str:
        if self.shown:
            text = "|".join(self.choices)
            return f"[{text}]" if self.optional else text
        return super().usage()

    def table(self) -> Mapping[str, str]:
        """Every accepted word (case-folded) and the choice it means."""
        return keyword_table(self.group, self.choices)

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        word, rest = first_word(text)
        choice = self.table().get(word.casefold().rstrip(":"))
        if choice is not None:
            return choice, rest
        if self.optional:
            return None, text
        raise UsageError(
            context.t("arg_not_one_of", value=word[:40] or "…", choices=", ".join(self.choices)) if word else None
        )

    def sample(self, today: date) -> str:
        return self.choices[0]


def keyword_table(group: str, choices: Sequence[str]) -> dict[str, str]:
    """The words of every catalog for these choices, each meaning its choice (the choice itself included)."""
    table: dict[str, str] = {}
    for choice in choices:
        for word in (choice, *words(f"{group}.{choice}")):
            table.setdefault(word.casefold(), choice)
    return table


SWITCH = ("on", "off")


@dataclass(frozen=True)
class Switch(Keyword):
    """`on` or `off` in any language the bot speaks; the handler gets True or False."""

    name: str = "on|off"
    group: str = "switch"
    choices: tuple[str, ...] = SWITCH
    shown: bool = True

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        choice, rest = await super().read(context, text)
        return (None if choice is None else choice == "on"), rest


# -- numbers, months, text --


@dataclass(frozen=True)
class Count(Arg):
    """A whole number from `low` to `high`."""

    low: int = 1
    high: int = 100

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        word, rest = first_word(text)
        # isdecimal, not isdigit: "²" is a digit that int() refuses
        if word.isdecimal() and self.low <= int(word) <= self.high:
            return int(word), rest
        if self.optional and not word.isdecimal():
            return None, text
        raise UsageError(context.t("arg_bad_count", value=word[:20] or "…", low=self.low, high=self.high))

    def sample(self, today: date) -> str:
        return str(self.low)


@dataclass(frozen=True)
class Month(Arg):
    """`[month] [year]`: a month (name in any language, number, or `2026-11`) and an optional year; without a
    year the next such month (`prefer="future"`) or the last (`"past"`). The handler gets (year, month) or None."""

    name: str = "month"
    prefer: str = "future"

    def usage(self) -> str:
        return "[month] [year]" if self.optional else "<month> [year]"

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        today = context.now.astimezone(context.tz).date()
        words_ = text.split()
        # two words when the second is a year, else one
        for count in (2, 1):
            if len(words_) >= count:
                try:
                    month = parse_month(words_[:count], today, prefer=self.prefer)
                except MonthError:
                    continue
                rest = text.strip().split(None, count)
                return month, rest[count] if len(rest) > count else ""
        if not words_:
            if self.optional:
                return None, text
            raise UsageError()
        raise UserError(context.t("bad_month", value=" ".join(words_[:2])[:40], **month_examples(context.t, today)))

    def sample(self, today: date) -> str:
        return f"{today:%Y-%m}"


@dataclass(frozen=True)
class Word(Arg):
    """One word, as written (a name without spaces, a URL, a time zone)."""

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        word, rest = first_word(text)
        if word:
            return word, rest
        if self.optional:
            return None, text
        raise UsageError()

    def sample(self, today: date) -> str:
        return self.example

    example: str = "x"


@dataclass(frozen=True)
class Text(Arg):
    """The rest of the text (line breaks kept); required text must not be empty."""

    takes_rest: ClassVar[bool] = True
    example: str = "Open Data"

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        value = text.strip()
        if not value and not self.optional:
            raise UsageError()
        return value, ""

    def sample(self, today: date) -> str:
        return self.example


@dataclass(frozen=True)
class Fields(Arg):
    """`v1 | v2 | …` in the order of `names`, or one `key: value` per line; the handler gets a dict by field
    name. Keys are the field names or, in any language, the catalogs' `{group}.{name}` words (`event.when`:
    wann, Datum, …); `extra` fields are set only in the `key: value` form."""

    takes_rest: ClassVar[bool] = True
    group: str = "field"
    names: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # how usage lines call the fields (default: their names)
    extra: tuple[str, ...] = ()
    samples: tuple[str, ...] = field(default=(), compare=False)  # one value per name; may name {date}, …

    def usage(self) -> str:
        return " | ".join(f"<{label}>" for label in (self.labels or self.names))

    def table(self) -> Mapping[str, str]:
        return keyword_table(self.group, (*self.names, *self.extra))

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        if not text.strip():
            raise UsageError()
        try:
            return split_fields(text, self.names, self.table()), ""
        except FieldError as error:
            from bot.commands.common import field_error

            raise field_error(context, error, self.table()) from None

    def sample(self, today: date) -> str:
        values = example_values(today)
        return " | ".join(sample.format(**values) for sample in self.samples)


# -- a keyword with its value; a choice the command refuses in its own words (calendar.py, settings.py) --


@dataclass(frozen=True)
class Option(Arg):
    """`[every 6h]`: a keyword (in any language: the catalogs' `{group}.{keyword}` words, `alle`) and the word
    after it; the handler gets that word, or None when the keyword is not there. `name` is how the usage line
    shows the word (`6h`)."""

    optional: bool = True
    group: str = ""
    keyword: str = ""
    example: str = "x"

    def usage(self) -> str:
        text = f"{self.keyword} {self.name}"
        return f"[{text}]" if self.optional else text

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        word, rest = first_word(text)
        if word.casefold() not in keyword_table(self.group, (self.keyword,)):
            if self.optional:
                return None, text
            raise UsageError()
        value, rest = first_word(rest)
        if not value:
            raise UsageError()
        return value, rest

    def sample(self, today: date) -> str:
        return f"{self.keyword} {self.example}"


@dataclass(frozen=True)
class Choice(Keyword):
    """A Keyword shown as its choices (`de|en`) whose command answers another word in its own words:
    `refuse(context, word)` gives the UserError (`settings language fr`: the languages there are), where a
    Keyword answers with the usage line."""

    shown: bool = True
    refuse: Callable[[Context, str], UserError] | None = field(default=None, compare=False)

    async def read(self, context: Context, text: str) -> tuple[Any, str]:
        word, _ = first_word(text)
        if word and self.refuse is not None and word.casefold().rstrip(":") not in self.table():
            raise self.refuse(context, word)
        return await super().read(context, text)


# -- one or more values in the rest of the text (meetups.py) --


@dataclass(frozen=True)
class Several(Text):
    """`<date> [<date> ...]`: the rest of the text, one or more `name`s; the handler gets the text and reads
    each (`meetup dates #N 12.01. 09.02. 19:30`: a date may carry its own time)."""

    def usage(self) -> str:
        return f"[<{self.name}> ...]" if self.optional else f"<{self.name}> [<{self.name}> ...]"


# -- reading a whole command --


async def read_arguments(context: Context, args: Sequence[Arg], text: str) -> list[Any]:
    """The values of a command's arguments, in order; UsageError when the text does not fit them."""
    values: list[Any] = []
    rest = text
    for arg in args:
        value, rest = await arg.read(context, rest)
        values.append(value)
    if rest.strip():
        raise UsageError(context.t("arg_extra", text=rest.strip()[:60]))
    return values


def usage_of(args: Sequence[Arg]) -> str:
    return " ".join(arg.usage() for arg in args)


# -- examples, computed from today --


def month_examples(t: Translator, today: date, *, past: bool = False) -> dict[str, str]:
    """Next month (or, `past`, last month) written the ways a month argument reads it: `januar`, `jan 2027`, `1`,
    `2027-01`."""
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    if past:
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return {
        "name": format_date(first, "LLLL", locale=t.language).casefold(),
        "short": format_date(first, "LLL", locale=t.language).casefold().rstrip("."),
        "year": f"{first.year}",
        "number": f"{first.month}",
        "iso": f"{first:%Y-%m}",
    }


def example_values(today: date) -> dict[str, str]:
    """What examples may name, always ahead of `today`: {date} the first Thursday of next month, {date2} a week
    after it, {date3} four weeks after it, {month} next month (`2027-01`), {year} its year."""
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return {
        "date": f"{thursday:%d.%m.%Y}",
        "date2": f"{thursday + timedelta(days=7):%d.%m.%Y}",
        "date3": f"{thursday + timedelta(days=28):%d.%m.%Y}",
        "month": f"{first:%Y-%m}",
        "year": f"{first.year}",
        # meetups (the `meetup add` example meets every Wednesday): {wednesday} the day before {date2}, in next
        # month's second week
        "wednesday": f"{thursday + timedelta(days=6):%d.%m.%Y}",
    }
