"""Synapse sends at most 100 events of a room per sync (then marks the timeline "limited"): fetch the rest."""

from __future__ import annotations

from typing import Any

from nio import AsyncClient, MessageDirection, RoomMessagesResponse
from nio.responses import RoomInfo

PAGE = 100
MAX_PAGES = 100


async def timeline_sources(client: AsyncClient, room_id: str, room: RoomInfo, since: str) -> list[dict[str, Any]]:
    """The room's new events of one sync, oldest first, with a limited timeline's gap filled from /messages."""
    sources = [event.source for event in room.timeline.events]
    if not (room.timeline.limited and room.timeline.prev_batch):
        return sources
    pages: list[list[dict[str, Any]]] = []
    token = room.timeline.prev_batch
    for _ in range(MAX_PAGES):
        response = await client.room_messages(room_id, start=token, end=since, direction=MessageDirection.back,
                                              limit=PAGE)
        if not isinstance(response, RoomMessagesResponse) or not response.chunk:
            break
        pages.append([event.source for event in reversed(response.chunk)])
        if not response.end or response.end == token:
            break
        token = response.end
    return [source for page in reversed(pages) for source in page] + sources
