"""The root of eventbot's errors: every exception class in `bot/` derives from `EventbotError` (private
control-flow exceptions such as `_PeriodsSpent` excepted; tests/unit/test_errors.py checks it). Three kinds
below it (see STYLE.md, habit 2):

- `InputError`: something a user wrote or may not do. Shown to them in the room's language. Most say why with a
  `code` from their own enumeration (`codes`, a `StrEnum`: `WhenCode`, `FieldCode`, `LinkCode`, `FetchCode`,
  `FilterCode`), and `message_key` names the catalog message for that code (`f"{prefix}_{code}"`; every catalog
  has one for every member). A few carry no codes (`codes` is None: `MonthError`, `LeadTimeError`,
  `RecurrenceError`, `CalendarError`): their text (`str(error)`) says why, and the caller picks the message.
  Those that always were `ValueError`s still are (a second base: callers and tests catch them as such).
- `InternalError`: anything the user cannot fix at runtime (the database, the homeserver, the media
  repository). Logged with a reference code; the user sees only that code.
- Startup and operator errors derive from `EventbotError` directly: the configuration (`ConfigError`), the
  address the feed server cannot listen on (`HttpStartError`), refused credentials (`MatrixLoginError`), the
  offline roundup command (`RoundupUnavailable`), the demo's throwaway homeserver (`HomeserverError`). No room
  sees them; the command line reports them to the operator and stops.

`UserError` (and `UsageError`) are not failures but the answer for the user, already in their language: the
command layer raises them, mostly from an `InputError`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from bot.text import Rich


class EventbotError(Exception):
    """Every error eventbot raises on purpose."""


class InputError(EventbotError):
    """What a user wrote does not work; `code` says why, `message_key` which message explains it.

    Without `codes` (then `code` is None) the error's arguments say why, in English, and the caller chooses
    the message."""

    prefix: ClassVar[str] = ""  # the catalog keys of this error's codes: f"{prefix}_{code}"
    codes: ClassVar[type[StrEnum] | None] = None  # every code it may carry (the catalogs must explain each)

    def __init__(self, code: StrEnum | None, *args: object) -> None:
        if code is None:
            super().__init__(*args)
        else:
            super().__init__(code, *args)
        self.code = code

    @property
    def message_key(self) -> str:
        if self.code is None:
            raise LookupError(f"{type(self).__name__} has no codes: its caller chooses the message")
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
