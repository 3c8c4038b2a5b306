"""The root of eventbot's errors. Two kinds below it (see STYLE.md, habit 2):

- `InputError`: something a user wrote or may not do. Shown to them in the room's language; parsers raise it
  with a code from their own enumeration, and `message_key` names the catalog message for that code.
- `InternalError`: anything the user cannot fix (the database, the homeserver, the configuration). Logged with
  a reference code; the user sees only that code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from bot.text import Rich


class EventbotError(Exception):
    """Every error eventbot raises on purpose."""


class InputError(EventbotError):
    """What a user wrote does not work; `code` says why, `message_key` which message explains it."""

    prefix: ClassVar[str] = ""  # the catalog keys of this error's codes: f"{prefix}_{code}"
    codes: ClassVar[type[StrEnum] | None] = None  # every code it may carry (the catalogs must explain each)

    def __init__(self, code: StrEnum | str, *args: object) -> None:
        super().__init__(code, *args)
        self.code = code

    @property
    def message_key(self) -> str:
        return f"{self.prefix}_{self.code}"


class InternalError(EventbotError):
    """Not the user's doing: logged with a reference code."""


class UserError(EventbotError):
    """A problem with what the user wrote or may do, with the message for them (already in their language)."""

    def __init__(self, message: Rich) -> None:
        super().__init__(message.text)
        self.message = message


class UsageError(UserError):
    """The arguments do not fit the command: the reply shows its usage line (after `detail`, when given)."""

    def __init__(self, detail: Rich | None = None) -> None:
        from bot.text import Rich

        super().__init__(detail or Rich.plain(""))
        self.detail = detail
