"""`!help` and `!help <command> [<subcommand>]`, generated from the declarations."""

from __future__ import annotations

from bot.commands import Command, Context, UserError, command
from bot.commands.args import Text
from bot.text import Rich


def _summary(context: Context, found: Command) -> list[Rich]:
    t, prefix = context.t, context.prefix
    commands = found.subcommands or (found,)
    return [Rich.code(prefix + t.usage(sub.usage_line)) + Rich.plain(" — " + sub.help_text(t)) for sub in commands]


@command("help", Text("command", optional=True, example="event add"), examples="help event add", on_edit="rerun")
async def help_command(context: Context, asked: str) -> Rich:
    """All commands, or one command with its usage, examples and aliases."""
    t, prefix = context.t, context.prefix
    words = asked.split()
    if not words:
        lines = [t("help_header")]
        for found in context.registry:
            lines.extend(_summary(context, found))
        lines.append(t("help_footer", prefix=prefix))
        return Rich.join(lines)
    named = context.registry.find(words[0].removeprefix(prefix))
    if named is None:
        raise UserError(t("unknown_command", command=prefix + words[0], prefix=prefix))
    found, name = named, named.name
    if len(words) > 1 and (sub := found.find_sub(words[1])) is not None:
        found, name = sub, f"{found.name} {sub.name}"
    lines = [Rich.bold(prefix + name) + Rich.plain(" — " + found.help_text(t))]
    lines.extend(_summary(context, found) if found.subcommands else [Rich.code(prefix + t.usage(found.usage_line))])
    today = context.now.astimezone(context.tz).date()
    lines += [t("example", example=prefix + example) for example in found.example_texts(today)[:2]]
    aliases = [*found.aliases, *(f"{found.name} {alias}" for sub in found.subcommands for alias in sub.aliases)]
    if aliases:
        lines.append(t("help_aliases", aliases=", ".join(aliases)))
    return Rich.join(lines)


HELP = help_command
