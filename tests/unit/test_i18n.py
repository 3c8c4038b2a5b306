"""The bot's words: every catalog has every key with the same placeholders; singular forms; keys used exist."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import CATALOGS, KEYS, Translator
from bot.locales import LANGUAGES

REFERENCE = CATALOGS[LANGUAGES[0]]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_languages_are_listed_once_and_each_has_a_catalog() -> None:
    assert len(set(LANGUAGES)) == len(LANGUAGES) >= 2
    assert set(CATALOGS) == set(LANGUAGES)
    modules = {path.stem for path in Path("bot/locales").glob("*.py")} - {"__init__"}
    assert modules == set(LANGUAGES)  # a catalog file nobody lists is a language nobody can choose


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_catalog_has_every_key_and_no_other(language: str) -> None:
    catalog = CATALOGS[language].MESSAGES
    assert sorted(KEYS - set(catalog)) == []
    assert sorted(set(catalog) - KEYS) == []


@pytest.mark.parametrize("language", LANGUAGES[1:])
@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_message_has_the_same_placeholders_in_every_language(language: str, key: str) -> None:
    assert _fields(CATALOGS[language].MESSAGES[key]) == _fields(REFERENCE.MESSAGES[key])


@pytest.mark.parametrize("key", sorted(k for k in KEYS if k.endswith("_one")))
def test_singular_forms_belong_to_a_counted_message(key: str) -> None:
    base = key.removesuffix("_one")
    assert base in KEYS
    for language in LANGUAGES:
        messages = CATALOGS[language].MESSAGES
        assert "{count}" in messages[base]
        assert _fields(messages[key]) <= _fields(messages[base])


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
    """A key named literally at a call (`t("…")`, `t.raw('…')`, `t.count("…", n)`) must be in the catalogs."""
    call = re.compile(r"""\bt(?:\.raw|\.count)?\(\s*["']([a-z][a-z0-9_]*)["']\s*[,)]""")
    named = {key for path in Path("bot").rglob("*.py") for key in call.findall(path.read_text(encoding="utf-8"))}
    assert len(named) > 50  # the pattern finds the calls
    assert sorted(named - KEYS) == []
