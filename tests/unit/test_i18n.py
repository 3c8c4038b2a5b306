"""The bot's words: every message in both languages with the same placeholders; singular forms."""

from __future__ import annotations

import string

import pytest

from bot.i18n import MESSAGES, Translator


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    message = MESSAGES[key]
    assert set(message) == {"de", "en"}
    assert _fields(message["de"]) == _fields(message["en"])


@pytest.mark.parametrize("key", sorted(k for k in MESSAGES if k.endswith("_one")))
def test_singular_forms_belong_to_a_counted_message(key: str) -> None:
    base = key.removesuffix("_one")
    assert base in MESSAGES
    assert "{count}" in MESSAGES[base]["de"]
    assert _fields(MESSAGES[key]["de"]) <= _fields(MESSAGES[base]["de"])


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("de", 1, "1 Zusage:"),
        ("de", 2, "2 Zusagen:"),
        ("de", 0, "0 Zusagen:"),
        ("en", 1, "1 coming:"),
    ],
)
def test_count_picks_the_singular_for_one(language: str, count: int, expected: str) -> None:
    assert Translator(language).count("reminder_rsvps", count).text == expected


def test_count_without_a_singular_form_uses_the_message() -> None:
    text = Translator("de").count("events_more_search", 1, prefix="!").text
    assert text == "… und 1 weitere. Gezielt suchen: !event search <Wörter>."


def test_every_message_key_written_in_the_code_exists() -> None:
    """A key named literally at a call (`t("…")`, `t.raw('…')`, `t.count("…", n)`) must be in the table."""
    import re
    from pathlib import Path

    from bot.i18n import MESSAGES

    call = re.compile(r"""\bt(?:\.raw|\.count)?\(\s*["']([a-z][a-z0-9_]*)["']\s*[,)]""")
    named = {key for path in Path("bot").rglob("*.py") for key in call.findall(path.read_text(encoding="utf-8"))}
    assert len(named) > 50  # the pattern finds the calls
    assert sorted(named - set(MESSAGES)) == []
