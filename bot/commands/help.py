"""`!help` and `!help <command>`, generated from the registry."""

from __future__ import annotations

from bot.commands import Command, Context, UserError, redo_on_edit
from bot.text import Rich


def _summary(context: Context, command: Command) -> list[Rich]:
    prefix, language = context.prefix, context.t.language
    commands = command.subcommands or (command,)
    return [Rich.code(prefix + context.t.usage(sub.usage)) + Rich.plain(" — " + sub.help[language]) for sub in commands]


@redo_on_edit("rerun")
async def help_command(context: Context, args: str) -> Rich:
    """All commands, or the details of one."""
    t = context.t
    words = args.split()
    if not words:
        lines = [t("help_header")]
        for command in context.registry:
            lines.extend(_summary(context, command))
        lines.append(t("help_footer", prefix=context.prefix))
        return Rich.join(lines)
    found = context.registry.find(words[0].removeprefix(context.prefix))
    if found is None:
        raise UserError(t("unknown_command", command=context.prefix + words[0], prefix=context.prefix))
    command = found
    if len(words) > 1 and (sub := command.find_sub(words[1])) is not None:
        command = sub
    lines = [Rich.bold(context.prefix + command.name) + Rich.plain(" — " + command.help[t.language])]
    lines.extend(
        _summary(context, command) if command.subcommands else [Rich.code(context.prefix + t.usage(command.usage))]
    )
    aliases = [a for a in command.aliases] + [f"{command.name} {a}" for s in command.subcommands for a in s.aliases]
    if aliases:
        lines.append(t("help_aliases", aliases=", ".join(aliases)))
    if command.example:
        lines.append(t("example", example=context.prefix + command.example))
    return Rich.join(lines)


HELP = Command(
    name="help",
    aliases=("hilfe",),
    usage="help [command]",
    handler=help_command,
    help={"de": "zeigt alle Befehle oder die Hilfe zu einem", "en": "lists all commands or explains one"},
)
