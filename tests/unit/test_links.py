"""Tests for bot.links: URLs cleaned and keyed, `!link` and 🔖 read, news items that stay text except their links."""

from __future__ import annotations

import pickle
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.links import (
    Filing,
    LinkError,
    chat_line,
    clean_url,
    fallback_title,
    find_section,
    find_urls,
    page_title,
    parse_filing,
    parse_message,
    render_item,
    render_recap,
    section_key,
    url_key,
)

URL = "https://example.org/news"
HOST = "example.org"
FORBIDDEN_TAGS = {"script", "em", "strong", "code", "img", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "li"}
FORBIDDEN_TAGS |= {"blockquote", "hr", "pre", "b", "del", "s", "table", "iframe"}
# no deadline: the first example pays for importing bot.roundup, which render_item does on first use
UNHURRIED = settings(deadline=None)


class Page(HTMLParser):
    """What rendered HTML holds: the hrefs of its links in order, its tags, and its visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.parts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()


def rendered(markdown: str) -> Page:
    return Page(MarkdownIt("commonmark").render(markdown))


# -- clean_url --


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "  JAVASCRIPT:alert(document.cookie)  ",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "FILE:///C:/Windows",
        "ftp://example.org/file.txt",
        "mailto:someone@example.org",
        "ws://example.org/socket",
    ],
)
def test_clean_url_refuses_other_schemes(url: str) -> None:
    with pytest.raises(LinkError) as refused:
        clean_url(url)

    assert refused.value.code == "scheme"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.org/x",
        "www.example.org",
        "https://",
        "https:///path",
        "https:example.org",
        "https:/example.org",
        "https://exa mple.org",
        "https://example.org/a b",
        "https://example.org/a\tb",
        "https://example.org/\x00",
        "https://example.org/\x7f",
        "https://example.org/\u202egnp.exe",  # a right-to-left override hides what the URL says
        "https://example.org/a\u00a0b",
        "https://exa$mple.org/",
        "https://-/",
        "https://a..b/",
        "https://example.org:99999/",
        "https://example.org:8o/",
        "https://example.org:-1/",
        "https://a.example\\@b.example/",
        "https://example.org\\x",
        "http://[::1/",
        "http://[::1]x/",
    ],
)
def test_clean_url_refuses_malformed_urls(url: str) -> None:
    with pytest.raises(LinkError) as refused:
        clean_url(url)

    assert refused.value.code == "malformed"


def test_clean_url_refuses_more_than_2000_characters() -> None:
    longest = "https://example.org/" + "a" * (2000 - len("https://example.org/"))

    assert clean_url(longest) == longest
    with pytest.raises(LinkError) as refused:
        clean_url(longest + "a")
    assert refused.value.code == "too_long"
    assert len(refused.value.url) == 80 and refused.value.url.endswith("…")


def test_link_error_keeps_code_and_a_short_printable_url() -> None:
    error = LinkError("malformed", "https://example.org/a b\nc\x00d")

    assert isinstance(error, ValueError)
    assert error.code == "malformed"
    assert error.url == "https://example.org/a b c\ufffdd"
    assert "malformed" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.url) == (error.code, error.url)


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        ("https://example.org/a?utm_source=x&id=7&utm_medium=y&page=2", "https://example.org/a?id=7&page=2"),
        ("https://example.org/a?UTM_Source=x&Utm_Campaign=y&id=7", "https://example.org/a?id=7"),
        ("https://example.org/a?utm_source=newsletter", "https://example.org/a"),
        ("https://example.org/a?fbclid=1&gclid=2&dclid=3&gbraid=4&wbraid=5&q=x", "https://example.org/a?q=x"),
        ("https://example.org/a?msclkid=1&mc_cid=2&mc_eid=3&igshid=4&yclid=5&q=x", "https://example.org/a?q=x"),
        ("https://example.org/a?_hsenc=1&_hsmi=2&mkt_tok=3&ref_src=4&q=x", "https://example.org/a?q=x"),
        ("https://example.org/a?FBCLID=1&q=x", "https://example.org/a?q=x"),
        ("https://example.org/a?b=2&a=1&utm_term=z&c=3", "https://example.org/a?b=2&a=1&c=3"),
        ("https://example.org/a?utm_source=x#abschnitt", "https://example.org/a#abschnitt"),
        ("https://youtu.be/abc?si=XYZ&t=10", "https://youtu.be/abc?t=10"),
        ("https://www.youtube.com/watch?v=abc&si=XYZ", "https://www.youtube.com/watch?v=abc"),
        ("https://youtube.com/watch?si=XYZ&v=abc", "https://youtube.com/watch?v=abc"),
        ("https://example.org/a?si=1", "https://example.org/a?si=1"),  # "si" is tracking only on YouTube
        ("https://example.org/a?utm=1&source=2", "https://example.org/a?utm=1&source=2"),
        ("https://example.org/a?reference=1", "https://example.org/a?reference=1"),
    ],
)
def test_clean_url_drops_tracking_parameters_and_keeps_the_others_in_order(url: str, cleaned: str) -> None:
    assert clean_url(url) == cleaned


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        ("http://example.org:80/x", "http://example.org/x"),
        ("https://example.org:443/x", "https://example.org/x"),
        ("https://example.org:0443/x", "https://example.org/x"),
        ("https://example.org:80/x", "https://example.org:80/x"),
        ("http://example.org:443/x", "http://example.org:443/x"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("https://example.org:/x", "https://example.org/x"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("https://[2001:DB8::1]:443/", "https://[2001:db8::1]/"),
        ("http://127.0.0.1:8000/haushalt", "http://127.0.0.1:8000/haushalt"),
    ],
)
def test_clean_url_drops_default_ports_only(url: str, cleaned: str) -> None:
    assert clean_url(url) == cleaned


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        ("HTTPS://Example.ORG/Path/Mixed?Q=Upper#Frag", "https://example.org/Path/Mixed?Q=Upper#Frag"),
        ("HtTp://EXAMPLE.org", "http://example.org"),
        ("https://example.org/", "https://example.org/"),
        ("https://example.org/stra%C3%9Fe?q=a%20b&r=%2f", "https://example.org/stra%C3%9Fe?q=a%20b&r=%2f"),
        ("https://example.org/a%2Fb/c;v=1", "https://example.org/a%2Fb/c;v=1"),
        ("https://de.wikipedia.org/wiki/Foo_(Bar)", "https://de.wikipedia.org/wiki/Foo_(Bar)"),
        ("https://example.org/Straße", "https://example.org/Straße"),
        ("https://Bücher.de/", "https://bücher.de/"),
        ("https://example.org/a_b*c~d'e!f$g", "https://example.org/a_b*c~d'e!f$g"),
        ("https://example.org/?q=[1]", "https://example.org/?q=[1]"),
        ('https://example.org/a"b<c>{d}|e^f`g', "https://example.org/a%22b%3Cc%3E%7Bd%7D%7Ce%5Ef%60g"),
        ("  https://example.org/x \n", "https://example.org/x"),
        ("https://example.org/x#", "https://example.org/x"),
        ("https://example.org/x?", "https://example.org/x"),
        ("https://example.org/x?a=1&&b=2", "https://example.org/x?a=1&b=2"),
        ("https://user:secret@example.org/x", "https://example.org/x"),
        ("https://trusted.example@evil.example/", "https://evil.example/"),
        ("https://example.org/page#:~:text=Stra%C3%9Fe", "https://example.org/page#:~:text=Stra%C3%9Fe"),
    ],
)
def test_clean_url_lowercases_scheme_and_host_and_keeps_the_rest_as_written(url: str, cleaned: str) -> None:
    assert clean_url(url) == cleaned


# -- url_key --


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.org/x/", "https://example.org/x"),
        ("https://example.org/", "https://example.org"),
        ("https://EXAMPLE.org/baeume/?id=7#karte", "https://example.org/baeume?id=7"),
        ("https://example.org/x#a", "https://example.org/x#b"),
        ("https://example.org/x?utm_source=a&fbclid=b", "https://example.org/x"),
        ("https://example.org:443/x", "https://example.org/x"),
        ("HTTPS://Example.Org/x", "https://example.org/x"),
        ("https://bücher.de/Straße", "https://xn--bcher-kva.de/Stra%c3%9fe"),
        ("https://example.org/a%2fb", "https://example.org/a%2Fb"),
    ],
)
def test_url_key_is_the_same_for_the_same_page(one: str, other: str) -> None:
    assert url_key(one) == url_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.org/a", "https://example.org/b"),
        ("https://example.org/a/b", "https://example.org/a"),
        ("https://example.org/X", "https://example.org/x"),
        ("https://example.org/x?id=7", "https://example.org/x?id=8"),
        ("https://example.org/x?id=7", "https://example.org/x"),
        ("https://example.org/x?a=1&b=2", "https://example.org/x?b=2&a=1"),
        ("https://example.org/x?si=1", "https://example.org/x"),
        ("http://example.org/x", "https://example.org/x"),
        ("https://example.org/x", "https://example.org:8443/x"),
        ("https://www.example.org/x", "https://example.org/x"),
        ("https://example.org/a%2Fb", "https://example.org/a/b"),
    ],
)
def test_url_key_keeps_different_pages_apart(one: str, other: str) -> None:
    assert url_key(one) != url_key(other)


def test_url_key_is_the_cleaned_url_without_fragment_and_trailing_slash() -> None:
    assert url_key("https://EXAMPLE.org/baeume/?id=7&utm_source=x#karte") == "https://example.org/baeume?id=7"
    assert url_key("https://example.org/") == "https://example.org"
    with pytest.raises(LinkError):
        url_key("javascript:alert(1)")


# -- find_urls --


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("Siehe https://example.org/x.", ["https://example.org/x"]),
        (
            "Siehe https://example.org/x, https://example.org/y; und https://example.org/z!",
            ["https://example.org/x", "https://example.org/y", "https://example.org/z"],
        ),
        (
            "Wirklich https://example.org/x?! Ja: https://example.org/y…",
            ["https://example.org/x", "https://example.org/y"],
        ),
        ("(siehe https://example.org/x)", ["https://example.org/x"]),
        ("(siehe https://de.wikipedia.org/wiki/Foo_(Bar))", ["https://de.wikipedia.org/wiki/Foo_(Bar)"]),
        ("https://de.wikipedia.org/wiki/Foo_(Bar).", ["https://de.wikipedia.org/wiki/Foo_(Bar)"]),
        ("[siehe https://example.org/x]", ["https://example.org/x"]),
        ("https://example.org/?q=[1]", ["https://example.org/?q=[1]"]),
        ("<https://example.org/x>", ["https://example.org/x"]),
        ('"https://example.org/x"', ["https://example.org/x"]),
        ("„https://example.org/x“", ["https://example.org/x"]),
        ("`https://example.org/x`", ["https://example.org/x"]),
        ("[Karte](https://example.org/k)", ["https://example.org/k"]),
        ("HTTPS://EXAMPLE.ORG/X", ["HTTPS://EXAMPLE.ORG/X"]),
        ("http://example.org/x'", ["http://example.org/x"]),
        ("https://example.org/a#frag", ["https://example.org/a#frag"]),
        ("Zeile\nhttps://example.org/x\nZeile", ["https://example.org/x"]),
        ("xhttps://example.org/x", []),
        ("https://", []),
        ("https:///x", []),
        ("ftp://example.org/x javascript:alert(1) www.example.org", []),
    ],
)
def test_find_urls_finds_bare_urls_without_the_prose_around_them(text: str, urls: list[str]) -> None:
    found = find_urls(text)

    assert [url for _, _, url in found] == urls
    assert all(text[start:end] == url for start, end, url in found)


def test_find_urls_positions() -> None:
    assert find_urls("ab https://a.org/x. cd https://b.org") == [(3, 18, "https://a.org/x"), (23, 36, "https://b.org")]


# -- sections --


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("Mobilität", "Mobilität"),
        ("#mobilitaet", "Mobilität"),
        ("Mobilitat", "Mobilität"),
        ("MOBILITÄT", "Mobilität"),
        ("mobilität", "Mobilität"),
        ("#DigitaleSouveränität", "Digitale Souveränität"),
        ("digitale-souveraenitaet", "Digitale Souveränität"),
        ("digitale_souveranitat", "Digitale Souveränität"),
        ("#UndSonstSo", "Und sonst so"),
        ("und-sonst-so", "Und sonst so"),
        ("OpenData", "Open Data"),
        ("open_data", "Open Data"),
        ("strasse", "Straße"),
        ("STRASSE", "Straße"),
        ("Oeffentlich", "Öffentlich"),
        ("uebersicht", "Übersicht"),
        ("Cafe", "Café"),
        ("  Karten  ", "Karten"),
    ],
)
def test_section_names_match_across_spellings(name: str, section: str) -> None:
    assert section_key(name) == section_key(section)
    assert find_section(name, ["Karten", "Recap", section, "Und sonst so"]) == section


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("Karte", "Karten"),
        ("Karten", "Karte"),
        ("Mobil", "Mobilität"),
        ("Open", "Open Data"),
        ("Bildung2", "Bildung"),
        ("Kultur", "Natur"),
    ],
)
def test_section_names_that_differ_do_not_match(name: str, section: str) -> None:
    assert section_key(name) != section_key(section)
    assert find_section(name, [section]) is None


def test_find_section_returns_the_name_as_listed_and_none_for_nothing() -> None:
    sections = ["Open Data", "Mobilität", "Recap"]

    assert find_section("#mobilitaet", sections) == "Mobilität"
    assert find_section("RECAP", sections) == "Recap"
    assert find_section("Bildung", sections) is None
    assert find_section("#", sections) is None
    assert find_section("", sections) is None
    assert find_section("-", ["---"]) is None
    assert find_section("karten", []) is None


def test_section_key_ignores_case_accents_umlaut_spelling_and_punctuation() -> None:
    assert section_key("Digitale Souveränität") == "digitalesouveranitat"
    assert section_key("#Und sonst so!") == "undsonstso"


# -- parse_filing --


def test_parse_filing_reads_url_section_and_text() -> None:
    filing = parse_filing(
        "https://example.org/baeume?utm_source=newsletter&id=7 #Karten "
        "Die Stadt Leipzig [zeigt] ihre Straßenbäume auf einer Karte."
    )

    assert filing == Filing(
        url="https://example.org/baeume?id=7",
        section="Karten",
        topic=None,
        text="Die Stadt Leipzig [zeigt] ihre Straßenbäume auf einer Karte.",
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            "https://example.org/t #Kultur/Tagungen Die [Tagung] fand statt.",
            ("Kultur", "Tagungen", "Die [Tagung] fand statt."),
        ),
        ("https://example.org/t #Kultur/Große_Tagungen Text", ("Kultur", "Große_Tagungen", "Text")),
        ("https://example.org/t #Kultur/ Text", ("Kultur", None, "Text")),
        ("https://example.org/t #Open_Data", ("Open_Data", None, "")),
        ("https://example.org/t Die Stadt zeigt #Karten", ("Karten", None, "Die Stadt zeigt")),
        ("https://example.org/t Text", (None, None, "Text")),
        ("https://example.org/t # Text", (None, None, "# Text")),
        ("https://example.org/t #1 der Charts", (None, None, "#1 der Charts")),
        ("https://example.org/t Platz #1", (None, None, "Platz #1")),
        ("https://example.org/t #Karten, Text", ("Karten", None, "Text")),
        ("https://example.org/t #Karten Die #Stadt zeigt", ("Karten", None, "Die #Stadt zeigt")),
        ("https://example.org/t   #Karten \n  Die\n [Stadt]   zeigt  ", ("Karten", None, "Die [Stadt] zeigt")),
        ("https://example.org/t", (None, None, "")),
        ("https://example.org/t Text mit \\[Klammern\\]", (None, None, "Text mit \\[Klammern\\]")),
    ],
)
def test_parse_filing_hashtag_and_topic(args: str, expected: tuple[str | None, str | None, str]) -> None:
    filing = parse_filing(args)

    assert filing.url == "https://example.org/t"
    assert (filing.section, filing.topic, filing.text) == expected


@pytest.mark.parametrize(
    ("args", "url"),
    [
        ("<https://example.org/x> Text", "https://example.org/x"),
        ("https://example.org/x, Text", "https://example.org/x"),
        ("https://example.org/x. Text", "https://example.org/x"),
        ("http://example.org/x, Text", "http://example.org/x"),
        ("<http://example.org/x> Text", "http://example.org/x"),
        ("HTTPS://EXAMPLE.ORG:443/x Text", "https://example.org/x"),
        ("https://de.wikipedia.org/wiki/Foo_(Bar) Text", "https://de.wikipedia.org/wiki/Foo_(Bar)"),
        ('https://example.org/x"onclick=alert(1) Text', "https://example.org/x%22onclick=alert(1)"),
    ],
)
def test_parse_filing_cleans_the_first_word(args: str, url: str) -> None:
    filing = parse_filing(args)

    assert filing.url == url
    assert filing.text == "Text"


@pytest.mark.parametrize(
    "args",
    [
        "javascript:alert(1) #Karten Klick",
        "JavaScript:alert(1)",
        "javascript: alert(1)",
        "<javascript:alert(1)> Text",
        "data:text/html,<b>x</b> Text",
        "file:///etc/passwd",
        "ftp://example.org/x Text",
        "mailto:a@example.org",
        "gopher://example.org/x",
    ],
)
def test_parse_filing_refuses_urls_with_other_schemes(args: str) -> None:
    with pytest.raises(LinkError) as refused:
        parse_filing(args)

    assert refused.value.code == "scheme"


@pytest.mark.parametrize(
    ("args", "code"),
    [("https:// Text", "malformed"), ("https://exa$mple.org Text", "malformed"), ("https://" + "a" * 2000, "too_long")],
)
def test_parse_filing_refuses_http_urls_that_cannot_be_filed(args: str, code: str) -> None:
    with pytest.raises(LinkError) as refused:
        parse_filing(args)

    assert refused.value.code == code


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", Filing(None, None, None, "")),
        ("   ", Filing(None, None, None, "")),
        ("Die Stadt zeigt", Filing(None, None, None, "Die Stadt zeigt")),
        ("Achtung: kein Link", Filing(None, None, None, "Achtung: kein Link")),
        ("#Karten Die Stadt", Filing(None, "Karten", None, "Die Stadt")),
        ("example.org/x Text", Filing(None, None, None, "example.org/x Text")),
    ],
)
def test_parse_filing_without_url(args: str, expected: Filing) -> None:
    assert parse_filing(args) == expected


# -- parse_message --


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Neue Radwege in Berlin: https://example.org/radwege #mobilitaet",
            Filing("https://example.org/radwege", "mobilitaet", None, "Neue Radwege in Berlin"),
        ),
        (
            "Die Stadt [zeigt](https://example.org/baeume?utm_source=x) ihre Bäume #Karten",
            Filing("https://example.org/baeume", "Karten", None, "Die Stadt [zeigt] ihre Bäume"),
        ),
        (
            "#Kultur/Tagungen Die Tagung https://example.org/t fand statt",
            Filing("https://example.org/t", "Kultur", "Tagungen", "Die Tagung fand statt"),
        ),
        (
            "Die #Karten der Stadt: https://example.org/k",
            Filing("https://example.org/k", "Karten", None, "Die der Stadt"),
        ),
        (
            "#Karten Die #Stadt zeigt https://example.org/k",
            Filing("https://example.org/k", "Karten", None, "Die #Stadt zeigt"),
        ),
        (
            "Bäume https://example.org/k #Karten #Leipzig #OpenData",
            Filing("https://example.org/k", "Karten", None, "Bäume"),
        ),
        (
            "Bäume #Leipzig https://example.org/k #Karten",
            Filing("https://example.org/k", "Leipzig", None, "Bäume"),
        ),
        ("https://example.org/k", Filing("https://example.org/k", None, None, "")),
        ("https://example.org/k #Karten", Filing("https://example.org/k", "Karten", None, "")),
        ("https://example.org/k - Die Stadt zeigt", Filing("https://example.org/k", None, None, "Die Stadt zeigt")),
        ("https://example.org/k: Die Stadt zeigt", Filing("https://example.org/k", None, None, "Die Stadt zeigt")),
        ("Die Stadt zeigt – https://example.org/k", Filing("https://example.org/k", None, None, "Die Stadt zeigt")),
        ("Schaut mal: https://example.org/k!", Filing("https://example.org/k", None, None, "Schaut mal !")),
        ("Toll (https://example.org/k) und mehr", Filing("https://example.org/k", None, None, "Toll und mehr")),
        ("Toll <https://example.org/k> und mehr", Filing("https://example.org/k", None, None, "Toll und mehr")),
        (
            "Karte https://example.org/k und Daten https://example.org/d",
            Filing("https://example.org/k", None, None, "Karte und Daten https://example.org/d"),
        ),
        (
            "Erst [Daten](https://example.org/d), dann https://example.org/k",
            Filing("https://example.org/d", None, None, "Erst [Daten], dann https://example.org/k"),
        ),
        (
            "[Update] Neue Karte: https://example.org/k",
            Filing("https://example.org/k", None, None, "\\[Update\\] Neue Karte"),
        ),
        (
            "Seite https://example.org/page#abschnitt mit Anker",
            Filing("https://example.org/page#abschnitt", None, None, "Seite mit Anker"),
        ),
        (
            "Ticket &#35;12 https://example.org/k #1",
            Filing("https://example.org/k", None, None, "Ticket &#35;12 #1"),
        ),
        (
            "Zeile eins\n\nZeile zwei https://example.org/k\n#Karten",
            Filing("https://example.org/k", "Karten", None, "Zeile eins Zeile zwei"),
        ),
        (
            "https://exa$mple.org/x ist kaputt, https://example.org/k nicht",
            Filing("https://example.org/k", None, None, "https://exa$mple.org/x ist kaputt, nicht"),
        ),
        ("a\x00b https://example.org/k\x00x", Filing("https://example.org/k", None, None, "a b x")),
    ],
)
def test_parse_message(body: str, expected: Filing) -> None:
    assert parse_message(body) == expected


def test_parse_message_drops_the_reply_fallback() -> None:
    body = (
        "> <@bob:example.org> Schau mal https://other.example/q #Alt\n"
        "> zweite Zeile\n"
        "\n"
        "Die Stadt zeigt https://example.org/k #Karten"
    )

    assert parse_message(body) == Filing("https://example.org/k", "Karten", None, "Die Stadt zeigt")


def test_parse_message_keeps_a_quote_that_is_not_a_reply_fallback() -> None:
    filing = parse_message("> Zitat https://example.org/k\n> weiter")

    assert filing == Filing("https://example.org/k", None, None, "> Zitat > weiter")


@pytest.mark.parametrize(
    "body",
    [
        "",
        "Kein Link hier #Karten",
        "ftp://example.org/x und javascript:alert(1) und data:text/html,x",
        "www.example.org",
        "[Karte](javascript:alert(1))",
        "https://",
        "https://exa$mple.org/kaputt",
        "https://example.org/" + "a" * 2000,
        "> <@bob:example.org> https://example.org/k\n\nnur die Antwort",
    ],
)
def test_parse_message_without_a_url_that_can_be_filed(body: str) -> None:
    assert parse_message(body) is None


def test_a_bookmarked_message_renders_with_its_brackets_as_text() -> None:
    filing = parse_message("[Update] Neue Karte: https://example.org/k")
    assert filing is not None and filing.url is not None

    page = rendered(render_item(filing.text, filing.url))

    assert page.hrefs == ["https://example.org/k"]
    assert page.text == "[Update] Neue Karte"


# -- render_item --


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        (
            "Die Stadt Leipzig [zeigt] ihre Straßenbäume auf einer Karte.",
            f"Die Stadt Leipzig [zeigt]({URL}) ihre Straßenbäume auf einer Karte.",
        ),
        ("[Die Stadt] zeigt", f"[Die Stadt]({URL}) zeigt"),
        ("[Eins] und [Zwei] und [Drei]", f"[Eins]({URL}) und Zwei und Drei"),
        ("Foo bar.", f"[Foo bar]({URL})."),
        ("Was ist das?!", f"[Was ist das]({URL})?!"),
        ("Und dann…", f"[Und dann]({URL})…"),
        ("!!!", f"[!!!]({URL})"),
        ("Zeile eins\nZeile [zwei]\n\n  drei", f"Zeile eins Zeile [zwei]({URL}) drei"),
        ("Mit \\[Klammern\\] im Text", f"[Mit \\[Klammern\\] im Text]({URL})"),
        ("\\[Beta\\] [Karte] online", f"\\[Beta\\] [Karte]({URL}) online"),
        ("[] leer [ ] auch", f"[\\[\\] leer \\[ \\] auch]({URL})"),
        ("[offen ohne Ende", f"[\\[offen ohne Ende]({URL})"),
        ("[a [b] c]", f"\\[a [b]({URL}) c\\]"),
        (
            "Die Stadt [zeigt](https://example.org/x) Bäume und [mehr] dazu",
            f"Die Stadt [zeigt](https://example.org/x) Bäume und [mehr]({URL}) dazu",
        ),
        (
            "Die [Karte](https://example.org/k?utm_source=x) zeigt",
            f"[Die]({URL}) [Karte](https://example.org/k) zeigt",
        ),
        ("[Quelle](https://example.org/q): die Stadt", f"[Quelle](https://example.org/q): die Stadt ([{HOST}]({URL}))"),
        (
            "Neue [Radwege] in Berlin, mehr via https://example.org/karte",
            f"Neue [Radwege]({URL}) in Berlin, mehr [via](https://example.org/karte)",
        ),
        (
            "Die Stadt zeigt Bäume, mehr via https://example.org/karte.",
            f"[Die Stadt zeigt Bäume, mehr]({URL}) [via](https://example.org/karte).",
        ),
        (
            "[Karte] https://example.org/k und [Daten] dazu",
            f"[Karte](https://example.org/k) und [Daten]({URL}) dazu",
        ),
        (
            "Die [Stadt] zeigt Bäume. Quelle: https://example.org/q",
            f"Die [Stadt]({URL}) zeigt Bäume. [Quelle](https://example.org/q)",
        ),
        ("Quelle:https://example.org/q [hier]", f"[Quelle](https://example.org/q) [hier]({URL})"),
        (
            "Siehe Karte, https://example.org/k und mehr",
            f"[Siehe]({URL}) [Karte](https://example.org/k), und mehr",
        ),
        (
            "„Die Stadt“, via https://example.org/k",
            f"„[Die Stadt]({URL})“, [via](https://example.org/k)",
        ),
        ("[Die Stadt] zeigt: (https://example.org/k)", f"[Die Stadt]({URL}) zeigt: ([{HOST}](https://example.org/k))"),
        ("https://example.org/k zeigt [Bäume]", f"[{HOST}](https://example.org/k) zeigt [Bäume]({URL})"),
        ("Daten – https://www.example.net/d [hier]", f"Daten – [example.net](https://www.example.net/d) [hier]({URL})"),
        ("(siehe https://example.org/q)", f"([siehe](https://example.org/q)) ([{HOST}]({URL}))"),
        ("Mehr: https://example.org/news", f"[Mehr]({URL})"),
        ("Mehr: https://example.org/news/ und [so]", f"[Mehr](https://example.org/news/) und [so]({URL})"),
        ("[Text] https://exa$mple.org", f"[Text]({URL}) https\\://exa$mple.org"),
        ("Look![Neu] hier", f"Look\\![Neu]({URL}) hier"),
        ("Hey![a](https://example.org/a)", f"[Hey]({URL})\\![a](https://example.org/a)"),
    ],
)
def test_render_item(text: str, markdown: str) -> None:
    assert render_item(text, URL) == markdown


def test_render_item_empty_text_uses_the_fallback_as_plain_text() -> None:
    assert render_item("", URL, fallback="Offene Haushaltsdaten & mehr") == f"[Offene Haushaltsdaten & mehr]({URL})"
    assert render_item("  \n ", URL, fallback="Titel.") == f"[Titel]({URL})."
    page = rendered(render_item("", URL, fallback="[Beta] *Neu*: https://example.org/x"))
    assert page.hrefs == [URL]
    assert page.text == "[Beta] *Neu*: https://example.org/x"


def test_render_item_without_text_or_fallback_links_host_and_path() -> None:
    assert render_item("", "https://www.example.org/a/b/?x=1") == "[example.org/a/b](https://www.example.org/a/b/?x=1)"
    assert render_item("", "https://example.org/") == "[example.org](https://example.org/)"


@pytest.mark.parametrize(
    ("url", "destination"),
    [
        ("https://de.wikipedia.org/wiki/Foo_(Bar)", "https://de.wikipedia.org/wiki/Foo_%28Bar%29"),
        ("https://example.org/Straße", "https://example.org/Stra%C3%9Fe"),
        ("https://bücher.de/", "https://b%C3%BCcher.de/"),
        ("https://example.org/a_b*c~d'e!f$g+h,i;j=k:l@m", "https://example.org/a_b*c~d'e!f$g+h,i;j=k:l@m"),
        ("https://example.org/?q=[1]&r=%20#frag", "https://example.org/?q=[1]&r=%20#frag"),
        ("https://example.org/?a=1&amp;b=2", "https://example.org/?a=1\\&amp;b=2"),
        ('https://example.org/a b"c<d>e\\f`g', "https://example.org/a%20b%22c%3Cd%3Ee%5Cf%60g"),
    ],
)
def test_render_item_link_destinations_cannot_break_out(url: str, destination: str) -> None:
    assert render_item("Text", url) == f"[Text]({destination})"
    # markdown-it percent-encodes "[" and "]" on its own
    assert [unquote(href) for href in rendered(render_item("Text", url)).hrefs] == [
        unquote(destination.replace("\\&", "&"))
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/baeume?id=7",
        "https://example.org/a/b/?q=1&r=2#teil",
        "http://127.0.0.1:8000/haushalt",
        "https://example.org/a_b*c~d'e",
        "https://example.org/stra%C3%9Fe?q=a%20b",
    ],
)
def test_render_item_href_is_the_filed_url(url: str) -> None:
    filed = clean_url(url)

    assert rendered(render_item("Die Stadt [zeigt] es.", filed)).hrefs == [filed]
    assert rendered(render_item("Die Stadt zeigt es.", filed)).hrefs == [filed]
    assert rendered(render_recap("Jahrestreffen", filed)).hrefs == [filed]


HOSTILE = [
    ("<script>alert(1)</script>", None, [URL]),
    ("[x](javascript:alert(1))", "x(javascript:alert(1))", [URL]),
    ("[x](JAVASCRIPT:alert(1)) [y](data:text/html,z)", "x(JAVASCRIPT:alert(1)) y(data:text/html,z)", [URL]),
    ("*bold* **strong** ***both***", None, [URL]),
    ("_it_ __it__ snake_case_name", None, [URL]),
    ("`code` ``more`` ```fence```", None, [URL]),
    ("~~~ fence", None, [URL]),
    ("<b>fett</b> <img src=x onerror=alert(1)> <a href='/evil'>a</a>", None, [URL]),
    ("&amp; &lt; &gt; &#35; &#x3C;script&#x3E; &copy; &nbsp;", None, [URL]),
    ("Tom & Jerry; a\\b \\*x\\* \\", None, [URL]),
    ("# heading", None, [URL]),
    ("###### h6 [mit] Link", "###### h6 mit Link", [URL]),
    ("1. list", None, [URL]),
    ("1) list [mit] Link", "1) list mit Link", [URL]),
    ("2025. [Jahr] gut", "2025. Jahr gut", [URL]),
    ("- item [mit] Link", "- item mit Link", [URL]),
    ("+ item [mit] Link", "+ item mit Link", [URL]),
    ("* item [mit] Link", "* item mit Link", [URL]),
    ("> quote [mit] Link", "> quote mit Link", [URL]),
    ("--- [x]", "--- x", [URL]),
    ("*** [x]", "*** x", [URL]),
    ("=== [x]", "=== x", [URL]),
    ("    indented [code]", "indented code", [URL]),
    ("![img](https://example.net/y.png)", f"!img ({HOST})", ["https://example.net/y.png", URL]),
    ("![img][x] [y]", "!imgx y", [URL]),
    ("<https://evil.example>", f"<evil.example> ({HOST})", ["https://evil.example", URL]),
    ("<mailto:a@evil.example> <a@evil.example>", None, [URL]),
    ("[a][b]", "ab", [URL]),
    ("[a]: https://evil.example", "a: evil.example", [URL, "https://evil.example"]),
    ("[link](<https://evil.example>)", "link(<evil.example>)", [URL, "https://evil.example"]),
    ('[x](https://example.net/ok "title")', 'x(example.net "title")', [URL, "https://example.net/ok"]),
    ("\\[a\\](https://evil.example)", "[a](evil.example)", [URL, "https://evil.example"]),
    ("~~del~~ | a | b | :smile: ==mark== $x$ [^1]", "~~del~~ | a | b | :smile: ==mark== $x$ ^1", [URL]),
    ("<!-- c --> <?php x ?> <!DOCTYPE html> </p>", None, [URL]),
    ("www.evil.example und a@evil.example", None, [URL]),
    ("Zeile  \nUmbruch\\\nda", "Zeile Umbruch\\ da", [URL]),
]


@pytest.mark.parametrize(("text", "visible", "hrefs"), HOSTILE)
def test_hostile_text_stays_text(text: str, visible: str | None, hrefs: list[str]) -> None:
    markdown = render_item(text, URL)
    page = rendered(markdown)

    assert "\n" not in markdown
    assert page.hrefs == hrefs
    assert set(page.tags) <= {"p", "a"}
    assert not set(page.tags) & FORBIDDEN_TAGS
    assert page.tags.count("p") == 1
    assert page.text == (visible if visible is not None else " ".join(text.split()))


def test_hostile_text_stays_text_in_hugo(hugo_build) -> None:
    """Hugo's goldmark also turns bare URLs, www. names and e-mail addresses into links (linkify)."""
    texts = [text for text, _, _ in HOSTILE] + ["Besuch www.example.net, schreib an info@example.net, ftp://x.example"]
    items = [render_item(text, URL) for text in texts] + [render_recap("www.example.net & a@b.example", URL)]
    front = '---\ntitle: "Test"\nauthor: "Test"\ndate: 2025-12-01T08:00:00+01:00\n---\n\n'

    built = hugo_build(front + "\n\n".join(items) + "\n")
    article = Page(built.split("<article>", 1)[1].split("</article>", 1)[0])

    assert article.hrefs == [href for _, _, hrefs in HOSTILE for href in hrefs] + [URL, URL]
    assert set(article.tags) <= {"p", "a", "ul", "li"}
    assert "Besuch www.example.net, schreib an info@example.net, ftp://x.example" in article.text


