"""Public names of rooms: the `<name>` in `<public_url>/<name>/`."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

PUBLIC_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])")
MIN_NAME, MAX_NAME = 2, 40
# the bot's own paths and names people would mistake for them; never a room's page
RESERVED = frozenset(
    {
        "static",
        "api",
        "feed",
        "feeds",
        "calendar",
        "calendars",
        "kalender",
        "admin",
        "assets",
        "health",
        "healthz",
        "status",
        "metrics",
        "robots.txt",
        "favicon.ico",
        "sitemap.xml",
        "well-known",
        "www",
        "login",
        "logout",
        "about",
        "help",
        "e",
        "ics",
        "webcal",
        "eventbot",
    }
)


def valid_name(name: str) -> bool:
    """Lower-case letters, digits and `-`, 2 to 40 characters, starting and ending with a letter or digit."""
    return PUBLIC_NAME.fullmatch(name) is not None


def reserved(name: str) -> bool:
    return name in RESERVED


def slug(text: str) -> str | None:
    """A valid name made from text (`!AbC_def:server` → `abc-def`), or None when too little is left."""
    local = text.removeprefix("!").split(":", 1)[0].casefold()
    cleaned = re.sub(r"[^a-z0-9]+", "-", local).strip("-")[:MAX_NAME].strip("-")
    return cleaned if valid_name(cleaned) and not reserved(cleaned) else None


async def alternative(name: str, taken: Callable[[str], Awaitable[bool]]) -> str:
    """The first free `name-2`, `name-3`, … (shortened to fit), for a name that is taken or reserved."""
    base = name if valid_name(name) else (slug(name) or "kalender")
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: MAX_NAME - len(suffix)].rstrip("-") + suffix
        if not reserved(candidate) and not await taken(candidate):
            return candidate
        number += 1
