"""`!roundup <month> [year] ["headline"]`: the monthly post as a Markdown file, and a short summary."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.commands import Answer, Command, Context, UserError, command
from bot.commands.args import Month, Text, month_examples
from bot.models import Attachment, EventStatus
from bot.roundup import Edition, RoundupContent, collect_roundup, publication_time, render_roundup
from bot.text import Rich

_HEADLINE = re.compile(r"[\"„“”'](.+?)[\"“”']", re.DOTALL)


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


@command(
    "roundup",
    Month(prefer="past"),
    Text('"headline"', optional=True, example='"Allostatische Last"'),
    examples=('roundup {month} "Allostatische Last"', "roundup {month}"),
)
async def roundup_command(context: Context, when: tuple[int, int], quoted: str) -> Answer:
    local_now = context.now.astimezone(context.tz)
    year, month = when
    headline = None
    if quoted:
        match = _HEADLINE.fullmatch(quoted)
        if match is None:
            examples = month_examples(context.t, local_now.date(), past=True)
            raise UserError(context.t("roundup_bad_args", prefix=context.prefix, **examples))
        headline = " ".join(match.group(1).split())
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


ROUNDUP: Command = roundup_command