@UNHURRIED
@given(st.text())
@example("")
@example("[")
@example("\\")
@example("![x]")
@example("&amp")
@example("1.")
@example("\x00")
def test_any_text_renders_to_one_link_and_no_other_markup(text: str) -> None:
    assume("://" not in text)

    page = rendered(render_item(text, URL))

    assert page.hrefs == [URL]
    assert set(page.tags) == {"p", "a"}


@UNHURRIED
@given(st.text())
@example("&amp; &lt")
@example("# 1. > - + = *")
@example("a\u00a0b\u2028c")
def test_text_without_brackets_is_shown_as_typed(text: str) -> None:
    assume("://" not in text and "[" not in text and "]" not in text)

    page = rendered(render_item(text, URL))

    # CommonMark reads a NUL as U+FFFD
    assert page.text == (" ".join(text.split()) or fallback_title(URL)).replace("\x00", "\ufffd")


MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "[", "]", "(", ")", "!", "*", "_", "`", "<", ">", "&", "#", ";", ":", "\\", " ", "\n", "a", "1.",
            "amp;", "https://example.net/a", "https://example.net/b?x=1", "javascript:", "www.", "@", "via ",
        ]
    ),
    max_size=30,
).map("".join)  # fmt: skip


@UNHURRIED
@given(MARKDOWNISH)
@example("[x](https://example.net/a)")
@example("[x] https://example.net/a [y]")
def test_markdown_like_text_links_only_the_filed_urls(text: str) -> None:
    page = rendered(render_item(text, URL))

    filed = {unquote(URL)} | {unquote(clean_url(url)) for _, _, url in find_urls(text)}
    assert URL in page.hrefs
    assert {unquote(href) for href in page.hrefs} <= filed
    assert set(page.tags) <= {"p", "a"}


