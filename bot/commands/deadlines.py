"""`!frist ...` / `!deadline ...`: calls for participation, listed in the roundup's `## Fristen`."""

from __future__ import annotations

from functools import partial

from bot.commands import Command, Context, UsageError, UserError, redo_on_edit, subcommand
from bot.commands.common import field_error, read_number, read_title, read_when
from bot.models import Deadline
from bot.parsing.fields import FieldError, parse_link, split_fields
from bot.text import Rich

DEADLINE_FIELDS = {
    "name": "name",
    "titel": "name",
    "title": "name",
    "link": "link",
    "url": "link",
    "frist": "until",
    "bis": "until",
    "until": "until",
    "deadline": "until",
    "wann": "until",
    "when": "until",
}
_ADD_ORDER = ("name", "link", "until")
EXAMPLE_ADD = (
    "frist add [Winterkongress] der Digitalen Gesellschaft Schweiz | https://www.digitale-gesellschaft.ch/ | 07.12.2026"
)


def describe_deadline(context: Context, deadline: Deadline) -> Rich:
    t = context.t
    end = deadline.end.strftime("%d.%m.%Y")
    when = (
        t.raw("deadline_range").format(start=deadline.start.strftime("%d.%m.%Y"), end=end)
        if deadline.start
        else t.raw("deadline_until").format(end=end)
    )
    return Rich.plain(f"{deadline.name.replace('[', '').replace(']', '')}, {when}\n{deadline.link}")


async def add_deadline(context: Context, args: str) -> Rich:
    t, message = context.t, context.message
    try:
        values = split_fields(args, _ADD_ORDER, DEADLINE_FIELDS)
        missing = [t.raw(f"field_{name}") for name in ("name", "link", "until") if name not in values]
        if missing:
            raise UsageError(t("missing_fields", fields=", ".join(missing)))
        link = parse_link(values["link"])
    except FieldError as error:
        raise field_error(context, error, DEADLINE_FIELDS) from None
    when = read_when(context, values["until"])
    local_start, local_end = when.start.astimezone(context.tz), (when.end or when.start).astimezone(context.tz)
    deadline = Deadline(
        id=0,
        room_id=message.room_id,
        name=read_title(context, values["name"]),
        link=link,
        end=local_end.date(),
        start=local_start.date() if when.end else None,
        submitter=message.sender,
        source_event_id=message.event_id,
    )
    stored, created = await context.storage.add_deadline(deadline)
    head = "deadline_added" if created or stored.source_event_id == message.event_id else "event_duplicate"
    return t(head, number=stored.id) + Rich.plain("\n") + describe_deadline(context, stored)


@redo_on_edit("rerun")
async def list_deadlines(context: Context, args: str) -> Rich:
    today = context.now.astimezone(context.tz).date()
    deadlines = await context.storage.list_deadlines(context.message.room_id, ending_from=today)
    if not deadlines:
        return context.t("deadlines_none")
    return Rich.join(
        [
            context.t("deadlines_header"),
            *(Rich.bold(f"#{d.id}") + Rich.plain(" ") + describe_deadline(context, d) for d in deadlines),
        ]
    )


async def delete_deadline(context: Context, args: str) -> Rich:
    number = read_number(context, args)
    deadline = await context.storage.get_deadline(context.message.room_id, number)
    if deadline is None:
        raise UserError(context.t("deadline_not_found", number=number))
    context.require_owner_or_moderator(deadline.submitter)
    await context.storage.delete_deadline(deadline.room_id, deadline.id)
    return context.t("deadline_deleted", number=deadline.id, name=deadline.name)


_sub = partial(subcommand, "frist")


DEADLINE = Command(
    name="frist",
    aliases=("deadline", "fristen", "deadlines", "cfp"),
    usage="frist <add|list|delete>",
    help={
        "de": "Fristen (Calls for Participation) für den Rundbrief",
        "en": "deadlines (calls for participation) for the roundup",
    },
    example=EXAMPLE_ADD,
    subcommands=(
        _sub(
            "add",
            ("neu", "eintragen", "hinzufügen"),
            "add <name> | <link> | <date or range>",
            add_deadline,
            "trägt eine Frist ein; [eckige Klammern] markieren den verlinkten Teil des Namens",
            "adds a deadline; [brackets] mark the linked part of the name",
            EXAMPLE_ADD,
        ),
        _sub("list", ("liste", "ls"), "list", list_deadlines, "zeigt offene Fristen", "lists open deadlines"),
        _sub(
            "delete",
            ("löschen", "loeschen", "remove"),
            "delete #N",
            delete_deadline,
            "löscht eine Frist",
            "deletes a deadline",
            "frist delete #2",
        ),
    ),
)
