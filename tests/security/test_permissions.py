"""Permissions and room isolation, table-driven, through the real Dispatcher on a real SQLite database.

Room A holds items submitted by `owner` (power 0): an event, a meetup, a deadline and, with approval switched on
by the moderator, a pending event; a feed and a calendar token. Room B holds its own items. Actors:
- owner: submitted the items, power 0;
- member: power 0, submitted nothing;
- moderator: power 50;
- admin: power 0, but listed in `[bot] admins`.

A refusal is the reply "Das dürfen nur ..." and leaves every table exactly as it was. Items of room A do not exist
in room B: naming their numbers there answers "kein..."-style text and changes nothing, and no list, search,
roundup or calendar of room B shows them.
"""

from __future__ import annotations

import itertools
import re
import socket
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands import Answer
from bot.commands.catalog import build_registry
from bot.config import parse_config
from bot.dispatch import Dispatcher
from bot.models import FileRef, Message, Reaction
from bot.storage import Storage

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ROOM_A = "!roomA:example.org"
ROOM_B = "!roomB:example.org"
OWNER = "@owner:example.org"
MEMBER = "@member:example.org"
MODERATOR = "@mod:example.org"
ADMIN = "@admin:example.org"
B_USER = "@bea:example.org"
B_MODERATOR = "@bmod:example.org"
POWER = {OWNER: 0, MEMBER: 0, MODERATOR: 50, ADMIN: 0, B_USER: 0, B_MODERATOR: 50}
REFUSAL = "Das dürfen nur"
# the feeds point at blocked addresses: syncing them is refused before any connection is made
FEED_A = "http://10.0.0.1/alpha.ics"
FEED_B = "http://10.0.0.2/beta.ics"
A_TITLES = ("Alphaabend", "Alphatreffen", "Alphastadt", "Alphafrist", "Alphawartend", "Alphaort")
_numbers = itertools.count(1)


