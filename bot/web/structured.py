"""Machine-readable forms of a page's occurrences: schema.org JSON-LD and the map's markers (pure functions)."""

from __future__ import annotations

import json
from collections.abc import Iterable
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


def _location(item: Occurrence, page_url: str) -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = []
    if item.place:
        place: dict[str, Any] = {
            "@type": "Place",
            "name": item.place,
            "address": {"@type": "PostalAddress", "streetAddress": item.place},
        }
        if item.geo is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": item.geo[0], "longitude": item.geo[1]}
        places.append(place)
    if item.online:
        places.append({"@type": "VirtualLocation", "url": item.online_url or item.link or page_url})
    return places


class Listed(Protocol):
    """An occurrence with its times written (`iso`) once."""

    @property
    def item(self) -> Occurrence: ...
    @property
    def start_iso(self) -> str: ...
    @property
    def end_iso(self) -> str | None: ...


def json_ld_event(item: Occurrence, page_url: str, start_iso: str, end_iso: str | None) -> dict[str, Any]:
    """One occurrence as a schema.org Event (times as `iso` writes them); `page_url` is the page it is listed on."""
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": item.title,
        "startDate": start_iso,
    }
    if end_iso is not None:
        data["endDate"] = end_iso
    data["eventStatus"] = f"{SCHEMA}/EventCancelled" if item.cancelled else f"{SCHEMA}/EventScheduled"
    data["eventAttendanceMode"] = attendance_mode(item)
    location = _location(item, page_url)
    if location:
        data["location"] = location[0] if len(location) == 1 else location
    data["url"] = item.link or f"{page_url}#{item.key}"
    return data


def script_json(value: Any) -> str:
    """JSON for inside a `<script>` element: `<`, `>` and `&` escaped, so no text can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for unsafe, escaped in _SCRIPT_SAFE:  # str.replace: a page's JSON-LD is large, str.translate slow
        text = text.replace(unsafe, escaped)
    return text


def json_ld(listed: Iterable[Listed], page_url: str) -> str:
    """The JSON-LD array of the listed occurrences, ready for `<script type="application/ld+json">`."""
    return script_json([json_ld_event(entry.item, page_url, entry.start_iso, entry.end_iso) for entry in listed])


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
