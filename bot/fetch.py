"""Downloading calendars from URLs without becoming a proxy into private networks (SSRF-safe).

Three layers, each enough on its own for the common cases:

1. `check_url` looks at the URL as the user wrote it, before any parser normalises it: http(s) only, the
   authority pure ASCII (internationalised names in punycode, `xn--…`), IPv4 only as a canonical dotted quad
   (no `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`, `127.0.0.1.`), yarl must read the same host and port as
   urllib, IP literals must be public, and the port must be a web port.
2. `GuardedConnector` checks every host the HTTP client connects to, IP literals included (aiohttp does not ask
   the resolver about those), against the same rules, after resolution: all addresses a name resolves to must
   be public.
3. The connector's socket factory refuses to open a socket to any (address, port) that layer 2 did not vet, so
   a change in aiohttp's internals fails closed instead of silently skipping the check.

`allowed_hosts` (operator-trusted, matched on the host text) may reach private addresses on any port; every
other host only the ports in `allowed_ports`. One deadline covers the whole fetch, redirects included.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import ipaddress
import re
import socket
import unicodedata
from collections.abc import Collection, Sequence
from enum import StrEnum
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
import yarl
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from bot.errors import InputError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT_S = 20.0
SOCK_CONNECT_S = 10.0
ALLOWED_PORTS: tuple[int, ...] = (80, 443, 8000, 8080, 8443)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchCode(StrEnum):
    """Why a URL is not fetched (its message: `fetch_<code>`)."""

    BAD_URL = "bad_url"
    BAD_HOST = "bad_host"
    BLOCKED_ADDRESS = "blocked_address"
    BLOCKED_PORT = "blocked_port"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    HTTP_STATUS = "http_status"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    UNREACHABLE = "unreachable"


class FetchError(InputError):
    """A URL that is not fetched; `code` (a FetchCode) says why (for the user's message), `detail` names the
    culprit. An input error: the URL is the user's (or a feed's they subscribed to); another one may work."""

    prefix = "fetch"
    codes = FetchCode
    code: FetchCode

    def __init__(self, code: FetchCode, detail: str = "") -> None:
        super().__init__(code, detail)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


# --- the block list -------------------------------------------------------------------------------------------


def _networks(*cidrs: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


# Everything in IPv4 that is not plain global unicast (Synapse's DEFAULT_IP_RANGE_BLOCKLIST and more);
# `not is_global` below catches what the IANA registry adds later, as far as Python knows it.
_BLOCKED_V4 = _networks(
    "0.0.0.0/8",  # "this network", unspecified
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",  # private
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link-local (cloud metadata)
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.2.0/24",
    "198.51.100.0/24",
    "203.0.113.0/24",  # documentation
    "192.88.99.0/24",  # former 6to4 relay anycast
    "198.18.0.0/15",  # benchmarking
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, 255.255.255.255 broadcast
)
# IPv6 is global only inside 2000::/3 (everything else: unspecified, loopback, IPv4-compatible ::/96,
# IPv4-translated, discard 100::/64, unique-local fc00::/7, link-local fe80::/10, site-local fec0::/10,
# multicast ff00::/8, reserved), minus these:
_GLOBAL_V6 = ipaddress.ip_network("2000::/3")
_BLOCKED_V6 = _networks(
    "2001::/23",  # IETF protocol assignments: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID
    "2001:db8::/32",
    "3fff::/20",  # documentation
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix: the embedded IPv4 decides


@functools.cache
def _own_addresses() -> frozenset[IPAddress]:
    """This machine's own addresses, as far as its host name resolves (best effort: empty when it does not)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except (OSError, UnicodeError):
        return frozenset()
    own: set[IPAddress] = set()
    for info in infos:
        try:
            own.add(_unwrap(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])))
        except ValueError:
            continue
    return frozenset(own)


