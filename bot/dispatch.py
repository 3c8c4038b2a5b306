"""From an incoming message to an answer: prefix, rate limit, command lookup, one guard around every handler."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date

from bot.clock import Clock
from bot.commands import Answer, Command, Context, Media, Registry, UsageError, UserError, is_moderator
from bot.commands.args import read_arguments
from bot.config import Config
from bot.i18n import TRANSLATORS, Translator
from bot.inbox import is_prefixed
from bot.models import HandledCommand, Message, Reaction, Redaction
from bot.storage import RoomSettings, Storage, StorageUnavailable
from bot.tasks import reference_code
from bot.text import Rich

log = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 4000
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_WINDOW_MS = 60_000
_MAX_BUCKETS = 10_000


class RateLimiter:
    """A token bucket per user: a burst of `burst` commands, refilled at `per_minute`, by when the user sent them."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self.per_minute = per_minute
        self.burst = burst
        self._buckets: dict[str, tuple[float, int]] = {}  # user -> (tokens, as of this timestamp)

    def _tokens(self, user: str, timestamp_ms: int) -> tuple[float, int]:
        tokens, at = self._buckets.get(user, (float(self.burst), timestamp_ms))
        now = max(at, timestamp_ms)  # out-of-order timestamps never refill twice
        return min(float(self.burst), tokens + (now - at) * self.per_minute / _WINDOW_MS), now

    def wait_s(self, user: str, timestamp_ms: int) -> float:
        """Seconds until the user may send a command again (0: now), without taking a token."""
        tokens, _ = self._tokens(user, timestamp_ms)
        return 0.0 if tokens >= 1 else (1 - tokens) * _WINDOW_MS / self.per_minute / 1000

    def take(self, user: str, timestamp_ms: int) -> float:
        """Take a token: 0 when the command may run, else the seconds until it could."""
        tokens, now = self._tokens(user, timestamp_ms)
        if tokens >= 1:
            tokens -= 1
            wait = 0.0
        else:
            wait = (1 - tokens) * _WINDOW_MS / self.per_minute / 1000
        self._buckets[user] = (tokens, now)
        if len(self._buckets) > _MAX_BUCKETS:
            self._forget_full(now)
        return wait

    def _forget_full(self, now_ms: int) -> None:
        """Users whose bucket has refilled are like new ones: no need to remember them."""
        for user in [
            u
            for u, (tokens, at) in self._buckets.items()
            if tokens + (now_ms - at) * self.per_minute / _WINDOW_MS >= self.burst
        ]:
            del self._buckets[user]


def normalize_reaction(key: str) -> str:
    """The emoji without variation selector and skin tone: 👍🏽 counts as 👍."""
    return "".join(ch for ch in key if ch != "\ufe0f" and not "\U0001f3fb" <= ch <= "\U0001f3ff")


