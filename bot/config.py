"""Configuration: TOML into typed, frozen dataclasses; every problem collected into one error."""

from __future__ import annotations

import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import EventbotError
from bot.locales import LANGUAGES

PLACEHOLDER = "CHANGE_ME"
DEFAULT_MAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_MAP_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a>'


def valid_zone(name: str) -> bool:
    """Whether name is an IANA time zone (ZoneInfo raises several kinds of errors for bad names)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


class ConfigError(EventbotError):
    """The configuration has problems; each names its key."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))

    def report(self) -> str:
        """A message for the operator: one line per problem."""
        lines = [f"Configuration {self.path} has {len(self.problems)} problem(s):"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class MatrixConfig:
    homeserver: str
    user_id: str
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    device_name: str = "eventbot"


@dataclass(frozen=True)
class BotConfig:
    data_dir: Path = Path("./data")
    timezone: str = "Europe/Berlin"
    command_prefix: str = "!"
    language: str = "de"
    admins: tuple[str, ...] = ()
    invite_allowlist: tuple[str, ...] = ()
    rate_limit_per_minute: int = 10
    rate_limit_burst: int = 20
    log_level: str = "INFO"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "eventbot.db"


@dataclass(frozen=True)
class RoundupConfig:
    author: str = ""
    excerpt: str = "Monatlich erscheinender Überblick über Entwicklungen in der Open Data und Civic Tech Szene"
    attribution: str = ""
    calendar_url: str = ""
    lookahead_days: int = 0
    publish_time: str = "08:00"
    page_base_url: str = field(default="", metadata={"derived": True})
    """Not a key: `http.base_url` when [http] is enabled; without a calendar_url the roundup links to the room's
    published page under it."""


@dataclass(frozen=True)
class RemindersConfig:
    lead_times: tuple[str, ...] = ("1d", "1h")
    meetup_lead_times: tuple[str, ...] = ("3h",)


@dataclass(frozen=True)
class ImportConfig:
    allowed_hosts: tuple[str, ...] = ()
    max_bytes: int = 5 * 1024 * 1024
    feed_interval: str = "6h"
    allowed_ports: tuple[int, ...] = (80, 443, 8000, 8080, 8443)
    max_entries: int = 5000
    max_feeds_per_room: int = 10


# The recurring news sections of the 2025 posts, in their usual order
DEFAULT_LINK_SECTIONS = (
    "Open Data",
    "Digitale Souveränität",
    "Verwaltungsdigitalisierung",
    "Karten",
    "Mobilität",
    "Energie",
    "Klima",
    "Gesundheit",
    "Kultur",
    "Transparenz",
    "Überwachung",
    "Recap",
    "Und sonst so",
)


@dataclass(frozen=True)
class LinksConfig:
    """The link desk: the reaction that files a message's link, the sections a room starts with (one of them
    written as a list of `* [Name](url)`: `recap`), where links without a section go, and how long the page title
    may take."""

    reaction: str = "🔖"
    sections: tuple[str, ...] = DEFAULT_LINK_SECTIONS
    recap: str = "Recap"
    default_section: str = "Und sonst so"
    title_timeout_s: float = 5.0


@dataclass(frozen=True)
class HttpConfig:
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""
    map_tiles: str = DEFAULT_MAP_TILES
    map_attribution: str = DEFAULT_MAP_ATTRIBUTION
    # not keys: taken from [bot], for the public pages
    language: str = field(default="de", metadata={"derived": True})
    timezone: str = field(default="Europe/Berlin", metadata={"derived": True})

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class Config:
    matrix: MatrixConfig
    bot: BotConfig
    roundup: RoundupConfig = RoundupConfig()
    reminders: RemindersConfig = RemindersConfig()
    imports: ImportConfig = ImportConfig()
    http: HttpConfig = HttpConfig()
    links: LinksConfig = LinksConfig()


_SECTIONS: dict[str, type] = {
    "matrix": MatrixConfig,
    "bot": BotConfig,
    "roundup": RoundupConfig,
    "reminders": RemindersConfig,
    "import": ImportConfig,
    "http": HttpConfig,
    "links": LinksConfig,
}
_LEAD = re.compile(r"^[1-9]\d{0,3}[smhdw]$")
_ENV_SECRETS = {"password": "EVENTBOT_PASSWORD", "access_token": "EVENTBOT_ACCESS_TOKEN"}


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_type_name(arg) for arg in typing.get_args(tp) if arg is not type(None))
    if origin is tuple:
        return "a list of integers" if typing.get_args(tp)[0] is int else "a list of strings"
    return {str: "a string", int: "an integer", bool: "true or false", float: "a number", Path: "a path"}[tp]


