"""The bot's words in German and English, and dates written the way each language writes them (via Babel)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType

from babel.dates import format_date

from bot.text import Rich, fill

MESSAGES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        # dispatcher
        "edit_item_gone": {
            "de": "Was dieser Befehl eingetragen hatte, ist inzwischen gelöscht; die Änderung trage ich nicht ein. "
            "Schick den Befehl neu, um es wieder einzutragen.",
            "en": "What this command added has been deleted since; I do not apply the edit. Send the command again "
            "to add it anew.",
        },
        "edit_not_repeated": {
            "de": "Du hast einen Befehl geändert, der schon ausgeführt ist; `{command}` führe ich nicht ein "
            "zweites Mal aus. Schick dafür einen neuen Befehl.",
            "en": "You edited a command that was already carried out; I do not run `{command}` twice. Send a new "
            "command for that.",
        },
        "did_you_mean": {
            "de": "`{command}` kenne ich nicht. Meintest du `{suggestion}`? `{prefix}help` zeigt alle Befehle.",
            "en": "I do not know `{command}`. Did you mean `{suggestion}`? `{prefix}help` lists all commands.",
        },
        "unknown_command": {
            "de": "Unbekannter Befehl `{command}`. `{prefix}help` zeigt alle Befehle.",
            "en": "Unknown command `{command}`. `{prefix}help` lists all commands.",
        },
        "usage": {"de": "So geht es: `{usage}`", "en": "Usage: `{usage}`"},
        "usage_list": {"de": "So geht es:", "en": "Usage:"},
        "example": {"de": "Beispiel: `{example}`", "en": "Example: `{example}`"},
        "internal_error": {
            "de": "Das hat leider nicht geklappt: ein interner Fehler (Referenz {code}). "
            "Bitte melde die Referenz den Betreibern des Bots.",
            "en": "Sorry, that did not work: an internal error (reference {code}). "
            "Please pass the reference on to the bot's operators.",
        },
        "storage_error": {
            "de": "Die Datenbank ist gerade nicht verfügbar (Referenz {code}); es wurde nichts gespeichert. "
            "Bitte versuche es gleich noch einmal.",
            "en": "The database is unavailable right now (reference {code}); nothing was saved. "
            "Please try again in a moment.",
        },
        "rate_limited": {
            "de": "{count} Befehle nicht ausgeführt: zu viele auf einmal (höchstens {burst} am Stück, dann {limit} pro "
            "Minute). Bitte schick sie in {seconds} s noch einmal.",
            "en": "{count} commands not carried out: too many at once (at most {burst} in a row, then {limit} a "
            "minute). Please send them again in {seconds} s.",
        },
        "rate_limited_one": {
            "de": "Nicht ausgeführt: zu viele Befehle auf einmal (höchstens {burst} am Stück, dann {limit} pro "
            "Minute). Bitte schick ihn in {seconds} s noch einmal.",
            "en": "Not carried out: too many commands at once (at most {burst} in a row, then {limit} a minute). "
            "Please send it again in {seconds} s.",
        },
        "too_long": {
            "de": "Die Nachricht ist zu lang ({length} Zeichen, höchstens {limit}).",
            "en": "The message is too long ({length} characters, at most {limit}).",
        },
        "not_allowed": {
            "de": "Das dürfen nur {who}.",
            "en": "Only {who} may do that.",
        },
        "who_moderators": {"de": "Moderator:innen dieses Raums", "en": "moderators of this room"},
        "who_owner_or_moderators": {
            "de": "die Person, die es eingetragen hat, und Moderator:innen dieses Raums",
            "en": "the person who submitted it and moderators of this room",
        },
        # help
        "help_header": {"de": "**Befehle von eventbot**", "en": "**eventbot commands**"},
        "help_footer": {
            "de": "Mehr zu einem Befehl: `{prefix}help <Befehl>`",
            "en": "More about one command: `{prefix}help <command>`",
        },
        "help_aliases": {"de": "Auch: {aliases}", "en": "Also: {aliases}"},
        # when parsing
        "when_unreadable": {
            "de": "Ich kann „{fragment}“ nicht als Datum/Uhrzeit lesen.",
            "en": "I cannot read \u201c{fragment}\u201d as a date/time.",
        },
        "when_impossible_date": {
            "de": "Das Datum „{fragment}“ gibt es nicht.",
            "en": "The date \u201c{fragment}\u201d does not exist.",
        },
        "when_impossible_time": {
            "de": "Die Uhrzeit „{fragment}“ gibt es nicht (an diesem Tag in {zone}).",
            "en": "The time \u201c{fragment}\u201d does not exist (on that day in {zone}).",
        },
        "when_past": {
            "de": "„{fragment}“ liegt in der Vergangenheit.",
            "en": "\u201c{fragment}\u201d is in the past.",
        },
        "when_end_before_start": {
            "de": "Das Ende „{fragment}“ liegt vor dem Beginn.",
            "en": "The end \u201c{fragment}\u201d is before the start.",
        },
        "when_too_far": {
            "de": "„{fragment}“ liegt zu weit in der Zukunft.",
            "en": "\u201c{fragment}\u201d is too far in the future.",
        },
        "when_weekday_mismatch": {
            "de": "„{fragment}“ passt nicht zum Datum: das ist {options}.",
            "en": "\u201c{fragment}\u201d does not match the date: that is {options}.",
        },
        "when_examples": {
            "de": "So geht es zum Beispiel: `{date} 18:00-21:00`; `{day}, 18 Uhr`; `morgen 19 Uhr`; "
            "`{date} - {last}`; `{range}`",
            "en": "For example: `{day}, 6pm-9pm`; `{date} 18:00`; `tomorrow 7pm`; `{date} - {last}`; `{range}`",
        },
        # when parsing: readings to choose from, and what is missing
        "when_or": {"de": "oder", "en": "or"},
        "when_ambiguous": {
            "de": "„{fragment}“ lässt sich verschieden lesen. Meinst du {options}? Dann schreib es so.",
            "en": "\u201c{fragment}\u201d can be read in more than one way. Do you mean {options}? Then write it "
            "like that.",
        },
        "when_no_date": {
            "de": "Zu „{fragment}“ fehlt der Tag.",
            "en": "\u201c{fragment}\u201d has no date.",
        },
        "when_not_a_time": {
            "de": "„{fragment}“ ist keine Uhrzeit, die ich sicher lesen kann: schreib sie mit Minuten oder „Uhr“, "
            "etwa `18:00` oder `18 Uhr`.",
            "en": "\u201c{fragment}\u201d is not a time I can read for sure: write it with minutes or am/pm, "
            "like `18:00` or `6pm`.",
        },
        "when_missing_end_time": {
            "de": "Zum Ende „{fragment}“ fehlt die Uhrzeit.",
            "en": "The end \u201c{fragment}\u201d has no time.",
        },
        "when_no_start_time": {
            "de": "Bei „{fragment}“ fehlt die Uhrzeit, zu der es beginnt.",
            "en": "\u201c{fragment}\u201d does not say at what time it starts.",
        },
        "when_zone_mismatch": {
            "de": "„{fragment}“ gilt an diesem Tag nicht (Sommer- oder Winterzeit?); schreib die Uhrzeit ohne Zone.",
            "en": "\u201c{fragment}\u201d is not in force on that day (summer or winter time?); write the time "
            "without a zone.",
        },
        "when_separate_days": {
            "de": "„{fragment}“ sind zwei Termine: trag sie einzeln ein, oder schreib einen Zeitraum mit „bis“.",
            "en": "\u201c{fragment}\u201d are two dates: add them one by one, or write a range with \u201cto\u201d.",
        },
        "when_contradiction": {
            "de": "„{fragment}“ passt nicht zum Rest der Angabe.",
            "en": "\u201c{fragment}\u201d contradicts the rest of the date.",
        },
        # fields: a `|` in a text
        "field_where": {"de": "Wo", "en": "where"},
        "field_too_many_parts_form": {
            "de": "Das sind {count} mit | getrennte Teile, aber nur {limit} Felder. Gehört ein | zum Text, schreib "
            "ihn als `\\|`, oder schick den Befehl so, ein Feld je Zeile (bitte prüfen):\n{form}",
            "en": "That is {count} parts separated by |, but only {limit} fields. If a | belongs to the text, write "
            "it as `\\|`, or send the command like this, one field per line (please check):\n{form}",
        },
        # fields
        "field_duplicate_field": {
            "de": "Das Feld „{value}“ steht doppelt da.",
            "en": "The field \u201c{value}\u201d appears twice.",
        },
        "field_unknown_field": {
            "de": "Das Feld „{value}“ kenne ich nicht (bekannt: {known}).",
            "en": "I do not know the field \u201c{value}\u201d (known: {known}).",
        },
        "field_too_many_parts": {
            "de": "Zu viele Teile mit | getrennt; übrig blieb „{value}“.",
            "en": "Too many parts separated by |; left over: \u201c{value}\u201d.",
        },
        "field_bad_number": {
            "de": "„{value}“ ist keine Nummer wie `#12`.",
            "en": "\u201c{value}\u201d is not a number like `#12`.",
        },
        "field_bad_link": {
            "de": "Der Link „{value}“ muss mit http:// oder https:// beginnen.",
            "en": "The link \u201c{value}\u201d must start with http:// or https://.",
        },
        "field_bad_geo": {
            "de": "„{value}“ sind keine Koordinaten wie `52.5027, 13.4393`.",
            "en": "\u201c{value}\u201d are not coordinates like `52.5027, 13.4393`.",
        },
        "missing_fields": {
            "de": "Es fehlt: {fields}.",
            "en": "Missing: {fields}.",
        },
        "title_too_long": {
            "de": "Der Titel ist zu lang ({length} Zeichen, höchstens {limit}).",
            "en": "The title is too long ({length} characters, at most {limit}).",
        },
        "bad_month": {
            "de": "„{value}“ ist kein Monat. Beispiele: `dezember`, `dez 2026`, `12`, `2026-12`.",
            "en": "\u201c{value}\u201d is not a month. Examples: `december`, `dec 2026`, `12`, `2026-12`.",
        },
        # events
        "field_title": {"de": "Titel", "en": "title"},
        "field_when": {"de": "Wann", "en": "when"},
        "event_added": {"de": "Eingetragen als **#{number}**:", "en": "Added as **#{number}**:"},
        "event_duplicate": {
            "de": "Das gibt es schon als **#{number}**:",
            "en": "That already exists as **#{number}**:",
        },
        "event_pending_note": {
            "de": "Wartet auf Freigabe: Moderator:innen geben es mit ✅ auf diese Nachricht oder "
            "`{prefix}event approve #{number}` frei.",
            "en": "Waiting for approval: moderators approve it with ✅ on this message or "
            "`{prefix}event approve #{number}`.",
        },
        "event_not_found": {
            "de": "In diesem Raum gibt es keine Veranstaltung #{number}.",
            "en": "There is no event #{number} in this room.",
        },
        "event_updated": {"de": "Geändert: **#{number}**", "en": "Updated: **#{number}**"},
        "event_cancelled": {"de": "Abgesagt: **#{number}** {title}", "en": "Cancelled: **#{number}** {title}"},
        "event_already_cancelled": {
            "de": "**#{number}** ist schon abgesagt.",
            "en": "**#{number}** is already cancelled.",
        },
        "event_deleted": {"de": "Gelöscht: **#{number}** {title}", "en": "Deleted: **#{number}** {title}"},
        "event_approved": {"de": "Freigegeben: **#{number}** {title}", "en": "Approved: **#{number}** {title}"},
        "event_not_pending": {
            "de": "**#{number}** wartet nicht auf Freigabe.",
            "en": "**#{number}** is not waiting for approval.",
        },
        "event_rejected": {"de": "Abgelehnt: **#{number}** {title}", "en": "Rejected: **#{number}** {title}"},
        "event_rejected_reason": {"de": "Grund: {reason}", "en": "Reason: {reason}"},
        "events_none_upcoming": {"de": "Keine anstehenden Veranstaltungen.", "en": "No upcoming events."},
        "events_none_month": {"de": "Keine Veranstaltungen im {month}.", "en": "No events in {month}."},
        "events_header_upcoming": {"de": "**Anstehende Veranstaltungen**", "en": "**Upcoming events**"},
        "events_header_month": {"de": "**Veranstaltungen im {month}**", "en": "**Events in {month}**"},
        "events_more": {
            "de": "… und {count} weitere. Einen Monat ganz zeigt `{prefix}event list {month}`, suchen geht mit "
            "`{prefix}event search <Wörter>`.",
            "en": "… and {count} more. A whole month: `{prefix}event list {month}`; to search: "
            "`{prefix}event search <words>`.",
        },
        "when_read_as_morning": {
            "de": "Gelesen als {start}–{end} Uhr am Vormittag. Abends? Dann `edit when` mit {evening}.",
            "en": "Read as {start}–{end} in the morning. In the evening? Then `edit when` with {evening}.",
        },
        "events_more_page": {"de": "Alle im Kalender: {url}", "en": "All of them in the calendar: {url}"},
        "events_more_search": {
            "de": "… und {count} weitere. Gezielt suchen: `{prefix}event search <Wörter>`.",
            "en": "… and {count} more. To find one: `{prefix}event search <words>`.",
        },
        "search_more": {
            "de": "… und {count} weitere. Mehr Wörter grenzen die Suche ein: `{prefix}event search {words} …`.",
            "en": "… and {count} more. More words narrow the search: `{prefix}event search {words} …`.",
        },
        "search_none": {"de": "Nichts gefunden für „{words}“.", "en": "Nothing found for \u201c{words}\u201d."},
        "search_header": {"de": "**Gefunden für „{words}“:**", "en": "**Found for \u201c{words}\u201d:**"},
        "edit_title_empty": {"de": "Der Titel darf nicht leer sein.", "en": "The title must not be empty."},
        "status_cancelled": {"de": "abgesagt", "en": "cancelled"},
        "status_pending": {"de": "wartet auf Freigabe", "en": "waiting for approval"},
        "status_rejected": {"de": "abgelehnt", "en": "rejected"},
        "label_place": {"de": "Ort", "en": "Place"},
        "label_link": {"de": "Link", "en": "Link"},
        "label_online": {"de": "Online", "en": "Online"},
        "label_geo": {"de": "Geo", "en": "Geo"},
        "label_description": {"de": "Beschreibung", "en": "Description"},
        "label_submitter": {"de": "Eingetragen von", "en": "Submitted by"},
        "place_online": {"de": "online", "en": "online"},
        "place_also_online": {"de": "{place} und auch online", "en": "{place} and online"},
        "all_day": {"de": "ganztägig", "en": "all day"},
        "until": {"de": "bis", "en": "until"},
        # meetups
        "field_bad_time": {
            "de": "„{value}“ ist keine Uhrzeit wie `19:00-22:00` oder `19 Uhr`.",
            "en": "\u201c{value}\u201d is not a time like `19:00-22:00` or `7pm`.",
        },
        "field_city": {"de": "Stadt", "en": "city"},
        "field_rule": {"de": "Regel", "en": "rule"},
        "field_time": {"de": "Zeit", "en": "time"},
        "field_name": {"de": "Name", "en": "name"},
        "rule_bad_rrule": {
            "de": "Die RRULE „{value}“ ist fehlerhaft: {reason}. Beispiel: `RRULE:FREQ=MONTHLY;BYDAY=1MO`.",
            "en": "The RRULE \u201c{value}\u201d is malformed: {reason}. Example: `RRULE:FREQ=MONTHLY;BYDAY=1MO`.",
        },
        "rule_not_computable": {
            "de": "Die Regel „{rule}“ zeige ich so an, wie sie dasteht, kann daraus aber keine Termine berechnen. "
            "Erinnerungen gibt es deshalb erst, wenn du die Termine nennst: `{prefix}meetup dates #{number} "
            "<Datum> <Datum> ...`",
            "en": "I show the rule \u201c{rule}\u201d as written, but cannot compute dates from it, so there will "
            "be no reminders until you give the dates: `{prefix}meetup dates #{number} <date> <date> ...`",
        },
        "meetup_not_found": {
            "de": "In diesem Raum gibt es kein Treffen #{number}.",
            "en": "There is no meetup #{number} in this room.",
        },
        "meetups_none": {"de": "Noch keine regelmäßigen Treffen eingetragen.", "en": "No regular meetups yet."},
        "meetups_header": {"de": "**Regelmäßige Treffen**", "en": "**Regular meetups**"},
        "meetup_next_header": {"de": "Nächste Termine:", "en": "Next dates:"},
        "meetup_no_dates": {"de": "keine Termine bekannt", "en": "no known dates"},
        "meetup_deleted": {"de": "Gelöscht: **#{number}** {name}", "en": "Deleted: **#{number}** {name}"},
        "meetup_skipped": {
            "de": "**#{number}** {name}: der Termin am {date} fällt aus.",
            "en": "**#{number}** {name}: the date {date} is skipped.",
        },
        "meetup_moved": {
            "de": "**#{number}** {name}: der Termin vom {date} ist verschoben auf {when}.",
            "en": "**#{number}** {name}: the date {date} is moved to {when}.",
        },
        "meetup_not_a_date": {
            "de": "Am {date} ist kein Termin von **#{number}**.",
            "en": "**#{number}** has no date on {date}.",
        },
        "meetup_dates_set": {
            "de": "**#{number}** {name}: {count} Termine gespeichert.",
            "en": "**#{number}** {name}: {count} dates saved.",
        },
        "meetup_dates_set_one": {
            "de": "**#{number}** {name}: 1 Termin gespeichert.",
            "en": "**#{number}** {name}: 1 date saved.",
        },
        "meetup_no_dates_known": {
            "de": "Für **#{number}** kenne ich keinen solchen Termin.",
            "en": "I know no such date for **#{number}**.",
        },
        # deadlines
        "field_link": {"de": "Link", "en": "link"},
        "field_until": {"de": "Frist", "en": "deadline"},
        "deadline_not_found": {
            "de": "In diesem Raum gibt es keine Frist #{number}.",
            "en": "There is no deadline #{number} in this room.",
        },
        "deadlines_none": {"de": "Keine offenen Fristen.", "en": "No open deadlines."},
        "deadlines_header": {"de": "**Fristen**", "en": "**Deadlines**"},
        "deadline_until": {"de": "Einreichungen bis {end}", "en": "submissions until {end}"},
        "deadline_range": {
            "de": "Einreichungen von {start} bis {end} möglich",
            "en": "submissions from {start} to {end}",
        },
        "deadline_added": {"de": "Frist eingetragen als **#{number}**:", "en": "Deadline added as **#{number}**:"},
        "deadline_deleted": {
            "de": "Gelöscht: Frist **#{number}** {name}",
            "en": "Deleted: deadline **#{number}** {name}",
        },
        # roundup
        "roundup_bad_args": {
            "de": "Welcher Monat? Beispiele: `{prefix}roundup november`, `{prefix}roundup 2025-11`, "
            '`{prefix}roundup november 2025 "Allostatische Last"`',
            "en": "Which month? Examples: `{prefix}roundup november`, `{prefix}roundup 2025-11`, "
            '`{prefix}roundup november 2025 "Allostatische Last"`',
        },
        "roundup_summary": {
            "de": "**{title}**: Veranstaltungen vom {start} bis {end}: {events} Veranstaltungen, {meetups} "
            "regelmäßige Treffen, {deadlines} Fristen.",
            "en": "**{title}**: events from {start} to {end}: {events} events, {meetups} regular meetups, "
            "{deadlines} deadlines.",
        },
        "roundup_left_out": {"de": "Nicht aufgenommen:", "en": "Left out:"},
        "roundup_pending_count": {
            "de": "{count} Veranstaltungen, die noch auf Freigabe warten.",
            "en": "{count} events waiting for approval.",
        },
        "roundup_pending_count_one": {
            "de": "1 Veranstaltung, die noch auf Freigabe wartet.",
            "en": "1 event waiting for approval.",
        },
        # reminders and RSVPs
        "today": {"de": "heute", "en": "today"},
        "tomorrow": {"de": "morgen", "en": "tomorrow"},
        "reminder_head": {"de": "⏰ Erinnerung: **{title}**", "en": "⏰ Reminder: **{title}**"},
        "reminder_late": {"de": "(verspätet)", "en": "(late)"},
        "reminder_rsvps": {"de": "{count} Zusagen:", "en": "{count} coming:"},
        "reminder_rsvps_one": {"de": "1 Zusage:", "en": "1 coming:"},
        "reminder_no_rsvps": {
            "de": "Wer kommt? 👍 auf diese Nachricht.",
            "en": "Coming? React with 👍 to this message.",
        },
        "cancelled_notice": {
            "de": "❌ Abgesagt: **{title}** ({when}). Bescheid an alle, die zugesagt hatten:",
            "en": "❌ Cancelled: **{title}** ({when}). Letting everyone who said yes know:",
        },
        "who_none": {
            "de": "Noch keine Zusagen für **#{number}**. 👍 auf die Ankündigung sagt zu.",
            "en": "Nobody has said yes to **#{number}** yet. 👍 on the announcement says yes.",
        },
        "who_list": {"de": "Zusagen für **#{number}** ({count}):", "en": "Coming to **#{number}** ({count}):"},
        "reminders_show": {
            "de": "Erinnerungen in diesem Raum: Veranstaltungen {events}; regelmäßige Treffen {meetups}.",
            "en": "Reminders in this room: events {events}; regular meetups {meetups}.",
        },
        "reminders_before": {"de": "{leads} vorher", "en": "{leads} before"},
        "reminders_off": {"de": "aus", "en": "off"},
        "reminders_bad_lead": {
            "de": "„{value}“ ist keine Vorlaufzeit. Beispiele: `30m`, `1h`, `1d`, `1w`.",
            "en": "\u201c{value}\u201d is not a lead time. Examples: `30m`, `1h`, `1d`, `1w`.",
        },
        # calendars in and out
        "import_report": {
            "de": "Import: {added} neu, {updated} aktualisiert, {unchanged} unverändert, {duplicates} doppelt in der "
            "Datei, {skipped} übersprungen, {cancelled} abgesagt (aus dem Feed verschwunden).",
            "en": "Import: {added} added, {updated} updated, {unchanged} unchanged, {duplicates} duplicated in the "
            "file, {skipped} skipped, {cancelled} cancelled (gone from the feed).",
        },
        "import_skipped": {"de": "Übersprungen: {title} ({reason})", "en": "Skipped: {title} ({reason})"},
        "import_bad_file": {
            "de": "Diese Datei kann ich nicht als Kalender lesen ({detail}); es wurde nichts geändert.",
            "en": "I cannot read this file as a calendar ({detail}); nothing was changed.",
        },
        "import_no_source": {
            "de": "Woher? Eine https-URL angeben, eine .ics-Datei mit `{prefix}event import` als Beschreibung senden "
            "oder auf eine Nachricht mit .ics-Datei antworten.",
            "en": "From where? Give an https URL, send an .ics file with `{prefix}event import` as its caption, or "
            "reply to a message carrying an .ics file.",
        },
        "fetch_bad_url": {
            "de": "„{detail}“ ist keine http(s)-URL.",
            "en": "\u201c{detail}\u201d is not an http(s) URL.",
        },
        "fetch_blocked_address": {
            "de": "{detail} zeigt auf ein internes Netz; solche Adressen rufe ich nicht ab.",
            "en": "{detail} points into a private network; I do not fetch such addresses.",
        },
        "fetch_too_large": {
            "de": "Die Datei ist größer als {detail} Bytes.",
            "en": "The file is larger than {detail} bytes.",
        },
        "fetch_timeout": {"de": "Keine Antwort nach {detail} s.", "en": "No answer after {detail} s."},
        "fetch_http_status": {
            "de": "Der Server antwortete mit HTTP {detail}.",
            "en": "The server answered HTTP {detail}.",
        },
        "fetch_too_many_redirects": {
            "de": "Mehr als {detail} Weiterleitungen.",
            "en": "More than {detail} redirects.",
        },
        "fetch_unreachable": {"de": "{detail} ist nicht erreichbar.", "en": "{detail} cannot be reached."},
        "fetch_blocked_port": {
            "de": "Port {detail} wird nicht abgerufen (nur die Ports {ports}).",
            "en": "I do not fetch from port {detail} (only from ports {ports}).",
        },
        "fetch_bad_host": {
            "de": "„{detail}“ ist kein eindeutiger Hostname: nur ASCII-Namen (Umlaut-Domains als xn--…) und "
            "IPv4-Adressen in der Form 1.2.3.4.",
            "en": "\u201c{detail}\u201d is not an unambiguous host name: only ASCII names (international domains as "
            "xn--…) and IPv4 addresses written as 1.2.3.4.",
        },
        "fetch_download": {
            "de": "Die Datei ließ sich nicht laden: {detail}",
            "en": "The file could not be loaded: {detail}",
        },
        "feed_added": {
            "de": "Feed **#{number}** abonniert (alle {interval}): {url}",
            "en": "Subscribed to feed **#{number}** (every {interval}): {url}",
        },
        "feed_exists": {
            "de": "Diesen Feed gibt es schon als **#{number}**.",
            "en": "That feed exists as **#{number}**.",
        },
        "feed_limit": {
            "de": "Dieser Raum hat schon {limit} Feeds, mehr gehen nicht. Bestelle erst einen ab: "
            "`{prefix}feed remove #N`, zum Beispiel `{prefix}feed remove #{number}` "
            "(`{prefix}feed list` zeigt alle).",
            "en": "This room already has {limit} feeds, the most it may have. Remove one first: "
            "`{prefix}feed remove #N`, for example `{prefix}feed remove #{number}` "
            "(`{prefix}feed list` shows them all).",
        },
        "feed_hidden": {
            "de": "**#{number}** (verborgen: die Adresse enthält Zugangsdaten; nur die Moderation sieht sie)",
            "en": "**#{number}** (hidden: its address carries credentials; only moderators see it)",
        },
        "feeds_none": {"de": "Keine abonnierten Feeds.", "en": "No subscribed feeds."},
        "feeds_header": {"de": "**Abonnierte Feeds**", "en": "**Subscribed feeds**"},
        "feed_not_found": {
            "de": "In diesem Raum gibt es keinen Feed #{number}.",
            "en": "No feed #{number} in this room.",
        },
        "feed_removed": {"de": "Feed **#{number}** abbestellt.", "en": "Unsubscribed from feed **#{number}**."},
        "feed_never": {"de": "noch nie abgerufen", "en": "never fetched"},
        "feed_error": {"de": "Fehler: {error}", "en": "error: {error}"},
        "calendar_url": {
            "de": "Kalender dieses Raums zum Abonnieren: {url}\n(Wer die Adresse kennt, sieht die Termine; "
            "`{prefix}calendar rotate` erzeugt eine neue.)",
            "en": "This room's calendar to subscribe to: {url}\n(Anyone with the address sees the events; "
            "`{prefix}calendar rotate` makes a new one.)",
        },
        # the public calendar page (`!calendar publish`) and the page itself (bot/web)
        "calendar_public": {"de": "Öffentliche Seite dieses Raums: {url}", "en": "This room's public page: {url}"},
        "calendar_not_public": {
            "de": "Eine öffentliche Seite mit Liste und Karte hat dieser Raum noch nicht; "
            "`{prefix}calendar publish <Name>` richtet sie ein (Moderation).",
            "en": "This room has no public page with list and map yet; "
            "`{prefix}calendar publish <name>` sets one up (moderators).",
        },
        "calendar_published": {
            "de": "Der Kalender dieses Raums ist öffentlich: {url}\nDort stehen die freigegebenen Termine und "
            "Treffen mit Karte und Abo-Links. `{prefix}calendar unpublish` nimmt die Seite wieder herunter.",
            "en": "This room's calendar is public: {url}\nIt lists the approved events and meetups, with a map "
            "and links to subscribe. `{prefix}calendar unpublish` takes the page down again.",
        },
        "calendar_published_derived": {
            "de": "(Den Namen hat der Bot aus der Raum-ID gebildet; einen lesbaren vergibst du zum Beispiel mit "
            "`{prefix}calendar publish ok-lab-leipzig`.)",
            "en": "(The bot made the name from the room id; give it a readable one, for example with "
            "`{prefix}calendar publish ok-lab-leipzig`.)",
        },
        "calendar_unpublished": {
            "de": "Die öffentliche Seite {url} ist abgeschaltet; ihre Adresse und ihr Feed antworten jetzt mit 404.",
            "en": "The public page {url} is taken down; its address and its feed now answer 404.",
        },
        "calendar_unpublish_none": {
            "de": "Dieser Raum hat keine öffentliche Seite.",
            "en": "This room has no public page.",
        },
        "calendar_name_bad": {
            "de": "„{name}“ geht nicht als Name der Seite: 2 bis 40 Zeichen aus Kleinbuchstaben (a-z), Ziffern und "
            "`-`, am Anfang und am Ende ein Buchstabe oder eine Ziffer. Beispiel: `{prefix}calendar publish "
            "ok-lab-leipzig`.",
            "en": "“{name}” cannot be the page's name: 2 to 40 characters of lower-case letters (a-z), digits and "
            "`-`, starting and ending with a letter or digit. Example: `{prefix}calendar publish ok-lab-leipzig`.",
        },
        "calendar_name_taken": {
            "de": "Den Namen „{name}“ hat schon ein anderer Raum. Frei ist zum Beispiel „{free}“: "
            "`{prefix}calendar publish {free}`.",
            "en": "Another room already has the name “{name}”. Free is, for example, “{free}”: "
            "`{prefix}calendar publish {free}`.",
        },
        "calendar_name_reserved": {
            "de": "„{name}“ ist für die Adressen des Bots reserviert. Frei ist zum Beispiel „{free}“: "
            "`{prefix}calendar publish {free}`.",
            "en": "“{name}” is reserved for the bot's own addresses. Free is, for example, “{free}”: "
            "`{prefix}calendar publish {free}`.",
        },
        "calendar_name_needed": {
            "de": "Aus diesem Raum lässt sich kein Name bilden; gib einen an, zum Beispiel "
            "`{prefix}calendar publish ok-lab-leipzig`.",
            "en": "No name can be made from this room; give one, for example "
            "`{prefix}calendar publish ok-lab-leipzig`.",
        },
        "page_title": {"de": "Termine · {name}", "en": "Events · {name}"},
        "page_heading": {"de": "{name}: Termine und Treffen", "en": "{name}: events and meetups"},
        "page_description": {
            "de": "Veranstaltungen und regelmäßige Treffen ({name}): Liste, Karte und Kalender zum Abonnieren.",
            "en": "Events and regular meetups ({name}): list, map and a calendar to subscribe to.",
        },
        "page_month_title": {"de": "{month} · {name}", "en": "{month} · {name}"},
        "page_month_heading": {"de": "{name}: {month}", "en": "{name}: {month}"},
        "page_month_description": {
            "de": "Veranstaltungen und regelmäßige Treffen im {month} ({name}).",
            "en": "Events and regular meetups in {month} ({name}).",
        },
        "page_upcoming": {"de": "Demnächst", "en": "Coming up"},
        "page_nothing": {
            "de": "In den nächsten {weeks} Wochen steht nichts an.",
            "en": "Nothing in the next {weeks} weeks.",
        },
        "page_month_nothing": {"de": "In diesem Monat steht nichts an.", "en": "Nothing this month."},
        "page_map": {"de": "Karte", "en": "Map"},
        "page_map_hint": {
            "de": "Die Karte braucht JavaScript; alle Termine stehen auch in der Liste.",
            "en": "The map needs JavaScript; every event is in the list as well.",
        },
        "page_map_empty": {
            "de": "Keiner der Termine hat Koordinaten für die Karte.",
            "en": "None of the events has coordinates for the map.",
        },
        "page_online": {"de": "Nur online", "en": "Online only"},
        "page_subscribe": {"de": "Abonnieren", "en": "Subscribe"},
        "page_subscribe_webcal": {"de": "In der Kalender-App abonnieren", "en": "Subscribe in your calendar app"},
        "page_subscribe_webcal_hint": {
            "de": "Für Apple Kalender, Thunderbird, Outlook und andere: neue und geänderte Termine erscheinen "
            "von selbst.",
            "en": "For Apple Calendar, Thunderbird, Outlook and others: new and changed events show up by themselves.",
        },
        "page_subscribe_google": {"de": "In Google Kalender hinzufügen", "en": "Add to Google Calendar"},
        "page_subscribe_google_hint": {
            "de": "Für Google Kalender (auch auf Android-Telefonen): fügt diesen Kalender deinem Google-Konto hinzu.",
            "en": "For Google Calendar (Android phones too): adds this calendar to your Google account.",
        },
        "page_subscribe_url_hint": {
            "de": "Die Adresse des Kalenders (iCalendar), zum Kopieren in jede andere App.",
            "en": "The calendar's address (iCalendar), to copy into any other app.",
        },
        "page_months": {"de": "Monate", "en": "Months"},
        "page_month_view": {"de": "Monatsansicht", "en": "Month view"},
        "page_prev": {"de": "Vorheriger Monat", "en": "Previous month"},
        "page_next": {"de": "Nächster Monat", "en": "Next month"},
        "page_grid": {"de": "Monatsübersicht", "en": "The month at a glance"},
        "page_month_list": {"de": "Alle Termine im {month}", "en": "All events in {month}"},
        "page_today": {"de": "heute", "en": "today"},
        "page_all_day": {"de": "ganztägig", "en": "all day"},
        "page_meetup": {"de": "Regelmäßiges Treffen", "en": "Regular meetup"},
        "page_zone": {"de": "Alle Zeiten in der Zeitzone {zone}.", "en": "All times in the time zone {zone}."},
        "page_footer": {
            "de": "eventbot erstellt diese Seite aus den Terminen eines Matrix-Raums.",
            "en": "eventbot builds this page from the events of a Matrix room.",
        },
        "page_skip": {"de": "Zur Liste springen", "en": "Skip to the list"},
        "page_details": {"de": "Mehr dazu", "en": "Details"},
        "page_back": {"de": "Alle Termine", "en": "All events"},
        "page_item_heading": {"de": "Auf einen Blick", "en": "At a glance"},
        "page_item_when": {"de": "Wann", "en": "When"},
        "page_item_no_dates": {"de": "Keine kommenden Termine.", "en": "No upcoming dates."},
        "page_item_rule": {"de": "Regel", "en": "Rule"},
        "page_item_online": {"de": "Online", "en": "Online"},
        "page_item_rsvps": {"de": "Zusagen", "en": "RSVPs"},
        "page_rsvps": {"de": "{count} im Matrix-Raum", "en": "{count} in the Matrix room"},
        "page_item_coming": {"de": "Die nächsten Termine", "en": "The next dates"},
        "page_add": {"de": "In den Kalender eintragen", "en": "Add to your calendar"},
        "page_add_ics": {"de": "Termin herunterladen (.ics)", "en": "Download the event (.ics)"},
        "page_add_ics_hint": {
            "de": "Für jede Kalender-App: die Datei öffnen oder importieren.",
            "en": "For any calendar app: open or import the file.",
        },
        "page_add_google": {"de": "In Google Kalender eintragen", "en": "Add to Google Calendar"},
        "page_add_google_hint": {
            "de": "Öffnet Google Kalender mit diesem Termin, zum Speichern.",
            "en": "Opens Google Calendar with this event, to save it.",
        },
        "page_add_webcal": {"de": "Den ganzen Kalender abonnieren", "en": "Subscribe to the whole calendar"},
        "page_add_webcal_hint": {
            "de": "Alle Termine dieses Kalenders in deiner Kalender-App, laufend aktuell.",
            "en": "All events of this calendar in your calendar app, kept up to date.",
        },
        "page_filtered": {"de": "Gefiltert:", "en": "Filtered:"},
        "page_filtered_all": {"de": "alle anzeigen", "en": "show all"},
        "page_filtered_nothing": {"de": "Nichts passt zu diesen Filtern.", "en": "Nothing matches these filters."},
        "page_bad_request_title": {"de": "Ungültige Adresse", "en": "Invalid address"},
        "page_bad_request_heading": {"de": "Das geht so nicht", "en": "That does not work"},
        "page_bad_request": {
            "de": "Der Parameter „{name}“ ist ungültig: {allowed}",
            "en": "The parameter “{name}” is invalid: {allowed}",
        },
        "filter_allowed_names": {
            "de": "erlaubt sind city, online, q, from, to und lang.",
            "en": "the allowed ones are city, online, q, from, to and lang.",
        },
        "filter_allowed_none": {"de": "diese Adresse kennt nur lang.", "en": "this address only knows lang."},
        "filter_allowed_once": {"de": "jeder Parameter höchstens einmal.", "en": "each parameter at most once."},
        "filter_allowed_length": {"de": "höchstens 200 Zeichen.", "en": "at most 200 characters."},
        "filter_allowed_online": {
            "de": "online=only (nur online) oder online=no (mit Ort).",
            "en": "online=only (online only) or online=no (with a place).",
        },
        "filter_allowed_date": {
            "de": "ein Datum als JJJJ-MM-TT, zum Beispiel 2026-12-24.",
            "en": "a date as YYYY-MM-DD, for example 2026-12-24.",
        },
        "filter_allowed_order": {"de": "from darf nicht nach to liegen.", "en": "from must not be after to."},
        "filter_allowed_span": {
            "de": "from und to höchstens 366 Tage auseinander.",
            "en": "from and to at most 366 days apart.",
        },
        "calendar_disabled": {
            "de": "Der Kalender-Feed ist nicht eingeschaltet (`[http] enabled = true` in der Konfiguration).",
            "en": "The calendar feed is switched off (`[http] enabled = true` in the configuration).",
        },
        # settings
        "settings_show": {
            "de": "Einstellungen dieses Raums: Freigabe {approval}, Zeitzone {timezone}, @room in Erinnerungen "
            "{room_mention}",
            "en": "Settings of this room: approval {approval}, time zone {timezone}, @room in reminders {room_mention}",
        },
        "on": {"de": "an", "en": "on"},
        "off": {"de": "aus", "en": "off"},
        "settings_saved": {"de": "Gespeichert. ", "en": "Saved. "},
        "settings_bad_zone": {
            "de": "„{value}“ ist keine Zeitzone. Beispiel: `Europe/Berlin`.",
            "en": "\u201c{value}\u201d is not a time zone. Example: `Europe/Berlin`.",
        },
    }
)

# The argument names in usage lines (`<title>`, `[month]`), as each language calls them; keywords stay as they are.
PLACEHOLDERS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "de": MappingProxyType(
            {
                "title": "Titel",
                "when": "wann",
                "where": "wo",
                "link": "Link",
                "month": "Monat",
                "year": "Jahr",
                "field": "Feld",
                "value": "Wert",
                "words": "Suchwörter",
                "reason": "Grund",
                "https URL": "https-URL",
                "city": "Stadt",
                "rule": "Regel",
                "time": "Uhrzeit",
                "name": "Name",
                "count": "Anzahl",
                "date": "Datum",
                "new date and time": "neues Datum und Uhrzeit",
                "date or range": "Datum oder Zeitraum",
                '"headline"': '"Überschrift"',
                "lead": "Vorlauf",
                "zone": "Zeitzone",
                "command": "Befehl",
            }
        ),
        "en": MappingProxyType({}),
    }
)
_PLACEHOLDER = re.compile(r"([<\[])([^<>\[\]|]+)([>\]])")


@functools.lru_cache(maxsize=4096)
def _day(day: date, language: str) -> str:
    """A date with its weekday, as the language writes it (cached: lists and roundups repeat days)."""
    return format_date(day, "EEEE, dd.MM.yyyy" if language == "de" else "EEEE, d MMM yyyy", locale=language)


class Translator:
    """Messages and dates in one language."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **params: str | int | Rich) -> Rich:
        return fill(MESSAGES[key][self.language], **params)

    def count(self, key: str, count: int, **params: str | int | Rich) -> Rich:
        """A message about `count` things: its `_one` form (where it has one) for exactly one."""
        singular = f"{key}_one"
        return self(singular if count == 1 and singular in MESSAGES else key, count=count, **params)

    def raw(self, key: str) -> str:
        return MESSAGES[key][self.language]

    def usage(self, usage: str) -> str:
        """A usage line with its argument names in this language: `event list [Monat] [Jahr]`."""
        names = PLACEHOLDERS[self.language]
        return _PLACEHOLDER.sub(lambda m: m[1] + names.get(m[2], m[2]) + m[3], usage)

    def month(self, year: int, month: int) -> str:
        """`November 2025` (the month's standalone name, as in headings)."""
        return format_date(date(year, month, 1), "LLLL yyyy", locale=self.language)

    def date(self, value: datetime) -> str:
        """`Donnerstag, 04.12.2025` / `Thursday, 4 Dec 2025` (the wall-clock date of `value`)."""
        return _day(value.date(), self.language)

    @staticmethod
    def time(value: datetime) -> str:
        return value.strftime("%H:%M")

    def when(self, start: datetime, end: datetime | None, all_day: bool) -> str:
        """`Donnerstag, 04.12.2025, 18:00-21:00`; several days `..., 13:00, bis Freitag, 05.12.2025, 13:00`."""
        until = self.raw("until")
        if all_day:
            if end is None or end.date() == start.date():
                return self.date(start)
            return f"{self.date(start)}, {until} {self.date(end)}"
        if end is None or end == start:
            return f"{self.date(start)}, {self.time(start)}"
        if end.date() == start.date():
            return f"{self.date(start)}, {self.time(start)}-{self.time(end)}"
        return f"{self.date(start)}, {self.time(start)}, {until} {self.date(end)}, {self.time(end)}"

    def place_and_link(self, place: str | None, online: bool, link: str | None) -> list[Rich]:
        """`Ort: ...` and `Link: ...` lines, as far as they are known."""
        shown = self.place(place, online)
        lines = [Rich.plain(f"{self.raw('label_place')}: {shown}")] if shown else []
        if link:
            lines.append(Rich.plain(f"{self.raw('label_link')}: {link}"))
        return lines

    def place(self, place: str | None, online: bool) -> str | None:
        """`online`, `<place> und auch online`, the place, or None."""
        if place and online:
            return self.raw("place_also_online").format(place=place)
        return place or (self.raw("place_online") if online else None)