@UNHURRIED
@given(st.one_of(st.text(), MARKDOWNISH, MARKDOWNISH.map(lambda text: f"https://example.org/x {text} #Karten/T")))
@example("> <@a:b> x\n\n[a](https://example.net/a) #K")
def test_reading_any_text_files_a_clean_url_or_refuses_with_a_code(text: str) -> None:
    bookmarked = parse_message(text)
    if bookmarked is not None:
        assert bookmarked.url is not None and clean_url(bookmarked.url) == bookmarked.url
        assert bookmarked.text == " ".join(bookmarked.text.split())
        page = rendered(render_item(bookmarked.text, bookmarked.url))
        assert unquote(bookmarked.url) in [unquote(href) for href in page.hrefs]
    try:
        filed = parse_filing(text)
    except LinkError as error:
        assert error.code in {"scheme", "malformed", "too_long"}
    else:
        assert filed.url is None or clean_url(filed.url) == filed.url
        assert filed.text == " ".join(filed.text.split())


# -- render_recap, chat_line, fallback_title --


@pytest.mark.parametrize(
    ("text", "fallback", "markdown"),
    [
        ("OK Lab [Jahrestreffen]", "", f"* [OK Lab Jahrestreffen]({URL})"),
        ("OK Lab Jahrestreffen", "", f"* [OK Lab Jahrestreffen]({URL})"),
        ("Die [Tagung](https://example.org/t) 2025", "", f"* [Die Tagung 2025]({URL})"),
        ("Mit \\[Klammern\\]", "", f"* [Mit \\[Klammern\\]]({URL})"),
        ("", "Seitentitel", f"* [Seitentitel]({URL})"),
        ("  ", "", f"* [{HOST}/news]({URL})"),
        ("*fett* & <b>", "", f"* [\\*fett\\* & \\<b\\>]({URL})"),
    ],
)
def test_render_recap(text: str, fallback: str, markdown: str) -> None:
    assert render_recap(text, URL, fallback=fallback) == markdown


