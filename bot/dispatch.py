"""From an incoming message to an answer: prefix, rate limit, command lookup, one guard around every handler."""

from __future__ import annotations

import logging
import re
import secrets
import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from bot.commands import Answer, Command, Context, Media, Registry, UsageError, UserError
from bot.config import Config
from bot.i18n import Translator
from bot.models import Message, Reaction, Redaction
from bot.storage import Storage
from bot.text import Rich

log = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 4000
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_WINDOW_MS = 60_000


class RateLimiter:
    """At most `limit` commands per user per minute, counted by when the user sent them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._sent: dict[str, deque[int]] = {}
        self._warned_until: dict[str, int] = {}

    def check(self, user: str, timestamp_ms: int) -> str:
        """'ok', 'warn' (first refusal in a window: say so) or 'drop' (refuse quietly)."""
        window = self._sent.setdefault(user, deque())
        while window and window[0] <= timestamp_ms - _WINDOW_MS:
            window.popleft()
        if len(window) < self.limit:
            window.append(timestamp_ms)
            return "ok"
        if self._warned_until.get(user, 0) > timestamp_ms:
            return "drop"
        self._warned_until[user] = window[0] + _WINDOW_MS
        return "warn"


def normalize_reaction(key: str) -> str:
    """The emoji without variation selector and skin tone: 👍🏽 counts as 👍."""
    return "".join(ch for ch in key if ch != "\ufe0f" and not "\U0001f3fb" <= ch <= "\U0001f3ff")


def reference_code() -> str:
    """A short code that ties a user's error message to the log line."""
    return secrets.token_hex(4).upper()


class Dispatcher:
    """Turns messages into answers; never raises for anything a handler does."""

    def __init__(self, registry: Registry, storage: Storage, config: Config, clock: Callable[[], datetime],
                 media: Media | None = None, wake: Callable[[], None] = lambda: None) -> None:
        self.registry = registry
        self.media = media
        self.wake = wake
        self.storage = storage
        self.config = config
        self.clock = clock
        self.t = Translator(config.bot.language)
        self.rate_limiter = RateLimiter(config.bot.rate_limit_per_minute)

    def is_command(self, body: str) -> bool:
        prefix = self.config.bot.command_prefix
        text = body.lstrip()
        return text.startswith(prefix) and len(text) > len(prefix) and not text[len(prefix)].isspace()

    async def dispatch_reaction(self, reaction: Reaction) -> Answer | None:
        """The answer to a reaction on one of the bot's messages, or None when it means nothing to the bot."""
        handler = self.registry.reactions.get(normalize_reaction(reaction.key))
        if handler is None:
            return None
        return await self._guarded(reaction, lambda context: handler(context, reaction))

    async def dispatch_redaction(self, redaction: Redaction) -> None:
        """Something was redacted (e.g. a 👍 withdrawn); never raises."""
        handler = self.registry.on_redaction
        if handler is not None:
            await self._guarded(redaction, lambda context: handler(context, redaction))

    async def dispatch(self, message: Message) -> Answer | None:
        """The answer to a message, or None when it is not for the bot (or quietly refused)."""
        if not self.is_command(message.body):
            return None
        # JSON can carry lone surrogates ("\ud800"), which no database or client can encode
        message = replace(message, body=_LONE_SURROGATE.sub("\ufffd", message.body))
        t = self.t
        verdict = self.rate_limiter.check(message.sender, message.timestamp_ms)
        if verdict == "drop":
            return None
        if verdict == "warn":
            return Answer(t("rate_limited", limit=self.rate_limiter.limit))
        if len(message.body) > MAX_MESSAGE_LENGTH:
            return Answer(t("too_long", length=len(message.body), limit=MAX_MESSAGE_LENGTH))
        prefix = self.config.bot.command_prefix
        text = message.body.lstrip()[len(prefix):]
        resolved = self.registry.resolve(text)
        if resolved is None:
            word = text.split(None, 1)[0][:50]
            return Answer(t("unknown_command", command=prefix + word, prefix=prefix))
        command, args = resolved
        if command.handler is None:
            return Answer(self.usage(command))
        handler = command.handler
        return await self._guarded(message, lambda context: handler(context, args), command)

    async def _guarded(self, item: Message | Reaction | Redaction,
                       call: Callable[[Context], Awaitable[Rich | Answer | None]],
                       command: Command | None = None) -> Answer | None:
        """Run a handler; user errors become their message, anything else a reference code in log and reply."""
        t = self.t
        try:
            settings = await self.storage.room_settings(item.room_id)
            context = Context(message=item, storage=self.storage, config=self.config, settings=settings,
                              now=self.clock(), t=t, registry=self.registry, media=self.media, wake=self.wake)
            result = await call(context)
        except UserError as exc:
            return Answer(exc.message)
        except UsageError as exc:
            assert command is not None
            usage = self.usage(command)
            return Answer(exc.detail + Rich.plain("\n") + usage if exc.detail else usage)
        except sqlite3.OperationalError:
            code = reference_code()
            log.exception("database error [%s] handling %s in %s", code, item.event_id, item.room_id)
            return Answer(t("storage_error", code=code))
        except Exception:
            code = reference_code()
            log.exception("unexpected error [%s] handling %s in %s", code, item.event_id, item.room_id)
            return Answer(t("internal_error", code=code))
        if result is None or isinstance(result, Answer):
            return result
        return Answer(result)

    def usage(self, command: Command) -> Rich:
        """The usage line of a command (or one line per subcommand), with its example."""
        prefix, t = self.config.bot.command_prefix, self.t
        if command.subcommands:
            lines = [t("usage_list"), *(Rich.code(prefix + t.usage(sub.usage)) for sub in command.subcommands)]
        else:
            lines = [t("usage", usage=prefix + t.usage(command.usage))]
        if command.example:
            lines.append(self.t("example", example=prefix + command.example))
        return Rich.join(lines)
