"""Tests for bot.parsing.fields: pipe and key:value forms, item numbers, links, coordinates and places."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.events import EVENT_FIELDS
from bot.commands.meetups import MEETUP_FIELDS
from bot.parsing.fields import (
    FieldError,
    parse_geo,
    parse_link,
    parse_number,
    parse_place,
    split_fields,
)

ORDER = ("title", "when", "where", "link")


def split(text: str) -> dict[str, str]:
    return split_fields(text, ORDER, EVENT_FIELDS)


def field_error(call, *args) -> FieldError:
    with pytest.raises(FieldError) as info:
        call(*args)
    return info.value


# -- split_fields: one line with pipes --


def test_pipe_form_in_order() -> None:
    values = split("Jugend editiert | morgen 18-21 Uhr | WikiBär, Berlin | https://www.wikimedia.de/")

    assert values == {
        "title": "Jugend editiert",
        "when": "morgen 18-21 Uhr",
        "where": "WikiBär, Berlin",
        "link": "https://www.wikimedia.de/",
    }


def test_pipe_form_may_stop_early_and_skip_empty_parts() -> None:
    assert split("  Treffen | morgen  ") == {"title": "Treffen", "when": "morgen"}
    assert split("Treffen | morgen | | https://x.org") == {
        "title": "Treffen",
        "when": "morgen",
        "link": "https://x.org",
    }


def test_pipe_form_with_too_many_parts() -> None:
    error = field_error(split, "a | b | c | d | e | f")

    assert error.code == "too_many_parts"
    assert error.value == "e | f"


def test_a_colon_later_in_a_pipe_line_is_no_key() -> None:
    assert split("Workshop: Daten | morgen") == {"title": "Workshop: Daten", "when": "morgen"}


# -- split_fields: key: value lines --


def test_multiline_german_keys() -> None:
    text = "Titel: Jugend editiert\nWann: morgen 18 Uhr\nOrt: WikiBär\nLink: https://x.org/a?b=c:d"

    assert split(text) == {
        "title": "Jugend editiert",
        "when": "morgen 18 Uhr",
        "where": "WikiBär",
        "link": "https://x.org/a?b=c:d",
    }


def test_multiline_english_keys_any_case_and_order() -> None:
    text = "WHEN: tomorrow 7pm\n  title :  Data meetup  \nLocation: Town hall\nDescription: bring | pipes"

    assert split(text) == {
        "when": "tomorrow 7pm",
        "title": "Data meetup",
        "where": "Town hall",
        "description": "bring | pipes",
    }


@pytest.mark.parametrize(("key", "field"), sorted(EVENT_FIELDS.items()))
def test_every_event_alias_names_its_field(key: str, field: str) -> None:
    assert split(f"{key.capitalize()}: value") == {field: "value"}
    assert split(f"{key.upper()}: value") == {field: "value"}


def test_blank_lines_and_empty_values_are_skipped() -> None:
    assert split("Titel: T\n\n   \nWo:\nWann: morgen") == {"title": "T", "when": "morgen"}


def test_single_key_line_is_the_key_form() -> None:
    assert split("Titel: Nur ein Titel") == {"title": "Nur ein Titel"}


def test_unknown_field() -> None:
    error = field_error(split, "Titel: T\nFarbe: blau")

    assert error.code == "unknown_field"
    assert error.value == "Farbe"


def test_a_line_without_key_is_an_unknown_field() -> None:
    error = field_error(split, "Titel: T\njust some words")

    assert error.code == "unknown_field"
    assert error.value == "just some words"


def test_duplicate_field_even_under_another_alias() -> None:
    error = field_error(split, "Titel: A\nWann: morgen\nname: B")

    assert error.code == "duplicate_field"
    assert error.value == "name"


def test_meetup_aliases_differ_from_event_aliases() -> None:
    values = split_fields("Stadt: Leipzig\nWann: jeden Mittwoch\nZeit: 19 Uhr", ("city", "rule", "time"), MEETUP_FIELDS)

    assert values == {"city": "Leipzig", "rule": "jeden Mittwoch", "time": "19 Uhr"}


# -- parse_number --


@pytest.mark.parametrize(("text", "number"), [("#12", 12), ("12", 12), (" #7 ", 7), ("#007", 7)])
def test_parse_number(text: str, number: int) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["x", "", "#", "##12", "12a", "-3", "1.5", "# 12", "1234567890"])
def test_parse_number_refuses(text: str) -> None:
    error = field_error(parse_number, text)

    assert error.code == "bad_number"
    assert error.value == text.strip()


# -- parse_link --


@pytest.mark.parametrize(
    "link",
    [
        "http://example.org",
        "https://www.wikimedia.de/veranstaltungen/x/?a=1#top",
        "HTTPS://EXAMPLE.ORG/",
        "https://127.0.0.1:8080/path",
    ],
)
def test_parse_link_accepts_http_and_https(link: str) -> None:
    assert parse_link(f"  {link} ") == link


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript://example.org/%0aalert(1)",
        "ftp://example.org/file",
        "https:///path-only",
        "https://",
        "example.org",
        "https://exa mple.org",
        "https://example.org/a b",
        "mailto:a@example.org",
        "https://[::1",
        "",
    ],
)
def test_parse_link_refuses(link: str) -> None:
    error = field_error(parse_link, link)

    assert error.code == "bad_link"
    assert error.value == link.strip()


# -- parse_geo --


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("52.5027, 13.4393", (52.5027, 13.4393)),
        ("52.5027;13.4393", (52.5027, 13.4393)),
        (" -33.9 ; 151 ", (-33.9, 151.0)),
        ("90, -180", (90.0, -180.0)),
        ("52,5027; 13,4393", (52.5027, 13.4393)),
    ],
)
def test_parse_geo(text: str, expected: tuple[float, float]) -> None:
    assert parse_geo(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text", ["91, 0", "0, 181", "-90.5, 0", "0, -180.01", "52.5", "north, east", "52.5 13.4", "1, 2, 3", ""]
)
def test_parse_geo_refuses(text: str) -> None:
    error = field_error(parse_geo, text)

    assert error.code == "bad_geo"


# -- parse_place --


@pytest.mark.parametrize(
    "text", ["online", "Online", " ONLINE ", "virtuell", "remote", "und auch online", ", und auch online"]
)
def test_parse_place_online_only(text: str) -> None:
    assert parse_place(text) == (None, True)


@pytest.mark.parametrize(
    "text",
    [
        "WikiBär, Berlin und auch online",
        "WikiBär, Berlin, und online",
        "WikiBär, Berlin and online",
        "WikiBär, Berlin + online",
        "WikiBär, Berlin & Online",
    ],
)
def test_parse_place_and_also_online(text: str) -> None:
    assert parse_place(text) == ("WikiBär, Berlin", True)


@pytest.mark.parametrize(
    "text",
    ["WikiBär, Köpenicker Straße 45, 10179 Berlin", "Online-Café am Markt", "Brand online", "Gasthaus Strand online"],
)
def test_parse_place_plain(text: str) -> None:
    assert parse_place(f" {text} ") == (text, False)


# -- only FieldError escapes --

_ALIAS_WORDS = st.sampled_from([*EVENT_FIELDS, "farbe", "Titel", "WO", ""])
_PIECES = st.one_of(st.text(), _ALIAS_WORDS.map(lambda key: f"{key}:"), st.sampled_from(["|", "\n", ":", "\r"]))


@settings(max_examples=300, database=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_split_fields_only_raises_field_error(text: str) -> None:
    try:
        values = split(text)
    except FieldError as error:
        assert error.code in {"too_many_parts", "unknown_field", "duplicate_field"}
    else:
        assert set(values) <= set(EVENT_FIELDS.values())
        assert all(values.values())


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("**Open Data Day**", "Open Data Day"),
        ("*Datenabend* im _Basislager_", "Datenabend im Basislager"),
        ("`Jugend hackt` __Leipzig__", "Jugend hackt Leipzig"),
        ("snake_case_name und https://example.org/a_b_c", "snake_case_name und https://example.org/a_b_c"),
        ("** kein Fett **", "** kein Fett **"),
        ("5 * 3 * 2", "5 * 3 * 2"),
    ],
)
def test_markdown_emphasis_is_stored_as_the_plain_words(typed: str, plain: str) -> None:
    from bot.parsing.fields import plain_words

    assert plain_words(typed) == plain