def test_render_recap_is_one_list_item_with_one_link() -> None:
    page = rendered(render_recap("# *fett* [x](javascript:alert(1)) `c` <script>", URL))

    assert page.hrefs == [URL]
    assert page.tags == ["ul", "li", "a"]
    assert page.text == "# *fett* x(javascript:alert(1)) `c` <script>"


@pytest.mark.parametrize(
    ("text", "fallback", "line"),
    [
        ("Die Stadt [zeigt] ihre Bäume.", "", f"Die Stadt zeigt ihre Bäume. — {URL}"),
        ("Die [Stadt](https://example.org/s) zeigt", "", f"Die Stadt (https://example.org/s) zeigt — {URL}"),
        ("Mehr via https://example.org/v", "", f"Mehr via https://example.org/v — {URL}"),
        ("Mit \\[Klammern\\]", "", f"Mit [Klammern] — {URL}"),
        ("*fett* <b> & `x`", "", f"*fett* <b> & `x` — {URL}"),
        ("Zeile\n  zwei", "", f"Zeile zwei — {URL}"),
        ("", "Seitentitel", f"Seitentitel — {URL}"),
        ("", "", f"{HOST}/news — {URL}"),
    ],
)
def test_chat_line(text: str, fallback: str, line: str) -> None:
    assert chat_line(text, URL, fallback=fallback) == line


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("https://www.example.org/a/b/?x=1", "example.org/a/b"),
        ("https://example.org/", "example.org"),
        ("https://example.org", "example.org"),
        ("http://WWW.Example.org:8080/x#y", "example.org/x"),
        ("https://de.wikipedia.org/wiki/Stra%C3%9Fe", "de.wikipedia.org/wiki/Straße"),
        ("https://example.org/a%20b", "example.org/a%20b"),  # decoded it would not read as one path
        ("https://example.org/%E2%80%AEexe", "example.org/%E2%80%AEexe"),
        ("https://example.org/%FF", "example.org/%FF"),
        ("https://wwwexample.org/x", "wwwexample.org/x"),
        ("nicht einmal eine URL", "nicht einmal eine URL"),
    ],
)
def test_fallback_title(url: str, title: str) -> None:
    assert fallback_title(url) == title


