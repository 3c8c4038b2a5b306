"""SSRF guards: private, loopback, link-local targets are refused, also behind names, disguises and redirects."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web

import bot.fetch
from bot.fetch import FetchError, GuardedConnector, blocked_address, check_url, describe_body, fetch_url


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Whatever the guard does, these tests never open a connection beyond this machine's loopback."""
    original = asyncio.selector_events.BaseSelectorEventLoop.sock_connect

    async def sock_connect(self, sock, address):
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_loopback:
            raise OSError(101, f"test refuses to reach {address[0]}")
        return await original(self, sock, address)

    monkeypatch.setattr(asyncio.selector_events.BaseSelectorEventLoop, "sock_connect", sock_connect)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.ics",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
async def test_private_addresses_are_refused(url):
    with pytest.raises(FetchError) as caught:
        await fetch_url(url, timeout_s=3)
    assert caught.value.code == "blocked_address"


async def test_a_name_resolving_to_loopback_is_refused():
    with pytest.raises(FetchError) as caught:
        await fetch_url("http://localhost:8080/calendar.ics", timeout_s=3)
    assert caught.value.code == "blocked_address"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x.ics",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://",
        "http://example.org\t/x.ics",
        "http://[::1",
    ],
)
def test_only_http_urls(url):
    with pytest.raises(FetchError) as caught:
        check_url(url, ())
    assert caught.value.code == "bad_url"


def test_public_addresses_pass():
    assert not blocked_address("93.184.216.34") and not blocked_address("2606:4700::1111")
    # IPv6 forms that carry a public IPv4 address stay fetchable (NAT64 networks, 6to4)
    assert not blocked_address("64:ff9b::5db8:d822") and not blocked_address("2002:5db8:d822::1")
    for url in (
        "https://example.org/x.ics",
        "HTTPS://Example.ORG:443/x.ics",
        "http://xn--bcher-kva.de/k.ics",
        "https://user:secret@example.org/x.ics",
        "https://example.org./x.ics",
        "http://93.184.216.34:8080/",
        "http://example.cafe/",
        "https://example.org/my calendar.ics",
    ):
        check_url(url, ())


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "100.64.0.1",
        "192.0.0.8",
        "192.0.2.1",
        "192.88.99.1",
        "198.18.0.1",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "0.1.2.3",
        "::",
        "::1",
        "::127.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:7f00:1",
        "::ffff:0:7f00:1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "2002:a00:1::1",
        "2002:c0a8:101::",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::1",
        "2001::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:db8::1",
        "3fff::1",
        "fec0::1",
        "fc00::1",
        "fd12::1",
        "fe80::1",
        "fe80::1%eth0",
        "ff02::1",
        "100::1",
        "5f00::1",
    ],
)
def test_block_list(address):
    assert blocked_address(address)


def test_this_machines_own_addresses_are_blocked(monkeypatch):
    monkeypatch.setattr(bot.fetch, "_own_addresses", lambda: frozenset({ipaddress.ip_address("93.184.216.34")}))
    assert blocked_address("93.184.216.34") and blocked_address("::ffff:93.184.216.34")
    assert not blocked_address("93.184.216.35")


@dataclass
class Server:
    base: str
    port: int
    hits: list[str] = field(default_factory=list)


