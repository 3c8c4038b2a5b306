"""ICS in and out: the reference feed's quirks, strict validity of exports, round trips, feed re-syncs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from bot.i18n import Translator
from bot.ical import (
    CalendarError,
    _content_line,
    _text_value,
    _without_time_zones,
    event_ics,
    meetup_ics,
    parse_calendar,
    room_ics,
)
from bot.importer import import_calendar
from bot.models import Event, EventStatus, Meetup, Target
from bot.storage import Storage

DATA = Path(__file__).parent.parent / "data"
BERLIN = ZoneInfo("Europe/Berlin")
DE = Translator("de")
NOW = datetime(2025, 11, 20, 12, tzinfo=BERLIN)
STAMP = datetime(2025, 11, 20, 11, tzinfo=UTC)


def strict(data: bytes) -> None:
    """The `ical` package refuses what RFC 5545 forbids."""
    IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def test_reference_feed_quirks():
    entries = parse_calendar((DATA / "events-feed-2025-12-12.ics").read_bytes(), BERLIN)
    assert len(entries) == 375
    jugend = next(e for e in entries if e.title == "Jugend editiert" and e.start.month == 12)
    assert jugend.start == datetime(2025, 12, 4, 18, tzinfo=BERLIN) and jugend.end.hour == 21
    assert jugend.start.utcoffset() == timedelta(hours=1)
    assert jugend.link == "https://www.wikimedia.de/veranstaltungen/jugend-editiert/"
    assert jugend.place == "WikiBär Wikipedia, Köpenicker Straße 45, 10179 Berlin" and not jugend.online
    assert jugend.geo == pytest.approx((52.50267706293607, 13.439250348721544))
    both = next(e for e in entries if e.title == "152. Netzpolitischer Abend")
    assert both.place == "c-base, Rungestraße 20, 10179 Berlin" and both.online
    online = next(e for e in entries if e.title.startswith("Umwege zu besseren LIDO-Daten"))
    assert online.place is None and online.online and online.description is None
    # no UID in the feed: derived from the content, the same on every read
    again = parse_calendar((DATA / "events-feed-2025-12-12.ics").read_bytes(), BERLIN)
    assert [e.uid for e in entries] == [e.uid for e in again]
    assert sum(1 for e in entries if e.rrule) == 9


def test_messy_feed_features():
    feed = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
        b"BEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20251101T000000Z\r\nDTSTART;VALUE=DATE:20251224\r\n"
        b"DTEND;VALUE=DATE:20251227\r\nSUMMARY:Feiertage\\, lang\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b@x\r\nDTSTAMP:20251101T000000Z\r\nDTSTART:20251210T170000Z\r\n"
        b"DTEND:20251210T190000Z\r\nSUMMARY:UTC-Termin mit einem sehr langen Titel\r\n  der gefaltet ist\r\n"
        b"URL:https://example.org/b\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:c@x\r\nDTSTAMP:20251101T000000Z\r\nDTSTART;TZID=America/New_York:20251210T120000\r\n"
        b"SUMMARY:New York\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    holidays, utc, new_york = parse_calendar(feed, ZoneInfo("Europe/London"))
    assert holidays.all_day and holidays.start.date() == date(2025, 12, 24)
    assert holidays.end.date() == date(2025, 12, 26)
    assert holidays.title == "Feiertage, lang"
    assert utc.start == datetime(2025, 12, 10, 18, tzinfo=BERLIN) and utc.start.tzinfo == BERLIN
    assert utc.title == "UTC-Termin mit einem sehr langen Titel der gefaltet ist"
    assert new_york.start == datetime(2025, 12, 10, 18, tzinfo=BERLIN)


@pytest.mark.parametrize("data", [b"", b"not a calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", b"\x00\xff"])
def test_malformed_files_are_refused(data):
    with pytest.raises(CalendarError):
        parse_calendar(data, BERLIN)


def sample_event(**changes) -> Event:
    values = dict(
        id=1,
        room_id="!a",
        title="Jugend editiert",
        start=datetime(2025, 12, 4, 18, tzinfo=BERLIN),
        end=datetime(2025, 12, 4, 21, tzinfo=BERLIN),
        all_day=False,
        timezone="Europe/Berlin",
        place="WikiBär, Köpenicker Straße 45, 10179 Berlin",
        online=True,
        link="https://example.org/je",
        geo=(52.5027, 13.4393),
        description="Für Jugendliche",
        uid="je@eventbot",
    )
    values.update(changes)
    return Event(**values)


def sample_meetup(**changes) -> Meetup:
    values = dict(
        id=1,
        room_id="!a",
        city="Köln",
        rule_text="jeden ersten Montag im Monat",
        rrule="FREQ=MONTHLY;BYDAY=1MO",
        dtstart=date(2025, 12, 1),
        start_time=time(19),
        end_time=time(22),
        timezone="Europe/Berlin",
        name="Code for Cologne",
        place="Lokal K",
        link="https://example.org/cfc",
        uid="cfc@eventbot",
        skipped=frozenset({date(2026, 1, 5)}),
        moved=MappingProxyType({}),
    )
    values.update(changes)
    return Meetup(**values)


@settings(max_examples=300)
@given(name=st.sampled_from(["SUMMARY", "X-EVENTBOT-RULE-TEXT"]), value=st.text(max_size=300))
def test_content_lines_fold_at_75_octets_and_unfold_to_the_value(name, value):
    line = _content_line(name, "", _text_value(value))
    physical = line.removesuffix(b"\r\n").split(b"\r\n")
    assert all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    texts = [part.decode("utf-8") for part in physical]  # no line cuts a UTF-8 sequence
    unfolded = texts[0] + "".join(text[1:] for text in texts[1:])
    assert unfolded == f"{name}:{_text_value(value)}"
    assert "\n" not in unfolded and "\r" not in unfolded


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("eins\nzwei", "eins\\nzwei"),
        ("eins\r\nzwei", "eins\\nzwei"),
        ("Köln: 19 Uhr", "Köln: 19 Uhr"),
    ],
)
def test_text_values_are_escaped(text, escaped):
    assert _text_value(text) == escaped


def test_geo_is_written_as_plain_decimals():
    data = event_ics(sample_event(geo=(0.00001, -13.0)), STAMP)
    strict(data)
    assert b"\r\nGEO:0.00001;-13\r\n" in data


def test_exports_are_strictly_valid():
    strict(event_ics(sample_event(), STAMP))
    strict(event_ics(sample_event(all_day=True, end=None, start=datetime(2025, 12, 4, tzinfo=BERLIN)), STAMP))
    strict(meetup_ics(sample_meetup(), STAMP))
    strict(
        room_ics(
            [sample_event(), sample_event(uid="x", status=EventStatus.CANCELLED)], [sample_meetup()], STAMP, "raum"
        )
    )


async def _roundtrip(events: list[Event], meetups: list[Meetup]):
    storage = await Storage.open(":memory:")
    try:
        await import_calendar(
            storage, "!b", room_ics(events, meetups, STAMP, "a"), zone=BERLIN, t=DE, submitter="@x", now=NOW
        )
        return await storage.list_events("!b", statuses=tuple(EventStatus)), await storage.list_meetups("!b")
    finally:
        await storage.close()


def _essentials(event: Event) -> tuple:
    return (
        event.title,
        event.start,
        event.start.utcoffset(),
        event.end,
        event.all_day,
        event.place,
        event.online,
        event.link,
        event.geo,
        event.description,
        event.uid,
    )


async def test_room_round_trip():
    events = [
        sample_event(),
        sample_event(
            uid="2",
            title="Ganztags",
            all_day=True,
            start=datetime(2026, 7, 1, tzinfo=BERLIN),
            end=datetime(2026, 7, 3, tzinfo=BERLIN),
            place=None,
            geo=None,
            description=None,
        ),
    ]
    meetups = [sample_meetup()]
    got_events, got_meetups = await _roundtrip(events, meetups)
    assert [_essentials(e) for e in got_events] == [_essentials(e) for e in events]
    (meetup,) = got_meetups
    assert (
        meetup.city,
        meetup.rule_text,
        meetup.rrule,
        meetup.start_time,
        meetup.end_time,
        meetup.skipped,
        meetup.place,
        meetup.link,
        meetup.timezone,
    ) == (
        "Köln",
        "jeden ersten Montag im Monat",
        "FREQ=MONTHLY;BYDAY=1MO",
        time(19),
        time(22),
        frozenset({date(2026, 1, 5)}),
        "Lokal K",
        "https://example.org/cfc",
        "Europe/Berlin",
    )


titles = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=60)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
instants = (
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31))
    .map(lambda d: d.replace(second=0, microsecond=0, tzinfo=BERLIN))
    .filter(lambda d: d.astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) == d.replace(tzinfo=None))
)  # real wall times


@settings(max_examples=40, deadline=None)
@given(
    title=titles,
    start=instants,
    minutes=st.integers(0, 60 * 72),
    place=st.none() | titles,
    online=st.booleans(),
    link=st.none() | st.just("https://example.org/x?a=1&b=2"),
)
async def test_event_export_import_round_trip(title, start, minutes, place, online, link):
    end = start + timedelta(minutes=minutes) if minutes else None
    event = sample_event(
        title=title,
        start=start,
        end=end,
        place=place,
        online=online or place is None,
        link=link,
        geo=None,
        description=None,
        uid="prop@eventbot",
    )
    if place is not None and place.casefold() in ("online", "virtuell", "virtual", "remote"):
        return
    if place is not None and online and place.endswith(","):
        return  # "Ort, und auch online": a comma before the suffix is read as a separator, by design
    strict(event_ics(event, STAMP))
    (got,), _ = await _roundtrip([event], [])
    assert _essentials(got) == _essentials(event)


async def test_feed_resync_updates_and_cancels(tmp_path):
    storage = await Storage.open(tmp_path / "feed.db")
    feed, _ = await storage.add_feed("!a", "https://events.example.org/f.ics", 3600, "@curator")
    first = room_ics(
        [sample_event(uid="1", title="Bleibt"), sample_event(uid="2", title="Verschwindet")], [], STAMP, "f"
    )
    report = await import_calendar(storage, "!a", first, zone=BERLIN, t=DE, submitter="@c", now=NOW, feed_id=feed.id)
    assert (report.counts.added, report.counts.cancelled) == (2, 0)
    second = room_ics([sample_event(uid="1", title="Bleibt, umbenannt")], [], STAMP, "f")
    report = await import_calendar(storage, "!a", second, zone=BERLIN, t=DE, submitter="@c", now=NOW, feed_id=feed.id)
    assert (report.counts.added, report.counts.updated, report.counts.cancelled) == (0, 1, 1)
    stored = {e.uid: (e.title, e.status) for e in await storage.list_events("!a", statuses=tuple(EventStatus))}
    assert stored == {"1": ("Bleibt, umbenannt", EventStatus.APPROVED), "2": ("Verschwindet", EventStatus.CANCELLED)}
    # a malformed file changes nothing
    with pytest.raises(CalendarError):
        await import_calendar(storage, "!a", b"garbage", zone=BERLIN, t=DE, submitter="@c", now=NOW, feed_id=feed.id)
    assert {e.uid for e in await storage.list_events("!a", statuses=tuple(EventStatus))} == {"1", "2"}
    await storage.close()


# -- hostile calendars: the pure parser's limits (the box: test_icalbox.py) ----------------------------------


def calendar(*events: bytes, head: bytes = b"") -> bytes:
    return b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n" + head + b"".join(events) + b"END:VCALENDAR\r\n"


def vevent(uid: str, *lines: str, start: str = "DTSTART;TZID=Europe/Berlin:20260701T180000") -> bytes:
    body = "".join(line + "\r\n" for line in (f"UID:{uid}", "DTSTAMP:20260101T000000Z", start, *lines))
    return f"BEGIN:VEVENT\r\n{body}END:VEVENT\r\n".encode()


def harmless_zone(tzid: str) -> bytes:
    return (
        f"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0500\r\nTZOFFSETTO:+0500\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    ).encode()


@pytest.mark.parametrize(
    "tzid",
    [
        "Europe/Berlin",
        '"Europe/Berlin"',
        "/Europe/Berlin",
        "/mozilla.org/20050126_1/Europe/Berlin",
        "/freeassociation.sourceforge.net/Tzfile/Europe/Berlin",
        "W. Europe Standard Time",
    ],
)
def test_time_zone_ids_mean_their_iana_zone(tzid):
    (entry,) = parse_calendar(
        calendar(vevent("a", start=f"DTSTART;TZID={tzid}:20260701T180000"), head=harmless_zone(tzid.strip('"'))),
        ZoneInfo("America/New_York"),
    )
    assert entry.start == datetime(2026, 7, 1, 18, tzinfo=BERLIN)
    assert entry.start.utcoffset() == timedelta(hours=-4)  # in the room's zone, the same instant


def test_a_files_own_time_zone_rules_are_never_used():
    # the VTIMEZONE says Europe/Berlin is +05:00 all year: the IANA rules win
    (entry,) = parse_calendar(calendar(vevent("a"), head=harmless_zone("Europe/Berlin")), BERLIN)
    assert entry.start == datetime(2026, 7, 1, 18, tzinfo=BERLIN) and entry.start.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "tzid",
    ["Evil", "Mitteleuropa", "(UTC+01:00) Amsterdam", "localtime", "../../etc/passwd", "Europe/Berlin/Evil", "x" * 300],
)
def test_other_time_zone_ids_refuse_the_file(tzid):
    data = calendar(vevent("ok"), vevent("a", start=f'DTSTART;TZID="{tzid}":20260701T180000'), head=harmless_zone(tzid))
    with pytest.raises(CalendarError, match="unknown time zone"):
        parse_calendar(data, BERLIN)


def test_unknown_time_zone_in_exdate_and_dtend_refuses_too():
    for line in ("DTEND;TZID=Evil:20260701T200000", "EXDATE;TZID=Evil:20260708T180000"):
        with pytest.raises(CalendarError, match="unknown time zone 'Evil'"):
            parse_calendar(calendar(vevent("a", "RRULE:FREQ=WEEKLY", line)), BERLIN)


def test_time_zones_of_exdates_rdates_and_ends():
    (entry,) = parse_calendar(
        calendar(
            vevent(
                "a",
                "DTEND;TZID=W. Europe Standard Time:20260701T200000",
                "RRULE:FREQ=WEEKLY",
                "EXDATE;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260708T180000,20260715T180000",
                "RDATE;TZID=America/New_York:20260720T120000",
            )
        ),
        BERLIN,
    )
    assert entry.end == datetime(2026, 7, 1, 20, tzinfo=BERLIN)
    assert entry.exdates == (datetime(2026, 7, 8, 18, tzinfo=BERLIN), datetime(2026, 7, 15, 18, tzinfo=BERLIN))
    assert entry.rdates == (datetime(2026, 7, 20, 18, tzinfo=BERLIN),)
    assert all(moment.tzinfo is BERLIN for moment in (entry.start, entry.end, *entry.exdates, *entry.rdates))


@pytest.mark.parametrize(
    "data",
    [
        calendar(b"END:VTIMEZONE\r\n", vevent("a")),  # would close (and cache as a zone) what is open
        calendar(vevent("a"), head=b"BEGIN:VTIMEZONE\r\nTZID:X\r\n"),  # never closed: everything after is dropped
    ],
)
def test_broken_time_zone_blocks_are_refused(data):
    with pytest.raises(CalendarError):
        parse_calendar(data, BERLIN)


def test_time_zone_blocks_in_odd_spellings_are_dropped():
    head = (
        b"begin:vtimezone\r\nTZID:Evil\r\nBEGIN;X-A=1:STANDARD\r\nDTSTART:16010101T000000\r\n"
        b"RRULE:FREQ=SECONDLY\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\nEN\r\n D:VTIMEZONE\r\n"
        b'BEGIN;X-Y="a:b":VTIMEZONE\r\nTZID:Evil2\r\nEND:VTIMEZONE\r\nB EGIN:VTIMEZONE\r\nEND:VTIMEZONE\r\n'
    )
    data = calendar(vevent("a"), head=head)
    left = _without_time_zones(data, 10)
    assert "TIMEZONE" not in left.upper() and "SECONDLY" not in left and "Evil" not in left
    (entry,) = parse_calendar(data, BERLIN)
    assert entry.uid == "a"


def test_entry_cap_and_nesting_depth():
    five_thousand = calendar(*(vevent(f"e{n}", "SUMMARY:x") for n in range(5000)))
    assert len(parse_calendar(five_thousand, BERLIN)) == 5000
    with pytest.raises(CalendarError, match="more than 5000 entries"):
        parse_calendar(calendar(*(vevent(f"e{n}", "SUMMARY:x") for n in range(5001))), BERLIN)
    with pytest.raises(CalendarError, match="more than 2 entries"):
        parse_calendar(calendar(*(vevent(f"e{n}", "SUMMARY:x") for n in range(3))), BERLIN, max_entries=2)
    alarm = b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
    (entry,) = parse_calendar(calendar(vevent("a", "SUMMARY:x").replace(b"END:VEVENT", alarm + b"END:VEVENT")), BERLIN)
    assert entry.title == "x"
    nested = b"BEGIN:X-L1\r\nBEGIN:X-L2\r\nBEGIN:X-L3\r\nEND:X-L3\r\nEND:X-L2\r\nEND:X-L1\r\n"
    parse_calendar(calendar(vevent("a", "SUMMARY:x"), nested), BERLIN)  # depth 4: VCALENDAR and 3 levels
    with pytest.raises(CalendarError, match="nested deeper than 4 levels"):
        parse_calendar(
            calendar(
                vevent("a", "SUMMARY:x"), nested.replace(b"BEGIN:X-L3\r\n", b"BEGIN:X-L3\r\nBEGIN:X-L4\r\nEND:X-L4\r\n")
            ),
            BERLIN,
        )


def test_nesting_depth_six_is_refused():
    deep = "".join(f"BEGIN:X-L{n}\r\n" for n in range(5)) + "".join(f"END:X-L{n}\r\n" for n in reversed(range(5)))
    with pytest.raises(CalendarError, match="nested deeper than 4"):
        parse_calendar(calendar(vevent("a", "SUMMARY:x"), deep.encode()), BERLIN)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("SUMMARY:" + "t" * 201, "title longer than 200 characters"),
        ("LOCATION:" + "Straße, " * 63, "place (LOCATION) longer than 500 characters"),
        ("DESCRIPTION:" + "d" * 6000, "description longer than 5000 characters"),
    ],
)
def test_over_long_properties_skip_the_entry(line, reason, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr("bot.ical.parse_place", lambda text: seen.append(text) or (text or None, False))
    lines = [line] if line.startswith("SUMMARY") else ["SUMMARY:Lang", line]
    ok, long = parse_calendar(
        calendar(vevent("ok", "SUMMARY:Kurz", "LOCATION:Lokal K"), vevent("long", *lines)), BERLIN
    )
    assert ok.skip_reason is None and ok.place == "Lokal K"
    assert long.skip_reason == reason and long.description is None and long.place is None
    assert long.title == ("t" * 60 + "…" if line.startswith("SUMMARY") else "Lang")
    assert seen == ["Lokal K"]  # the over-long LOCATION never reached parse_place
    # at the limits, nothing is skipped
    (entry,) = parse_calendar(
        calendar(vevent("max", "SUMMARY:" + "t" * 200, "LOCATION:" + "p" * 500, "DESCRIPTION:" + "d" * 5000)), BERLIN
    )
    assert entry.skip_reason is None and len(entry.description) == 5000


async def test_import_reports_over_long_entries_and_imports_the_rest():
    storage = await Storage.open(":memory:")
    try:
        data = calendar(
            vevent("1", "SUMMARY:Bleibt"),
            vevent("2", "SUMMARY:Zu lang", "DESCRIPTION:" + "d" * 6000),
            vevent("3", "SUMMARY:Ort zu lang", "LOCATION:" + "x" * 501),
            vevent("4", "SUMMARY:" + "t" * 201),
        )
        report = await import_calendar(storage, "!a", data, zone=BERLIN, t=DE, submitter="@c", now=NOW, max_entries=10)
        assert report.counts.added == 1
        assert report.skipped == (
            ("Zu lang", "description longer than 5000 characters"),
            ("Ort zu lang", "place (LOCATION) longer than 500 characters"),
            ("t" * 60 + "…", "title longer than 200 characters"),
        )
        (stored,) = await storage.list_events("!a", statuses=tuple(EventStatus))
        assert stored.title == "Bleibt"
        with pytest.raises(CalendarError, match="more than 3 entries"):
            await import_calendar(storage, "!a", data, zone=BERLIN, t=DE, submitter="@c", now=NOW, max_entries=3)
    finally:
        await storage.close()


async def test_an_event_gone_from_its_feed_tells_those_who_said_yes(tmp_path):
    storage = await Storage.open(tmp_path / "feed.db")
    feed, _ = await storage.add_feed("!a", "https://events.example.org/f.ics", 3600, "@curator")
    both = room_ics([sample_event(uid="1", title="Bleibt"), sample_event(uid="2", title="Fällt aus")], [], STAMP, "f")
    await import_calendar(storage, "!a", both, zone=BERLIN, t=DE, submitter="@c", now=NOW, feed_id=feed.id)
    gone = next(e for e in await storage.list_events("!a") if e.uid == "2")
    await storage.add_rsvp("!a", Target("event", gone.id), "@bob:example.org", "$yes")

    one = room_ics([sample_event(uid="1", title="Bleibt")], [], STAMP, "f")
    report = await import_calendar(storage, "!a", one, zone=BERLIN, t=DE, submitter="@c", now=NOW, feed_id=feed.id)

    assert report.counts.cancelled == 1 and report.counts.cancelled_ids == (gone.id,)
    [notice] = await storage.unsent_messages()
    assert (
        notice.mentions == ("@bob:example.org",)
        and "Abgesagt" in notice.reply.text
        and "Fällt aus" in notice.reply.text
    )
    await storage.close()
