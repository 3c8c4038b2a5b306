"""When things happen: the dates of meetups, and the order labs are listed in."""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime, timedelta

from bot.models import Meetup
from bot.parsing.recurrence import RecurrenceError, occurrences

log = logging.getLogger(__name__)


def city_sort_key(meetup: Meetup) -> tuple[str, str]:
    """Sort cities as a German reader expects: umlauts with their base letter, case ignored (DIN 5007-1)."""
    folded = unicodedata.normalize("NFKD", meetup.city.casefold().replace("ß", "ss"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch)), meetup.city


def meetup_dates(meetup: Meetup, after: datetime, before: datetime) -> list[datetime]:
    """The meetup's dates in [after, before): its rule, minus skipped, with moved and explicit dates.

    A stored rule that is no longer accepted (one saved before the limits on COUNT and times a day) gives only the
    moved and explicit dates, so that one meetup cannot stop the reminders and lists of all the others.
    """
    try:
        return occurrences(
            meetup.rrule,
            dtstart=meetup.dtstart,
            start_time=meetup.start_time,
            tz=meetup.zone,
            after=after,
            before=before,
            skipped=meetup.skipped,
            moved=meetup.moved,
            extra=meetup.extra,
        )
    except RecurrenceError as error:
        log.warning(
            "meetup %s: its rule %r is refused (%s); only its explicit dates count", meetup.id, meetup.rrule, error
        )
        return occurrences(
            None,
            dtstart=meetup.dtstart,
            start_time=meetup.start_time,
            tz=meetup.zone,
            after=after,
            before=before,
            moved=meetup.moved,
            extra=meetup.extra,
        )


def next_dates(meetup: Meetup, now: datetime, count: int) -> list[datetime]:
    """The next `count` dates from now (looking up to two years ahead)."""
    found: list[datetime] = []
    window = now
    for _ in range(8):
        found += meetup_dates(meetup, window, window + timedelta(days=92))
        if len(found) >= count:
            break
        window += timedelta(days=92)
    return found[:count]