@pytest.fixture
async def server(unused_tcp_port_factory):
    """A loopback server that records every request it gets."""
    port = unused_tcp_port_factory()
    hits: list[str] = []
    routes = web.RouteTableDef()

    @web.middleware
    async def record(request, handler):
        hits.append(request.path_qs)
        return await handler(request)

    @routes.get("/feed.ics")
    async def feed(request):
        return web.Response(body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")

    @routes.get("/big.ics")
    async def big(request):
        return web.Response(body=b"x" * 5000)

    @routes.get("/hop")
    async def hop(request):
        raise web.HTTPFound("http://10.0.0.1/secret")

    @routes.get("/loop")
    async def loop(request):
        raise web.HTTPFound("/loop")

    @routes.get("/redirect")
    async def redirect(request):
        return web.Response(status=302, headers={"Location": request.query["to"]})

    @routes.get("/slow/{hops}")
    async def slow(request):
        await asyncio.sleep(1)
        hops = int(request.match_info["hops"])
        if hops == 0:
            return web.Response(body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        raise web.HTTPFound(f"/slow/{hops - 1}")

    app = web.Application(middlewares=[record])
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield Server(f"http://127.0.0.1:{port}", port, hits)
    await runner.cleanup()


@pytest.fixture
async def local_server(server):
    return server.base


async def test_allowed_hosts_size_limit_and_redirect_checks(local_server):
    with pytest.raises(FetchError):
        await fetch_url(f"{local_server}/feed.ics")
    body, _ = await fetch_url(f"{local_server}/feed.ics", allowed_hosts=["127.0.0.1"])
    assert body.startswith(b"BEGIN:VCALENDAR")
    with pytest.raises(FetchError) as too_large:
        await fetch_url(f"{local_server}/big.ics", allowed_hosts=["127.0.0.1"], max_bytes=1000)
    assert too_large.value.code == "too_large"
    with pytest.raises(FetchError) as hop:
        await fetch_url(f"{local_server}/hop", allowed_hosts=["127.0.0.1"])
    assert hop.value.code == "blocked_address"
    with pytest.raises(FetchError) as loop:
        await fetch_url(f"{local_server}/loop", allowed_hosts=["127.0.0.1"])
    assert loop.value.code == "too_many_redirects"


# Loopback in disguise, {port} being the test server's; the code each must come back with.
DISGUISES = [
    ("http://１２７.０.０.１:{port}/target", "bad_host"),  # fullwidth digits and dots
    ("http://１２７.0.0.1:{port}/target", "bad_host"),
    ("http://①②⑦.0.0.1:{port}/target", "bad_host"),  # circled digits
    ("http://127。0。0。1:{port}/target", "bad_host"),  # ideographic full stops
    ("http://127．0．0．1:{port}/target", "bad_host"),
    ("http://2130706433:{port}/target", "bad_host"),  # decimal
    ("http://0177.0.0.1:{port}/target", "bad_host"),  # octal
    ("http://0x7f.0.0.1:{port}/target", "bad_host"),  # hex
    ("http://0x7f.1:{port}/target", "bad_host"),
    ("http://0x7f000001:{port}/target", "bad_host"),
    ("http://127.1:{port}/target", "bad_host"),  # short
    ("http://127.0.1:{port}/target", "bad_host"),
    ("http://127.0.0.1.:{port}/target", "bad_host"),  # trailing dot
    ("http://%31%32%37.0.0.1:{port}/target", "bad_host"),  # percent-encoded
    ("http://[::ffff:127.0.0.1]:{port}/target", "blocked_address"),  # IPv4-mapped
    ("http://[::ffff:7f00:1]:{port}/target", "blocked_address"),
    ("http://[::127.0.0.1]:{port}/target", "blocked_address"),  # IPv4-compatible
    ("http://[2002:7f00:1::]:{port}/target", "blocked_address"),  # 6to4
    ("http://[64:ff9b::7f00:1]:{port}/target", "blocked_address"),  # NAT64
    ("http://[fec0::1]:{port}/target", "blocked_address"),  # site-local
    ("http://[::1]:{port}/target", "blocked_address"),
    ("http://192.88.99.1:{port}/target", "blocked_address"),  # former 6to4 relay
    ("http://100.64.0.1:{port}/target", "blocked_address"),  # carrier-grade NAT
    ("http://0.0.0.0:{port}/target", "blocked_address"),
]


@pytest.mark.parametrize(("url", "code"), DISGUISES)
async def test_disguised_loopback_reaches_nothing(server, url, code):
    """Even with 127.0.0.1 trusted, a disguise of it is refused: it is not what the operator wrote."""
    with pytest.raises(FetchError) as caught:
        await fetch_url(url.format(port=server.port), allowed_hosts=["127.0.0.1"], timeout_s=3)
    assert caught.value.code == code
    assert server.hits == []


@pytest.mark.parametrize(("url", "code"), DISGUISES)
async def test_disguised_loopback_as_redirect_target_reaches_nothing(server, url, code):
    target = url.format(port=server.port)
    with pytest.raises(FetchError) as caught:
        await fetch_url(f"{server.base}/redirect?to={quote(target, safe='')}", allowed_hosts=["127.0.0.1"], timeout_s=3)
    assert caught.value.code == code
    assert len(server.hits) == 1 and server.hits[0].startswith("/redirect")  # the allowed hop, nothing after it


def test_the_raw_text_is_checked_not_the_normalised_host():
    for url in (
        "http://１２７.０.０.１/x.ics",
        "http://bücher.de/k.ics",
        "http://exa\u200bmple.org/",
        "http://example.org\u202e/",
        "http://user＠example.org@93.184.216.34/",
        "http://evil.org\\@example.org/",
        "http://example .org/",
    ):
        with pytest.raises(FetchError) as caught:
            check_url(url, ())
        assert caught.value.code == "bad_host", url
    with pytest.raises(FetchError) as caught:
        check_url("http://example.org\u202e/", ())
    assert "\u202e" not in caught.value.detail  # invisible characters are shown escaped


@pytest.fixture
def fake_dns(monkeypatch):
    """Names resolved in-process: `evil.test` to loopback, `rebind.test` to a public and a loopback address."""
    real = socket.getaddrinfo
    answers = {
        "evil.test": ["127.0.0.1"],
        "rebind.test": ["93.184.216.34", "127.0.0.1"],
        "mapped.test": ["::ffff:127.0.0.1"],
    }

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host not in answers:
            return real(host, port, family, type, proto, flags)
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("name", ["evil.test", "rebind.test", "mapped.test"])
async def test_names_resolving_to_loopback_reach_nothing(server, fake_dns, name):
    url = f"http://{name}:{server.port}/target"
    for attempt in (url, f"{server.base}/redirect?to={quote(url, safe='')}"):
        server.hits.clear()
        with pytest.raises(FetchError) as caught:
            await fetch_url(attempt, allowed_hosts=["127.0.0.1"], allowed_ports=[server.port], timeout_s=3)
        assert caught.value.code == "blocked_address"
        assert "/target" not in server.hits


async def test_a_trusted_name_may_resolve_to_loopback(server, fake_dns):
    body, _ = await fetch_url(f"http://evil.test:{server.port}/feed.ics", allowed_hosts=["evil.test"], timeout_s=3)
    assert body.startswith(b"BEGIN:VCALENDAR")


async def test_the_connector_refuses_literals_without_check_url(server):
    """check_url bypassed: the session is called directly; the connector alone refuses the loopback literal."""
    connector = GuardedConnector(allowed_ports=[server.port])
    async with aiohttp.ClientSession(connector=connector) as session:
        for url in (
            f"{server.base}/target",
            f"http://[::ffff:127.0.0.1]:{server.port}/target",
            f"http://[::ffff:7f00:1]:{server.port}/target",
        ):
            with pytest.raises(FetchError) as caught:
                async with session.get(url):
                    pass
            assert caught.value.code == "blocked_address"
    assert server.hits == []
    async with aiohttp.ClientSession(connector=GuardedConnector(allowed_hosts=["127.0.0.1"])) as session:
        async with session.get(f"{server.base}/feed.ics") as response:  # and the same connector does connect
            assert response.status == 200
    assert server.hits == ["/feed.ics"]


async def test_the_connector_applies_the_port_rule(server):
    async with aiohttp.ClientSession(connector=GuardedConnector()) as session:
        with pytest.raises(FetchError) as caught:
            async with session.get(f"http://93.184.216.34:{server.port}/target"):
                pass
    assert caught.value.code == "blocked_port" and caught.value.detail == str(server.port)


async def test_the_socket_refuses_what_the_connector_did_not_vet(server, monkeypatch):
    """Should aiohttp stop calling `_resolve_host`, no address is vetted and no socket opens: fail closed."""
    assert "_resolve_host" in vars(aiohttp.TCPConnector)  # the hook GuardedConnector overrides still exists
    monkeypatch.setattr(GuardedConnector, "_resolve_host", aiohttp.TCPConnector._resolve_host)
    with pytest.raises(FetchError) as caught:
        await fetch_url(f"{server.base}/feed.ics", allowed_hosts=["127.0.0.1"], timeout_s=3)
    assert caught.value.code == "blocked_address"
    assert server.hits == []


async def test_ports(server):
    for url in ("http://example.org:22/", "https://example.org:6379/x.ics", "http://93.184.216.34:8081/"):
        with pytest.raises(FetchError) as caught:
            check_url(url, ["other.example"])
        assert caught.value.code == "blocked_port"
    assert caught.value.detail == "8081"
    check_url("http://example.org:6379/", (), allowed_ports=[6379])  # widened by the operator
    with pytest.raises(FetchError) as caught:
        await fetch_url(f"{server.base}/redirect?to=http://example.org:25/", allowed_hosts=["127.0.0.1"])
    assert caught.value.code == "blocked_port" and caught.value.detail == "25"
    # a trusted host may use any port (the loopback test servers run on random high ones)
    body, _ = await fetch_url(f"{server.base}/feed.ics", allowed_hosts=["127.0.0.1"])
    assert body.startswith(b"BEGIN:VCALENDAR")


async def test_one_deadline_for_the_whole_fetch(server):
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        await fetch_url(f"{server.base}/slow/3", allowed_hosts=["127.0.0.1"], timeout_s=1.5)
    elapsed = time.monotonic() - started
    assert caught.value.code == "timeout" and caught.value.detail == "1.5"
    assert elapsed < 3, elapsed
    body, _ = await fetch_url(f"{server.base}/slow/1", allowed_hosts=["127.0.0.1"], timeout_s=4)
    assert body.startswith(b"BEGIN:VCALENDAR")


def test_describe_body_does_not_quote():
    assert describe_body(b"x" * 12345, "text/html; charset=utf-8") == "12.3 kB, text/html"
    assert describe_body(b"<h1>secret</h1>", None) == "15 B"
    assert describe_body(b"x" * 2_500_000, "application/JSON") == "2.5 MB, application/json"
    assert describe_body(b"", "text/html<script>alert(1)</script>") == "0 B"