def snapshot(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read through a second connection (what is committed)."""
    with sqlite3.connect(db_path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}


def number_in(answer: Answer | None) -> int:
    assert answer is not None
    match = re.search(r"#(\d+)", answer.body.text)
    assert match, answer.body.text
    return int(match.group(1))


@dataclass
class Bot:
    dispatcher: Dispatcher
    storage: Storage
    db_path: Path
    ids: dict[str, int] = field(default_factory=dict)
    b_ids: dict[str, int] = field(default_factory=dict)
    token_a: str = ""

    async def say(self, body: str, sender: str, room: str = ROOM_A, power: int | None = None) -> Answer:
        number = next(_numbers)
        answer = await self.dispatcher.dispatch(
            Message(
                room_id=room,
                event_id=f"$perm{number}",
                sender=sender,
                body=body,
                timestamp_ms=1_700_000_000_000 + number,
                sender_power=POWER[sender] if power is None else power,
            )
        )
        assert answer is not None, body
        return answer

    async def react(self, key: str, target: str, sender: str, room: str = ROOM_A) -> Answer | None:
        number = next(_numbers)
        return await self.dispatcher.dispatch_reaction(
            Reaction(
                room_id=room,
                event_id=f"$reaction{number}",
                sender=sender,
                key=key,
                target_event_id=target,
                timestamp_ms=1_700_000_000_000 + number,
                sender_power=POWER[sender],
            )
        )

    def snapshot(self) -> dict[str, list[tuple[object, ...]]]:
        return snapshot(self.db_path)


@pytest.fixture
async def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    lookups: list[object] = []

    def no_dns(*args: object, **kwargs: object) -> object:
        lookups.append(args[0] if args else kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "name resolution is off in these tests")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    config = parse_config(
        {
            "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@bot:example.org", "password": "pw"},
            "bot": {"data_dir": str(tmp_path), "language": "de", "rate_limit_per_minute": 10_000, "admins": [ADMIN]},
            "http": {"enabled": True, "public_url": "https://cal.example.org"},
        },
        base_dir=tmp_path,
        env={},
    )
    storage = await Storage.open(tmp_path / "eventbot.db")
    bot = Bot(Dispatcher(build_registry(), storage, config, clock=lambda: NOW), storage, tmp_path / "eventbot.db")
    await _seed(bot)
    yield bot
    await storage.close()
    assert lookups == [], "a command tried to resolve a host name"


async def _seed(bot: Bot) -> None:
    ids, b_ids = bot.ids, bot.b_ids
    ids["event"] = number_in(
        await bot.say(
            "!event add Alphaabend | 04.12.2026 18:00-21:00 | Alphaort, Berlin | https://example.org/alpha", OWNER
        )
    )
    ids["meetup"] = number_in(
        await bot.say(
            "!meetup add Alphastadt | jeden Mittwoch | 19:00-22:00 | Alphaort | Alphatreffen | https://example.org/m",
            OWNER,
        )
    )
    ids["deadline"] = number_in(await bot.say("!frist add Alphafrist | https://example.org/cfp | 07.12.2026", OWNER))
    b_ids["event"] = number_in(
        await bot.say(
            "!event add Betaabend | 04.12.2026 18:00-21:00 | Betaort | https://example.org/beta", B_USER, ROOM_B
        )
    )
    b_ids["meetup"] = number_in(
        await bot.say("!meetup add Betastadt | jeden Mittwoch | 19:00 | Betaort | Betatreffen", B_USER, ROOM_B)
    )
    b_ids["deadline"] = number_in(
        await bot.say("!frist add Betafrist | https://example.org/b | 08.12.2026", B_USER, ROOM_B)
    )
    assert "Freigabe an" in (await bot.say("!settings approval on", MODERATOR)).body.text
    pending = await bot.say("!event add Alphawartend | 05.12.2026 18:00 | Alphaort | https://example.org/p", OWNER)
    assert "wartet auf Freigabe" in pending.body.text and pending.on_sent is not None
    ids["pending"] = number_in(pending)
    await pending.on_sent("$announce-pending")
    confirmation = await bot.say("!event add Alphazweit | 06.12.2026 18:00 | Alphaort", MODERATOR)
    assert confirmation.on_sent is not None
    await confirmation.on_sent("$announce-approved")
    feed, _ = await bot.storage.add_feed(ROOM_A, FEED_A, 3600, MODERATOR)
    ids["feed"] = feed.id
    feed_b, _ = await bot.storage.add_feed(ROOM_B, FEED_B, 3600, B_MODERATOR)
    b_ids["feed"] = feed_b.id
    await bot.say("!calendar", OWNER)
    await bot.say("!calendar", B_USER, ROOM_B)
    bot.token_a = await bot.storage.feed_token(ROOM_A) or ""
    assert bot.token_a
    # room B's numbers differ from room A's (numbers are unique across rooms)
    assert not set(ids.items()) & set(b_ids.items())


# -- who may change what --------------------------------------------------------------------------------------

OWNER_OR_MODERATOR = "owner or moderators"
MODERATORS = "moderators"


@dataclass(frozen=True)
class Row:
    command: str
    who: str  # OWNER_OR_MODERATOR or MODERATORS
    success: str  # a piece of the reply to those allowed
    changes: bool = True  # whether the allowed command changes the database

    def body(self, bot: Bot) -> str:
        return self.command.format(**bot.ids)


ROWS = [
    Row("!event edit #{event} title Neuer Titel", OWNER_OR_MODERATOR, "Geändert: #"),
    Row("!event edit #{event} when 05.12.2026 18:00-21:00", OWNER_OR_MODERATOR, "Geändert: #"),
    Row("!event cancel #{event}", OWNER_OR_MODERATOR, "Abgesagt: #"),
    Row("!event delete #{event}", OWNER_OR_MODERATOR, "Gelöscht: #"),
    Row("!termin löschen #{event}", OWNER_OR_MODERATOR, "Gelöscht: #"),
    Row("!event approve #{pending}", MODERATORS, "Freigegeben: #"),
    Row("!event reject #{pending} kein Bezug", MODERATORS, "Abgelehnt: #"),
    Row("!meetup edit #{meetup} name Neuer Name", OWNER_OR_MODERATOR, "Geändert: #"),
    Row("!meetup edit #{meetup} rule jeden Donnerstag", OWNER_OR_MODERATOR, "Geändert: #"),
    Row("!meetup delete #{meetup}", OWNER_OR_MODERATOR, "Gelöscht: #"),
    Row("!meetup skip #{meetup} 02.12.2026", OWNER_OR_MODERATOR, "fällt aus"),
    Row("!meetup move #{meetup} 02.12.2026 03.12.2026 19:00", OWNER_OR_MODERATOR, "verschoben auf"),
    Row("!meetup dates #{meetup} 12.01.2027 09.02.2027 19:30", OWNER_OR_MODERATOR, "Termine gespeichert"),
    Row("!frist delete #{deadline}", OWNER_OR_MODERATOR, "Gelöscht: Frist #"),
    Row("!settings approval off", MODERATORS, "Gespeichert."),
    Row("!settings timezone Europe/London", MODERATORS, "Gespeichert."),
    Row("!reminders 2d 3h", MODERATORS, "Gespeichert."),
    Row("!reminders meetups 1h", MODERATORS, "Gespeichert."),
    Row("!reminders off", MODERATORS, "Gespeichert."),
    # a blocked address: refused for SSRF after the permission check, nothing stored, nothing fetched
    Row("!feed add http://10.0.0.1/other.ics", MODERATORS, "zeigt auf ein internes Netz", changes=False),
    # a name is not resolved when a feed is added (only when it is fetched), so this never leaves the machine
    Row("!feed add https://calendar.example.invalid/feed.ics every 12h", MODERATORS, "abonniert"),
    Row("!feed remove #{feed}", MODERATORS, "abbestellt"),
    Row("!feed sync #{feed}", MODERATORS, "zeigt auf ein internes Netz"),  # records the failed fetch
    Row("!event import", MODERATORS, "Woher?", changes=False),
    Row("!event import http://10.0.0.1/feed.ics", MODERATORS, "zeigt auf ein internes Netz", changes=False),
    Row("!calendar rotate", MODERATORS, "Kalender dieses Raums zum Abonnieren"),
]
ACTORS = [OWNER, MEMBER, MODERATOR, ADMIN]


def allowed(row: Row, actor: str) -> bool:
    if actor in (MODERATOR, ADMIN):
        return True
    return actor == OWNER and row.who == OWNER_OR_MODERATOR


CASES = [
    pytest.param(row, actor, id=f"{row.command.split('#')[0].strip()}-{actor[1:].split(':')[0]}")
    for row in ROWS
    for actor in ACTORS
]


@pytest.mark.parametrize(("row", "actor"), CASES)
async def test_who_may_change_what(bot: Bot, row: Row, actor: str) -> None:
    before = bot.snapshot()

    answer = await bot.say(row.body(bot), actor)

    text = answer.body.text
    if allowed(row, actor):
        assert REFUSAL not in text, text
        assert row.success in text, text
        assert (bot.snapshot() != before) == row.changes
    else:
        assert text.startswith(REFUSAL), text
        assert bot.snapshot() == before


def test_the_table_covers_every_guarded_command() -> None:
    """Every subcommand that checks permissions appears in the table (by its first two words)."""
    guarded = {
        "event edit",
        "event cancel",
        "event delete",
        "event approve",
        "event reject",
        "event import",
        "meetup edit",
        "meetup delete",
        "meetup skip",
        "meetup move",
        "meetup dates",
        "frist delete",
        "settings approval",
        "settings timezone",
        "reminders",
        "feed add",
        "feed remove",
        "feed sync",
        "calendar rotate",
    }
    covered = set()
    for row in ROWS:
        words = row.command[1:].split()
        covered.add(
            " ".join(words[:2])
            if words[0] in ("event", "meetup", "frist", "feed", "settings", "calendar")
            else words[0]
        )
    assert guarded <= covered, guarded - covered


async def test_a_member_is_refused_before_anything_else_happens_in_event_import(bot: Bot) -> None:
    """`!event import` checks permission first: a member learns nothing about the source (no fetch, no message
    about the URL), whatever is given."""
    for body in (
        "!event import",
        "!event import http://10.0.0.1/x.ics",
        "!event import not-a-url",
        "!event import https://calendar.example.invalid/x.ics",
    ):
        before = bot.snapshot()
        answer = await bot.say(body, MEMBER)
        assert answer.body.text.startswith(REFUSAL), (body, answer.body.text)
        assert bot.snapshot() == before


@pytest.mark.parametrize(("actor", "approves"), [(MEMBER, False), (OWNER, False), (MODERATOR, True), (ADMIN, True)])
async def test_approval_by_reaction_is_for_moderators_only(bot: Bot, actor: str, approves: bool) -> None:
    before = bot.snapshot()

    answer = await bot.react("✅", "$announce-pending", actor)

    assert answer is not None
    if approves:
        assert "Freigegeben" in answer.body.text
        status = await bot.storage.get_event(ROOM_A, bot.ids["pending"])
        assert status is not None and status.status.value == "approved"
    else:
        assert answer.body.text.startswith(REFUSAL)
        assert bot.snapshot() == before


async def test_pending_events_appear_in_no_list_until_approved(bot: Bot) -> None:
    for actor in (MEMBER, OWNER, MODERATOR):
        for body in ("!event list", "!event list dezember 2026", "!event search Alphawartend"):
            listed = (await bot.say(body, actor)).body.text
            assert "Alphawartend" not in listed.replace("„Alphawartend“", ""), (actor, body, listed)
        roundup = await bot.say("!roundup november 2026", actor)
        assert roundup.attachment is not None
        assert "Alphawartend" not in roundup.attachment.data.decode()  # not in the post
        # the summary names it for moderators (the curators), others only learn that something waits
        named = f"Nicht aufgenommen:\n#{bot.ids['pending']} Alphawartend (wartet auf Freigabe)"
        if actor == MODERATOR:
            assert named in roundup.body.text
        else:
            assert "Alphawartend" not in roundup.body.text
            assert "1 Veranstaltung, die noch auf Freigabe wartet." in roundup.body.text

    await bot.say(f"!event approve #{bot.ids['pending']}", MODERATOR)

    assert "Alphawartend" in (await bot.say("!event list dezember 2026", MEMBER)).body.text
    assert "Alphawartend" in (await bot.say("!roundup november 2026", MEMBER)).attachment.data.decode()


@pytest.mark.parametrize(("power", "allowed_"), [(0, False), (49, False), (50, True), (100, True)])
async def test_moderator_means_power_level_50_or_more(bot: Bot, power: int, allowed_: bool) -> None:
    before = bot.snapshot()

    answer = await bot.say(f"!event approve #{bot.ids['pending']}", MEMBER, power=power)

    assert answer.body.text.startswith(REFUSAL) != allowed_, answer.body.text
    assert (bot.snapshot() == before) != allowed_


# -- room isolation ---------------------------------------------------------------------------------------------

NAMING_A_ITEMS = [
    "!event show #{event}",
    "!event edit #{event} title Übernommen",
    "!event edit #{event} when 05.12.2026 18:00",
    "!event cancel #{event}",
    "!event delete #{event}",
    "!event who #{event}",
    "!event ics #{event}",
    "!event approve #{pending}",
    "!event reject #{pending} nein",
    "!event show #{pending}",
    "!event ics #{pending}",
    "!meetup show #{meetup}",
    "!meetup edit #{meetup} name Übernommen",
    "!meetup delete #{meetup}",
    "!meetup who #{meetup}",
    "!meetup who #{meetup} 02.12.2026",
    "!meetup ics #{meetup}",
    "!meetup next #{meetup}",
    "!meetup skip #{meetup} 02.12.2026",
    "!meetup move #{meetup} 02.12.2026 03.12.2026 19:00",
    "!meetup dates #{meetup} 12.01.2027",
    "!frist delete #{deadline}",
    "!feed remove #{feed}",
    "!feed sync #{feed}",
]


@pytest.mark.parametrize("actor", [B_MODERATOR, ADMIN, B_USER])
@pytest.mark.parametrize("template", NAMING_A_ITEMS)
async def test_room_a_items_do_not_exist_in_room_b(bot: Bot, template: str, actor: str) -> None:
    before = bot.snapshot()

    answer = await bot.say(template.format(**bot.ids), actor, ROOM_B)

    text = answer.body.text
    if actor == B_USER and text.startswith(REFUSAL):
        # moderator-only commands that check permission first (feed remove/sync) refuse a plain member before
        # looking anything up; that reveals nothing either
        assert template.startswith("!feed"), text
    else:
        assert re.search(r"\bkein(e|en)?\b", text, re.IGNORECASE), text
        assert REFUSAL not in text  # not "you may not": it does not exist here at all
    assert answer.attachment is None
    for title in A_TITLES:
        assert title not in text and title not in answer.body.html
    assert bot.snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        "!event list",
        "!event list dezember",
        "!event list 2026-12",
        "!meetup list",
        "!meetup next",
        "!frist list",
        "!feed list",
        "!roundup november",
        "!roundup november 2026",
        "!calendar",
        "!event search abend",
        "!event search Alphaabend",
        "!event search Alphaort",
        "!settings",
        "!reminders",
    ],
)
async def test_room_b_lists_never_show_room_a(bot: Bot, body: str) -> None:
    answer = await bot.say(body, B_MODERATOR, ROOM_B)

    shown = answer.body.text + answer.body.html
    if answer.attachment is not None:
        shown += answer.attachment.data.decode("utf-8")
    for secret in (*A_TITLES, FEED_A, bot.token_a):
        assert secret not in shown.replace(f"„{secret}“", ""), (body, secret)  # the search echoes the query


async def test_room_b_lists_show_room_b(bot: Bot) -> None:
    """The lists of room B are not empty by accident: they show room B's own items."""
    expected = {
        "!event list": "Betaabend",
        "!meetup list": "Betatreffen",
        "!frist list": "Betafrist",
        "!feed list": FEED_B,
        "!event search Beta": "Betaabend",
    }
    for body, title in expected.items():
        assert title in (await bot.say(body, B_USER, ROOM_B)).body.text, body
    roundup = await bot.say("!roundup november 2026", B_USER, ROOM_B)
    assert roundup.attachment is not None and "Betaabend" in roundup.attachment.data.decode()


async def test_the_calendar_token_is_per_room(bot: Bot) -> None:
    answer_a = await bot.say("!calendar", MEMBER)
    answer_b = await bot.say("!calendar", B_USER, ROOM_B)
    rotated_in_b = await bot.say("!calendar rotate", B_MODERATOR, ROOM_B)

    assert bot.token_a in answer_a.body.text
    assert bot.token_a not in answer_b.body.text and bot.token_a not in rotated_in_b.body.text
    assert await bot.storage.feed_token(ROOM_A) == bot.token_a
    assert await bot.storage.room_by_feed_token(bot.token_a) == ROOM_A


async def test_room_a_settings_are_not_changed_from_room_b(bot: Bot) -> None:
    before = await bot.storage.room_settings(ROOM_A)

    for body in ("!settings approval off", "!settings timezone Europe/London", "!reminders 5d"):
        await bot.say(body, B_MODERATOR, ROOM_B)

    assert await bot.storage.room_settings(ROOM_A) == before
    assert before.approval is True


@pytest.mark.parametrize(
    ("key", "target"), [("✅", "$announce-pending"), ("👍", "$announce-approved"), ("👍", "$announce-pending")]
)
@pytest.mark.parametrize("actor", [B_MODERATOR, ADMIN])
async def test_reactions_in_room_b_to_room_a_messages_do_nothing(bot: Bot, key: str, target: str, actor: str) -> None:
    before = bot.snapshot()

    answer = await bot.react(key, target, actor, ROOM_B)

    assert answer is None
    assert bot.snapshot() == before


async def test_importing_room_a_calendar_into_room_b_leaves_room_a_alone(bot: Bot) -> None:
    """Room A's export (same UIDs) imported by room B's moderator becomes room B's copy; room A is untouched."""
    exported = await bot.say(f"!event ics #{bot.ids['event']}", MEMBER)
    assert exported.attachment is not None
    data = exported.attachment.data

    class Attached:
        async def download(self, ref: FileRef, max_bytes: int) -> bytes:
            return data

        async def attachment_of(self, room_id: str, event_id: str) -> FileRef | None:
            return None

    bot.dispatcher.media = Attached()
    room_a_before = [row for row in bot.snapshot()["events"] if ROOM_A in row]

    number = next(_numbers)
    answer = await bot.dispatcher.dispatch(
        Message(
            room_id=ROOM_B,
            event_id=f"$perm{number}",
            sender=B_MODERATOR,
            body="!event import",
            timestamp_ms=1_700_000_000_000 + number,
            sender_power=50,
            attachment=FileRef("mxc://example.org/a"),
        )
    )

    assert answer is not None and answer.body.text.startswith("Import: 1 neu"), answer
    assert [row for row in bot.snapshot()["events"] if ROOM_A in row] == room_a_before
    listed = (await bot.say("!event list", B_USER, ROOM_B)).body.text
    assert "Alphaabend" in listed and f"#{bot.ids['event']} " not in listed
