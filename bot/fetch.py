"""Downloading calendars from URLs without becoming a proxy into private networks (SSRF-safe)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT_S = 20.0


class FetchError(Exception):
    """A URL that is not fetched; `code` says why (for the user's message), `detail` names the culprit."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def blocked_address(address: str) -> bool:
    """Loopback, private, link-local, multicast, reserved or unspecified: never fetched from."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def _host_allowed(host: str, allowed_hosts: Collection[str]) -> bool:
    return host.lower().rstrip(".") in {h.lower().rstrip(".") for h in allowed_hosts}


class GuardedResolver(AbstractResolver):
    """Resolves like the system does, then refuses private targets: checked on the addresses actually used."""

    def __init__(self, allowed_hosts: Collection[str]) -> None:
        self._inner = ThreadedResolver()
        self._allowed = allowed_hosts

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if _host_allowed(host, self._allowed):
            return results
        if any(blocked_address(result["host"]) for result in results):
            raise FetchError("blocked_address", host)
        return results

    async def close(self) -> None:
        await self._inner.close()


def check_url(url: str, allowed_hosts: Collection[str]) -> None:
    """Only http(s); an IP literal host must be public unless allowed."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise FetchError("bad_url", url[:200]) from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError("bad_url", url[:200])
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return  # a name: checked when it is resolved
    if blocked_address(host) and not _host_allowed(host, allowed_hosts):
        raise FetchError("blocked_address", host)


async def fetch_url(url: str, *, allowed_hosts: Collection[str] = (), max_bytes: int = DEFAULT_MAX_BYTES,
                    timeout_s: float = TIMEOUT_S, headers: dict[str, str] | None = None) -> tuple[bytes, Any]:
    """The body of a URL (and the final response's headers), with redirects checked hop by hop."""
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(allowed_hosts), use_dns_cache=False)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    try:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            for _ in range(MAX_REDIRECTS + 1):
                check_url(url, allowed_hosts)
                async with session.get(url, allow_redirects=False, headers=headers or {}) as response:
                    if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                        url = urljoin(url, response.headers["Location"])
                        continue
                    if response.status == 304:
                        return b"", response.headers
                    if response.status >= 400:
                        raise FetchError("http_status", str(response.status))
                    if response.content_length is not None and response.content_length > max_bytes:
                        raise FetchError("too_large", str(max_bytes))
                    body = bytearray()
                    async for chunk in response.content.iter_chunked(65536):
                        body += chunk
                        if len(body) > max_bytes:
                            raise FetchError("too_large", str(max_bytes))
                    return bytes(body), response.headers
            raise FetchError("too_many_redirects", str(MAX_REDIRECTS))
    except FetchError:
        raise
    except TimeoutError:
        raise FetchError("timeout", f"{timeout_s:.0f}") from None
    except aiohttp.ClientConnectorError as exc:
        cause = exc.__cause__ or exc.os_error
        if isinstance(cause, FetchError):
            raise cause from None
        raise FetchError("unreachable", urlsplit(url).hostname or url) from None
    except aiohttp.ClientError as exc:
        raise FetchError("unreachable", type(exc).__name__) from None