async def _know_own_addresses() -> None:
    """Look up this machine's names once, off the event loop (blocked_address then finds them cached)."""
    if _own_addresses.cache_info().currsize == 0:
        await asyncio.to_thread(_own_addresses)


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), or the address itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def _blocked_ip(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv4Address):
        return any(ip in net for net in _BLOCKED_V4) or not ip.is_global
    return ip not in _GLOBAL_V6 or any(ip in net for net in _BLOCKED_V6)


def blocked_address(address: str) -> bool:
    """Never fetched from: every non-global range, also inside IPv6 (mapped, NAT64, 6to4), and this machine.

    Raises ValueError when `address` is not an IP address.
    """
    ip = _unwrap(ipaddress.ip_address(address.split("%", 1)[0]))
    return _blocked_ip(ip) or ip in _own_addresses()


# --- the host as written ----------------------------------------------------------------------------------------

_SCHEME = re.compile(r"(?i)(https?)://")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_CANONICAL_V4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_NAME = re.compile(r"[a-z0-9_-]{1,63}(?:\.[a-z0-9_-]{1,63})*\.?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _shown(text: str) -> str:
    """A host for a message: visible characters kept, invisible or control ones escaped."""
    return "".join(char if unicodedata.category(char)[0] in "LNPS" else ascii(char)[1:-1] for char in text[:100])


def _raw_authority(url: str) -> str:
    """`user@host:port` exactly as written, before urllib or yarl had a chance to normalise it."""
    match = _SCHEME.match(url)
    if match is None:
        raise FetchError(FetchCode.BAD_URL, url[:200])
    rest = url[match.end() :]
    ends = [index for index in (rest.find(char) for char in "/?#") if index >= 0]
    return rest[: min(ends, default=len(rest))]


def _bracketed(authority: str) -> bool:
    return authority.rpartition("@")[2].startswith("[")


def _without_port(host_port: str) -> str:
    if host_port.startswith("["):
        return host_port[1:].partition("]")[0]
    return host_port.rpartition(":")[0] if host_port.count(":") == 1 else host_port


def _check_host_text(host: str) -> IPAddress | None:
    """The IP address a (lower-case ASCII) host names, None for a name; FetchError (BAD_HOST) if ambiguous."""
    if ":" in host:  # an IPv6 literal (the brackets are gone)
        if "%" in host:
            raise FetchError(FetchCode.BAD_HOST, _shown(host))  # zone ids have no business in a feed URL
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise FetchError(FetchCode.BAD_HOST, _shown(host)) from None
    labels = host.split(".")
    last = labels[-1] or (labels[-2] if len(labels) > 1 else "")
    if _NUMERIC_LABEL.fullmatch(last):  # an IPv4 address to every parser that follows (WHATWG, inet_aton)
        if not _CANONICAL_V4.fullmatch(host):
            raise FetchError(FetchCode.BAD_HOST, _shown(host))
        return ipaddress.IPv4Address(host)
    if not _NAME.fullmatch(host):
        raise FetchError(FetchCode.BAD_HOST, _shown(host))
    return None


def _norm_host(host: str) -> str:
    return host.lower().rstrip(".").strip("[]")


def _host_allowed(host: str, allowed_hosts: Collection[str]) -> bool:
    return _norm_host(host) in {_norm_host(h) for h in allowed_hosts}


def _checked(url: str, allowed_hosts: Collection[str], allowed_ports: Collection[int]) -> yarl.URL:
    """The URL to request, exactly as checked; FetchError if it is not to be fetched."""
    if _CONTROL.search(url):
        raise FetchError(FetchCode.BAD_URL, _shown(url[:200]))
    authority = _raw_authority(url)
    raw_host = _without_port(authority.rpartition("@")[2])
    if not authority.isascii() or any(char in authority for char in " \\") or "%" in raw_host:
        raise FetchError(FetchCode.BAD_HOST, _shown(raw_host))
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = yarl.URL(url)
    except ValueError:
        raise FetchError(FetchCode.BAD_URL, url[:200]) from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(FetchCode.BAD_URL, url[:200])
    ip = _check_host_text(host)
    if _bracketed(authority) != isinstance(ip, ipaddress.IPv6Address):
        raise FetchError(FetchCode.BAD_HOST, _shown(host))  # [v1.future] or an IPv6 address without brackets
    # urllib and yarl (which aiohttp connects with) must agree on where this goes
    seen = target.raw_host or ""
    try:
        same = ip == ipaddress.ip_address(seen) if ip is not None else seen == host
    except ValueError:
        same = False
    if not same or target.port != port or target.scheme != parts.scheme:
        raise FetchError(FetchCode.BAD_HOST, _shown(host))
    if not _host_allowed(host, allowed_hosts):
        if ip is not None and blocked_address(str(ip)):
            raise FetchError(FetchCode.BLOCKED_ADDRESS, host)
        if port not in allowed_ports:
            raise FetchError(FetchCode.BLOCKED_PORT, str(port))
    return target


def check_url(url: str, allowed_hosts: Collection[str], allowed_ports: Collection[int] = ALLOWED_PORTS) -> None:
    """Refuse before any lookup: not http(s), a non-ASCII or ambiguous host, a private IP literal, a port
    outside `allowed_ports`. Hosts in `allowed_hosts` (operator-trusted) may be private and use any port."""
    _checked(url, allowed_hosts, allowed_ports)


# --- the connection ---------------------------------------------------------------------------------------------


class _RefusedAddress(OSError):
    def __init__(self, address: str) -> None:
        super().__init__(errno.EACCES, f"refused to connect to unvetted address {address}")
        self.address = address


def _ip_key(address: str, port: int) -> tuple[IPAddress, int]:
    return ipaddress.ip_address(str(address).split("%", 1)[0]), int(port)


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector through which every host goes, IP literals included, checked on the addresses used.

    `_resolve_host` (which aiohttp short-circuits for IP literals, asking no resolver) is where the literal and
    every resolved address meet the block list and the port rule; only what it vetted may then be connected
    to: the socket factory refuses anything else, so the guard fails closed if aiohttp stops calling it.
    """

    def __init__(
        self, *, allowed_hosts: Collection[str] = (), allowed_ports: Collection[int] = ALLOWED_PORTS, **kwargs: Any
    ) -> None:
        kwargs.setdefault("resolver", ThreadedResolver())
        kwargs["use_dns_cache"] = False
        kwargs["socket_factory"] = self._open_socket
        super().__init__(**kwargs)
        self._allowed_hosts = tuple(allowed_hosts)
        self._allowed_ports = frozenset(allowed_ports)
        self._vetted: set[tuple[IPAddress, int]] = set()

    async def _resolve_host(self, host: str, port: int, traces: Sequence[Any] | None = None) -> list[ResolveResult]:
        trusted = _host_allowed(host, self._allowed_hosts)
        if not trusted:
            ip = _check_host_text(host.lower())
            if ip is not None:
                await _know_own_addresses()
                if blocked_address(str(ip)):
                    raise FetchError(FetchCode.BLOCKED_ADDRESS, host)
            if port not in self._allowed_ports:
                raise FetchError(FetchCode.BLOCKED_PORT, str(port))
        results = await super()._resolve_host(host, port, traces=traces)
        if not trusted:
            await _know_own_addresses()
            if not results or any(blocked_address(result["host"]) for result in results):
                raise FetchError(FetchCode.BLOCKED_ADDRESS, host)  # one private answer taints the name (DNS rebinding)
        self._vetted.update(_ip_key(result["host"], result["port"]) for result in results)
        return results

    def _open_socket(self, addr_info: Any) -> socket.socket:
        family, type_, proto, _, address = addr_info
        try:
            key = _ip_key(address[0], address[1])
        except ValueError:
            raise _RefusedAddress(str(address[0])) from None
        if key not in self._vetted:
            raise _RefusedAddress(str(address[0]))
        return socket.socket(family=family, type=type_, proto=proto)


def _refusal_in(exc: BaseException) -> FetchError | None:
    """The FetchError or refused socket behind an aiohttp connection error, if that is what it was."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, FetchError):
            return current
        if isinstance(current, _RefusedAddress):
            return FetchError(FetchCode.BLOCKED_ADDRESS, current.address)
        os_error = getattr(current, "os_error", None)
        if isinstance(os_error, _RefusedAddress | FetchError):
            current = os_error
            continue
        if "refused to connect to unvetted address" in str(current):  # several refused sockets, merged
            return FetchError(FetchCode.BLOCKED_ADDRESS, "")
        current = current.__cause__ or current.__context__
    return None


async def fetch_url(
    url: str,
    *,
    allowed_hosts: Collection[str] = (),
    allowed_ports: Collection[int] = ALLOWED_PORTS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = TIMEOUT_S,
    headers: dict[str, str] | None = None,
) -> tuple[bytes, Any]:
    """The body of a URL (and the final response's headers), with redirects checked hop by hop.

    `allowed_hosts` may reach private addresses on any port (operator-trusted); every other host only public
    addresses on `allowed_ports`. `timeout_s` is one deadline for the whole fetch, all redirects included.
    The body is for parsing, never for quoting back to the user (see `describe_body`).
    """
    timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=min(SOCK_CONNECT_S, timeout_s))
    current = url
    try:
        async with asyncio.timeout(timeout_s):
            connector = GuardedConnector(allowed_hosts=allowed_hosts, allowed_ports=allowed_ports)
            async with aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False) as session:
                for _ in range(MAX_REDIRECTS + 1):
                    target = _checked(current, allowed_hosts, allowed_ports)
                    async with session.get(target, allow_redirects=False, headers=headers or {}) as response:
                        if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                            current = urljoin(current, response.headers["Location"])
                            continue
                        if response.status == 304:
                            return b"", response.headers
                        if response.status >= 400:
                            raise FetchError(FetchCode.HTTP_STATUS, str(response.status))
                        if response.content_length is not None and response.content_length > max_bytes:
                            raise FetchError(FetchCode.TOO_LARGE, str(max_bytes))
                        body = bytearray()
                        async for chunk in response.content.iter_chunked(65536):
                            body += chunk
                            if len(body) > max_bytes:
                                raise FetchError(FetchCode.TOO_LARGE, str(max_bytes))
                        return bytes(body), response.headers
                raise FetchError(FetchCode.TOO_MANY_REDIRECTS, str(MAX_REDIRECTS))
    except FetchError:
        raise
    except TimeoutError:
        raise FetchError(FetchCode.TIMEOUT, f"{timeout_s:g}") from None
    except aiohttp.ClientConnectorError as exc:
        refusal = _refusal_in(exc)
        if refusal is not None:
            raise refusal from None
        raise FetchError(FetchCode.UNREACHABLE, _host_of(current)) from None
    except aiohttp.InvalidURL:
        raise FetchError(FetchCode.BAD_URL, current[:200]) from None
    except aiohttp.ClientError as exc:
        raise FetchError(FetchCode.UNREACHABLE, type(exc).__name__) from None


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


# --- describing what came back ----------------------------------------------------------------------------------

_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")


def describe_body(data: bytes, content_type: str | None) -> str:
    """What a fetched body is, without quoting a byte of it: "12.3 kB, text/html".

    The content type (e.g. `headers.get("Content-Type")` from `fetch_url`) is reduced to its media type and only
    shown when it looks like one; parameters such as the charset are dropped.
    """
    size = len(data)
    if size < 1000:
        text = f"{size} B"
    elif size < 1000 * 1000:
        text = f"{size / 1000:.1f} kB"
    else:
        text = f"{size / 1000 / 1000:.1f} MB"
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return f"{text}, {media}" if _MEDIA_TYPE.fullmatch(media) else text