# -- page_title --


def html_page(head: str, body: str = "<p>Inhalt</p>") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


@pytest.mark.parametrize(
    ("data", "title"),
    [
        (html_page("<title>Seite</title>"), "Seite"),
        (html_page('<title>Seite</title><meta property="og:title" content="Offen &amp; frei">'), "Offen & frei"),
        (html_page('<meta property="og:title" content="OG"><title>Seite</title>'), "OG"),
        (html_page('<meta name="og:title" content="Per name"><title>Seite</title>'), "Per name"),
        (html_page('<META PROPERTY="OG:TITLE" CONTENT="Groß">'), "Groß"),
        (html_page("<meta property='og:title' content='a > b'/>"), "a > b"),
        (html_page('<meta property="og:title" content="  "><title>Seite</title>'), "Seite"),
        (html_page('<meta property="og:title"><title>Seite</title>'), "Seite"),
        (html_page('<meta property="og:description" content="Nein"><title>Seite</title>'), "Seite"),
        (html_page("<title>\n  Haushalt &amp;\n\t mehr &#8211; Stadt &lt;3 </title>"), "Haushalt & mehr – Stadt <3"),
        (html_page('<title data-x="a>b">Mit Attribut</title>'), "Mit Attribut"),
        (html_page("<TITLE>Groß</TITLE>"), "Groß"),
        (html_page("<title><b>kein</b> Tag</title>"), "<b>kein</b> Tag"),
        (html_page("<title>Eins</title><title>Zwei</title>"), "Eins"),
        (html_page("<!-- <title>Alt</title> --><title>Neu</title>"), "Neu"),
        (html_page("<script>var t = '<title>x</title>';</script><title>Echt</title>"), "Echt"),
        (html_page("<style>/* <title>x</title> */</style><title>Echt</title>"), "Echt"),
        (html_page("", "<svg><title>Menü</title></svg>"), None),
        (html_page("<title></title>"), None),
        (html_page("<title>   </title>"), None),
        (html_page(""), None),
        (b"<title>Ohne alles", None),
        (b"", None),
        ("<title>Ümlaut</title>".encode(), "Ümlaut"),
        (b"<title>kaputt \xff\xfe</title>", "kaputt \ufffd\ufffd"),
        (b"<title>Steuer\x07zeichen</title>", "Steuerzeichen"),
        (
            "<title>\u202eNeu\u202c \U0001f469\u200d\U0001f4bb Team\x85da</title>".encode(),
            "Neu \U0001f469\u200d\U0001f4bb Team da",
        ),
        (b"\xef\xbb\xbf<title>Mit BOM</title>", "Mit BOM"),
    ],
)
def test_page_title(data: bytes, title: str | None) -> None:
    assert page_title(data, "text/html; charset=utf-8") == title


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("<title>Straße</title>".encode("latin-1"), "text/html; charset=ISO-8859-1"),
        ("<title>Straße</title>".encode("latin-1"), 'text/html; charset="latin-1"'),
        ('<meta charset="windows-1252"><title>Straße</title>'.encode("cp1252"), "text/html"),
        ("<meta charset=iso-8859-15><title>Straße</title>".encode("iso-8859-15"), None),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><title>Straße</title>'.encode(
                "latin-1"
            ),
            "text/html",
        ),
        ("<title>Straße</title>".encode(), "text/html; charset=no-such-charset"),
        ("<title>Straße</title>".encode(), "text/html; charset=base64"),
        ("<title>Straße</title>".encode(), "text/html; charset=idna"),
        ('<meta charset="rot13"><title>Straße</title>'.encode(), None),
        ("<title>Straße</title>".encode(), "TEXT/HTML"),
        ("<title>Straße</title>".encode(), "application/xhtml+xml"),
        ("<title>Straße</title>".encode("utf-16"), "text/html"),
    ],
)
def test_page_title_decodes_with_the_declared_charset(data: bytes, content_type: str | None) -> None:
    assert page_title(data, content_type) == "Straße"


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "text/plain", "application/json", ""])
def test_page_title_is_none_for_other_content(content_type: str) -> None:
    assert page_title(html_page("<title>Seite</title>"), content_type) is None


