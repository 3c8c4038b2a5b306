"""Rich text built from trusted templates: user text is always escaped, never live HTML or Markdown."""

from __future__ import annotations

import functools
import html
import string
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

import nh3

from bot.models import Reply

_FORMATTER = string.Formatter()
_MARKERS = {"**": ("<b>", "</b>"), "`": ("<code>", "</code>")}
_ALLOWED_TAGS = {"b", "code", "br", "a", "i"}


@dataclass(frozen=True)
class Rich:
    """Text with a plain form and an HTML form that say the same."""

    text: str
    html: str

    @classmethod
    def plain(cls, value: str) -> Rich:
        """User text: shown as written, escaped in HTML."""
        return cls(value, html.escape(value, quote=True).replace("\n", "<br>"))

    @classmethod
    def bold(cls, value: str) -> Rich:
        return cls(value, f"<b>{html.escape(value, quote=True)}</b>")

    @classmethod
    def code(cls, value: str) -> Rich:
        return cls(value, f"<code>{html.escape(value, quote=True)}</code>")

    @classmethod
    def mention(cls, user_id: str) -> Rich:
        """A user pill: the user id as text, a matrix.to link in HTML."""
        href = "https://matrix.to/#/" + quote(user_id, safe="@:")
        return cls(user_id, f'<a href="{html.escape(href, quote=True)}">{html.escape(user_id, quote=True)}</a>')

    @classmethod
    def join(cls, parts: Iterable[Rich], separator: str = "\n") -> Rich:
        items = list(parts)
        sep = cls.plain(separator)
        return cls(sep.text.join(p.text for p in items), sep.html.join(p.html for p in items))

    def __add__(self, other: Rich) -> Rich:
        return Rich(self.text + other.text, self.html + other.html)

    def to_reply(self, *, notice: bool = True) -> Reply:
        """The Matrix reply; the HTML passes a sanitizer as a second line of defence."""
        return Reply(
            text=self.text, html=nh3.clean(self.html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}}), notice=notice
        )


def _markup(literal: str, open_markers: set[str]) -> tuple[str, str]:
    """Plain and HTML forms of a trusted template fragment; `**bold**` and `` `code` `` may span fields."""
    plain: list[str] = []
    markup: list[str] = []
    i = 0
    while i < len(literal):
        marker = "**" if literal.startswith("**", i) else "`" if literal[i] == "`" else None
        if marker is None:
            plain.append(literal[i])
            markup.append(html.escape(literal[i], quote=True).replace("\n", "<br>"))
            i += 1
            continue
        opening, closing = _MARKERS[marker]
        markup.append(closing if marker in open_markers else opening)
        open_markers ^= {marker}
        i += len(marker)
    return "".join(plain), "".join(markup)


@functools.lru_cache(maxsize=1024)
def _compiled(template: str) -> tuple[tuple[str, str, str | None], ...]:
    """A trusted template as (plain, HTML, parameter name or None) pieces: parsed once, filled often."""
    pieces = []
    open_markers: set[str] = set()
    for literal, name, _spec, _conversion in _FORMATTER.parse(template):
        plain_part, html_part = _markup(literal, open_markers)
        pieces.append((plain_part, html_part, name))
    return tuple(pieces)


def fill(template: str, **params: str | int | Rich) -> Rich:
    """Fill a trusted template; parameters are user text (escaped) or Rich (inserted as built)."""
    text: list[str] = []
    markup: list[str] = []
    for plain_part, html_part, name in _compiled(template):
        text.append(plain_part)
        markup.append(html_part)
        if name is None:
            continue
        value = params[name]
        rich = value if isinstance(value, Rich) else Rich.plain(str(value))
        text.append(rich.text)
        markup.append(rich.html)
    return Rich("".join(text), "".join(markup))
