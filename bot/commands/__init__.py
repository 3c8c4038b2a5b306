"""The command registry: every command declared once with its usage and help; `!help` is generated from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.commands.args import Arg, example_values, usage_of
from bot.config import Config
from bot.errors import UsageError as UsageError  # re-exported: handlers raise it
from bot.errors import UserError
from bot.i18n import Translator, words
from bot.models import Attachment, FileRef, HandledCommand, Message, Posted, Reaction, Redaction
from bot.storage import RoomSettings, Storage
from bot.text import Rich


class Media(Protocol):
    """Files from the homeserver's media repository, as handlers see them."""

    async def download(self, ref: FileRef, max_bytes: int) -> bytes: ...

    async def attachment_of(self, room_id: str, event_id: str) -> FileRef | None: ...

    async def posted(self, room_id: str, event_id: str) -> Posted | None: ...


MODERATOR_POWER = 50


def is_moderator(item: Message | Reaction | Redaction, config: Config) -> bool:
    """Room moderators (power level 50, room creators) and the bot's admins."""
    return getattr(item, "sender_power", 0) >= MODERATOR_POWER or item.sender in config.bot.admins


@dataclass(frozen=True)
class Context:
    """Everything a handler may use; handlers never touch nio."""

    message: Message | Reaction | Redaction
    storage: Storage
    config: Config
    settings: RoomSettings
    now: datetime
    t: Translator
    registry: Registry
    media: Media | None = None
    wake: Callable[[], None] = lambda: None
    edited: HandledCommand | None = None  # for an edit of a command: what the ledger knows of the original

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone or self.config.bot.timezone)

    @property
    def prefix(self) -> str:
        return self.config.bot.command_prefix

    @property
    def is_moderator(self) -> bool:
        return is_moderator(self.message, self.config)

    def require_moderator(self) -> None:
        if not self.is_moderator:
            raise UserError(self.t("not_allowed", who=self.t("who_moderators")))

    def require_owner_or_moderator(self, owner: str) -> None:
        if owner != self.message.sender and not self.is_moderator:
            raise UserError(self.t("not_allowed", who=self.t("who_owner_or_moderators")))


@dataclass(frozen=True)
class Answer:
    """A handler's reply; on_sent learns the event id of the sent reply (e.g. an event's announcement)."""

    body: Rich
    on_sent: Callable[[str], Awaitable[None]] | None = None
    attachment: Attachment | None = None
    retry_after_s: float | None = None  # set on a refusal: the command was not carried out
    carried_out: bool = True  # False for errors and refusals: an edit of the command is carried out then
    thread_root: str | None = None  # for an answer to a reaction: the thread of the message reacted to


Handler = Callable[..., Awaitable[Rich | Answer]]
ReactionHandler = Callable[[Context, Reaction], Awaitable[Rich | Answer | None]]
RedactionHandler = Callable[[Context, Redaction], Awaitable[None]]
EDIT_MODES = ("once", "rerun", "update")


@dataclass(frozen=True)
class Command:
    """A command, a subcommand (`path` "event add") or a family of subcommands (`event`).

    Declared once with `command(...)` at its handler: its arguments give the parser, the usage line and the
    generated tests; its help text is the catalogs' `help_<path>` message; its aliases are the catalogs'
    `command.<path>` words; its examples are computed from today (see `args.example_values`).
    `on_edit` says what an edit of the command does after it was carried out: "rerun" (it only shows something,
    or sets a value again), "update" (an add changes what it added) or "once" (answered that it is not carried
    out twice: delete, import, roundup, …).
    """

    name: str
    path: str
    args: tuple[Arg, ...] = ()
    handler: Handler | None = None
    aliases: tuple[str, ...] = ()
    subcommands: tuple[Command, ...] = ()
    examples: tuple[str, ...] = ()
    on_edit: str = "once"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def help_key(self) -> str:
        return "help_" + self.path.replace(" ", "_")

    def help_text(self, t: Translator) -> str:
        return t.raw(self.help_key)

    @property
    def usage_line(self) -> str:
        """`event edit #N <field> <value>`; a family without a default lists its subcommands: `event <add|…>`."""
        if self.subcommands and self.handler is None:
            names = [sub.name for sub in self.subcommands]
            return f"{self.path} <{'|'.join(names[:4])}{'|…' if len(names) > 4 else ''}>"
        return f"{self.path} {usage_of(self.args)}".strip()

    def example_texts(self, today: date) -> list[str]:
        """The examples as shown to users today (every date in them ahead of today)."""
        values = example_values(today)
        return [example.format(**values) for example in self.examples]

    def find_sub(self, word: str) -> Command | None:
        word = word.casefold()
        return next((sub for sub in self.subcommands if word in sub.names), None)


