"""Tests for bot.text: user text is escaped in HTML and verbatim in plain text; only the template has markup."""

from __future__ import annotations

import html
import re

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import Rich, fill

ALLOWED_TAGS = {"b", "code", "br", "a", "i"}
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)[^>]*>")


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ('say "hi"', "say &quot;hi&quot;"),
        ("it's", "it&#x27;s"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
    ],
)
def test_fill_escapes_params_in_html_and_keeps_them_in_text(value: str, escaped: str) -> None:
    rich = fill("Title: {title}", title=value)

    assert rich.text == f"Title: {value}"
    assert rich.html == f"Title: {escaped}"


def test_template_bold_and_code_become_tags() -> None:
    rich = fill("**#{number}** added, see `{command}`", number=12, command="!event show #12")

    assert rich.text == "#12 added, see !event show #12"
    assert rich.html == "<b>#12</b> added, see <code>!event show #12</code>"


def test_markdown_inside_a_param_stays_literal() -> None:
    rich = fill("Title: {title}", title="**not bold** and `not code`")

    assert rich.text == "Title: **not bold** and `not code`"
    assert "<b>" not in rich.html and "<code>" not in rich.html
    assert rich.html == "Title: **not bold** and `not code`"


def test_param_inside_template_bold_is_escaped() -> None:
    rich = fill("**{title}**", title="<i>x</i> **y**")

    assert rich.html == "<b>&lt;i&gt;x&lt;/i&gt; **y**</b>"
    assert rich.text == "<i>x</i> **y**"


def test_rich_param_is_inserted_as_built() -> None:
    rich = fill("by {who}", who=Rich.bold("<Alice>"))

    assert rich.text == "by <Alice>"
    assert rich.html == "by <b>&lt;Alice&gt;</b>"


def test_template_newline_becomes_br_in_html_only() -> None:
    rich = fill("one\ntwo {x}", x="a\nb")

    assert rich.text == "one\ntwo a\nb"
    assert rich.html == "one<br>two a<br>b"


def test_template_special_characters_are_escaped() -> None:
    rich = fill("a < b & c")

    assert rich.html == "a &lt; b &amp; c"


def test_plain_escapes_and_turns_newlines_into_br() -> None:
    rich = Rich.plain('x < y\n"z" & w')

    assert rich.text == 'x < y\n"z" & w'
    assert rich.html == "x &lt; y<br>&quot;z&quot; &amp; w"


def test_join_uses_newline_as_br_by_default() -> None:
    joined = Rich.join([Rich.plain("a"), Rich.bold("b"), Rich.code("<c>")])

    assert joined.text == "a\nb\n<c>"
    assert joined.html == "a<br><b>b</b><br><code>&lt;c&gt;</code>"


def test_join_with_own_separator_is_escaped() -> None:
    joined = Rich.join([Rich.plain("a"), Rich.plain("b")], " & ")

    assert joined.text == "a & b"
    assert joined.html == "a &amp; b"


def test_join_of_nothing_is_empty() -> None:
    assert Rich.join([]) == Rich("", "")


def test_add_concatenates_both_forms() -> None:
    combined = Rich.plain("<a>") + Rich.bold("b")

    assert combined == Rich("<a>b", "&lt;a&gt;<b>b</b>")


def test_mention_links_to_matrix_to() -> None:
    rich = Rich.mention("@alice:example.org")

    assert rich.text == "@alice:example.org"
    assert rich.html == '<a href="https://matrix.to/#/@alice:example.org">@alice:example.org</a>'


def test_to_reply_keeps_text_and_notice_flag() -> None:
    rich = fill("**{x}**", x="hi")

    assert rich.to_reply().notice is True
    assert rich.to_reply(notice=False).notice is False
    assert rich.to_reply().text == "hi"


def test_to_reply_output_is_already_clean() -> None:
    rich = (
        fill("**{a}** `{b}`\n{c} ", a="<script>x</script>", b="a & b", c='"q"')
        + Rich.mention("@bob:example.org")
        + Rich("i", "<i>i</i>")
    )

    reply_html = rich.to_reply().html

    assert nh3.clean(reply_html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}) == reply_html
    assert {tag.lower() for tag in TAG.findall(reply_html)} <= ALLOWED_TAGS
    assert "<script" not in reply_html


def test_to_reply_sanitizes_hand_built_html() -> None:
    rich = Rich("x", '<b onclick="evil()">x</b><script>bad()</script><div>y</div><a href="javascript:z()">l</a>')

    reply_html = rich.to_reply().html

    assert "onclick" not in reply_html
    assert "<script" not in reply_html and "bad()" not in reply_html
    assert "<div" not in reply_html
    assert "javascript:" not in reply_html
    assert {tag.lower() for tag in TAG.findall(reply_html)} <= ALLOWED_TAGS


def _html_to_text(markup: str) -> str:
    """The text a bold template with one param produces: <br> as newline, <b> dropped, entities decoded."""
    assert markup.startswith("<b>") and markup.endswith("</b>")
    inner = markup[len("<b>") : -len("</b>")].replace("<br>", "\n")
    assert "<" not in inner, inner
    return html.unescape(inner)


def _as_html_parser_reads(text: str) -> str:
    """What an HTML parser reads from the escaped text: a CR becomes LF (in the markup it is never followed by
    LF, which became <br>) and NUL is dropped. Both are the HTML standard's input rules, not lost user text."""
    return text.replace("\r", "\n").replace("\x00", "")


@settings(max_examples=300, database=None)
@given(st.text())
def test_fill_html_says_exactly_the_param(text: str) -> None:
    rich = fill("**{x}**", x=text)

    assert rich.text == text
    assert _html_to_text(rich.html) == text


@settings(max_examples=300, database=None)
@given(st.text())
def test_sanitized_reply_html_has_no_tags_but_the_templates(text: str) -> None:
    reply_html = fill("**{x}**", x=text).to_reply().html

    assert _html_to_text(reply_html) == _as_html_parser_reads(text)
