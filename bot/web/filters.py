"""The filters of the public pages and feed, given as query parameters (the same everywhere):

- `city=` the place or the lab's city contains it (case ignored);
- `online=only` only what takes place online only, `online=no` only what has a place (hybrid ones included);
- `q=` words that must all be in the title or the place (case ignored);
- `from=`, `to=` ISO dates (YYYY-MM-DD), inclusive: what takes place on one of those days (in the room's zone).

`parse_filters` checks them (`FilterError` names the parameter and what it allows); `Filters.query` is their
normalized form, for links and cache keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.errors import InputError
from bot.models import Event, Meetup
from bot.schedule import next_dates
from bot.web.occurrences import Occurrence, event_occurrence, over_at

FILTER_NAMES = ("city", "online", "q", "from", "to")
ONLINE_VALUES = ("only", "no")
MAX_TEXT = 200
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FilterCode(StrEnum):
    """What a filter allows, said when a query asks otherwise (its message: `filter_allowed_<code>`)."""

    NAMES = "names"  # a parameter that is no filter (here)
    NONE = "none"  # a page that has no filters
    ONCE = "once"  # a parameter given twice
    LENGTH = "length"  # a value too long
    ONLINE = "online"
    DATE = "date"
    ORDER = "order"  # from after to
    SPAN = "span"  # from and to too far apart


class FilterError(InputError, ValueError):
    """A query parameter that is no filter, or a filter's value it does not allow: `name` is the parameter,
    `code` (a FilterCode) what it allows (`message_key` names the message that says so)."""

    prefix = "filter_allowed"
    codes = FilterCode
    code: FilterCode

    def __init__(self, code: FilterCode, name: str) -> None:
        super().__init__(code, name)
        self.name = name

    def __str__(self) -> str:
        return f"{self.name}: {self.message_key}"


@dataclass(frozen=True)
class Filters:
    city: str = ""  # casefolded
    online: str = ""  # "", "only" or "no"
    words: tuple[str, ...] = ()  # casefolded
    start: date | None = None
    end: date | None = None  # inclusive

    def __bool__(self) -> bool:
        return self != Filters()

    @property
    def query(self) -> str:
        """The filters as a query string in a fixed order, without `?` (empty without filters)."""
        pairs = [
            ("city", self.city),
            ("online", self.online),
            ("q", " ".join(self.words)),
            ("from", self.start.isoformat() if self.start else ""),
            ("to", self.end.isoformat() if self.end else ""),
        ]
        return urlencode([(name, value) for name, value in pairs if value])

    def window(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """From the start of `from` to the end of `to` in `zone` (None where not given)."""
        start = datetime.combine(self.start, time(), zone) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), time(), zone) if self.end else None
        return start, end

    def _fields(self, title: str, place: str | None, city: str | None, online: bool) -> bool:
        place_text = (place or "").casefold()
        if self.city and self.city not in place_text and self.city not in (city or "").casefold():
            return False
        online_only = online and not place
        if (self.online == "only" and not online_only) or (self.online == "no" and online_only):
            return False
        title_text = title.casefold()
        return all(word in title_text or word in place_text for word in self.words)

    def matches(self, item: Occurrence) -> bool:
        """Whether a page shows the occurrence (its zone is the page's)."""
        if not self._fields(item.title, item.place, item.city, item.online):
            return False
        start, end = self.window(item.start.tzinfo)  # type: ignore[arg-type]
        return (start is None or over_at(item) > start) and (end is None or item.start < end)

    def event(self, event: Event, zone: ZoneInfo) -> bool:
        """Whether the feed has the event."""
        return self.matches(event_occurrence(event, zone))

    def meetup(self, meetup: Meetup, zone: ZoneInfo) -> bool:
        """Whether the feed has the meetup (with all its dates): its fields match, and with `from`/`to` it has a
        date in them."""
        if not self._fields(meetup.name, meetup.place, meetup.city, meetup.online):
            return False
        if self.start is None and self.end is None:
            return True
        start, end = self.window(zone)
        if start is None:
            earliest = [datetime.combine(meetup.dtstart, meetup.start_time, meetup.zone), *meetup.extra]
            start = min(earliest) - timedelta(days=1)
        found = next_dates(meetup, start, 1)
        return bool(found) and (end is None or found[0] < end)


NO_FILTERS = Filters()


def _date(name: str, value: str) -> date:
    if not _ISO_DATE.fullmatch(value):
        raise FilterError(FilterCode.DATE, name)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(FilterCode.DATE, name) from None


def parse_filters(query: Mapping[str, str], names: tuple[str, ...] = FILTER_NAMES) -> Filters:
    """The filters of a query (`lang` is not one, and ignored); raises FilterError for a name not in `names`, a
    parameter given twice, or a value the filter does not allow."""
    values: dict[str, str] = {}
    for name, value in query.items():
        if name == "lang":
            continue
        if name not in names:
            raise FilterError(FilterCode.NAMES if names else FilterCode.NONE, name)
        if name in values:
            raise FilterError(FilterCode.ONCE, name)
        if len(value) > MAX_TEXT:
            raise FilterError(FilterCode.LENGTH, name)
        values[name] = value.strip()
    online = values.get("online", "")
    if online and online not in ONLINE_VALUES:
        raise FilterError(FilterCode.ONLINE, "online")
    start = _date("from", values["from"]) if values.get("from") else None
    end = _date("to", values["to"]) if values.get("to") else None
    if start is not None and end is not None and start > end:
        raise FilterError(FilterCode.ORDER, "from")
    return Filters(
        city=" ".join(values.get("city", "").split()).casefold(),
        online=online,
        words=tuple(values.get("q", "").casefold().split()),
        start=start,
        end=end,
    )
