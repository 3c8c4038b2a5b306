"""`!frist ...` / `!deadline ...`: calls for participation, listed in the roundup's `## Fristen`."""

from __future__ import annotations

from bot.commands import Command, Context, UsageError, command, family
from bot.commands.args import Fields, Item, ItemKind, item_kind
from bot.commands.common import field_error, read_title, read_when
from bot.models import Deadline
from bot.parsing.fields import FieldError, parse_link
from bot.text import Rich

FIELDS = Fields(
    "fields",
    group="deadline",
    names=("name", "link", "until"),
    labels=("name", "link", "date or range"),
    samples=("[Winterkongress] der Digitalen Gesellschaft", "https://www.digitale-gesellschaft.ch/", "{date}"),
)
DEADLINE_FIELDS = FIELDS.table()
EXAMPLE_ADD = (
    "frist add [Winterkongress] der Digitalen Gesellschaft Schweiz | https://www.digitale-gesellschaft.ch/ | {date}"
)

item_kind(
    "deadline",
    ItemKind(
        find=lambda context, number: context.storage.get_deadline(context.message.room_id, number),
        not_found="deadline_not_found",
    ),
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


@command("frist add", FIELDS, examples=EXAMPLE_ADD)
async def add_deadline(context: Context, values: dict[str, str]) -> Rich:
    t, message = context.t, context.message
    missing = [t.raw(f"field_{name}") for name in FIELDS.names if name not in values]
    if missing:
        raise UsageError(t("missing_fields", fields=", ".join(missing)))
    try:
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


@command("frist list", examples="frist list", on_edit="rerun")
async def list_deadlines(context: Context) -> Rich:
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


@command("frist delete", Item(kind="deadline"), examples="frist delete #1")
async def delete_deadline(context: Context, deadline: Deadline) -> Rich:
    context.require_owner_or_moderator(deadline.submitter)
    await context.storage.delete_deadline(deadline.room_id, deadline.id)
    return context.t("deadline_deleted", number=deadline.id, name=deadline.name)


DEADLINE: Command = family("frist", add_deadline, list_deadlines, delete_deadline, examples=(EXAMPLE_ADD,))
