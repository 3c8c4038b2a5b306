"""The link desk on the real homeserver: links filed by `!link` and by 🔖, changed, and drafted into the post."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import date
from html.parser import HTMLParser

import pytest
from aiohttp import web
from markdown_it import MarkdownIt
from nio import DownloadResponse

from bot.homeserver import free_port

TODAY = date.today()
PAGE_TITLE = "Offene Haushaltsdaten der Stadt"


class Anchors(HTMLParser):
    """The hrefs of a page's links and every tag it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


@pytest.fixture
async def page_server() -> AsyncIterator[int]:
    """A web page with a title, for a link filed without text."""

    async def page(request: web.Request) -> web.Response:
        html = f"<html><head><title>{PAGE_TITLE} &amp; mehr</title></head><body>Haushalt</body></html>"
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/haushalt", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield port
    await runner.cleanup()


async def download_post(chat, room: str, command_body: str) -> tuple[str, str]:
    """The summary and the Markdown file `!roundup` answers with."""
    command = await chat.send(room, command_body)
    await chat.wait_for(lambda events: len(chat.replies_to(command)) >= 2, timeout=15)
    summary, upload = chat.replies_to(command)
    downloaded = await chat.client.download(upload["content"]["url"])
    assert isinstance(downloaded, DownloadResponse)
    return summary["content"]["body"], downloaded.body.decode("utf-8")


async def test_links_filed_by_command_and_bookmark_become_the_posts_news(
    make_bot, make_user, joined, page_server, hugo_build
):
    bot = make_bot(extra='\n[import]\nallowed_hosts = ["127.0.0.1"]\n\n[roundup]\nauthor = "Redaktion"\n')
    alice, bob = await make_user("alice"), await make_user("bob")
    room = await alice.create_room(invite=[bot.user.user_id, bob.user.user_id])
    await bob.join(room)
    await joined(alice, room, bot.user.user_id)

    reply = await alice.ask(
        room,
        "!link https://example.org/baeume?utm_source=newsletter&id=7 #Karten "
        "Die Stadt Leipzig [zeigt] ihre Straßenbäume auf einer Karte.",
    )
    assert "#1" in reply and "Karten" in reply
    assert "Die Stadt Leipzig [zeigt](https://example.org/baeume?id=7) ihre Straßenbäume" in reply
    duplicate = await alice.ask(room, "!link https://EXAMPLE.org/baeume/?id=7#karte Noch einmal")
    assert "#1" in duplicate and "schon" in duplicate

    # 🔖 on bob's message (as Element sends it): its hashtag chooses the section, its text is the item
    posted = await bob.send(room, "Neue Radwege in Berlin: https://example.org/radwege #mobilitaet")
    await alice.react(room, posted, "🔖")
    filed = (await alice.reply_to(posted))["content"]["body"]
    assert "#2" in filed and "Mobilität" in filed
    await bob.react(room, posted, "🔖")  # a second bookmark files nothing and says nothing

    titled = await alice.ask(room, f"!link http://127.0.0.1:{page_server}/haushalt #OpenData")
    assert f"[{PAGE_TITLE} & mehr]" in titled.replace("\\&", "&") and "Open Data" in titled
    created = await alice.ask(room, "!link https://example.org/schule #Bildung Schulen [öffnen] ihre Daten.")
    assert "Bildung" in created and "!section remove Bildung" in created
    refused = await alice.ask(room, "!link javascript:alert(1) #Karten Klick")
    assert "http" in refused and "Beispiel" in refused
    hostile = await alice.ask(
        room,
        "!link https://example.org/kultur #Kultur <script>alert(1)</script> [x](javascript:alert(1)) *fett* & `code`",
    )
    assert "#5" in hostile
    await alice.ask(room, "!link https://example.org/jahrestreffen #Recap OK Lab Jahrestreffen")
    await alice.ask(room, "!link https://example.org/tagung #Kultur/Tagungen Die [Tagung] fand statt.")

    moved = await alice.ask(room, "!link move #4 Open Data")
    assert "Open Data" in moved
    edited = await alice.ask(room, "!link edit #2 text Neue [Radwege] in Berlin, mehr via https://example.org/karte")
    assert "[Radwege](https://example.org/radwege)" in edited and "[via](https://example.org/karte)" in edited
    assert "#2" in await bob.ask(room, "!link list")
    assert "dürfen nur" in await bob.ask(room, "!link delete #1")  # only who filed it, or moderators
    await alice.ask(room, "!link delete #1")
    assert len(alice.replies_to(posted)) == 1  # the second 🔖 was not answered

    summary, post = await download_post(alice, room, f"!roundup {TODAY:%Y-%m}")
    assert "Nachrichten: Open Data 2, Mobilität 1, Kultur 2, Recap 1" in summary
    headings = re.findall(r"^##+ .*$", post, re.MULTILINE)
    assert headings[:6] == [
        "## Open Data",
        "## Mobilität",
        "## Kultur",
        "### Tagungen",
        "## Recap",
        "## Veranstaltungen",
    ]
    assert "* [OK Lab Jahrestreffen](https://example.org/jahrestreffen)" in post
    assert "baeume" not in post  # deleted

    html = MarkdownIt("commonmark").render(post.split("---", 2)[2])
    anchors = Anchors()
    anchors.feed(html)
    assert "script" not in anchors.tags and "em" not in anchors.tags and "code" not in anchors.tags
    assert "javascript:" not in "".join(anchors.hrefs)
    filed_urls = {
        f"http://127.0.0.1:{page_server}/haushalt",
        "https://example.org/radwege",
        "https://example.org/karte",
        "https://example.org/schule",
        "https://example.org/kultur",
        "https://example.org/jahrestreffen",
        "https://example.org/tagung",
    }
    assert filed_urls <= set(anchors.hrefs)
    built = hugo_build(post, slug=f"out-in-the-open-{TODAY:%Y-%m}")
    built_anchors = Anchors()
    built_anchors.feed(built)
    assert filed_urls <= set(built_anchors.hrefs)
    assert "<script>alert(1)</script>" not in built


