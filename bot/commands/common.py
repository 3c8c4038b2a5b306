"""Helpers the command families share: reading numbers, dates and fields, with errors users understand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TypeVar

from bot.commands import Context, UserError
from bot.commands.args import ItemKind
from bot.i18n import KEYS, Translator
from bot.models import Message
from bot.parsing.fields import (
    MAX_TITLE,
    MAX_YEAR,
    FieldCode,
    FieldError,
    clean_text,
    plain_words,
)
from bot.parsing.when import When, WhenCode, WhenError, parse_when
from bot.text import Rich

T = TypeVar("T")

# The field that most likely holds a `|` of its own when a one-line command has too many parts: the title.
_TEXT_FIELDS = ("title", "name")


def field_error(context: Context, error: FieldError, fields: Mapping[str, str]) -> UserError:
    """A field problem as the user's error message."""
    if error.code == FieldCode.TOO_MANY_PARTS and error.parts and error.names:
        form = pipe_form(context, error, fields)
        return UserError(
            context.t("field_too_many_parts_form", count=len(error.parts), limit=len(error.names), form=form)
        )
    known = ", ".join(sorted({key for key in fields if key.isascii()}))
    return UserError(context.t(error.message_key, value=error.value, known=known))


def pipe_form(context: Context, error: FieldError, fields: Mapping[str, str]) -> Rich:
    """The one-line command of a `too_many_parts` error as `key: value` lines, with the user's text, to copy.

    The surplus parts go to the title (or name): that is where a `|` of the text mostly stands
    (`TRIALOG | ANYMOS – Mobilität im Datenrausch`); the fields before it take one part each from the front,
    those after it one part each from the back. The reply asks to check the lines.
    """
    values = spread_parts(error.parts, error.names)
    lines = [_command_head(context, error.text)]
    lines += [f"{field_label(context.t, name, fields)}: {value}" for name, value in values.items() if value]
    return Rich.join(Rich.plain(line) for line in lines)


def spread_parts(parts: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """More parts than names, as one value per name: the surplus joined with ` | ` into the title (or name)."""
    merged = next((names.index(name) for name in _TEXT_FIELDS if name in names), 0)
    after = len(names) - merged - 1
    middle_end = len(parts) - after
    values = [*parts[:merged], " | ".join(parts[merged:middle_end]), *parts[middle_end:]]
    return dict(zip(names, values, strict=True))


def field_label(t: Translator, name: str, fields: Mapping[str, str]) -> str:
    """The key a `key: value` line uses for a field in this language (`Titel`, `Wo`), one its command knows."""
    key = f"field_{name}"
    if key in KEYS and fields.get(t.raw(key).casefold()) == name:
        label = t.raw(key)
    else:
        label = next((alias for alias, canonical in fields.items() if canonical == name), name)
    return label[:1].upper() + label[1:]


def _command_head(context: Context, text: str) -> str:
    """The command as the user wrote it before its arguments (`!event add`)."""
    body = getattr(context.message, "body", "").strip()
    if text and body.endswith(text) and body[: -len(text)].strip():
        return body[: -len(text)].strip()
    return " ".join(body.split()[:2]) or context.prefix


def when_examples(t: Translator, now: datetime, tz: tzinfo) -> dict[str, str]:
    """The dates in the `when_examples` message: a Friday one to two weeks ahead of now, so never in the past,
    and a range to the Sunday after it, the range written as the bot writes it (so it reads back)."""
    first = now.astimezone(tz).date() + timedelta(days=7)
    first += timedelta(days=(4 - first.weekday()) % 7)
    last = first + timedelta(days=2)
    start = datetime(first.year, first.month, first.day, 18, tzinfo=tz)
    end = datetime(last.year, last.month, last.day, 15, tzinfo=tz)
    return {
        "date": f"{first:%d.%m.%Y}",
        "last": f"{last:%d.%m.%Y}",
        "day": t.date(start),
        "range": t.when(start, end, all_day=False),
    }


def when_message(t: Translator, error: WhenError, now: datetime, tz: tzinfo) -> Rich:
    """A WhenError as the user's message: what is wrong with which part (or the readings to choose from),
    then examples that work today."""
    readings = [Rich.code(t.when(option.start, option.end, option.all_day)) for option in error.options]
    options = Rich.join(readings, f" {t.raw('when_or')} ")
    message = t(error.message_key, fragment=error.fragment, zone=str(tz), options=options)
    return message + Rich.plain("\n") + t("when_examples", **when_examples(t, now, tz))


def read_when(context: Context, text: str) -> When:
    """The parsed date/time, or an error naming the wrong part with working examples."""
    try:
        when = parse_when(text, now=context.now, tz=context.tz)
        if max(when.start, when.end or when.start).year > MAX_YEAR:
            raise WhenError(WhenCode.TOO_FAR, text.strip()[:60])
        return when
    except WhenError as error:
        raise UserError(when_message(context.t, error, context.now, context.tz)) from None


def announced_kind(kind: str, find: Callable[[Context, int], Awaitable[T | None]], not_found: str) -> ItemKind:
    """An item kind (event, meetup) whose `#N` may also be the item a replied-to bot message announced, reminded
    of or confirmed."""

    async def replied(context: Context, reply_to: str) -> T | None:
        target = await context.storage.announced(context.message.room_id, reply_to)
        return await find(context, target.item_id) if target is not None and target.kind == kind else None

    return ItemKind(find=find, not_found=not_found, replied=replied)


def read_title(context: Context, text: str) -> str:
    """A title or name with runs of whitespace collapsed; not empty, at most MAX_TITLE characters."""
    title = clean_text(plain_words(text))
    if not title:
        raise UserError(context.t("edit_title_empty"))
    if len(title) > MAX_TITLE:
        raise UserError(context.t("title_too_long", length=len(title), limit=MAX_TITLE))
    return title


async def added_by_original(context: Context, find: Callable[[str, str], Awaitable[T | None]]) -> tuple[str, T | None]:
    """For an add command: the message the item belongs to (for an edit of the command, the original), and the
    item that original added (None when it added none). An original that was carried out but whose item is gone
    since (deleted) is a UserError: the edit is not turned into a new item."""
    message = context.message
    replaces = message.replaces if isinstance(message, Message) else None
    if not replaces:
        return message.event_id, None
    added = await find(message.room_id, replaces)
    if added is None and context.edited is not None and context.edited.carried_out:
        raise UserError(context.t("edit_item_gone"))
    return replaces, added