def _convert(value: Any, tp: Any) -> Any:
    """The value as the field's type, or raise TypeError."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        inner = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return _convert(value, inner[0])
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        if isinstance(value, list) and all(
            isinstance(item, item_type) and not isinstance(item, bool) for item in value
        ):
            return tuple(value)
        raise TypeError
    if tp is Path:
        if isinstance(value, str):
            return Path(value)
        raise TypeError
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, bool):
        raise TypeError
    if isinstance(value, tp):
        return value
    raise TypeError


def _load_section(name: str, cls: type, table: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    keys = [f for f in fields(cls) if not f.metadata.get("derived")]
    known = {f.name for f in keys}
    for key in table:
        if key not in known:
            problems.append(f"{name}.{key}: unknown key")
    values: dict[str, Any] = {}
    for f in keys:
        key = f"{name}.{f.name}"
        if f.name in table:
            try:
                values[f.name] = _convert(table[f.name], hints[f.name])
            except TypeError:
                problems.append(
                    f"{key}: must be {_type_name(hints[f.name])}, got {table[f.name]!r}"
                    if f.name not in _ENV_SECRETS
                    else f"{key}: must be a string"
                )
                continue
            value = values[f.name]
            if any(isinstance(v, str) and PLACEHOLDER in v for v in (value if isinstance(value, tuple) else (value,))):
                problems.append(f"{key}: still the example placeholder {PLACEHOLDER}; set a real value")
        elif f.default is MISSING and f.default_factory is MISSING:
            problems.append(f"{key}: missing (required)")
    return values


def _check_roundup(roundup: dict[str, Any], problems: list[str]) -> None:
    if roundup.get("lookahead_days", 0) < 0:
        problems.append("roundup.lookahead_days: must be 0 or more")
    publish_time = roundup.get("publish_time", "08:00")
    try:
        hour, minute = (int(part) for part in publish_time.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        problems.append(f"roundup.publish_time: must be HH:MM, got {publish_time!r}")
    url = roundup.get("calendar_url", "")
    if url and not url.startswith(("http://", "https://")):
        problems.append(f"roundup.calendar_url: must start with http:// or https://, got {url!r}")


def _check_import_http(imports: dict[str, Any], http: dict[str, Any], problems: list[str]) -> None:
    for key in ("max_bytes", "max_entries", "max_feeds_per_room"):
        if imports.get(key, 1) < 1:
            problems.append(f"import.{key}: must be at least 1")
    bad_ports = [port for port in imports.get("allowed_ports", ()) if not 0 < port < 65536]
    if bad_ports:
        problems.append(f"import.allowed_ports: {', '.join(map(str, bad_ports))} not between 1 and 65535")
    if not _LEAD.match(imports.get("feed_interval", "6h")):
        problems.append(f'import.feed_interval: {imports["feed_interval"]!r} not like "30m", "6h", "1d"')
    if not 0 < http.get("port", 8080) < 65536:
        problems.append("http.port: must be between 1 and 65535")
    url = http.get("public_url", "")
    if url and not url.startswith(("http://", "https://")):
        problems.append(f"http.public_url: must start with http:// or https://, got {url!r}")
    tiles = http.get("map_tiles", DEFAULT_MAP_TILES)
    if tiles and not (tiles.startswith(("http://", "https://")) and all(f"{{{c}}}" in tiles for c in "zxy")):
        problems.append(f"http.map_tiles: must be an http(s) URL with {{z}}, {{x}} and {{y}} (or empty), got {tiles!r}")


def _check_reminders(reminders: dict[str, Any], problems: list[str]) -> None:
    for key in ("lead_times", "meetup_lead_times"):
        bad = [lead for lead in reminders.get(key, ()) if not _LEAD.match(lead)]
        if bad:
            problems.append(f'reminders.{key}: {", ".join(map(repr, bad))} not like "30m", "1h", "1d"')


def _check_links(links: dict[str, Any], problems: list[str]) -> None:
    sections = links.get("sections", DEFAULT_LINK_SECTIONS)
    if not sections or any(not name.strip() or len(name) > 60 for name in sections):
        problems.append("links.sections: must be a non-empty list of names of 1 to 60 characters")
    if not links.get("reaction", "🔖").strip():
        problems.append("links.reaction: must be an emoji, got an empty string")
    if not 0 < links.get("title_timeout_s", 5.0) <= 30:
        problems.append("links.title_timeout_s: must be more than 0 and at most 30")


def _check_values(matrix: dict[str, Any], bot: dict[str, Any], problems: list[str]) -> None:
    homeserver = matrix.get("homeserver")
    if isinstance(homeserver, str) and not homeserver.startswith(("http://", "https://")):
        problems.append(f"matrix.homeserver: must start with http:// or https://, got {homeserver!r}")
    user_id = matrix.get("user_id")
    if isinstance(user_id, str) and not (user_id.startswith("@") and ":" in user_id):
        problems.append(f"matrix.user_id: must look like @name:server, got {user_id!r}")
    reported = any(problem.startswith(("matrix.password", "matrix.access_token")) for problem in problems)
    if not reported and not matrix.get("password") and not matrix.get("access_token"):
        problems.append(
            "matrix.password: missing; set matrix.password or matrix.access_token "
            "(or the environment variable EVENTBOT_PASSWORD / EVENTBOT_ACCESS_TOKEN)"
        )
    timezone = bot.get("timezone")
    if isinstance(timezone, str) and not valid_zone(timezone):
        problems.append(f'bot.timezone: unknown time zone {timezone!r} (example: "Europe/Berlin")')
    if bot.get("language", "de") not in LANGUAGES:
        problems.append(f"bot.language: must be one of {', '.join(LANGUAGES)}, got {bot['language']!r}")
    prefix = bot.get("command_prefix", "!")
    if not prefix or any(ch.isspace() for ch in prefix):
        problems.append(f"bot.command_prefix: must be non-empty without spaces, got {prefix!r}")
    for key in ("rate_limit_per_minute", "rate_limit_burst"):
        if bot.get(key, 1) < 1:
            problems.append(f"bot.{key}: must be at least 1")


def parse_config(
    raw: Mapping[str, Any], *, base_dir: Path, env: Mapping[str, str], source: Path | str = "<config>"
) -> Config:
    """Build a Config from parsed TOML; raises ConfigError naming every problem."""
    problems: list[str] = []
    for section in raw:
        if section not in _SECTIONS:
            problems.append(f"{section}: unknown section")
    sections: dict[str, dict[str, Any]] = {}
    for name, cls in _SECTIONS.items():
        table = raw.get(name, {})
        if not isinstance(table, Mapping):
            problems.append(f"{name}: must be a table ([{name}])")
            table = {}
        sections[name] = _load_section(name, cls, table, problems)
    matrix, bot = sections["matrix"], sections["bot"]
    for key, variable in _ENV_SECRETS.items():
        if env.get(variable):
            matrix[key] = env[variable]
    _check_values(matrix, bot, problems)
    _check_roundup(sections["roundup"], problems)
    _check_reminders(sections["reminders"], problems)
    _check_import_http(sections["import"], sections["http"], problems)
    _check_links(sections["links"], problems)
    if problems:
        raise ConfigError(source, problems)
    data_dir = bot.get("data_dir", BotConfig.data_dir)
    bot["data_dir"] = data_dir if data_dir.is_absolute() else (base_dir / data_dir).resolve()
    http = HttpConfig(
        **sections["http"],
        language=bot.get("language", BotConfig.language),
        timezone=bot.get("timezone", BotConfig.timezone),
    )
    return Config(
        matrix=MatrixConfig(**matrix),
        bot=BotConfig(**bot),
        roundup=RoundupConfig(**sections["roundup"], page_base_url=http.base_url if http.enabled else ""),
        reminders=RemindersConfig(**sections["reminders"]),
        imports=ImportConfig(**sections["import"]),
        http=http,
        links=LinksConfig(**sections["links"]),
    )


def load_config(path: Path | str, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate a TOML config file; relative paths are taken from the file's directory."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
    return parse_config(raw, base_dir=path.parent.resolve(), env=os.environ if env is None else env, source=path)
