"""Helpers the command families share: reading numbers, dates and fields, with errors users understand."""

from __future__ import annotations

from collections.abc import Mapping

from bot.commands import Context, UsageError, UserError
from bot.models import Message
from bot.parsing.fields import (
    MAX_TITLE,
    MAX_YEAR,
    FieldError,
    clean_text,
    looks_like_number,
    parse_number,
    plain_words,
)
from bot.parsing.when import When, WhenError, parse_when
from bot.text import Rich


def field_error(context: Context, error: FieldError, fields: Mapping[str, str]) -> UserError:
    """A field problem as the user's error message."""
    known = ", ".join(sorted({key for key in fields if key.isascii()}))
    return UserError(context.t(f"field_{error.code}", value=error.value, known=known))


def read_when(context: Context, text: str) -> When:
    """The parsed date/time, or an error naming the wrong part with working examples."""
    try:
        when = parse_when(text, now=context.now, tz=context.tz)
        if max(when.start, when.end or when.start).year > MAX_YEAR:
            raise WhenError("too_far", text.strip()[:60])
        return when
    except WhenError as error:
        message = context.t(f"when_{error.code}", fragment=error.fragment, zone=str(context.tz))
        raise UserError(message + Rich.plain("\n") + context.t("when_examples")) from None


def read_number(context: Context, text: str) -> int:
    try:
        return parse_number(text)
    except FieldError as error:
        raise UserError(context.t("field_bad_number", value=error.value)) from None


async def replied_item(context: Context, kind: str) -> int | None:
    """The number of the event or meetup (`kind`) whose bot message (confirmation, reminder) this replies to."""
    message = context.message
    if not isinstance(message, Message) or not message.reply_to:
        return None
    target = await context.storage.announced(message.room_id, message.reply_to)
    return target.item_id if target is not None and target.kind == kind else None


async def item_number(context: Context, text: str, kind: str) -> int:
    """The item a command names: `#N`, or (without one) the item of the bot's message it replies to."""
    if text.strip():
        return read_number(context, text)
    replied = await replied_item(context, kind)
    if replied is None:
        raise UsageError()  # the usage line names `#N`, with a working example
    return replied


async def split_number(context: Context, args: str, kind: str) -> tuple[str, str]:
    """`#N rest` as ("#N", "rest"); without a number first, ("", all of args): item_number then looks at the
    message replied to. With `#N` given, `#N` wins."""
    first, _, rest = args.strip().partition(" ")
    if looks_like_number(first):
        return first, rest.strip()
    return "", args.strip()


def read_title(context: Context, text: str) -> str:
    """A title or name with runs of whitespace collapsed; not empty, at most MAX_TITLE characters."""
    title = clean_text(plain_words(text))
    if not title:
        raise UserError(context.t("edit_title_empty"))
    if len(title) > MAX_TITLE:
        raise UserError(context.t("title_too_long", length=len(title), limit=MAX_TITLE))
    return title


def split_edit(context: Context, args: str, fields: Mapping[str, str]) -> tuple[str, str, str]:
    """`#N <field> <value>` as (item number text, canonical field name, value); without `#N` (a reply to the
    bot's message about the item) the number text is empty."""
    parts = args.strip().split(None, 2)
    if parts and not looks_like_number(parts[0]):
        parts = ["", *args.strip().split(None, 1)]
    if len(parts) < 3:
        raise UsageError()
    field = fields.get(parts[1].casefold().rstrip(":"))
    if field is None:
        raise field_error(context, FieldError("unknown_field", parts[1]), fields)
    return parts[0], field, parts[2]
