"""`!roundup <month> [year] ["headline"]`: the monthly post as a Markdown file, and a short summary."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.commands import Answer, Command, Context, UserError
from bot.models import Attachment, EventStatus
from bot.parsing.months import MonthError, parse_month
from bot.roundup import Edition, RoundupContent, collect_roundup, publication_time, render_roundup
from bot.text import Rich

_HEADLINE = re.compile(r"[\"„“”'](.+?)[\"“”']\s*$", re.DOTALL)


def parse_roundup_args(text: str) -> tuple[list[str], str | None]:
    """The month words and the optional quoted headline."""
    match = _HEADLINE.search(text)
    headline = " ".join(match.group(1).split()) if match else None
    words = (text[: match.start()] if match else text).split()
    return words, headline


def summary(context: Context, content: RoundupContent) -> Rich:
    t = context.t
    last_day = content.window_end - timedelta(days=1)
    lines = [
        t(
            "roundup_summary",
            title=content.edition.title,
            start=content.window_start.strftime("%d.%m.%Y"),
            end=last_day.strftime("%d.%m.%Y"),
            events=len(content.events),
            meetups=len(content.meetups),
            deadlines=len(content.deadlines),
        )
    ]
    if content.news:
        counts = ", ".join(f"{section.name} {len(section.links)}" for section in content.news)
        lines.append(t("roundup_news", sections=counts))
    if content.pending_links:
        lines.append(t.count("roundup_links_pending", content.pending_links, prefix=context.prefix))
    # pending events are the moderators' business: others learn only how many there are
    shown = [e for e in content.left_out if context.is_moderator or e.status != EventStatus.PENDING]
    hidden = len(content.left_out) - len(shown)
    if content.left_out:
        lines.append(t("roundup_left_out"))
        lines += [Rich.plain(f"#{e.id} {e.title} ({t.raw('status_' + e.status.value)})") for e in shown]
    if hidden:
        lines.append(t.count("roundup_pending_count", hidden))
    return Rich.join(lines)


async def roundup_command(context: Context, args: str) -> Answer:
    local_now = context.now.astimezone(context.tz)
    words, headline = parse_roundup_args(args)
    try:
        year, month = parse_month(words, local_now.date(), prefer="past")
    except MonthError:
        raise UserError(context.t("roundup_bad_args", prefix=context.prefix)) from None
    config = context.config.roundup
    edition = Edition(
        year=year, month=month, headline=headline, published=publication_time(local_now, config.publish_time)
    )
    content = await collect_roundup(
        context.storage, context.message.room_id, edition, config, context.tz, context.config.links
    )
    markdown = render_roundup(content, config)
    attachment = Attachment(f"out-in-the-open-{edition.slug}.md", "text/markdown", markdown.encode("utf-8"))
    return Answer(summary(context, content), attachment=attachment)


ROUNDUP = Command(
    name="roundup",
    aliases=("rundbrief", "rückblick"),
    usage='roundup <month> [year] ["headline"]',
    handler=roundup_command,
    example='roundup november 2025 "Allostatische Last"',
    help={
        "de": "schreibt den Monatsrückblick „Out in the Open“ als Markdown-Datei",
        "en": "writes the monthly \u201cOut in the Open\u201d post as a Markdown file",
    },
)