async def test_with_approval_links_wait_for_a_moderators_check_and_threads_get_their_answer(
    make_bot, make_user, joined
):
    bot = make_bot()
    alice, bob = await make_user("alice"), await make_user("bob")
    room = await alice.create_room(invite=[bot.user.user_id, bob.user.user_id])
    await bob.join(room)
    await joined(alice, room, bot.user.user_id)
    await alice.ask(room, "!settings approval on")

    waiting = await bob.send(room, "!link https://example.org/energie #Energie Die [Energiewende] in Zahlen.")
    answer = await bob.reply_to(waiting)
    assert "Freigabe" in answer["content"]["body"]
    summary, post = await download_post(alice, room, f"!roundup {TODAY:%Y-%m}")
    assert "1 Link wartet" in summary and "energie" not in post

    await bob.react(room, answer["event_id"], "✅")  # not a moderator: nothing happens
    await alice.react(room, answer["event_id"], "✅")
    approved = await alice.wait_for(lambda events: any("freigegeben" in e["content"].get("body", "") for e in events))
    assert "#1" in approved[0]["content"]["body"]
    _, post = await download_post(alice, room, f"!roundup {TODAY:%Y-%m}")
    assert "## Energie\n\nDie [Energiewende](https://example.org/energie) in Zahlen." in post

    # 🔖 on a message in a thread: the answer goes into that thread
    root = await bob.send(room, "Was gibt es Neues?")
    in_thread = await bob.send(
        room,
        "Klimadaten https://example.org/klima #Klima",
        **{
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root},
            }
        },
    )
    await alice.react(room, in_thread, "🔖")
    filed = await alice.reply_to(in_thread)
    relation = filed["content"]["m.relates_to"]
    assert relation["rel_type"] == "m.thread" and relation["event_id"] == root
    assert "#2" in filed["content"]["body"] and "Klima" in filed["content"]["body"]
    await asyncio.sleep(0)
