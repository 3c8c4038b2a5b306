"""A corpus of <when> phrases as organizers write them, each with its reading written out by hand.

The phrases follow published community event lists (the roundup in tests/data/, announcements, web pages): the
bot's own layout, commas next to "bis", day and month without the final dot, ranges whose first part is only a
day, daily hours after a range, one end without a time, words like "ganztägig" or "noon", times before the date,
durations and zones, in German and English. The expected start, end and all-day flag are written by hand from a
calendar of the months, not computed with the parser; `now` is fixed. Refusals that must stay refusals (with the
piece of text they name) follow. The whole corpus parses in well under a second.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.parsing.when import WhenError, parse_when

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=BERLIN)  # Tuesday, 1 December 2026, noon
ALL_DAY, TIMED = True, False

# (text, start, end, all day). Times are Berlin wall-clock times; "+01:00" after one names its offset (for the
# hour that happens twice in October). The calendar: December 2026 begins on a Tuesday, January 2027 on a Friday,
# February and March 2027 on a Monday, June 2027 on a Tuesday; DST starts on 28.03.2027 (02:00 -> 03:00) and ends
# on 31.10.2027 (03:00 -> 02:00).
Row = tuple[str, str, str | None, bool]

OWN_TEXT_DE: list[Row] = [  # what the bot writes (confirmation, list, roundup), pasted back
    ("Freitag, 04.12.2026, 18:00, bis Sonntag, 06.12.2026, 15:00", "2026-12-04 18:00", "2026-12-06 15:00", TIMED),
    ("Freitag, 04.12.2026, 18:00-21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("Freitag, 04.12.2026, 18:00", "2026-12-04 18:00", None, TIMED),
    ("Freitag, 04.12.2026", "2026-12-04", None, ALL_DAY),
    ("Freitag, 04.12.2026, bis Sonntag, 06.12.2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Dienstag, 01.12.2026", "2026-12-01", None, ALL_DAY),  # today: an all-day event is not over
    ("Dienstag, 01.12.2026, 18:00-21:00", "2026-12-01 18:00", "2026-12-01 21:00", TIMED),
    ("Mittwoch, 02.12.2026, 10:00-11:30", "2026-12-02 10:00", "2026-12-02 11:30", TIMED),
    ("Mittwoch, 02.12.2026, 13:00, bis Freitag, 04.12.2026, 13:00", "2026-12-02 13:00", "2026-12-04 13:00", TIMED),
    ("Samstag, 12.12.2026, 20:00-21:30", "2026-12-12 20:00", "2026-12-12 21:30", TIMED),
    ("Sonntag, 27.12.2026, 10:30, bis Mittwoch, 30.12.2026, 18:30", "2026-12-27 10:30", "2026-12-30 18:30", TIMED),
    ("Donnerstag, 31.12.2026, 22:00, bis Freitag, 01.01.2027, 02:00", "2026-12-31 22:00", "2027-01-01 02:00", TIMED),
    ("Freitag, 15.01.2027, 09:00-18:00", "2027-01-15 09:00", "2027-01-15 18:00", TIMED),
    ("Montag, 01.02.2027", "2027-02-01", None, ALL_DAY),
    ("Freitag, 26.02.2027, bis Sonntag, 28.02.2027", "2027-02-26", "2027-02-28", ALL_DAY),
    ("Samstag, 27.03.2027, 18:00, bis Sonntag, 28.03.2027, 18:00", "2027-03-27 18:00", "2027-03-28 18:00", TIMED),
    ("Sonntag, 28.03.2027, 01:30-03:30", "2027-03-28 01:30", "2027-03-28 03:30", TIMED),  # over the DST gap
    ("Samstag, 30.10.2027, 20:00, bis Sonntag, 31.10.2027, 04:00", "2027-10-30 20:00", "2027-10-31 04:00", TIMED),
    ("Sonntag, 31.10.2027, 01:00-04:00", "2027-10-31 01:00", "2027-10-31 04:00", TIMED),
    ("Sonntag, 31.10.2027, 02:30", "2027-10-31 02:30+02:00", None, TIMED),  # the first 02:30
    ("Freitag, 04.06.2027, 18:00-21:00", "2027-06-04 18:00", "2027-06-04 21:00", TIMED),
    ("Dienstag, 29.02.2028", "2028-02-29", None, ALL_DAY),
    ("Freitag, 04.12.2026, 00:00", "2026-12-04 00:00", None, TIMED),
    ("Freitag, 04.12.2026, 23:59", "2026-12-04 23:59", None, TIMED),
    ("Freitag, 04.12.2026, 18:00, bis Samstag, 05.12.2026, 00:00", "2026-12-04 18:00", "2026-12-05 00:00", TIMED),
    ("Montag, 07.12.2026, bis Montag, 14.12.2026", "2026-12-07", "2026-12-14", ALL_DAY),
    ("Donnerstag, 31.12.2026, bis Freitag, 01.01.2027", "2026-12-31", "2027-01-01", ALL_DAY),
    ("Sonntag, 05.12.2027, 11:00-12:00", "2027-12-05 11:00", "2027-12-05 12:00", TIMED),
    ("Donnerstag, 02.12.2027, 13:00, bis Sonntag, 05.12.2027, 13:00", "2027-12-02 13:00", "2027-12-05 13:00", TIMED),
]

OWN_TEXT_EN: list[Row] = [
    ("Friday, 4 Dec 2026, 18:00, until Sunday, 6 Dec 2026, 15:00", "2026-12-04 18:00", "2026-12-06 15:00", TIMED),
    ("Friday, 4 Dec 2026, 18:00-21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("Friday, 4 Dec 2026, 18:00", "2026-12-04 18:00", None, TIMED),
    ("Friday, 4 Dec 2026", "2026-12-04", None, ALL_DAY),
    ("Friday, 4 Dec 2026, until Sunday, 6 Dec 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Tuesday, 1 Dec 2026", "2026-12-01", None, ALL_DAY),
    ("Wednesday, 2 Dec 2026, 13:00, until Friday, 4 Dec 2026, 13:00", "2026-12-02 13:00", "2026-12-04 13:00", TIMED),
    ("Thursday, 31 Dec 2026, 22:00, until Friday, 1 Jan 2027, 02:00", "2026-12-31 22:00", "2027-01-01 02:00", TIMED),
    ("Friday, 15 Jan 2027, 09:00-18:00", "2027-01-15 09:00", "2027-01-15 18:00", TIMED),
    ("Saturday, 27 Mar 2027, 18:00, until Sunday, 28 Mar 2027, 18:00", "2027-03-27 18:00", "2027-03-28 18:00", TIMED),
    ("Sunday, 31 Oct 2027, 01:00-04:00", "2027-10-31 01:00", "2027-10-31 04:00", TIMED),
    ("Friday, 4 Jun 2027, 18:00-21:00", "2027-06-04 18:00", "2027-06-04 21:00", TIMED),
    ("Wednesday, 1 Sept 2027", "2027-09-01", None, ALL_DAY),
    ("Wednesday, 1 Sep 2027", "2027-09-01", None, ALL_DAY),
    ("Saturday, 1 May 2027, 10:00-16:00", "2027-05-01 10:00", "2027-05-01 16:00", TIMED),
    ("Monday, 7 Dec 2026, until Monday, 14 Dec 2026", "2026-12-07", "2026-12-14", ALL_DAY),
    ("Tuesday, 29 Feb 2028", "2028-02-29", None, ALL_DAY),
    ("Friday, 4 Dec 2026, 18:00, until Saturday, 5 Dec 2026, 00:00", "2026-12-04 18:00", "2026-12-05 00:00", TIMED),
    ("Thursday, 31 Dec 2026, until Friday, 1 Jan 2027", "2026-12-31", "2027-01-01", ALL_DAY),
    ("Sunday, 5 Dec 2027, 11:00-12:00", "2027-12-05 11:00", "2027-12-05 12:00", TIMED),
]

ROUNDUP_SHAPES: list[Row] = [  # a comma next to "bis", "bis" without a weekday, the end without a comma
    ("Samstag, 05.12.2026, 09:30, bis Sonntag, 06.12.2026, 18:30", "2026-12-05 09:30", "2026-12-06 18:30", TIMED),
    ("Freitag, 08.01.2027, bis Sonntag, 10.01.2027", "2027-01-08", "2027-01-10", ALL_DAY),
    ("Freitag, 08.01.2027, bis, Sonntag, 10.01.2027", "2027-01-08", "2027-01-10", ALL_DAY),
    ("Freitag, 08.01.2027 bis, Sonntag, 10.01.2027", "2027-01-08", "2027-01-10", ALL_DAY),
    ("Montag, 04.01.2027, bis Mittwoch 06.01.2027", "2027-01-04", "2027-01-06", ALL_DAY),
    ("Montag, 04.01.2027 bis Mittwoch 06.01.2027", "2027-01-04", "2027-01-06", ALL_DAY),
    ("Montag, 04.01.2027, bis 06.01.2027", "2027-01-04", "2027-01-06", ALL_DAY),
    ("04.01.2027, bis 06.01.2027", "2027-01-04", "2027-01-06", ALL_DAY),
    ("04.01.2027 bis 06.01.2027", "2027-01-04", "2027-01-06", ALL_DAY),
    ("Montag, 04.01.2027, 10:00, bis 06.01.2027, 16:00", "2027-01-04 10:00", "2027-01-06 16:00", TIMED),
    ("Samstag, 05.12.2026, 09:30 bis Sonntag, 06.12.2026, 18:30", "2026-12-05 09:30", "2026-12-06 18:30", TIMED),
    ("Samstag, 05.12.2026 09:30 bis Sonntag 06.12.2026 18:30", "2026-12-05 09:30", "2026-12-06 18:30", TIMED),
    (
        "Samstag, 05.12.2026, 09:30 Uhr, bis Sonntag, 06.12.2026, 18:30 Uhr",
        "2026-12-05 09:30",
        "2026-12-06 18:30",
        TIMED,
    ),
    ("Samstag, 05.12.2026, 09:30, - Sonntag, 06.12.2026, 18:30", "2026-12-05 09:30", "2026-12-06 18:30", TIMED),
    ("Samstag, 05.12.2026, 09:30 – Sonntag, 06.12.2026, 18:30", "2026-12-05 09:30", "2026-12-06 18:30", TIMED),
    ("Sa., 05.12.2026, 09:30, bis So., 06.12.2026, 18:30", "2026-12-05 09:30", "2026-12-06 18:30", TIMED),
    ("Sa, 05.12.2026, 09:30, bis So, 06.12.2026, 18:30", "2026-12-05 09:30", "2026-12-06 18:30", TIMED),
    ("von 07.01.2027 bis 11.02.2027", "2027-01-07", "2027-02-11", ALL_DAY),
    ("vom 07.01.2027 bis zum 11.02.2027", "2027-01-07", "2027-02-11", ALL_DAY),
    ("vom 07.01. bis zum 11.02.2027", "2027-01-07", "2027-02-11", ALL_DAY),
    ("Donnerstag, 17.12.2026, 17:00-18:00", "2026-12-17 17:00", "2026-12-17 18:00", TIMED),
    ("Freitag, 18.12.2026, 09:15-17:00", "2026-12-18 09:15", "2026-12-18 17:00", TIMED),
    ("Mittwoch, 16.12.2026, 13:00-14:00", "2026-12-16 13:00", "2026-12-16 14:00", TIMED),
    ("Montag, 04.01.2027, bis einschließlich Mittwoch, 06.01.2027", "2027-01-04", "2027-01-06", ALL_DAY),
]

NO_FINAL_DOT: list[Row] = [  # "22.08" with a weekday, a time or a year; a full stop after the year
    ("Donnerstag, 10.12, 10:00–11:00", "2026-12-10 10:00", "2026-12-10 11:00", TIMED),
    ("Mittwoch, 09.12, 19 Uhr", "2026-12-09 19:00", None, TIMED),
    ("Do, 10.12, 10:00-11:00", "2026-12-10 10:00", "2026-12-10 11:00", TIMED),
    ("10.12, 10:00-11:00", "2026-12-10 10:00", "2026-12-10 11:00", TIMED),
    ("10.12 18:00", "2026-12-10 18:00", None, TIMED),
    ("10.12 18.30", "2026-12-10 18:30", None, TIMED),
    ("Freitag, 22.01, 19:00", "2027-01-22 19:00", None, TIMED),
    ("Samstag, 05.12", "2026-12-05", None, ALL_DAY),
    ("19.12.2026.", "2026-12-19", None, ALL_DAY),
    ("Samstag, 19.12.2026.", "2026-12-19", None, ALL_DAY),
    ("02.06 2027", "2027-06-02", None, ALL_DAY),
    ("02.06 2027, 18:00", "2027-06-02 18:00", None, TIMED),
    ("Mittwoch, 02.06 2027", "2027-06-02", None, ALL_DAY),
    ("4.12. 2026", "2026-12-04", None, ALL_DAY),
    ("04.12.26", "2026-12-04", None, ALL_DAY),
    ("Fr 04.12.26 18 Uhr", "2026-12-04 18:00", None, TIMED),
    ("Freitag, 04.12, bis Sonntag, 06.12", "2026-12-04", "2026-12-06", ALL_DAY),
    ("04.12 - 06.12.2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Do 10.12 - Fr 11.12", "2026-12-10", "2026-12-11", ALL_DAY),
    ("Freitag 18.30", "2026-12-04 18:30", None, TIMED),  # 18.30 is no date, so a time
]

DAY_FIRST_RANGES: list[Row] = [  # the first part only a day: month (and year) come with the end
    ("Mittwoch, 16. bis Samstag, 19. Dezember", "2026-12-16", "2026-12-19", ALL_DAY),
    ("Mittwoch, 16. bis Samstag, 19. Dezember 2026", "2026-12-16", "2026-12-19", ALL_DAY),
    ("Montag, 15. bis Donnerstag, 18. März", "2027-03-15", "2027-03-18", ALL_DAY),
    ("vom 18. bis 19.03.2027", "2027-03-18", "2027-03-19", ALL_DAY),
    ("vom 18. bis 19.03.", "2027-03-18", "2027-03-19", ALL_DAY),
    ("Donnerstag, 17. & Freitag, 18. Dezember 2026", "2026-12-17", "2026-12-18", ALL_DAY),
    ("Donnerstag, 17. und Freitag, 18. Dezember", "2026-12-17", "2026-12-18", ALL_DAY),
    ("17. und 18. Dezember", "2026-12-17", "2026-12-18", ALL_DAY),
    ("2.–5.12.2026", "2026-12-02", "2026-12-05", ALL_DAY),
    ("2.-5.12.2026", "2026-12-02", "2026-12-05", ALL_DAY),
    ("02.–05.12.2026", "2026-12-02", "2026-12-05", ALL_DAY),
    ("2. – 5.12.", "2026-12-02", "2026-12-05", ALL_DAY),
    ("vom 2. bis 5. Dezember", "2026-12-02", "2026-12-05", ALL_DAY),
    ("vom 2. bis zum 5. Dezember 2026", "2026-12-02", "2026-12-05", ALL_DAY),
    ("2.–5. Dezember 2026", "2026-12-02", "2026-12-05", ALL_DAY),
    ("14.–18. Juni 2027", "2027-06-14", "2027-06-18", ALL_DAY),
    ("30.11.–2.12.2026", "2026-11-30", "2026-12-02", ALL_DAY),  # going on now
    ("28.12.2026–3.1.2027", "2026-12-28", "2027-01-03", ALL_DAY),
    ("28.12.–3.1.", "2026-12-28", "2027-01-03", ALL_DAY),
    ("Dec 4–6, 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Dec 4-6, 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("December 4–6, 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Dec 4 – 6, 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Dec 4–6", "2026-12-04", "2026-12-06", ALL_DAY),
    ("December 4th–6th, 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Jan 29–31, 2027", "2027-01-29", "2027-01-31", ALL_DAY),
    ("4-6 December 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("4–6 Dec 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("4 - 6 December", "2026-12-04", "2026-12-06", ALL_DAY),
    ("4th–6th December 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Dec 4 – Dec 6, 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Dec 30, 2026 – Jan 2, 2027", "2026-12-30", "2027-01-02", ALL_DAY),
    ("Dec 30 – Jan 2", "2026-12-30", "2027-01-02", ALL_DAY),
    ("Fri, Dec 4 – Sun, Dec 6, 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Thursday 17th & Friday 18th December 2026", "2026-12-17", "2026-12-18", ALL_DAY),
    ("17th and 18th December", "2026-12-17", "2026-12-18", ALL_DAY),
    ("18 - 21.12.2026", "2026-12-18", "2026-12-21", ALL_DAY),
    ("Fr.–So., 4.–6.12.2026", "2026-12-04", "2026-12-06", ALL_DAY),  # the weekdays of the range before it
    ("Fr–So 4.–6. Dezember", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Fri–Sun, Dec 4–6, 2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Sa–So, 5.–6.12.2026, 10–18 Uhr", "2026-12-05 10:00", "2026-12-06 18:00", TIMED),
]

DAILY_HOURS: list[Row] = [  # the hours of each day after the range: from the first day's start to the last's end
    ("Freitag, 04.12.2026, bis Samstag, 05.12.2026, 08:00 - 20:00", "2026-12-04 08:00", "2026-12-05 20:00", TIMED),
    ("Samstag, 05.12.2026 und Sonntag, 06.12.2026 10:00 - 17:00 Uhr", "2026-12-05 10:00", "2026-12-06 17:00", TIMED),
    (
        "Mittwoch, 09.12.2026, 10:00-18:30, bis Freitag, 11.12.2026, 12:00-16:00",
        "2026-12-09 10:00",
        "2026-12-11 16:00",
        TIMED,
    ),
    ("vom 04.12. bis 06.12.2026 jeweils 10-18 Uhr", "2026-12-04 10:00", "2026-12-06 18:00", TIMED),
    ("4.–6.12.2026, 10–18 Uhr", "2026-12-04 10:00", "2026-12-06 18:00", TIMED),
    ("4.–6.12.2026, täglich 10–18 Uhr", "2026-12-04 10:00", "2026-12-06 18:00", TIMED),
    ("Dec 4–6, 2026, 10am–6pm", "2026-12-04 10:00", "2026-12-06 18:00", TIMED),
    ("Dec 4–6, 2026, 10am–6pm daily", "2026-12-04 10:00", "2026-12-06 18:00", TIMED),
    ("Freitag, 04.12.2026, 10:00-18:00, bis Sonntag, 06.12.2026", "2026-12-04 10:00", "2026-12-06 18:00", TIMED),
    ("Sa 05.12. und So 06.12., jeweils 11-17 Uhr", "2026-12-05 11:00", "2026-12-06 17:00", TIMED),
    (
        "Samstag, 05.12.2026, 10:00-18:00 und Sonntag, 06.12.2026, 10:00-16:00",
        "2026-12-05 10:00",
        "2026-12-06 16:00",
        TIMED,
    ),
    ("Fr 4.12. 18-21 Uhr bis So 6.12. 15 Uhr", "2026-12-04 18:00", "2026-12-06 15:00", TIMED),
    ("Fr 4.12. 18 Uhr bis So 6.12. 10-15 Uhr", "2026-12-04 18:00", "2026-12-06 15:00", TIMED),
]

END_TIME_ONLY: list[Row] = [  # a time at the end only: from the start of the first day
    ("Samstag, 05.12.2026, bis Samstag, 12.12.2026, 23:59", "2026-12-05 00:00", "2026-12-12 23:59", TIMED),
    ("05.12.2026 bis 12.12.2026 23:59", "2026-12-05 00:00", "2026-12-12 23:59", TIMED),
    ("Mittwoch, 02.12.2026 bis Freitag, 04.12.2026, 12 Uhr", "2026-12-02 00:00", "2026-12-04 12:00", TIMED),
    ("02.12. bis 04.12., 18:00", "2026-12-02 00:00", "2026-12-04 18:00", TIMED),
]

WORDS: list[Row] = [  # ganztägig, noon, ab, 18.30 Uhr, 18h, a time before the date, midnight
    ("04.12.2026, ganztägig", "2026-12-04", None, ALL_DAY),
    ("04.12.2026 ganztägig", "2026-12-04", None, ALL_DAY),
    ("Freitag, 04.12.2026 (ganztägig)", "2026-12-04", None, ALL_DAY),
    ("ganztägig am 04.12.2026", "2026-12-04", None, ALL_DAY),
    ("04.12.2026, ganztags", "2026-12-04", None, ALL_DAY),
    ("04.12.2026, den ganzen Tag", "2026-12-04", None, ALL_DAY),
    ("Dec 4, 2026, all day", "2026-12-04", None, ALL_DAY),
    ("Dec 4 all-day", "2026-12-04", None, ALL_DAY),
    ("all day on Friday, 4 Dec 2026", "2026-12-04", None, ALL_DAY),
    ("04.–06.12.2026 ganztägig", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Dec 4, 2026 at noon", "2026-12-04 12:00", None, TIMED),
    ("Dec 4 noon-2pm", "2026-12-04 12:00", "2026-12-04 14:00", TIMED),
    ("04.12.2026 mittags", "2026-12-04 12:00", None, TIMED),
    ("04.12.2026, 12 Uhr mittags", "2026-12-04 12:00", None, TIMED),
    ("morgen Mittag", "2026-12-02 12:00", None, TIMED),
    ("tomorrow at noon", "2026-12-02 12:00", None, TIMED),
    ("04.12.2026 12 noon", "2026-12-04 12:00", None, TIMED),
    ("04.12.2026 ab 18 Uhr", "2026-12-04 18:00", None, TIMED),
    ("ab 18 Uhr am 04.12.2026", "2026-12-04 18:00", None, TIMED),
    ("Fr 4.12. ab 18:30 Uhr", "2026-12-04 18:30", None, TIMED),
    ("04.12.2026 18.30 Uhr", "2026-12-04 18:30", None, TIMED),
    ("04.12.2026, 18.30 - 21.00 Uhr", "2026-12-04 18:30", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18.30-21.00", "2026-12-04 18:30", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18h", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 18h30", "2026-12-04 18:30", None, TIMED),
    ("04.12.2026 18h-21h", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18.30h", "2026-12-04 18:30", None, TIMED),
    ("18 Uhr, 04.12.2026", "2026-12-04 18:00", None, TIMED),
    ("18:00, Freitag, 04.12.2026", "2026-12-04 18:00", None, TIMED),
    ("um 18 Uhr am Freitag, 04.12.2026", "2026-12-04 18:00", None, TIMED),
    ("18-21 Uhr, 04.12.2026", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("18.30, 04.12.2026", "2026-12-04 18:30", None, TIMED),
    ("um 18:00 am 04.12.2026", "2026-12-04 18:00", None, TIMED),  # "am" before a date, not a.m.
    ("6pm Dec 4", "2026-12-04 18:00", None, TIMED),
    ("6pm, Friday, Dec 4, 2026", "2026-12-04 18:00", None, TIMED),
    ("6-9pm Dec 4", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("from 6pm to 9pm on Dec 4", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("at 7:30 pm on 4 December 2026", "2026-12-04 19:30", None, TIMED),
    ("18:00 bis Mitternacht, 04.12.2026", "2026-12-04 18:00", "2026-12-05 00:00", TIMED),
    ("04.12.2026 18:00 bis Mitternacht", "2026-12-04 18:00", "2026-12-05 00:00", TIMED),
    ("Dec 4 6pm-midnight", "2026-12-04 18:00", "2026-12-05 00:00", TIMED),
    ("04.12.2026 20-24 Uhr", "2026-12-04 20:00", "2026-12-05 00:00", TIMED),
]

DURATIONS: list[Row] = [
    ("04.12.2026 18:00 for 3 hours", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026, 18 Uhr, 3 Stunden", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18 Uhr für 2 Stunden", "2026-12-04 18:00", "2026-12-04 20:00", TIMED),
    ("04.12.2026 18:00 (90 min)", "2026-12-04 18:00", "2026-12-04 19:30", TIMED),
    ("04.12.2026 18:00, 90 Minuten", "2026-12-04 18:00", "2026-12-04 19:30", TIMED),
    ("04.12.2026 18:00 für eine Stunde", "2026-12-04 18:00", "2026-12-04 19:00", TIMED),
    ("Dec 4 6pm for an hour", "2026-12-04 18:00", "2026-12-04 19:00", TIMED),
    ("Dec 4 6pm for 2.5 hours", "2026-12-04 18:00", "2026-12-04 20:30", TIMED),
    ("04.12.2026 18:00, 1,5 Std.", "2026-12-04 18:00", "2026-12-04 19:30", TIMED),
    ("04.12.2026 18:00 for 3h", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 22:00 für 4 Stunden", "2026-12-04 22:00", "2026-12-05 02:00", TIMED),
    ("Samstag, 30.10.2027, 23:00, für 4 Stunden", "2027-10-30 23:00", "2027-10-31 02:00+01:00", TIMED),  # DST ends
    ("Samstag, 27.03.2027, 23:00, für 4 Stunden", "2027-03-27 23:00", "2027-03-28 04:00", TIMED),  # DST begins
    ("04.12.2026 für 3 Tage", "2026-12-04", "2026-12-06", ALL_DAY),
    ("04.12.2026, 2 Tage", "2026-12-04", "2026-12-05", ALL_DAY),
    ("Dec 4, 2026 for 1 day", "2026-12-04", None, ALL_DAY),
    ("04.12.2026 18:00 für 2 Tage", "2026-12-04 18:00", "2026-12-06 18:00", TIMED),
    ("ab 18 Uhr am 04.12.2026, 2 Stunden", "2026-12-04 18:00", "2026-12-04 20:00", TIMED),
    ("Dec 4, 2026, 6pm (1.5h)", "2026-12-04 18:00", "2026-12-04 19:30", TIMED),
]

ZONES: list[Row] = [  # MEZ/MESZ/CET/CEST are checked against the day; UTC, GMT and offsets are converted
    ("04.12.2026 18:00 MEZ", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026, 18:00 Uhr (MEZ)", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 18:00 CET", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 18:00-21:00 CET", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.06.2027 18:00 MESZ", "2027-06-04 18:00", None, TIMED),
    ("Friday, 4 Jun 2027, 6pm CEST", "2027-06-04 18:00", None, TIMED),
    ("04.12.2026 18:00 Europe/Berlin", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 18:00 UTC", "2026-12-04 19:00", None, TIMED),
    ("04.12.2026 17:00 GMT", "2026-12-04 18:00", None, TIMED),
    ("04.06.2027 16:00 UTC", "2027-06-04 18:00", None, TIMED),
    ("2026-12-04T17:00Z", "2026-12-04 18:00", None, TIMED),
    ("2026-12-04T17:00:00Z", "2026-12-04 18:00", None, TIMED),
    ("2026-12-04T18:00:00+01:00", "2026-12-04 18:00", None, TIMED),
    ("2026-12-04T12:00:00-05:00", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 12:00 America/New_York", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 18:00 UTC+1", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 15:00 UTC-2", "2026-12-04 18:00", None, TIMED),
    ("Sonntag, 31.10.2027, 02:30 MEZ", "2027-10-31 02:30+01:00", None, TIMED),  # the second 02:30
    ("Sonntag, 31.10.2027, 02:30 MESZ", "2027-10-31 02:30+02:00", None, TIMED),  # the first
    ("04.12.2026 18:00 MEZ bis 06.12.2026 15:00 MEZ", "2026-12-04 18:00", "2026-12-06 15:00", TIMED),
    ("04.12.2026, 23:30 UTC", "2026-12-05 00:30", None, TIMED),
    ("04.12.2026 18:00 - 21:00 UTC", "2026-12-04 19:00", "2026-12-04 22:00", TIMED),
]

CLASSIC: list[Row] = [  # numeric, ISO and month names, as before
    ("04.12.2026 18:00-21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18:00 - 21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18-21 Uhr", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18 Uhr", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 18:30 Uhr", "2026-12-04 18:30", None, TIMED),
    ("4.12.2026, 18:00", "2026-12-04 18:00", None, TIMED),
    ("2026-12-04 18:00", "2026-12-04 18:00", None, TIMED),
    ("2026-12-04T18:00", "2026-12-04 18:00", None, TIMED),
    ("2026-12-04T18:00/21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("2026-12-04 18:00-21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("2026-12-04T18:00:00", "2026-12-04 18:00", None, TIMED),
    ("2026-12-04T18:00/2026-12-04T21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("2026-12-04T18:00-21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),  # no seconds: a range, no offset
    ("2026-12-02/2026-12-05", "2026-12-02", "2026-12-05", ALL_DAY),
    ("2026-12-04", "2026-12-04", None, ALL_DAY),
    ("04.12.2026", "2026-12-04", None, ALL_DAY),
    ("02.12.2026 13:00 bis 05.12.2026 13:00", "2026-12-02 13:00", "2026-12-05 13:00", TIMED),
    ("02.12.2026 13:00 - 05.12.2026 13:00", "2026-12-02 13:00", "2026-12-05 13:00", TIMED),
    ("02.12.2026 13:00 to 05.12.2026 13:00", "2026-12-02 13:00", "2026-12-05 13:00", TIMED),
    ("02.12.2026 13:00 until 05.12.2026 13:00", "2026-12-02 13:00", "2026-12-05 13:00", TIMED),
    ("02.12.2026 - 05.12.2026", "2026-12-02", "2026-12-05", ALL_DAY),
    ("02.12.2026 bis 05.12.2026", "2026-12-02", "2026-12-05", ALL_DAY),
    ("Do 10.12. 18:00", "2026-12-10 18:00", None, TIMED),
    ("Donnerstag, 10.12. 18:00", "2026-12-10 18:00", None, TIMED),
    ("4.12. 18-21 Uhr", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("4. Dezember 18 Uhr", "2026-12-04 18:00", None, TIMED),
    ("4. Dez. 2026 18:00", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 7pm", "2026-12-04 19:00", None, TIMED),
    ("04.12.2026 6pm-9pm", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 6-9pm", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 22:00-02:00", "2026-12-04 22:00", "2026-12-05 02:00", TIMED),
    ("31.12.2026 20:00-01:00", "2026-12-31 20:00", "2027-01-01 01:00", TIMED),
    ("am 4.12. um 18 Uhr", "2026-12-04 18:00", None, TIMED),
    ("am Freitag, den 4.12. ab 18 Uhr", "2026-12-04 18:00", None, TIMED),
    ("Freitag, den 4. Dezember 2026, von 18 bis 21 Uhr", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("4.12. von 18 bis 21 Uhr", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18 Uhr - 21 Uhr", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18:00-21 Uhr", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("04.12.2026 18-21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("30.12. - 2.1.2027", "2026-12-30", "2027-01-02", ALL_DAY),
    ("30.12. 18:00 - 2.1.2027 02:00", "2026-12-30 18:00", "2027-01-02 02:00", TIMED),
    ("4.12.-6.12.2026", "2026-12-04", "2026-12-06", ALL_DAY),
    ("5. MÄRZ 2027 18 Uhr", "2027-03-05 18:00", None, TIMED),
    ("5. märz 18 Uhr", "2027-03-05 18:00", None, TIMED),
    ("Maerz 5 2027 18:00", "2027-03-05 18:00", None, TIMED),
    ("29.02. 18 Uhr", "2028-02-29 18:00", None, TIMED),
    ("5.1. 18 Uhr", "2027-01-05 18:00", None, TIMED),
    ("1.12. 18 Uhr", "2026-12-01 18:00", None, TIMED),  # today, still ahead
    ("30.11.", "2027-11-30", None, ALL_DAY),  # yesterday's date means next year
    ("30.11.2026 - 02.12.2026", "2026-11-30", "2026-12-02", ALL_DAY),  # going on now
    ("4.12.2026 8:30-10", "2026-12-04 08:30", "2026-12-04 10:00", TIMED),
    ("04.12.2026 11-1pm", "2026-12-04 11:00", "2026-12-04 13:00", TIMED),
    ("04.12.2026 11pm-1", "2026-12-04 23:00", "2026-12-05 01:00", TIMED),
    ("   04.12.2026     18:00   -    21:00   ", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("4.12.2026,18:00", "2026-12-04 18:00", None, TIMED),
    ("04.12.2026 18:00 Uhr.", "2026-12-04 18:00", None, TIMED),  # the full stop of a sentence
    ("13/12/2026", "2026-12-13", None, ALL_DAY),  # 13 is no month: the day comes first
    ("12/13/2026", "2026-12-13", None, ALL_DAY),  # 13 is no month: the month comes first
    ("4/4/2027", "2027-04-04", None, ALL_DAY),  # both readings are the same day
    ("2026/12/04", "2026-12-04", None, ALL_DAY),  # the year first: year, month, day
    ("2026/12/04 18:00", "2026-12-04 18:00", None, TIMED),
    ("2026-12-04T17:00:00.000Z", "2026-12-04 18:00", None, TIMED),  # as JavaScript writes it
    ("2026-12-04 18:00:00 UTC", "2026-12-04 19:00", None, TIMED),
]

RELATIVE: list[Row] = [  # now is Tuesday, 1 December 2026, noon
    ("heute", "2026-12-01", None, ALL_DAY),
    ("heute 19 Uhr", "2026-12-01 19:00", None, TIMED),
    ("heute ab 18 Uhr", "2026-12-01 18:00", None, TIMED),
    ("morgen", "2026-12-02", None, ALL_DAY),
    ("morgen 19 Uhr", "2026-12-02 19:00", None, TIMED),
    ("morgen 10-12 Uhr", "2026-12-02 10:00", "2026-12-02 12:00", TIMED),
    ("übermorgen 18:00", "2026-12-03 18:00", None, TIMED),
    ("uebermorgen", "2026-12-03", None, ALL_DAY),
    ("today 7pm", "2026-12-01 19:00", None, TIMED),
    ("tomorrow 7pm", "2026-12-02 19:00", None, TIMED),
    ("tomorrow 9am-5pm", "2026-12-02 09:00", "2026-12-02 17:00", TIMED),
    ("Freitag", "2026-12-04", None, ALL_DAY),
    ("Freitag 19 Uhr", "2026-12-04 19:00", None, TIMED),
    ("Fr 19:00-22:00", "2026-12-04 19:00", "2026-12-04 22:00", TIMED),
    ("am Freitag um 19 Uhr", "2026-12-04 19:00", None, TIMED),
    ("Dienstag 19 Uhr", "2026-12-01 19:00", None, TIMED),  # today, still ahead
    ("Dienstag 10 Uhr", "2026-12-08 10:00", None, TIMED),  # today's 10:00 is gone: next week
    ("Dienstag", "2026-12-01", None, ALL_DAY),
    ("Montag", "2026-12-07", None, ALL_DAY),
    ("Sonntag 11 Uhr", "2026-12-06 11:00", None, TIMED),
    ("thursday 7pm", "2026-12-03 19:00", None, TIMED),
    ("Sat 10am", "2026-12-05 10:00", None, TIMED),
    ("next Monday", "2026-12-07", None, ALL_DAY),  # the coming Monday is in next week: no doubt
    ("next Tuesday 7pm", "2026-12-08 19:00", None, TIMED),
    ("nächsten Montag 19 Uhr", "2026-12-07 19:00", None, TIMED),
    ("kommenden Freitag", "2026-12-04", None, ALL_DAY),
    ("kommenden Dienstag", "2026-12-08", None, ALL_DAY),
    ("coming Friday 6pm", "2026-12-04 18:00", None, TIMED),
    ("this Friday", "2026-12-04", None, ALL_DAY),
    ("diesen Freitag 18 Uhr", "2026-12-04 18:00", None, TIMED),
    ("Freitag nächste Woche", "2026-12-11", None, ALL_DAY),
    ("nächste Woche Freitag 19 Uhr", "2026-12-11 19:00", None, TIMED),
    ("Friday next week", "2026-12-11", None, ALL_DAY),
    ("Fr 22:00 - Sa 02:00", "2026-12-04 22:00", "2026-12-05 02:00", TIMED),
    ("heute 22:00 bis morgen 02:00", "2026-12-01 22:00", "2026-12-02 02:00", TIMED),
    ("Freitag bis Sonntag", "2026-12-04", "2026-12-06", ALL_DAY),
    ("Fr–So", "2026-12-04", "2026-12-06", ALL_DAY),
    ("morgen bis Freitag", "2026-12-02", "2026-12-04", ALL_DAY),
    ("heute - übermorgen", "2026-12-01", "2026-12-03", ALL_DAY),
]

ENGLISH: list[Row] = [
    ("Friday, December 4, 2026", "2026-12-04", None, ALL_DAY),
    ("Friday, December 4, 2026 at 6:00 PM", "2026-12-04 18:00", None, TIMED),
    ("Friday, December 4, 2026, 6:00 PM – 9:00 PM", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("Fri, Dec 4, 2026, 6–9 PM", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("Dec 4, 2026 7:30pm", "2026-12-04 19:30", None, TIMED),
    ("December 4th, 2026 from 6-9pm", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("4 December 2026 6pm", "2026-12-04 18:00", None, TIMED),
    ("the 4th of December at 6pm", "2026-12-04 18:00", None, TIMED),
    ("December 4 18:00", "2026-12-04 18:00", None, TIMED),
    ("Dec. 4, 2026, 6 p.m.", "2026-12-04 18:00", None, TIMED),
    ("Dec 4, 2026 6pm - Dec 6, 2026 3pm", "2026-12-04 18:00", "2026-12-06 15:00", TIMED),
    ("Dec 4 6pm until Dec 6 3pm", "2026-12-04 18:00", "2026-12-06 15:00", TIMED),
    ("Saturday, January 2, 2027", "2027-01-02", None, ALL_DAY),
    ("Jan 2 2027", "2027-01-02", None, ALL_DAY),
    ("2 January 2027, 10am to 4pm", "2027-01-02 10:00", "2027-01-02 16:00", TIMED),
    ("March 28, 2027 1:30am-3:30am", "2027-03-28 01:30", "2027-03-28 03:30", TIMED),
    ("Dec 4 at 11am-1pm", "2026-12-04 11:00", "2026-12-04 13:00", TIMED),
    ("Dec 4 11-1pm", "2026-12-04 11:00", "2026-12-04 13:00", TIMED),
    ("Dec 4 10pm-2am", "2026-12-04 22:00", "2026-12-05 02:00", TIMED),
    ("Dec 4, 12am", "2026-12-04 00:00", None, TIMED),
    ("Dec 4, 12pm", "2026-12-04 12:00", None, TIMED),
    ("Thu, Dec 10 2026 6pm", "2026-12-10 18:00", None, TIMED),
    ("Thursday, December 10th, 2026 at 6:00 PM", "2026-12-10 18:00", None, TIMED),
    ("on Friday, 4 December 2026 from 18:00 to 21:00", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("Friday 4 December 2026, 6pm to 9pm", "2026-12-04 18:00", "2026-12-04 21:00", TIMED),
    ("Sunday, 6 Dec 2026, 11:00", "2026-12-06 11:00", None, TIMED),
    ("December 31, 2026, 8pm - 1am", "2026-12-31 20:00", "2027-01-01 01:00", TIMED),
    ("Jan 15, 2027 9:00 - 17:00", "2027-01-15 09:00", "2027-01-15 17:00", TIMED),
    ("February 1st, 2027", "2027-02-01", None, ALL_DAY),
    ("Feb 26 - 28, 2027", "2027-02-26", "2027-02-28", ALL_DAY),
]

ROWS: list[Row] = [
    *OWN_TEXT_DE,
    *OWN_TEXT_EN,
    *ROUNDUP_SHAPES,
    *NO_FINAL_DOT,
    *DAY_FIRST_RANGES,
    *DAILY_HOURS,
    *END_TIME_ONLY,
    *WORDS,
    *DURATIONS,
    *ZONES,
    *CLASSIC,
    *RELATIVE,
    *ENGLISH,
]

# (text, error code, the piece of the text the error names). These stay refusals: each would be a guess.
REFUSALS: list[tuple[str, str, str]] = [
    ("4/12/2026", "ambiguous", "4/12/2026"),  # 4 December or April 12?
    ("12/4/2027", "ambiguous", "12/4/2027"),
    ("4/12/2027 18:00", "ambiguous", "4/12/2027"),
    ("next Friday", "ambiguous", "next Friday"),  # said on Tuesday: this week's or next week's?
    ("nächsten Freitag 19 Uhr", "ambiguous", "nächsten Freitag"),
    ("next Sunday", "ambiguous", "next Sunday"),
    ("Freitag Mitternacht", "ambiguous", "Mitternacht"),  # the night before Friday or after it?
    ("4.12", "ambiguous", "4.12"),  # the date 4.12., or 4:12 without its date?
    ("22.08", "ambiguous", "22.08"),
    ("Mo 4.12.2026", "weekday_mismatch", "Mo"),
    ("Freitag, 05.12.2026", "weekday_mismatch", "Freitag"),
    ("Mittwoch, 15. bis Freitag, 18. Dezember", "weekday_mismatch", "Mittwoch"),
    ("Sat, Dec 4, 2026", "weekday_mismatch", "Sat"),
    ("Samstag, 05.12.2026, bis Sonntag, 07.12.2026", "weekday_mismatch", "Sonntag"),
    ("04.12.2026 18", "not_a_time", "18"),  # 18:00? 18 minutes?
    ("04.12.2026 18-21", "not_a_time", "18-21"),
    ("04.12.2026 um 18", "not_a_time", "18"),
    ("Dec 4 at 6", "not_a_time", "6"),
    ("um 18 am 4.12.2026", "not_a_time", "18"),
    ("18:00", "no_date", "18:00"),
    ("ab 18 Uhr", "no_date", "ab 18 Uhr"),
    ("19-22 Uhr", "no_date", "19-22 Uhr"),
    ("02.12.2026 13:00 bis 05.12.2026", "missing_end_time", "05.12.2026"),  # until when on the 5th?
    ("Fr 4.12. 18 Uhr bis So 6.12.", "missing_end_time", "So 6.12."),
    ("04.12.2026 für 3 Stunden", "no_start_time", "für 3 Stunden"),
    ("2.–5.12.2026, 18 Uhr", "no_start_time", "2.–5.12.2026, 18 Uhr"),  # from the 2nd on, or each day at six?
    ("Dec 4-6, 6pm", "no_start_time", "Dec 4-6, 6pm"),
    ("04.06.2027 18:00 MEZ", "zone_mismatch", "MEZ"),  # Germany is on MESZ in June
    ("04.12.2026 18:00 MESZ", "zone_mismatch", "MESZ"),
    ("04.12.2026 18:00 CEST", "zone_mismatch", "CEST"),
    ("4. und 6. Dezember", "separate_days", "4. und 6. Dezember"),
    ("Sa 5.12. 10 Uhr und So 6.12. 17 Uhr", "separate_days", "Sa 5.12. 10 Uhr und So 6.12. 17 Uhr"),
    ("04.12.2026 ganztägig 18 Uhr", "contradiction", "ganztägig"),
    ("04.12.2026 MEZ", "contradiction", "MEZ"),
    ("04.12.2026 18:00 MEZ - 21:00 UTC", "contradiction", "UTC"),
    ("04.12.2026 18:00-21:00 für 2 Stunden", "contradiction", "für 2 Stunden"),
    ("18 Uhr, 04.12.2026 19 Uhr", "contradiction", "19 Uhr"),
    ("04.12.2026 9am PST", "unreadable", "PST"),  # a zone not known is not ignored
    ("bald", "unreadable", "bald"),
    ("04.12.2026 gegen 18 Uhr", "unreadable", "gegen"),
    ("04.12.2026 ca. 18 Uhr", "unreadable", "ca."),
    ("morgen früh", "unreadable", "früh"),
    ("heute Abend", "unreadable", "Abend"),
    ("tonight", "unreadable", "tonight"),
    ("Einlass 18 Uhr, 04.12.2026", "unreadable", "Einlass"),
    ("04.12.2026 -", "unreadable", "-"),
    ("December 2026", "unreadable", "December 2026"),
    ("Dec 4 – 6pm", "unreadable", "– 6pm"),
    ("18.30", "unreadable", "18.30"),
    ("15.", "unreadable", "15."),  # a day without its month
    ("Mittwoch, 16.", "unreadable", "Mittwoch, 16."),
    ("16. 18 Uhr", "unreadable", "16."),
    ("4th", "unreadable", "4th"),
    ("Freitag 4 - Sonntag 6 Dezember", "not_a_time", "4"),
    ("Fr–Sa, 4.–6.12.2026", "weekday_mismatch", "Sa"),
    ("22.08 - 23.08", "unreadable", "22.08 - 23.08"),  # times without a date, or dates without their dots?
    ("Donnerstags", "unreadable", "Donnerstags"),
    ("04.12.2026 18:00 foo", "unreadable", "foo"),
    ("", "unreadable", ""),
    ("31.02.2027", "impossible_date", "31.02.2027"),
    ("29.02.2027 18:00", "impossible_date", "29.02.2027"),
    ("4/31/2027", "impossible_date", "4/31/2027"),
    ("13/13/2027", "impossible_date", "13/13/2027"),
    ("04.12.2026 25:00", "impossible_time", "25:00"),
    ("28.03.2027 02:30", "impossible_time", "02:30"),  # skipped by the clocks going forward
    ("04.12.2026 13pm", "impossible_time", "13pm"),
    ("04.12.2026 21:00-18:00", "end_before_start", "18:00"),
    ("05.12.2026 - 02.12.2026", "end_before_start", "02.12.2026"),
    ("30. bis 2. Dezember", "end_before_start", "2. Dezember"),  # which month is the 30th?
    ("30.11.2026 18:00", "past", "30.11.2026"),
    ("heute 10 Uhr", "past", "heute"),
    ("Dienstag, 01.12.2026, 10:00", "past", "Dienstag, 01.12.2026"),
    ("01.11.2026 - 30.11.2026", "past", "30.11.2026"),
]


def wall(text: str) -> datetime:
    """A Berlin time written as "2026-12-04 18:00", "2026-12-04" or "2027-10-31 02:30+01:00"."""
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(tzinfo=BERLIN)
    if "+" in text:
        return datetime.fromisoformat(text.replace(" ", "T")).astimezone(BERLIN)
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def same_time(actual: datetime | None, expected: str | None) -> bool:
    """The same instant, wall clock and offset in Berlin."""
    if actual is None or expected is None:
        return actual is None and expected is None
    want = wall(expected)
    return (
        actual.tzinfo is BERLIN
        and actual.astimezone(UTC) == want.astimezone(UTC)
        and actual.replace(tzinfo=None) == want.replace(tzinfo=None)
        and actual.utcoffset() == want.utcoffset()
    )


def test_the_corpus_is_large_and_has_no_doubles() -> None:
    texts = [row[0] for row in ROWS] + [row[0] for row in REFUSALS]
    assert len(ROWS) >= 300
    assert len(texts) == len(set(texts))
    for _, start, end, all_day in ROWS:
        assert (len(start) == 10) is all_day  # an all-day reading names days only
        assert end is None or (len(end) == 10) is all_day


@pytest.mark.parametrize(("text", "start", "end", "all_day"), ROWS, ids=[row[0] for row in ROWS])
def test_phrase(text: str, start: str, end: str | None, all_day: bool) -> None:
    result = parse_when(text, now=NOW, tz=BERLIN)
    assert result.all_day is all_day
    assert same_time(result.start, start), f"start {result.start}"
    assert same_time(result.end, end), f"end {result.end}"


@pytest.mark.parametrize(("text", "code", "fragment"), REFUSALS, ids=[row[0] or "empty" for row in REFUSALS])
def test_refusal(text: str, code: str, fragment: str) -> None:
    with pytest.raises(WhenError) as info:
        parse_when(text, now=NOW, tz=BERLIN)
    assert (info.value.code, info.value.fragment) == (code, fragment)
    assert fragment in text


def test_the_whole_corpus_parses_in_well_under_a_second() -> None:
    texts = [row[0] for row in ROWS] + [row[0] for row in REFUSALS]
    began = time.perf_counter()
    for text in texts:
        try:
            parse_when(text, now=NOW, tz=BERLIN)
        except WhenError:
            pass
    assert time.perf_counter() - began < 0.25