def command(
    path: str, *args: Arg, examples: tuple[str, ...] | str = (), on_edit: str = "once"
) -> Callable[[Handler], Command]:
    """Declare a command at its handler: `@command("event edit", Item(kind="event"), Keyword(...), Text("value"))`.

    The handler is called as `handler(context, *values)`, one value per argument, read by the arguments.
    Examples may name `{date}`, `{date2}`, `{month}`, … (see `args.example_values`)."""
    assert on_edit in EDIT_MODES, on_edit
    assert all(not arg.takes_rest for arg in args[:-1]), f"{path}: only the last argument may take the rest"

    def declare(handler: Handler) -> Command:
        return Command(
            name=path.rsplit(" ", 1)[-1],
            path=path,
            args=args,
            handler=handler,
            aliases=command_words(path),
            examples=(examples,) if isinstance(examples, str) else examples,
            on_edit=on_edit,
        )

    return declare


def command_words(path: str) -> tuple[str, ...]:
    """The other names of a command in every catalog: its own (`command.event.add`) and, for a subcommand, those
    of every subcommand of that name (`command.*.add`: neu, eintragen, …)."""
    own = words("command." + path.replace(" ", "."))
    if " " not in path:
        return own
    return tuple(dict.fromkeys((*own, *words(f"command.*.{path.rsplit(' ', 1)[-1]}"))))


def family(name: str, *subcommands: Command, default: Command | None = None, examples: tuple[str, ...] = ()) -> Command:
    """A family of subcommands (`!event add`, `!event list`, …); `default` runs when no subcommand is named
    (`!link <url>` files a link), else the reply lists the subcommands."""
    return Command(
        name=name,
        path=name,
        args=default.args if default else (),
        handler=default.handler if default else None,
        aliases=command_words(name),
        subcommands=subcommands,
        examples=examples or (default.examples if default else ()),
        on_edit=default.on_edit if default else "once",
    )


class Registry:
    """All commands by name and alias."""

    def __init__(
        self,
        commands: list[Command],
        reactions: Mapping[str, ReactionHandler] | None = None,
        on_redaction: RedactionHandler | None = None,
    ) -> None:
        self.commands = tuple(commands)
        self.reactions: Mapping[str, ReactionHandler] = reactions or {}
        self.on_redaction = on_redaction
        self._by_name: dict[str, Command] = {}
        for command in commands:
            for name in command.names:
                if name in self._by_name:
                    raise ValueError(f"command name {name!r} declared twice")
                self._by_name[name] = command

    def find(self, word: str) -> Command | None:
        return self._by_name.get(word.casefold())

    def close_to(self, word: str) -> str | None:
        """The command name a mistyped word most likely meant (`evnet` -> `event`), or None: at most one typo
        (two in longer words), so other bots' commands (`!remindme`, `!poll`) stay theirs."""
        word = word.casefold()
        allowed = 1 if len(word) <= 5 else 2
        scored = sorted((typo_distance(word, name), name) for name in self._by_name)
        return scored[0][1] if scored and scored[0][0] <= allowed else None

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)

    def resolve(self, text: str) -> tuple[Command, str] | None:
        """The (sub)command a message names and the rest of its text, or None for an unknown command."""
        word, rest = _split_word(text)
        command = self.find(word)
        if command is None:
            return None
        while command.subcommands:
            word, tail = _split_word(rest)
            sub = command.find_sub(word) if word else None
            if sub is None:
                return command, rest
            command, rest = sub, tail
        return command, rest


def typo_distance(a: str, b: str) -> int:
    """Edits between two words, a swap of neighbours counting as one (optimal string alignment distance)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            cost = 0 if char == other else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return previous[-1]


def _split_word(text: str) -> tuple[str, str]:
    """The first word and the rest (line breaks in the rest are kept)."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""