def test_page_title_is_cut_at_a_word_to_200_characters() -> None:
    words = " ".join(f"Wort{number:03d}" for number in range(60))

    title = page_title(html_page(f"<title>{words}</title>"), "text/html")

    assert title is not None and len(title) <= 200 and title.endswith("…")
    assert words.startswith(title[:-1] + " ")
    assert len(title) > 190
    assert page_title(html_page(f"<title>{'x' * 300}</title>"), "text/html") == "x" * 199 + "…"
    exact = "y" * 200
    assert page_title(html_page(f"<title>{exact}</title>"), "text/html") == exact


@pytest.mark.parametrize(
    ("data", "title"),
    [
        ("<" * 200_000, None),
        ("<title>" * 30_000, None),
        ("<title>" + "x" * 200_000, None),
        ("<!--" * 50_000 + "<title>Kommentar</title>", None),
        ("<a b" * 50_000 + "<title>Ende</title>", "Ende"),
        ("<meta " * 40_000 + "<title>Ende</title>", "Ende"),
        ('<meta content="' * 15_000 + "<title>Ende</title>", "Ende"),
        ("<meta content='" * 15_000 + "<title>Ende</title>", "Ende"),
        ("</" * 100_000 + "<title>Ende</title>", "Ende"),
        ("<!" * 100_000 + "<title>Ende</title>", "Ende"),
        ("<?" * 100_000 + "<title>Ende</title>", "Ende"),
        ("&#" * 100_000 + "<title>Ende</title>", "Ende"),
        ("<script>" * 25_000, None),
        ("<title " * 30_000 + "<title>Ende</title>", "Ende"),
        ("<title>" + "&amp;" * 40_000 + "</title>", "&" * 199 + "…"),
    ],
)
def test_page_title_on_hostile_input(data: str, title: str | None) -> None:
    assert page_title(data.encode(), "text/html") == title
