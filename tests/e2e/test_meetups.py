"""Meetups through the chat: the nine labs of the reference roundup, listed back in their own words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

REFERENCE = Path(__file__).parent.parent / "data" / "reference-meetups.txt"
YEAR = date.today().year + 1


async def test_reference_meetups_round_trip(make_bot, make_user, joined):
    bot = make_bot()
    alice = await make_user("alice")
    room = await alice.create_room(invite=[bot.user.user_id])
    await joined(alice, room, bot.user.user_id)
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    replies = [await alice.ask(room, f"!meetup add {line}") for line in lines]
    assert all("Eingetragen als #" in reply for reply in replies)
    # the Berlin rule ("zweiten oder dritten") cannot be computed, and the reply says so
    assert "keine Termine berechnen" in replies[0] and "!meetup dates" in replies[0]
    assert all("Nächste Termine" in reply for reply in replies[1:])

    listing = await alice.ask(room, "!meetup list")
    cities = [line.split(" ", 1)[1].split(":", 1)[0] for line in listing.splitlines() if line.startswith("#")]
    assert cities == [
        "Berlin",
        "Bielefeld",
        "Flensburg",
        "Karlsruhe",
        "Köln",
        "Leipzig",
        "Münster",
        "Niederrhein",
        "temporärhaus (Neu-Ulm)",
    ]
    for line in lines:
        city, rule, times, place, name, link = (part.strip() for part in line.split("|"))
        expected_place = "online" if place == "online" else place
        assert f"{city}: {rule}, {times}, {expected_place}: {name}" in listing
        assert link in listing


async def test_skip_move_and_explicit_dates(room):
    _, alice, bob, room = room
    await alice.ask(room, "!meetup add Köln | jeden ersten Montag im Monat | 19:00-22:00 | Lokal K | Code for Cologne")
    # first Mondays of January and February of next year
    first_jan = next(date(YEAR, 1, d) for d in range(1, 8) if date(YEAR, 1, d).weekday() == 0)
    first_feb = next(date(YEAR, 2, d) for d in range(1, 8) if date(YEAR, 2, d).weekday() == 0)
    refused = await bob.ask(room, f"!meetup skip #1 {first_jan:%d.%m.%Y}")
    assert "Das dürfen nur" in refused
    skipped = await alice.ask(room, f"!meetup skip #1 {first_jan:%d.%m.%Y}")
    assert "fällt" in skipped and "aus" in skipped
    not_a_date = await alice.ask(room, f"!meetup skip #1 {first_jan.replace(day=first_jan.day + 1):%d.%m.%Y}")
    assert "kein Termin" in not_a_date
    day_after = first_feb.replace(day=first_feb.day + 1)
    moved = await alice.ask(room, f"!meetup move #1 {first_feb:%d.%m.%Y} {day_after:%d.%m.%Y} 18:00")
    assert "verschoben" in moved and "18:00" in moved
    shown = await alice.ask(room, "!meetup next #1 30")
    assert f"{first_jan:%d.%m.%Y}" not in shown
    assert f"{day_after:%d.%m.%Y}, 18:00" in shown

    await alice.ask(
        room, "!meetup add Berlin | jeden zweiten oder dritten Montag im Monat | 19:00 | WikiBär | Code for Berlin"
    )
    assert "keine Termine bekannt" in await alice.ask(room, "!meetup next #2")
    saved = await alice.ask(room, f"!meetup dates #2 12.01.{YEAR} 16.02.{YEAR} 19:30")
    assert "2 Termine" in saved
    shown = await alice.ask(room, "!meetup next #2")
    assert f"12.01.{YEAR}, 19:00" in shown and f"16.02.{YEAR}, 19:30" in shown