class Dispatcher:
    """Turns messages into answers; never raises for anything a handler does."""

    def __init__(
        self,
        registry: Registry,
        storage: Storage,
        config: Config,
        clock: Clock,
        media: Media | None = None,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.registry = registry
        self.media = media
        self.wake = wake
        self.storage = storage
        self.config = config
        self.clock = clock
        self.rate_limiter = RateLimiter(config.bot.rate_limit_per_minute, config.bot.rate_limit_burst)

    def throttled_s(self, message: Message) -> float:
        """Seconds until this sender may run a command (0: now); moderators are never limited."""
        return (
            0.0
            if is_moderator(message, self.config)
            else self.rate_limiter.wait_s(message.sender, message.timestamp_ms)
        )

    def translator(self, settings: RoomSettings) -> Translator:
        """The room's language, else the bot's."""
        return TRANSLATORS[settings.language or self.config.bot.language]

    async def room_translator(self, room_id: str) -> Translator:
        """The room's Translator, for answers given outside a dispatch (a burst's one refusal)."""
        return self.translator(await self.storage.room_settings(room_id))

    def refusal(self, count: int, wait_s: float, t: Translator) -> Answer:
        """The one answer to a burst of commands that were not carried out."""
        return Answer(
            carried_out=False,
            body=t.count(
                "rate_limited",
                count,
                seconds=max(1, math.ceil(wait_s)),
                burst=self.rate_limiter.burst,
                limit=self.rate_limiter.per_minute,
            ),
            retry_after_s=wait_s,
        )

    def is_command(self, body: str) -> bool:
        return is_prefixed(body.lstrip(), self.config.bot.command_prefix)

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

    async def dispatch(self, message: Message, previous: HandledCommand | None = None) -> Answer | None:
        """The answer to a message, or None when it is not for the bot (or quietly refused).

        An edit of a command (`message.replaces`, `previous` what the ledger knows of the original) is carried out
        when the original was not, or when the command may be carried out again (lists, edits, an `add` that then
        updates what it added); other commands that were carried out answer that they are not done twice.
        """
        if not self.is_command(message.body):
            return None
        # JSON can carry lone surrogates ("\ud800"), which no database or client can encode
        message = replace(message, body=_LONE_SURROGATE.sub("\ufffd", message.body))
        text = message.body.lstrip()[len(self.config.bot.command_prefix) :]
        resolved = self.registry.resolve(text)
        if resolved is None:
            # another bot's command (`!remindme`, `!poll`): not ours to answer, unless it looks like a typo of ours
            word = text.split(None, 1)[0][:50]
            close = self.registry.close_to(word)
            if close is None:
                return None
            return await self._guarded(message, lambda context: _did_you_mean(context, word, close))
        command, args = resolved
        return await self._guarded(
            message, lambda context: self._command(context, message, command, args), command, previous
        )

    async def _command(self, context: Context, message: Message, command: Command, args: str) -> Rich | Answer | None:
        """The handler's answer, or why it was not run (refused, too long, no subcommand, an edit not repeated)."""
        t, prefix = context.t, context.prefix
        if not is_moderator(message, self.config):
            wait = self.rate_limiter.take(message.sender, message.timestamp_ms)
            if wait:
                return self.refusal(1, wait, t)
        if len(message.body) > MAX_MESSAGE_LENGTH:
            return Answer(t("too_long", length=len(message.body), limit=MAX_MESSAGE_LENGTH), carried_out=False)
        today = context.now.astimezone(context.tz).date()
        if command.handler is None:
            return Answer(self.usage(command, t, today))
        previous = context.edited
        if message.replaces and previous is not None and previous.carried_out and command.on_edit == "once":
            return Answer(t("edit_not_repeated", command=prefix + command.usage_line.split()[0]), carried_out=False)
        return await command.handler(context, *await read_arguments(context, command.args, args))

    async def _guarded(
        self,
        item: Message | Reaction | Redaction,
        call: Callable[[Context], Awaitable[Rich | Answer | None]],
        command: Command | None = None,
        previous: HandledCommand | None = None,
    ) -> Answer | None:
        """Run a handler in the room's language (its settings read once per item); user errors become their message,
        anything else a reference code in log and reply."""
        t = TRANSLATORS[self.config.bot.language]  # until the room's settings are read
        try:
            settings = await self.storage.room_settings(item.room_id)
            t = self.translator(settings)
            context = Context(
                message=item,
                storage=self.storage,
                config=self.config,
                settings=settings,
                now=self.clock(),
                t=t,
                registry=self.registry,
                media=self.media,
                wake=self.wake,
                edited=previous,
            )
            result = await call(context)
        except UsageError as exc:
            assert command is not None
            usage = self.usage(command, t, context.now.astimezone(context.tz).date())
            return Answer(exc.detail + Rich.plain("\n") + usage if exc.detail else usage, carried_out=False)
        except UserError as exc:
            return Answer(exc.message, carried_out=False)
        except StorageUnavailable:
            code = reference_code()
            log.exception("database error [%s] handling %s in %s", code, item.event_id, item.room_id)
            return Answer(t("storage_error", code=code), carried_out=False)
        except Exception:
            code = reference_code()
            log.exception("unexpected error [%s] handling %s in %s", code, item.event_id, item.room_id)
            return Answer(t("internal_error", code=code), carried_out=False)
        if result is None or isinstance(result, Answer):
            return result
        return Answer(result)

    def usage(self, command: Command, t: Translator, today: date) -> Rich:
        """The usage line of a command (or one line per subcommand), with an example that works today."""
        prefix = self.config.bot.command_prefix
        if command.subcommands:
            lines = [t("usage_list"), *(Rich.code(prefix + t.usage(sub.usage_line)) for sub in command.subcommands)]
        else:
            lines = [t("usage", usage=prefix + t.usage(command.usage_line))]
        examples = command.example_texts(today)
        if examples:
            lines.append(t("example", example=prefix + examples[0]))
        return Rich.join(lines)


async def _did_you_mean(context: Context, word: str, close: str) -> Rich:
    """The hint for a typo of one of our commands."""
    prefix = context.prefix
    return context.t("did_you_mean", command=prefix + word, suggestion=prefix + close, prefix=prefix)
