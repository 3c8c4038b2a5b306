"""The link desk's pure part: filed URLs cleaned and keyed, `!link` and 🔖 messages read, news items written as
Markdown for the post and as plain text for the chat, and the title of a fetched page. No I/O here."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser
from urllib.parse import quote, unquote

from bot.errors import InputError

MAX_URL_LENGTH = 2000
MAX_TITLE_LENGTH = 200
SHOWN_URL_LENGTH = 80

# query parameters that only say where a click came from; the link works the same without them
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
    }
)
# YouTube's share-button id; elsewhere "si" may well mean something
YOUTUBE_HOSTS = ("youtube.com", "youtu.be")
# schemes refused as such even without "//" after the colon (a word like "Achtung:" is text, not a URL)
FOREIGN_SCHEMES = frozenset(
    {"javascript", "vbscript", "data", "file", "blob", "about", "mailto", "tel", "sms", "ftp", "ws", "wss", "magnet"}
)
SENTENCE_END = ".,;:!?…"

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# what browsers ignore in a scheme ("java\tscript:"), so it must not hide one from the check either
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")
_URL_PARTS = re.compile(r"//([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?\Z", re.DOTALL)
_HOST = re.compile(r"[\w\-~%]+(?:\.[\w\-~%]+)*\.?")
_IPV6 = re.compile(r"\[[0-9A-Fa-f:.]+\]")
# ASCII that RFC 3986 does not allow anywhere in a URL: filed percent-encoded, as a browser would send it
_NOT_URI = re.compile(r'["<>^`{|}]')
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# in a link destination: everything but what RFC 3986 allows (and "%", kept as it is) is percent-encoded
_DESTINATION_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]")
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
# what starts a heading, quote, list, rule or setext underline at the start of a line
_BLOCK_START = re.compile(r"[#>+\-=]|\d+[.)]")
# Hugo's goldmark links bare URLs, www. names and e-mail addresses by itself (linkify); an escape before the
# colon, the dot or the "@" keeps user text text and shows the same characters
_AUTOLINK = re.compile(r":(?=//)|(?<=www)\.|@", re.IGNORECASE)

_HTTP = re.compile(r"https?:", re.IGNORECASE)
# a bracket (escaped or not) or the start of a bare URL: the places where item text is more than text
_SCAN = re.compile(r"\\[\[\]]|[\[\]]|(?<![A-Za-z0-9+.\-])https?://", re.IGNORECASE)
_BRACKET = re.compile(r"\\[\[\]]|[\[\]]")
_URL_BODY = re.compile(r"[^\s<>\"`\\“”„«»\x00-\x1f\x7f]+")
_URL_TRAILING = SENTENCE_END + "'*"
# `(https://…)` right after a bracket pair, with parentheses inside it balanced one level deep (Wikipedia's)
_TARGET = re.compile(
    r"\((https?://(?:[^\s()<>\"\[\]`\\\x00-\x1f\x7f]|\([^\s()<>\"\[\]`\\\x00-\x1f\x7f]*\))*)\)", re.IGNORECASE
)
_ESCAPED_BRACKET = re.compile(r"\\([\[\]])")
_HASHTAG = re.compile(r"(?<![\w&#/\\])#([^\W\d_](?:[\w-]*\w)?)(?:/(\w(?:[\w-]*\w)?))?")
_TRAILING_HASHTAG = re.compile(r"#[^\W\d_][\w-]*(?:/[\w-]+)?[.,;:!?]*")
_MAIN = "\x00"  # where the main URL stood in a message being read (the message's own NULs become spaces)
_ENCLOSED_MAIN = re.compile(r"\( ?\x00 ?\)|< ?\x00 ?>")
_SEPARATED_MAIN = re.compile(r" ?[:\-–—] ?\x00")
_MAIN_THEN_SEPARATOR = re.compile(r"^\x00 ?[:\-–—](?= |$)")

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_HEAD_SCAN = re.compile(r"<(?:!--|(script|style|title|meta)(?=[\s/>])|/head(?=[\s>])|body(?=[\s/>]))", re.IGNORECASE)
# a start tag; quoted values may hold ">" but no "<", so a tag never reaches past the next "<" (linear time)
_META_TAG = re.compile(r"""<meta(?:[^<>"']|"[^"<]*"|'[^'<]*')*>""", re.IGNORECASE)
_TITLE_TAG = re.compile(r"""<title(?:[^<>"']|"[^"<]*"|'[^'<]*')*>""", re.IGNORECASE)
_END_TAG = {name: re.compile(rf"</{name}(?=[\s>])", re.IGNORECASE) for name in ("script", "style", "title")}
# control characters that are not whitespace, and the bidi overrides that would show a title backwards
_HIDDEN = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
CHARSET_PRESCAN = 4096  # bytes; the HTML standard looks for a <meta charset> in the first 1024


class LinkCode(StrEnum):
    """Why a URL cannot be filed (its message: `link_bad_<code>`)."""

    SCHEME = "scheme"  # not http/https
    MALFORMED = "malformed"  # no host, spaces or control characters, unparsable
    TOO_LONG = "too_long"  # more than 2000 characters


class LinkError(InputError, ValueError):
    """A URL that cannot be filed; `code` (a LinkCode) says why, `url` is the URL as shown to the user."""

    prefix = "link_bad"
    codes = LinkCode
    code: LinkCode

    def __init__(self, code: LinkCode, url: str) -> None:
        self.url = _shown(url)
        super().__init__(code, self.url)

    def __str__(self) -> str:
        return f"{self.code}: {self.url}"

    def __reduce__(self) -> tuple[type[LinkError], tuple[str, str]]:
        return (type(self), (self.code, self.url))


def _shown(url: str) -> str:
    """The URL on one line of printable characters, at most 80 of them, for telling the user what was refused."""
    flat = "".join(char if char.isprintable() else "\ufffd" for char in " ".join(url.split()))
    return flat if len(flat) <= SHOWN_URL_LENGTH else flat[: SHOWN_URL_LENGTH - 1] + "…"


@dataclass(frozen=True)
class _Parts:
    scheme: str
    host: str
    port: str
    path: str
    query: str | None
    fragment: str | None


def _parts(url: str) -> _Parts:
    """The checked parts of an http(s) URL, host lower-cased and port without the default; else LinkError."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise LinkError(LinkCode.TOO_LONG, url)
    scheme = _SCHEME.match(_INVISIBLE.sub("", url))
    if scheme is None:
        raise LinkError(LinkCode.MALFORMED, url)
    name = scheme.group(1).lower()
    if name not in ("http", "https"):
        raise LinkError(LinkCode.SCHEME, url)
    # browsers read "\" as "/" in http(s) URLs, so "https://a.example\@b.example" would go to another host than
    # the one it seems to name; spaces, controls and invisible formatting characters have no place in a URL
    if "\\" in url or any(unicodedata.category(char)[0] in "CZ" for char in url):
        raise LinkError(LinkCode.MALFORMED, url)
    parts = _URL_PARTS.match(url, scheme.end())  # url has nothing _INVISIBLE left: the scheme ends there too
    if parts is None:
        raise LinkError(LinkCode.MALFORMED, url)
    authority, path, query, fragment = parts.groups()
    # credentials have no place in a published link, and "https://trusted.example@evil.example" only misleads
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        if "]" not in hostport:
            raise LinkError(LinkCode.MALFORMED, url)
        host, _, port = hostport.partition("]")
        host += "]"
        if port and not port.startswith(":"):
            raise LinkError(LinkCode.MALFORMED, url)
        port = port[1:]
        valid = _IPV6.fullmatch(host) is not None
    else:
        host, _, port = hostport.partition(":")
        valid = _HOST.fullmatch(host) is not None and any(char.isalnum() for char in host)
    if not valid or not (port == "" or (port.isascii() and port.isdigit() and int(port) <= 65535)):
        raise LinkError(LinkCode.MALFORMED, url)
    port = str(int(port)) if port else ""
    if (name, port) in (("http", "80"), ("https", "443")):
        port = ""
    host = host.lower()
    return _Parts(
        scheme=name,
        host=host,
        port=port,
        path=_uri_chars(path),
        query=_without_tracking(_uri_chars(query), host) if query is not None else None,
        fragment=_uri_chars(fragment) if fragment else None,
    )


def _uri_chars(part: str) -> str:
    return _NOT_URI.sub(lambda match: f"%{ord(match.group(0)):02X}", part)


def _without_tracking(query: str, host: str) -> str | None:
    youtube = any(host == name or host.endswith("." + name) for name in YOUTUBE_HOSTS)
    kept = []
    for parameter in query.split("&"):
        name = unquote(parameter.partition("=")[0]).lower()
        if not parameter or name.startswith("utm_") or name in TRACKING_PARAMETERS or (youtube and name == "si"):
            continue
        kept.append(parameter)
    return "&".join(kept) or None


def _joined(parts: _Parts) -> str:
    port = f":{parts.port}" if parts.port else ""
    query = f"?{parts.query}" if parts.query else ""
    tail = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.scheme}://{parts.host}{port}{parts.path}{query}{tail}"


def clean_url(url: str) -> str:
    """The URL as it is filed and published: http(s) only, scheme and host lower-cased, no default port, no
    tracking parameters; path, other parameters (in order) and fragment as written. Raises LinkError."""
    return _joined(_parts(url))


def url_key(url: str) -> str:
    """The duplicate key: the cleaned URL without fragment and trailing "/", with one spelling for what RFC 3986
    and IDNA call the same (percent-escapes upper-cased, non-ASCII percent-encoded, host in punycode)."""
    parts = _parts(url)
    host = parts.host
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass  # not a name IDNA 2003 can write; the Unicode spelling is the key then
    key = _joined(_Parts(parts.scheme, host, parts.port, parts.path.rstrip("/"), parts.query, None))
    encoded = _NON_ASCII.sub(lambda match: quote(match.group(0), safe=""), key)
    return _PERCENT.sub(lambda match: match.group(0).upper(), encoded)


def _url_end(text: str, start: int) -> int | None:
    """Where the bare URL starting at `start` (at "http") ends, sentence punctuation and unbalanced closing
    brackets left out; None when there is no host after the "//"."""
    host = start + (8 if text[start + 4 : start + 5] in ("s", "S") else 7)
    if host >= len(text) or text[host] in "/?#":
        return None
    body = _URL_BODY.match(text, start)
    end = body.end() if body else start
    opened = {")": text.count("(", start, end), "]": text.count("[", start, end)}
    closed = {")": text.count(")", start, end), "]": text.count("]", start, end)}
    while end > host:
        last = text[end - 1]
        if last in _URL_TRAILING:
            end -= 1
        elif last in closed and closed[last] > opened[last]:
            closed[last] -= 1
            end -= 1
        else:
            break
    return end if end > host else None


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """The bare http(s) URLs in prose as (start, end, url); they stop at whitespace, <, >, quotes and backslashes,
    and leave out trailing sentence punctuation and a closing ")" or "]" they did not open."""
    found = []
    position = 0
    while (match := _SCAN.search(text, position)) is not None:
        position = match.end()
        if match.group(0)[0] in "[]\\":
            continue
        end = _url_end(text, match.start())
        if end is not None:
            found.append((match.start(), end, text[match.start() : end]))
            position = end
    return found


def section_key(name: str) -> str:
    """How section names compare: case, accents, umlaut spelling (ä = ae = a, ß = ss) and everything but letters
    and digits ignored."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))
    return re.sub("([aou])e", r"\1", letters)


def find_section(name: str, sections: Sequence[str]) -> str | None:
    """The section of `sections` that `name` names (by section_key), or None."""
    key = section_key(name)
    if not key:
        return None
    return next((section for section in sections if section_key(section) == key), None)


@dataclass(frozen=True)
class Filing:
    """A link as `!link` or 🔖 files it."""

    url: str | None  # the main URL (cleaned), None when the text had none
    section: str | None  # the section as written (without '#'), None when not given
    topic: str | None  # the sub-heading after '/', None when not given
    text: str  # the item text as the user wrote it (brackets kept), whitespace collapsed, stripped


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _hashtag(word: str) -> tuple[str, str | None] | None:
    """`#Name` or `#Name/Topic` as (name, topic); a name starts with a letter ("#1" is text)."""
    word = word.rstrip(".,;:!?")
    if not word.startswith("#"):
        return None
    name, _, topic = word[1:].partition("/")
    if not name or not name[0].isalpha():
        return None
    return name, topic or None


def _looks_foreign(word: str) -> bool:
    """A URL with another scheme than http(s): a known one, or any followed by "//"."""
    scheme = _SCHEME.match(_INVISIBLE.sub("", word))
    if scheme is None:
        return False
    rest = _INVISIBLE.sub("", word)[scheme.end() :]
    return scheme.group(1).lower() in FOREIGN_SCHEMES or rest.startswith("//")


def parse_filing(args: str) -> Filing:
    """The arguments of `!link <url> [#Abschnitt[/Unterthema]] [Text]`; the hashtag may also be the last word.
    Raises LinkError for a URL that cannot be filed (also one with another scheme); url is None without a URL."""
    words = args.split()
    url = None
    if words:
        first = words[0]
        if len(first) > 2 and first.startswith("<") and first.endswith(">"):
            first = first[1:-1]
        if _HTTP.match(first):
            end = _url_end(first, 0) if first.lower().startswith(("http://", "https://")) else None
            # "https://a.example/x," pasted in prose: the comma is not part of the URL
            if end is not None and all(char in _URL_TRAILING + ")]" for char in first[end:]):
                first = first[:end]
            url = clean_url(first)
            words = words[1:]
        elif _looks_foreign(first):
            raise LinkError(LinkCode.SCHEME, first)
    section = topic = None
    if words and (tag := _hashtag(words[0])):
        (section, topic), words = tag, words[1:]
    elif len(words) > 1 and (tag := _hashtag(words[-1])):
        (section, topic), words = tag, words[:-1]
    return Filing(url=url, section=section, topic=topic, text=" ".join(words))


@dataclass(frozen=True)
class _Token:
    kind: str  # "text", "pair" (a bracket pair, maybe with its own `(url)`) or "url" (a bare URL)
    start: int
    end: int
    text: str  # text: the characters (escaped brackets unescaped); pair: its words; url: the URL as written
    url: str | None = None  # the cleaned URL of a pair or a bare URL; None when it has none or it cannot be filed
    close: int = 0  # pair: where its "]" is


def _clean_or_none(url: str) -> str | None:
    try:
        return clean_url(url)
    except LinkError:
        return None


def _pair_close(text: str, start: int) -> int | None:
    """The "]" closing the "[" at `start`, or None (another "[" comes first, or none)."""
    for match in _BRACKET.finditer(text, start + 1):
        if match.group(0) == "]":
            return match.start()
        if match.group(0) == "[":
            return None
    return None


def _tokens(text: str) -> list[_Token]:
    """Item text as plain text, bracket pairs `[words]` (`[words](https://…)` with their own URL) and bare URLs.
    A URL that cannot be filed is a "url" token without url; "[]" and brackets without a partner are text."""
    tokens: list[_Token] = []
    plain = position = 0

    def flush(until: int) -> None:
        if until > plain:
            tokens.append(_Token("text", plain, until, _ESCAPED_BRACKET.sub(r"\1", text[plain:until])))

    while (match := _SCAN.search(text, position)) is not None:
        start, found = match.start(), match.group(0)
        position = match.end()
        if found == "[":
            close = _pair_close(text, start)
            if close is None or not text[start + 1 : close].strip():
                continue
            end, own = close + 1, None
            if (target := _TARGET.match(text, close + 1)) is not None and (own := _clean_or_none(target.group(1))):
                end = target.end()
            flush(start)
            words = _ESCAPED_BRACKET.sub(r"\1", text[start + 1 : close])
            tokens.append(_Token("pair", start, end, words, own, close))
        elif found[0] in "hH":
            url_end = _url_end(text, start)
            if url_end is None:
                continue
            flush(start)
            end = url_end
            tokens.append(_Token("url", start, end, text[start:end], _clean_or_none(text[start:end])))
        else:
            continue  # an escaped bracket or a lone "]": text
        plain = position = end
    flush(len(text))
    return tokens


def _without_reply_fallback(body: str) -> str:
    """The message without the quote of the message it replies to (`> ` lines, then a blank line, at the top)."""
    lines = body.split("\n")
    quoted = 0
    while quoted < len(lines) and lines[quoted].startswith(">"):
        quoted += 1
    if quoted and quoted < len(lines) and not lines[quoted].strip():
        return "\n".join(lines[quoted + 1 :])
    return body


def parse_message(body: str) -> Filing | None:
    """What a 🔖 on a chat message files: its first http(s) URL that can be filed (a Markdown link's or a bare
    one), the section of its first hashtag, and the rest of its text as the item (see the module's tests).
    None when the message has no such URL."""
    source = _without_reply_fallback(body).replace(_MAIN, " ")
    tokens = _tokens(source)
    main = next((token for token in tokens if token.kind != "text" and token.url), None)
    if main is None:
        return None
    tags = [
        match for token in tokens if token.kind == "text" for match in _HASHTAG.finditer(source, token.start, token.end)
    ]
    chosen = tags[0] if tags else None
    parts = []
    for token in tokens:
        written = source[token.start : token.end]
        if token is main and token.kind == "pair":
            parts.append(f"[{source[token.start + 1 : token.close]}]")
        elif token is main:
            parts.append(f" {_MAIN} ")
        elif token.kind == "pair" and token.url is None:
            # in chat, brackets are just brackets: only the main link's words are marked
            parts.append(f"\\[{source[token.start + 1 : token.close]}\\]")
        elif chosen is not None and token.start <= chosen.start() < token.end:
            parts.append(source[token.start : chosen.start()] + " " + source[chosen.end() : token.end])
        else:
            parts.append(written)
    text = _collapse("".join(parts))
    # the URL's place leaves no "()", no "Schaut mal:" and no "https://… - Titel" separator behind
    text = _MAIN_THEN_SEPARATOR.sub("", _SEPARATED_MAIN.sub(_MAIN, _ENCLOSED_MAIN.sub(_MAIN, text)))
    words = _collapse(text.replace(_MAIN, " ")).split(" ")
    while words and _TRAILING_HASHTAG.fullmatch(words[-1]):
        words.pop()
    section, topic = (chosen.group(1), chosen.group(2)) if chosen else (None, None)
    return Filing(url=main.url, section=section, topic=topic, text=" ".join(words))


# -- rendering --


def _markdown_text(text: str, *, line_start: bool = False) -> str:
    """User text as literal Markdown, also for Hugo's linkify."""
    # imported here: bot.roundup imports this module for the post's news
    from bot.roundup import markdown_text

    escaped = _AUTOLINK.sub(r"\\\g<0>", markdown_text(text))
    if not line_start or (block := _BLOCK_START.match(escaped)) is None:
        return escaped
    # not markdown_text's line_start: it writes "\1." for "1.", and a backslash before a digit is no escape in
    # CommonMark, it would show; a list number is escaped after its digits
    marker = block.end() - 1
    return escaped[:marker] + "\\" + escaped[marker:]


def _destination(url: str) -> str:
    """A link destination that ends where it should and means the filed URL: unsafe characters
    percent-encoded, an entity-like "&" backslash-escaped (a Markdown renderer would decode it)."""
    encoded = _DESTINATION_UNSAFE.sub(lambda match: quote(match.group(0), safe=""), url)
    return _ENTITY.sub(r"\\&", encoded)


def _host(url: str) -> str:
    """The host a link names, without "www.", as link text when there are no words for it."""
    return fallback_title(url).partition("/")[0] or url


@dataclass
class _Piece:
    """A run of an item: plain text (url None, not free), a link, or a bracket pair still without a link."""

    words: str
    url: str | None = None
    free: bool = False


def _attach(pieces: list[_Piece], url: str) -> None:
    """A bare URL's link goes on the bracket pair right before it, else on the word before it, else on its host."""
    last = pieces[-1] if pieces else None
    if last is not None and last.free:
        last.url, last.free = url, False
        return
    if last is not None and last.url is None and not last.words.strip() and len(pieces) > 1 and pieces[-2].free:
        pieces.pop()
        pieces[-1].url, pieces[-1].free = url, False
        return
    if last is not None and last.url is None and (before := last.words.rstrip()):
        attached = before == last.words  # no space between: "Quelle:https://…" or "(https://…"
        cut = before.rfind(" ") + 1
        word = before[cut:]
        first = next((i for i, char in enumerate(word) if char.isalnum()), len(word))
        after = next((i for i in range(len(word), 0, -1) if word[i - 1].isalnum()), 0)
        trail = word[after:]
        if first < after and (not attached or trail == ":"):
            last.words = before[:cut] + word[:first]
            # "Quelle: https://…" becomes "[Quelle](…)": the colon announced the URL, and the URL is gone
            pieces.append(_Piece(word[first:after], url))
            if trail != ":":
                pieces.append(_Piece(trail))
            return
    pieces.append(_Piece(_host(url), url))


def _pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    for token in _tokens(text):
        if token.kind == "pair":
            pieces.append(_Piece(token.text, token.url, free=token.url is None))
        elif token.kind == "url" and token.url:
            _attach(pieces, token.url)
        else:
            pieces.append(_Piece(token.text))
    return pieces


def _split_end(text: str, punctuation: str) -> tuple[str, str]:
    """`text` as (words, trailing punctuation); all of it as words when it is nothing but punctuation."""
    words = text.rstrip(punctuation)
    return (words, text[len(words) :]) if words.strip() else (text, "")


def _render(pieces: list[_Piece]) -> str:
    """The pieces as Markdown: plain runs escaped (the first as a line start), links as `[words](url)`."""
    runs: list[tuple[list[str], str | None]] = []
    for piece in pieces:
        if not piece.words:
            continue
        url = None if piece.free else piece.url
        if url is None and runs and runs[-1][1] is None:
            runs[-1][0].append(piece.words)  # one run, one escape: "&" and "amp;" apart would meet as an entity
        else:
            runs.append(([piece.words], url))
    out: list[str] = []
    for words, url in runs:
        if url is None:
            out.append(_markdown_text("".join(words), line_start=not out))
            continue
        if out and out[-1].endswith("!"):
            out[-1] = out[-1][:-1] + "\\!"  # "![" would make the link an image
        out.append(f"[{_markdown_text(words[0])}]({_destination(url)})")
    return "".join(out)


def _whole(text: str, url: str) -> str:
    words, punctuation = _split_end(text, SENTENCE_END)
    return f"[{_markdown_text(words)}]({_destination(url)}){_markdown_text(punctuation)}"


def render_item(text: str, url: str, *, fallback: str = "") -> str:
    """One news paragraph of Markdown on one line: `[words]` carry the main link, `[words](https://…)` and bare
    URLs in the text their own; without brackets the text carries it; empty text falls back to `fallback`."""
    text = _collapse(text)
    if not text:
        return _whole(_collapse(fallback) or fallback_title(url), url)
    pieces = _pieces(text)
    free = [piece for piece in pieces if piece.free]
    if free:
        free[0].url, free[0].free = url, False
        for piece in free[1:]:
            piece.free = False  # a second pair has no link to carry: its words stay, the brackets go
    elif not any(piece.url for piece in pieces):
        return _whole("".join(piece.words for piece in pieces), url)
    elif not any(piece.url in (url, _clean_or_none(url)) for piece in pieces if piece.url):
        # the text links elsewhere and has no pair left: the words before the first link carry the main one
        first = next(i for i, piece in enumerate(pieces) if piece.url)
        before = "".join(piece.words for piece in pieces[:first])
        start = next((i for i, char in enumerate(before) if char.isalnum()), len(before))
        end = next((i for i in range(len(before), 0, -1) if before[i - 1].isalnum()), 0)
        if start < end:
            pieces = [_Piece(before[:start]), _Piece(before[start:end], url), _Piece(before[end:]), *pieces[first:]]
        else:
            pieces += [_Piece(" ("), _Piece(_host(url), url), _Piece(")")]
    return _render(pieces)


def _plain(text: str, *, with_urls: bool) -> str:
    """Item text as plain text: brackets gone, a pair's own URL after its words in parentheses (with_urls)."""
    out = []
    for token in _tokens(_collapse(text)):
        out.append(token.text)
        if with_urls and token.kind == "pair" and token.url:
            out.append(f" ({token.url})")
    return _collapse("".join(out))


def render_recap(text: str, url: str, *, fallback: str = "") -> str:
    """A Recap bullet `* [Name](url)`: the text without its brackets (or `fallback`, or host and path)."""
    name = _plain(text, with_urls=False) or _collapse(fallback) or fallback_title(url)
    return f"* [{_markdown_text(name)}]({_destination(url)})"


def chat_line(text: str, url: str, *, fallback: str = "") -> str:
    """How an item reads in chat (plain text, not escaped): `text — url`, brackets removed."""
    shown = _plain(text, with_urls=True) or _collapse(fallback) or fallback_title(url)
    return f"{shown} — {url}"


def fallback_title(url: str) -> str:
    """Host and path without scheme, "www." and trailing "/": "https://www.example.org/a/b/?x=1" → "example.org/a/b"."""
    try:
        parts = _parts(url)
    except LinkError:
        return _collapse(url)
    host = parts.host.removeprefix("www.")
    path = parts.path.rstrip("/")
    readable = unquote(path, errors="replace")
    # percent-escapes are decoded for reading, unless that brings out what no title should show
    if "\ufffd" not in readable and not any(unicodedata.category(char)[0] in "CZ" for char in readable):
        path = readable
    return host + path


# -- the title of a fetched page --


class _Attributes(HTMLParser):
    """The attributes of the one start tag it is fed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.attributes:
            self.attributes = {name: value or "" for name, value in attrs}


def _attributes(tag: str) -> dict[str, str]:
    parser = _Attributes()
    parser.feed(tag)
    parser.close()
    return parser.attributes


def _head(text: str) -> Iterator[tuple[str, dict[str, str] | str]]:
    """The head's `<meta>` tags (as attributes) and `<title>` texts (raw), in order; comments, scripts and styles
    skipped. A scan by regular expressions, linear in the length: html.parser alone is quadratic on input like
    "<a b" repeated, so it only ever sees single tags."""
    position = 0
    while (match := _HEAD_SCAN.search(text, position)) is not None:
        name = (match.group(1) or "").lower()
        if match.group(0) == "<!--":
            end = text.find("-->", match.end())
            if end < 0:
                return
            position = end + 3
        elif name in ("script", "style"):
            end_tag = _END_TAG[name].search(text, match.end())
            if end_tag is None:
                return
            position = end_tag.end()
        elif name in ("meta", "title"):
            tag = (_META_TAG if name == "meta" else _TITLE_TAG).match(text, match.start())
            if tag is None:
                position = match.end()
                continue
            position = tag.end()
            if name == "meta":
                yield "meta", _attributes(tag.group(0))
                continue
            end_tag = _END_TAG["title"].search(text, position)
            if end_tag is None:
                return
            yield "title", text[position : end_tag.start()]
            position = end_tag.end()
        else:
            return  # </head> or <body>: a <title> after it is an SVG's


def _charset(data: bytes, content_type: str | None) -> str:
    """The codec to decode a page with: BOM, the Content-Type's charset, a `<meta>` one, else UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    declared = _CHARSET.search(content_type or "")
    name = declared.group(1) if declared else None
    if name is None:
        for kind, found in _head(data[:CHARSET_PRESCAN].decode("latin-1")):
            if kind == "meta" and isinstance(found, dict):
                in_content = _CHARSET.search(found.get("content", "")) if "http-equiv" in found else None
                name = found.get("charset") or (in_content.group(1) if in_content else None)
                if name:
                    break
    try:
        return codecs.lookup(name.strip()).name if name else "utf-8"
    except LookupError:
        return "utf-8"


def _title_text(text: str) -> str | None:
    """Control characters dropped, whitespace collapsed, at most 200 characters (cut at a word)."""
    text = _collapse(_HIDDEN.sub("", text))
    if len(text) <= MAX_TITLE_LENGTH:
        return text or None
    cut = text[: MAX_TITLE_LENGTH - 1]
    if text[MAX_TITLE_LENGTH - 1] != " " and " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def page_title(data: bytes, content_type: str | None) -> str | None:
    """The title of a fetched HTML page: its og:title, else its <title>; None for other content or no title."""
    if content_type is not None and content_type.partition(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    try:
        text = data.decode(_charset(data, content_type), errors="replace")
    except (LookupError, UnicodeError):  # "charset=base64" or "idna" names a codec, but no text encoding
        text = data.decode("utf-8", errors="replace")
    og = title = None
    for kind, found in _head(text):
        if kind == "title" and isinstance(found, str):
            title = title or _title_text(html.unescape(found))
        elif isinstance(found, dict):
            property_ = (found.get("property") or found.get("name") or "").strip().lower()
            # html.parser has decoded the attribute's entities already
            if property_ == "og:title" and (og := _title_text(found.get("content", ""))):
                break
    return og or title
