"""Machine-readable forms of a page's occurrences: schema.org JSON-LD and the map's markers (pure functions)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring as _json_string  # a JSON string, as json.dumps(ensure_ascii=False)
from typing import Any, Protocol

from bot.web.occurrences import Occurrence

SCHEMA = "https://schema.org"
# what JSON inside <script> must not hold as it is: `<`, `>` and `&` (`</script>`, `<!--`), and the line separators
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def iso(item: Occurrence, end: bool = False) -> str | None:
    """The start (or end) as ISO 8601: a date for all-day ones, else date and time with the UTC offset."""
    moment = item.end if end else item.start
    if moment is None:
        return None
    return moment.date().isoformat() if item.all_day else moment.isoformat(timespec="seconds")


def attendance_mode(item: Occurrence) -> str:
    if item.online and item.place:
        return f"{SCHEMA}/MixedEventAttendanceMode"
    if item.online:
        return f"{SCHEMA}/OnlineEventAttendanceMode"
    return f"{SCHEMA}/OfflineEventAttendanceMode"


def _location(item: Occurrence, page_url: str) -> str | None:
    """The JSON of its schema.org location: a Place (with PostalAddress, and geo if known), a VirtualLocation, a
    list of both, or None."""
    found = []
    if item.place:
        name = _json_string(item.place)
        geo = ""
        if item.geo is not None:  # finite floats (checked when stored): their repr is JSON
            geo = f',"geo":{{"@type":"GeoCoordinates","latitude":{item.geo[0]!r},"longitude":{item.geo[1]!r}}}'
        found.append(
            f'{{"@type":"Place","name":{name},"address":{{"@type":"PostalAddress","streetAddress":{name}}}{geo}}}'
        )
    if item.online:
        found.append(f'{{"@type":"VirtualLocation","url":{_json_string(item.online_url or item.link or page_url)}}}')
    if not found:
        return None
    return found[0] if len(found) == 1 else f"[{','.join(found)}]"


class Listed(Protocol):
    """An occurrence with its times written (`iso`) once."""

    @property
    def item(self) -> Occurrence: ...
    @property
    def start_iso(self) -> str: ...
    @property
    def end_iso(self) -> str | None: ...


def script_json(value: Any) -> str:
    """JSON for inside a `<script>` element: `<`, `>` and `&` escaped, so no text can end the element."""
    return _script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _script_safe(text: str) -> str:
    for unsafe, escaped in _SCRIPT_SAFE:  # str.replace: a page's JSON-LD is large, str.translate slow
        text = text.replace(unsafe, escaped)
    return text


def json_ld(listed: Iterable[Listed], page_url: str) -> str:
    """The listed occurrences as a JSON-LD array of schema.org Events, ready for `<script type="application/ld+json">`:
    name, startDate and endDate (as `iso` writes them), eventStatus, eventAttendanceMode, location (a Place with
    its PostalAddress and geo, a VirtualLocation, or both) and url (the occurrence's link, else its entry on the
    page `page_url`).

    Written piece by piece (each text a JSON string, each location once): a month page holds thousands."""
    locations: dict[tuple[Any, ...], str] = {}
    parts = []
    for entry in listed:
        item = entry.item
        where = (item.place, item.geo, item.online, item.online_url or item.link)
        location = locations.get(where)
        if location is None:
            found = _location(item, page_url)
            location = locations[where] = f',"location":{found}' if found else ""
        status = f"{SCHEMA}/EventCancelled" if item.cancelled else f"{SCHEMA}/EventScheduled"
        end = f',"endDate":"{entry.end_iso}"' if entry.end_iso is not None else ""
        url = item.link or f"{page_url}#{item.key}"
        parts.append(
            f'{{"@context":"{SCHEMA}","@type":"Event","name":{_json_string(item.title)},'
            f'"startDate":"{entry.start_iso}"{end},"eventStatus":"{status}",'
            f'"eventAttendanceMode":"{attendance_mode(item)}"{location},"url":{_json_string(url)}}}'
        )
    return _script_safe("[" + ",".join(parts) + "]")


def markers(items: Iterable[Occurrence], when: dict[str, str]) -> list[dict[str, Any]]:
    """One marker per distinct coordinate, listing every occurrence there (in order; cancelled ones are nowhere to
    go, so not on the map); `when` maps an occurrence's key to its date as the page writes it."""
    found: dict[tuple[float, float], dict[str, Any]] = {}
    for item in items:
        if item.geo is None or item.cancelled:
            continue
        spot = (round(item.geo[0], 6), round(item.geo[1], 6))
        marker = found.setdefault(spot, {"lat": spot[0], "lon": spot[1], "items": []})
        marker["items"].append(
            {
                "title": item.title,
                "start": iso(item),
                "when": when.get(item.key, ""),
                "url": item.link,
                "place": item.place,
            }
        )
    return list(found.values())
