"""`!roundup` on the real homeserver: the uploaded file equals the offline command's output."""

from __future__ import annotations

import asyncio
import sys
from datetime import date

from nio import DownloadResponse

TODAY = date.today()
NEXT_MONTH = date(TODAY.year + TODAY.month // 12, TODAY.month % 12 + 1, 1)


async def test_roundup_file_equals_offline_output(make_bot, make_user, joined):
    bot = make_bot(extra='\n[roundup]\nauthor = "Test Redaktion"\ncalendar_url = "https://events.example.org"\n')
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    day = NEXT_MONTH.replace(day=10)
    await alice.ask(room, f"!event add Datenspaziergang | {day:%d.%m.%Y} 18:00-20:00 | online | https://example.org/a")
    await alice.ask(room, f"!event add Abgesagtes | {day:%d.%m.%Y} 19:00 | online")
    await alice.ask(room, "!event cancel #2")
    await alice.ask(room, "!meetup add Leipzig | jeden Mittwoch | 19:00-22:00 | Basislager | OKLab Leipzig")
    await alice.ask(room, f"!frist add re:publica | https://re-publica.com/de/cfp-berlin | {day:%d.%m.%Y}")

    command = await alice.send(room, f'!roundup {TODAY.month} "Testlauf"')
    await alice.wait_for(lambda events: sum(1 for e in alice.replies_to(command)) >= 2, timeout=15)
    summary, upload = alice.replies_to(command)
    assert "1 Veranstaltungen, 1 regelmäßige Treffen, 1 Fristen" in summary["content"]["body"]
    assert "Abgesagtes (abgesagt)" in summary["content"]["body"]
    assert upload["content"]["msgtype"] == "m.file"
    assert upload["content"]["body"] == f"out-in-the-open-{TODAY:%Y-%m}.md"
    assert upload["content"]["info"]["mimetype"] == "text/markdown"
    downloaded = await alice.client.download(upload["content"]["url"])
    assert isinstance(downloaded, DownloadResponse)
    posted = downloaded.body.decode("utf-8")
    assert 'title: "Testlauf – Out in the Open' in posted and "**Datenspaziergang**" in posted
    assert "Abgesagtes" not in posted

    offline = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "roundup",
        f"{TODAY:%Y-%m}",
        "--config",
        str(bot.config_path),
        "--room",
        room,
        "--headline",
        "Testlauf",
        stdout=asyncio.subprocess.PIPE,
    )
    stdout, _ = await offline.communicate()
    assert offline.returncode == 0
    assert stdout.decode("utf-8") == posted
