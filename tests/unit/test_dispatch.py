"""Tests for bot.dispatch: what is a command, help, unknown commands, the error guard, rate limits, long messages."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from itertools import count
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands import Answer, Context, Registry, UsageError, UserError
from bot.commands import command as declare
from bot.commands.args import Text
from bot.commands.catalog import build_registry
from bot.config import Config, parse_config
from bot.dispatch import MAX_MESSAGE_LENGTH, Dispatcher, RateLimiter, normalize_reaction
from bot.i18n import CATALOGS, TRANSLATORS, Translator
from bot.models import Message
from bot.storage import Storage
from bot.text import Rich

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ROOM = "!room:example.org"
SECRET = "password=hunter2 in /srv/secret/path"
_event_ids = count(1)


def make_config(tmp_path: Path, **bot: object) -> Config:
    raw = {
        "matrix": {"homeserver": "https://matrix.example.org", "user_id": "@eventbot:example.org", "password": "pw"},
        "bot": {"data_dir": str(tmp_path), "language": "en", **bot},
    }
    return parse_config(raw, base_dir=tmp_path, env={})


def message(body: str, sender: str = "@alice:example.org", timestamp_ms: int = 1_000) -> Message:
    return Message(
        room_id=ROOM, event_id=f"$event{next(_event_ids)}", sender=sender, body=body, timestamp_ms=timestamp_ms
    )


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "eventbot.db")
    yield store
    await store.close()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def dispatcher(storage: Storage, config: Config) -> Dispatcher:
    return Dispatcher(build_registry(), storage, config, clock=lambda: NOW)


t = Translator("en")


# -- what is a command --


@pytest.mark.parametrize("body", ["hello", "", "   ", "!", "! help", "help", "?help", "text !help", "!\nhelp"])
async def test_non_commands_give_none(dispatcher: Dispatcher, body: str) -> None:
    assert await dispatcher.dispatch(message(body)) is None


async def test_command_may_follow_leading_whitespace(dispatcher: Dispatcher) -> None:
    answer = await dispatcher.dispatch(message("  !help"))

    assert answer is not None
    assert answer.body.text.startswith(t("help_header").text)


async def test_other_prefix_from_config(tmp_path: Path, storage: Storage) -> None:
    dispatcher = Dispatcher(build_registry(), storage, make_config(tmp_path, command_prefix="?"), clock=lambda: NOW)

    assert await dispatcher.dispatch(message("!help")) is None
    answer = await dispatcher.dispatch(message("?help"))
    assert answer is not None
    assert "?help [command]" in answer.body.text


# -- help and unknown commands --


async def test_help_lists_every_registered_command(dispatcher: Dispatcher) -> None:
    answer = await dispatcher.dispatch(message("!help"))

    assert answer is not None
    text = answer.body.text
    registry = dispatcher.registry
    assert len(registry.commands) > 1
    for command in registry:
        for sub in command.subcommands or (command,):
            assert f"!{sub.usage_line} — {sub.help_text(Translator('en'))}" in text, sub.name


async def test_help_html_is_safe(dispatcher: Dispatcher) -> None:
    reply = (await dispatcher.dispatch(message("!help"))).body.to_reply()

    assert "<b>eventbot commands</b>" in reply.html
    assert "<code>!event add &lt;title&gt; | &lt;when&gt; | &lt;where&gt; | &lt;link&gt;</code>" in reply.html


async def test_german_help_names_the_arguments_in_german(tmp_path: Path, storage: Storage) -> None:
    dispatcher = Dispatcher(build_registry(), storage, make_config(tmp_path, language="de"), clock=lambda: NOW)

    text = (await dispatcher.dispatch(message("!help"))).body.text
    assert "!event add <Titel> | <wann> | <wo> | <Link> — trägt eine Veranstaltung ein" in text
    assert "!meetup move #N <Datum> <neues Datum und Uhrzeit>" in text
    assert "<title>" not in text
    usage = (await dispatcher.dispatch(message("!event reject"))).body.text
    assert usage.startswith("So geht es: !event reject #N [Grund]\n")


def test_every_argument_name_has_a_german_name() -> None:
    """A new command cannot slip an English argument name into the German help."""
    argument = re.compile(r"[<\[]([^<>\[\]|]+)[>\]]")
    keywords = {"#N", "meetups", "rotate", "every 6h", "URL"}  # typed as they are, in both languages
    untranslated = (
        {
            name
            for command in build_registry()
            for sub in (command, *command.subcommands)
            for name in argument.findall(sub.usage_line)
        }
        - keywords
        - set(CATALOGS["de"].PLACEHOLDERS)
    )
    assert untranslated == set()


async def test_command_names_are_case_insensitive_and_have_aliases(dispatcher: Dispatcher) -> None:
    expected = (await dispatcher.dispatch(message("!help"))).body

    assert (await dispatcher.dispatch(message("!HELP"))).body == expected
    assert (await dispatcher.dispatch(message("!hilfe"))).body == expected


@pytest.mark.parametrize("body", ["!frobnicate now please", "!remindme in 2 days", "!poll Pizza?", "!ping"])
async def test_other_bots_commands_get_no_answer(dispatcher: Dispatcher, body: str) -> None:
    assert await dispatcher.dispatch(message(body)) is None


@pytest.mark.parametrize(("typo", "meant"), [("evnet", "event"), ("meetpu", "meetup"), ("roundpu", "roundup")])
async def test_a_typo_of_our_own_command_gets_one_hint(dispatcher: Dispatcher, typo: str, meant: str) -> None:
    answer = await dispatcher.dispatch(message(f"!{typo} list"))

    assert answer is not None
    assert answer.body == t("did_you_mean", command=f"!{typo}", suggestion=f"!{meant}", prefix="!")
    assert answer.body.text.startswith(f"I do not know !{typo}. Did you mean !{meant}?")


async def test_a_hinted_typo_is_escaped(dispatcher: Dispatcher) -> None:
    answer = await dispatcher.dispatch(message("!even< list"))

    assert answer is not None and "Did you mean" in answer.body.text
    assert "even<" not in answer.body.html
    assert "even&lt;" in answer.body.html


async def test_command_with_subcommands_but_none_given_shows_usage(dispatcher: Dispatcher) -> None:
    answer = await dispatcher.dispatch(message("!event"))

    event = dispatcher.registry.find("event")
    assert answer is not None
    assert answer.body == dispatcher.usage(event, t, NOW.date())
    assert "!event list [month] [year]" in answer.body.text


# -- the guard around handlers --


def registry_with(handler) -> Registry:
    return Registry([declare("probe", Text("thing"), examples="probe 42")(handler)])


def probe_dispatcher(storage: Storage, config: Config, handler) -> Dispatcher:
    return Dispatcher(registry_with(handler), storage, config, clock=lambda: NOW)


async def test_handler_gets_args_and_context(storage: Storage, config: Config) -> None:
    seen: list[tuple[str, Context]] = []

    async def handler(context: Context, args: str) -> Rich:
        seen.append((args, context))
        return Rich.plain("done")

    answer = await probe_dispatcher(storage, config, handler).dispatch(message("!probe  a | b\nc"))

    assert answer == Answer(Rich.plain("done"))
    [(args, context)] = seen
    assert args == "a | b\nc"
    assert context.now == NOW
    assert context.message.room_id == ROOM
    assert context.settings.room_id == ROOM


async def test_unexpected_exception_gives_reference_code_not_details(
    storage: Storage, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(context: Context, args: str) -> Rich:
        raise RuntimeError(SECRET)

    with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
        answer = await probe_dispatcher(storage, config, handler).dispatch(message("!probe x"))

    assert answer is not None
    match = re.search(r"reference ([0-9A-F]{8})\)", answer.body.text)
    assert match, answer.body.text
    code = match.group(1)
    assert answer.body == t("internal_error", code=code)
    assert SECRET not in answer.body.text and SECRET not in answer.body.html
    assert "RuntimeError" not in answer.body.text
    [record] = [r for r in caplog.records if r.name == "bot.dispatch"]
    assert code in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert SECRET in caplog.text  # the operator gets the details


async def test_reference_codes_differ(storage: Storage, config: Config) -> None:
    async def handler(context: Context, args: str) -> Rich:
        raise ValueError("boom")

    dispatcher = probe_dispatcher(storage, config, handler)
    first = await dispatcher.dispatch(message("!probe x"))
    second = await dispatcher.dispatch(message("!probe x"))

    assert first.body.text != second.body.text


async def test_usage_error_shows_the_usage_line(storage: Storage, config: Config) -> None:
    async def handler(context: Context, args: str) -> Rich:
        raise UsageError()

    answer = await probe_dispatcher(storage, config, handler).dispatch(message("!probe x"))

    assert answer.body.text == "Usage: !probe <thing>\nExample: !probe 42"
    assert "<code>!probe &lt;thing&gt;</code>" in answer.body.html


async def test_usage_error_with_detail_puts_it_first(storage: Storage, config: Config) -> None:
    async def handler(context: Context, args: str) -> Rich:
        raise UsageError(Rich.plain("Missing: <thing>"))

    answer = await probe_dispatcher(storage, config, handler).dispatch(message("!probe x"))

    assert answer.body.text == "Missing: <thing>\nUsage: !probe <thing>\nExample: !probe 42"
    assert answer.body.html.startswith("Missing: &lt;thing&gt;<br>")


async def test_user_error_is_shown_as_written(storage: Storage, config: Config) -> None:
    async def handler(context: Context, args: str) -> Rich:
        raise UserError(Rich.plain("No event #7 here."))

    answer = await probe_dispatcher(storage, config, handler).dispatch(message("!probe #7"))

    assert answer == Answer(Rich.plain("No event #7 here."), carried_out=False)


# -- rate limiting --


def test_rate_limiter_allows_a_burst_then_refills_at_the_rate() -> None:
    limiter = RateLimiter(per_minute=6, burst=3)  # a token every 10 s

    assert [limiter.take("@a", ms) for ms in (0, 1, 2)] == [0, 0, 0]
    assert limiter.take("@a", 3) == pytest.approx(10.0, abs=0.01)  # refused: the next token in 10 s
    assert limiter.take("@a", 10_003) == 0  # one token back
    assert limiter.take("@a", 10_004) > 0
    assert limiter.take("@a", 60_000) == 0  # refilled, at most to the burst
    assert [limiter.take("@a", 60_001 + ms) == 0 for ms in range(4)] == [True, True, False, False]


def test_rate_limiter_counts_per_user() -> None:
    limiter = RateLimiter(per_minute=1, burst=1)

    assert limiter.take("@a", 0) == 0
    assert limiter.take("@a", 10) > 0
    assert limiter.take("@b", 20) == 0
    assert limiter.take("@b", 30) > 0


def test_rate_limiter_uses_sender_timestamps_and_never_refills_backwards() -> None:
    limiter = RateLimiter(per_minute=60, burst=1)

    assert limiter.take("@a", 5_000) == 0
    assert limiter.take("@a", 0) > 0  # an older timestamp arriving late refills nothing
    assert limiter.take("@a", 6_000) == 0


def test_wait_s_does_not_take_a_token() -> None:
    limiter = RateLimiter(per_minute=60, burst=1)

    assert limiter.wait_s("@a", 0) == 0 and limiter.wait_s("@a", 0) == 0
    assert limiter.take("@a", 0) == 0
    assert limiter.wait_s("@a", 0) == pytest.approx(1.0)


async def test_dispatcher_refuses_beyond_the_burst_and_says_it_was_not_carried_out(
    tmp_path: Path, storage: Storage
) -> None:
    dispatcher = Dispatcher(
        build_registry(), storage, make_config(tmp_path, rate_limit_per_minute=2, rate_limit_burst=2), clock=lambda: NOW
    )

    first = await dispatcher.dispatch(message("!help", timestamp_ms=0))
    second = await dispatcher.dispatch(message("!help", timestamp_ms=1_000))
    refused = await dispatcher.dispatch(message("!help", timestamp_ms=2_000))
    other_user = await dispatcher.dispatch(message("!help", sender="@bob:example.org", timestamp_ms=3_000))
    later = await dispatcher.dispatch(message("!help", timestamp_ms=61_000))

    assert first is not None and second is not None and first.retry_after_s is None
    assert refused is not None and refused.retry_after_s == pytest.approx(28.0)  # a token every 30 s, 2 s refilled
    assert refused.body == t("rate_limited_one", burst=2, limit=2, seconds=28)
    assert refused.body.text.startswith("Not carried out")
    assert other_user is not None and other_user.body == first.body
    assert later is not None and later.body == first.body


async def test_moderators_and_admins_are_never_limited(tmp_path: Path, storage: Storage) -> None:
    dispatcher = Dispatcher(
        build_registry(),
        storage,
        make_config(tmp_path, rate_limit_per_minute=1, rate_limit_burst=1, admins=["@admin:example.org"]),
        clock=lambda: NOW,
    )

    moderator = [
        await dispatcher.dispatch(replace(message("!help", timestamp_ms=ms), sender_power=50)) for ms in range(30)
    ]
    admin = [
        await dispatcher.dispatch(message("!help", sender="@admin:example.org", timestamp_ms=ms)) for ms in range(30)
    ]
    member = [
        await dispatcher.dispatch(message("!help", sender="@member:example.org", timestamp_ms=ms)) for ms in range(3)
    ]

    assert all(answer is not None and answer.retry_after_s is None for answer in moderator + admin)
    assert [answer.retry_after_s is None for answer in member] == [True, False, False]


async def test_non_commands_do_not_count_against_the_limit(tmp_path: Path, storage: Storage) -> None:
    dispatcher = Dispatcher(
        build_registry(), storage, make_config(tmp_path, rate_limit_per_minute=1), clock=lambda: NOW
    )

    for ms in range(5):
        assert await dispatcher.dispatch(message("just chatting", timestamp_ms=ms)) is None
    assert (await dispatcher.dispatch(message("!help", timestamp_ms=10))).body.text.startswith("eventbot")


# -- long messages --


async def test_too_long_message_is_refused(dispatcher: Dispatcher) -> None:
    body = "!help " + "x" * MAX_MESSAGE_LENGTH

    answer = await dispatcher.dispatch(message(body))

    assert MAX_MESSAGE_LENGTH == 4000
    assert answer == Answer(t("too_long", length=len(body), limit=MAX_MESSAGE_LENGTH), carried_out=False)
    assert str(len(body)) in answer.body.text and "4000" in answer.body.text


async def test_message_of_exactly_the_limit_is_handled(storage: Storage, config: Config) -> None:
    received: list[str] = []

    async def handler(context: Context, args: str) -> Rich:
        received.append(args)
        return Rich.plain("ok")

    body = "!probe " + "y" * (MAX_MESSAGE_LENGTH - len("!probe "))
    answer = await probe_dispatcher(storage, config, handler).dispatch(message(body))

    assert len(body) == MAX_MESSAGE_LENGTH
    assert answer == Answer(Rich.plain("ok"))
    assert received == ["y" * (MAX_MESSAGE_LENGTH - len("!probe "))]


# -- reactions --


@pytest.mark.parametrize(
    ("key", "normalized"), [("👍", "👍"), ("👍🏽", "👍"), ("👍🏿", "👍"), ("✅\ufe0f", "✅"), ("❤️", "❤")]
)
def test_normalize_reaction(key: str, normalized: str) -> None:
    assert normalize_reaction(key) == normalized


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("evnet", "event", 1),
        ("event", "event", 0),
        ("evet", "event", 1),
        ("remindme", "reminders", 3),
        ("", "ab", 2),
        ("ab", "ba", 1),
    ],
)
def test_typo_distance(a: str, b: str, distance: int) -> None:
    from bot.commands import typo_distance

    assert typo_distance(a, b) == distance == typo_distance(b, a)


async def test_an_edit_of_a_command_that_cannot_be_redone_says_so(dispatcher: Dispatcher) -> None:
    from bot.models import HandledCommand

    done = HandledCommand(sender="@alice:example.org", answer_event_id="$answer", carried_out=True)
    failed = HandledCommand(sender="@alice:example.org", answer_event_id="$answer", carried_out=False)
    edit = replace(message("!event delete #3"), replaces="$original")

    refused = await dispatcher.dispatch(edit, done)
    retried = await dispatcher.dispatch(edit, failed)  # the original failed: the edit is carried out (here: no #3)
    rerun = await dispatcher.dispatch(replace(message("!help"), replaces="$original"), done)

    assert refused == Answer(t("edit_not_repeated", command="!event"), carried_out=False)
    assert retried is not None and retried.body.text == "There is no event #3 in this room."
    assert rerun is not None and rerun.carried_out and rerun.body.text.startswith("eventbot")


# -- a reply language per room --

OTHER_ROOM = "!other:example.org"
MODERATOR = "@mod:example.org"


async def say(dispatcher: Dispatcher, body: str, room: str = ROOM, sender: str = MODERATOR) -> str:
    """The text of the answer to `body`, sent by `sender` (power 50 when it is MODERATOR) in `room`."""
    sent = replace(message(body, sender=sender), room_id=room, sender_power=50 if sender == MODERATOR else 0)
    answer = await dispatcher.dispatch(sent)
    assert answer is not None, body
    return answer.body.text


async def test_a_moderator_switches_the_rooms_replies_to_english_while_other_rooms_stay_german(
    tmp_path: Path, storage: Storage
) -> None:
    config = make_config(tmp_path, language="de", rate_limit_per_minute=1, rate_limit_burst=1)
    dispatcher = Dispatcher(build_registry(), storage, config, clock=lambda: NOW)
    assert "Sprache Deutsch (de)" in await say(dispatcher, "!settings")

    reply = await say(dispatcher, "!settings language en")

    assert reply.startswith("Saved. Settings of this room:") and reply.endswith("language English (en)")
    assert (await storage.room_settings(ROOM)).language == "en"
    assert await say(dispatcher, "!event delete #3") == "There is no event #3 in this room."
    assert (await say(dispatcher, "!help")).startswith(t("help_header").text)
    assert (await say(dispatcher, "!event reject")).startswith("Usage: !event reject #N [reason]\n")
    assert (await say(dispatcher, "!event")).startswith("Usage:\n")
    assert (await say(dispatcher, "!evnet list")).startswith("I do not know !evnet.")
    assert (await say(dispatcher, "!help " + "x" * MAX_MESSAGE_LENGTH)).startswith("The message is too long")
    assert (await say(dispatcher, "!help", sender="@member:example.org")).startswith("eventbot")
    assert (await say(dispatcher, "!help", sender="@member:example.org")).startswith("Not carried out")

    german = await say(dispatcher, "!event delete #3", room=OTHER_ROOM)
    assert german == "In diesem Raum gibt es keine Veranstaltung #3."
    assert (await say(dispatcher, "!help", room=OTHER_ROOM)).startswith(TRANSLATORS["de"]("help_header").text)
    assert (await say(dispatcher, "!event reject", room=OTHER_ROOM)).startswith("So geht es: !event reject #N")
    assert (await say(dispatcher, "!settings sprache de")).startswith("Gespeichert. Einstellungen dieses Raums:")


async def test_only_moderators_choose_a_rooms_language(tmp_path: Path, storage: Storage) -> None:
    dispatcher = Dispatcher(build_registry(), storage, make_config(tmp_path, language="de"), clock=lambda: NOW)

    reply = await say(dispatcher, "!settings language en", sender="@member:example.org")

    assert reply == "Das dürfen nur Moderator:innen dieses Raums."
    assert (await storage.room_settings(ROOM)).language is None
    assert (await say(dispatcher, "!help")).startswith(TRANSLATORS["de"]("help_header").text)


@pytest.mark.parametrize("body", ["!settings language fr", "!settings sprache english", "!settings lang <b>"])
async def test_an_unknown_language_is_answered_with_the_ones_there_are(
    tmp_path: Path, storage: Storage, body: str
) -> None:
    dispatcher = Dispatcher(build_registry(), storage, make_config(tmp_path, language="de"), clock=lambda: NOW)

    reply = await say(dispatcher, body)

    assert reply == f"„{body.split()[-1]}“ ist keine Sprache, die ich spreche. Möglich: Deutsch (de), English (en)."
    assert (await storage.room_settings(ROOM)).language is None
    assert (await say(dispatcher, "!settings LANG EN")).startswith("Saved.")  # key and code in any case


def test_the_usage_line_offers_every_language() -> None:
    settings = build_registry().find("settings")
    assert settings is not None
    assert [sub.usage_line for sub in settings.subcommands] == [
        "settings show",
        "settings approval on|off",
        "settings timezone <zone>",
        "settings roommention on|off",
        "settings language de|en",
    ]


async def test_bare_settings_shows_them_and_a_wrong_setting_is_answered_with_the_usage(
    dispatcher: Dispatcher, storage: Storage
) -> None:
    shown = await say(dispatcher, "!settings")
    assert shown.startswith("Settings of this room: approval ")
    assert await say(dispatcher, "!settings show") == shown

    unknown = await say(dispatcher, "!settings colour red")
    assert "!settings approval on|off\n" in unknown and "!settings language de|en" in unknown
    refused = await say(dispatcher, "!settings approval maybe")
    assert refused.startswith("“maybe” does not fit here; possible: on, off.\nUsage: !settings approval on|off")
    assert (await say(dispatcher, "!settings timezone Nowhere/Land")).startswith("“Nowhere/Land” is not a time zone.")
    assert (await storage.room_settings(ROOM)).timezone is None

    assert "approval on" in await say(dispatcher, "!settings approval ja")  # on and off in every language
    assert (await storage.room_settings(ROOM)).approval is True
    assert "@room in reminders off" in await say(dispatcher, "!settings roommention aus")


# -- the roundup's arguments --


def re_backticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


async def test_the_roundup_reads_a_month_and_a_quoted_headline(dispatcher: Dispatcher) -> None:
    answer = await dispatcher.dispatch(replace(message('!roundup november 2025 "Allostatische Last"'), sender_power=50))
    assert answer is not None and answer.attachment is not None
    assert "Allostatische Last" in answer.attachment.data.decode("utf-8")
    assert answer.attachment.filename == "out-in-the-open-2025-11.md"

    # the examples name last month (NOW is in November 2025), in the forms the month argument reads
    expected = t("roundup_bad_args", prefix="!", name="october", iso="2025-10", year="2025").text
    for body in ("!roundup november 2025 Allostatische Last", '!roundup november "'):
        assert await say(dispatcher, body) == expected, body
    for example in re_backticked(expected):
        answer = await dispatcher.dispatch(replace(message(example), sender_power=50))
        assert answer is not None and answer.attachment is not None, example
