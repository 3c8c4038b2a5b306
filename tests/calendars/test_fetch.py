"""SSRF guards: private, loopback, link-local targets are refused, also behind names and redirects."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.fetch import FetchError, blocked_address, check_url, fetch_url


@pytest.mark.parametrize("url", ["http://127.0.0.1/x.ics", "http://10.1.2.3/", "http://172.16.0.1/",
                                 "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/",
                                 "http://0.0.0.0/", "http://224.0.0.1/"])
async def test_private_addresses_are_refused(url):
    with pytest.raises(FetchError) as caught:
        await fetch_url(url, timeout_s=3)
    assert caught.value.code == "blocked_address"


async def test_a_name_resolving_to_loopback_is_refused():
    with pytest.raises(FetchError) as caught:
        await fetch_url("http://localhost:9/calendar.ics", timeout_s=3)
    assert caught.value.code == "blocked_address"


@pytest.mark.parametrize("url", ["ftp://example.org/x.ics", "file:///etc/passwd", "javascript:alert(1)", "https://"])
def test_only_http_urls(url):
    with pytest.raises(FetchError) as caught:
        check_url(url, ())
    assert caught.value.code == "bad_url"


def test_public_addresses_pass():
    assert not blocked_address("93.184.216.34") and not blocked_address("2606:4700::1111")


@pytest.fixture
async def local_server(unused_tcp_port_factory):
    port = unused_tcp_port_factory()
    routes = web.RouteTableDef()

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

    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


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
