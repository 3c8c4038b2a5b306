"""eventbot's words in German: messages by key, and the argument names of usage lines."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # dispatcher
    "edit_item_gone": (
        "Was dieser Befehl eingetragen hatte, ist inzwischen gelöscht; die Änderung trage ich nicht ein. Schick den "
        "Befehl neu, um es wieder einzutragen."
    ),
    "edit_not_repeated": (
        "Du hast einen Befehl geändert, der schon ausgeführt ist; `{command}` führe ich nicht ein zweites Mal aus. "
        "Schick dafür einen neuen Befehl."
    ),
    "did_you_mean": "`{command}` kenne ich nicht. Meintest du `{suggestion}`? `{prefix}help` zeigt alle Befehle.",
    "unknown_command": "Unbekannter Befehl `{command}`. `{prefix}help` zeigt alle Befehle.",
    "usage": "So geht es: `{usage}`",
    "usage_list": "So geht es:",
    "example": "Beispiel: `{example}`",
    "internal_error": (
        "Das hat leider nicht geklappt: ein interner Fehler (Referenz {code}). Bitte melde die Referenz den Betreibern "
        "des Bots."
    ),
    "storage_error": (
        "Die Datenbank ist gerade nicht verfügbar (Referenz {code}); es wurde nichts gespeichert. Bitte versuche es "
        "gleich noch einmal."
    ),
    "rate_limited": (
        "{count} Befehle nicht ausgeführt: zu viele auf einmal (höchstens {burst} am Stück, dann {limit} pro Minute). "
        "Bitte schick sie in {seconds} s noch einmal."
    ),
    "rate_limited_one": (
        "Nicht ausgeführt: zu viele Befehle auf einmal (höchstens {burst} am Stück, dann {limit} pro Minute). Bitte "
        "schick ihn in {seconds} s noch einmal."
    ),
    "too_long": "Die Nachricht ist zu lang ({length} Zeichen, höchstens {limit}).",
    "not_allowed": "Das dürfen nur {who}.",
    "who_moderators": "Moderator:innen dieses Raums",
    "who_owner_or_moderators": "die Person, die es eingetragen hat, und Moderator:innen dieses Raums",
    # help
    "help_header": "**Befehle von eventbot**",
    "help_footer": "Mehr zu einem Befehl: `{prefix}help <Befehl>`",
    "help_aliases": "Auch: {aliases}",
    # when parsing
    "when_unreadable": "Ich kann „{fragment}“ nicht als Datum/Uhrzeit lesen.",
    "when_impossible_date": "Das Datum „{fragment}“ gibt es nicht.",
    "when_impossible_time": "Die Uhrzeit „{fragment}“ gibt es nicht (an diesem Tag in {zone}).",
    "when_past": "„{fragment}“ liegt in der Vergangenheit.",
    "when_end_before_start": "Das Ende „{fragment}“ liegt vor dem Beginn.",
    "when_too_far": "„{fragment}“ liegt zu weit in der Zukunft.",
    "when_weekday_mismatch": "„{fragment}“ passt nicht zum Datum: das ist {options}.",
    "when_examples": (
        "So geht es zum Beispiel: `{date} 18:00-21:00`; `{day}, 18 Uhr`; `morgen 19 Uhr`; `{date} - {last}`; `{range}`"
    ),
    # when parsing: readings to choose from, and what is missing
    "when_or": "oder",
    "when_ambiguous": "„{fragment}“ lässt sich verschieden lesen. Meinst du {options}? Dann schreib es so.",
    "when_no_date": "Zu „{fragment}“ fehlt der Tag.",
    "when_not_a_time": (
        "„{fragment}“ ist keine Uhrzeit, die ich sicher lesen kann: schreib sie mit Minuten oder „Uhr“, etwa `18:00` "
        "oder `18 Uhr`."
    ),
    "when_missing_end_time": "Zum Ende „{fragment}“ fehlt die Uhrzeit.",
    "when_no_start_time": "Bei „{fragment}“ fehlt die Uhrzeit, zu der es beginnt.",
    "when_zone_mismatch": (
        "„{fragment}“ gilt an diesem Tag nicht (Sommer- oder Winterzeit?); schreib die Uhrzeit ohne Zone."
    ),
    "when_separate_days": (
        "„{fragment}“ sind zwei Termine: trag sie einzeln ein, oder schreib einen Zeitraum mit „bis“."
    ),
    "when_contradiction": "„{fragment}“ passt nicht zum Rest der Angabe.",
    # fields: a `|` in a text
    "field_where": "Wo",
    "field_too_many_parts_form": (
        "Das sind {count} mit | getrennte Teile, aber nur {limit} Felder. Gehört ein | zum Text, schreib ihn als "
        "`\\|`, oder schick den Befehl so, ein Feld je Zeile (bitte prüfen):\n{form}"
    ),
    # fields
    "field_duplicate_field": "Das Feld „{value}“ steht doppelt da.",
    "field_unknown_field": "Das Feld „{value}“ kenne ich nicht (bekannt: {known}).",
    "field_too_many_parts": "Zu viele Teile mit | getrennt; übrig blieb „{value}“.",
    "field_bad_number": "„{value}“ ist keine Nummer wie `#12`.",
    "field_bad_link": "Der Link „{value}“ muss mit http:// oder https:// beginnen.",
    "field_bad_geo": "„{value}“ sind keine Koordinaten wie `52.5027, 13.4393`.",
    "missing_fields": "Es fehlt: {fields}.",
    "title_too_long": "Der Titel ist zu lang ({length} Zeichen, höchstens {limit}).",
    "bad_month": "„{value}“ ist kein Monat. Beispiele: `{name}`, `{short} {year}`, `{number}`, `{iso}`.",
    # events
    "field_title": "Titel",
    "field_when": "Wann",
    "event_added": "Eingetragen als **#{number}**:",
    "event_duplicate": "Das gibt es schon als **#{number}**:",
    "event_pending_note": (
        "Wartet auf Freigabe: Moderator:innen geben es mit ✅ auf diese Nachricht oder `{prefix}event approve "
        "#{number}` frei."
    ),
    "event_not_found": "In diesem Raum gibt es keine Veranstaltung #{number}.",
    "event_updated": "Geändert: **#{number}**",
    "event_cancelled": "Abgesagt: **#{number}** {title}",
    "event_already_cancelled": "**#{number}** ist schon abgesagt.",
    "event_deleted": "Gelöscht: **#{number}** {title}",
    "event_approved": "Freigegeben: **#{number}** {title}",
    "event_not_pending": "**#{number}** wartet nicht auf Freigabe.",
    "event_rejected": "Abgelehnt: **#{number}** {title}",
    "event_rejected_reason": "Grund: {reason}",
    "events_none_upcoming": "Keine anstehenden Veranstaltungen.",
    "events_none_month": "Keine Veranstaltungen im {month}.",
    "events_header_upcoming": "**Anstehende Veranstaltungen**",
    "events_header_month": "**Veranstaltungen im {month}**",
    "events_more": (
        "… und {count} weitere. Einen Monat ganz zeigt `{prefix}event list {month}`, suchen geht mit `{prefix}event "
        "search <Wörter>`."
    ),
    "when_read_as_morning": "Gelesen als {start}–{end} Uhr am Vormittag. Abends? Dann `edit when` mit {evening}.",
    "events_more_page": "Alle im Kalender: {url}",
    "events_more_search": "… und {count} weitere. Gezielt suchen: `{prefix}event search <Wörter>`.",
    "search_more": "… und {count} weitere. Mehr Wörter grenzen die Suche ein: `{prefix}event search {words} …`.",
    "search_none": "Nichts gefunden für „{words}“.",
    "search_header": "**Gefunden für „{words}“:**",
    "edit_title_empty": "Der Titel darf nicht leer sein.",
    "status_cancelled": "abgesagt",
    "status_pending": "wartet auf Freigabe",
    "status_rejected": "abgelehnt",
    "label_place": "Ort",
    "label_link": "Link",
    "label_online": "Online",
    "label_geo": "Geo",
    "label_description": "Beschreibung",
    "label_submitter": "Eingetragen von",
    "place_online": "online",
    "place_also_online": "{place} und auch online",
    "all_day": "ganztägig",
    "until": "bis",
    # meetups
    "field_bad_time": "„{value}“ ist keine Uhrzeit wie `19:00-22:00` oder `19 Uhr`.",
    "field_city": "Stadt",
    "field_rule": "Regel",
    "field_time": "Zeit",
    "field_name": "Name",
    "rule_bad_rrule": "Die RRULE „{value}“ ist fehlerhaft: {reason}. Beispiel: `RRULE:FREQ=MONTHLY;BYDAY=1MO`.",
    "rule_not_computable": (
        "Die Regel „{rule}“ zeige ich so an, wie sie dasteht, kann daraus aber keine Termine berechnen. Erinnerungen "
        "gibt es deshalb erst, wenn du die Termine nennst: `{prefix}meetup dates #{number} <Datum> <Datum> ...`"
    ),
    "meetup_not_found": "In diesem Raum gibt es kein Treffen #{number}.",
    "meetups_none": "Noch keine regelmäßigen Treffen eingetragen.",
    "meetups_header": "**Regelmäßige Treffen**",
    "meetup_next_header": "Nächste Termine:",
    "meetup_no_dates": "keine Termine bekannt",
    "meetup_deleted": "Gelöscht: **#{number}** {name}",
    "meetup_skipped": "**#{number}** {name}: der Termin am {date} fällt aus.",
    "meetup_moved": "**#{number}** {name}: der Termin vom {date} ist verschoben auf {when}.",
    "meetup_not_a_date": "Am {date} ist kein Termin von **#{number}**.",
    "meetup_dates_set": "**#{number}** {name}: {count} Termine gespeichert.",
    "meetup_dates_set_one": "**#{number}** {name}: 1 Termin gespeichert.",
    "meetup_no_dates_known": "Für **#{number}** kenne ich keinen solchen Termin.",
    # deadlines
    "field_link": "Link",
    "field_until": "Frist",
    "deadline_not_found": "In diesem Raum gibt es keine Frist #{number}.",
    "deadlines_none": "Keine offenen Fristen.",
    "deadlines_header": "**Fristen**",
    "deadline_until": "Einreichungen bis {end}",
    "deadline_range": "Einreichungen von {start} bis {end} möglich",
    "deadline_added": "Frist eingetragen als **#{number}**:",
    "deadline_deleted": "Gelöscht: Frist **#{number}** {name}",
    # roundup
    "roundup_bad_args": (
        "Die Überschrift kommt in Anführungszeichen nach dem Monat. Beispiele: `{prefix}roundup {name}`, "
        '`{prefix}roundup {iso}`, `{prefix}roundup {name} {year} "Allostatische Last"`'
    ),
    "roundup_summary": (
        "**{title}**: Veranstaltungen vom {start} bis {end}: {events} Veranstaltungen, {meetups} regelmäßige Treffen, "
        "{deadlines} Fristen."
    ),
    "roundup_left_out": "Nicht aufgenommen:",
    "roundup_pending_count": "{count} Veranstaltungen, die noch auf Freigabe warten.",
    "roundup_pending_count_one": "1 Veranstaltung, die noch auf Freigabe wartet.",
    # reminders and RSVPs
    "today": "heute",
    "tomorrow": "morgen",
    "reminder_head": "⏰ Erinnerung: **{title}**",
    "reminder_late": "(verspätet)",
    "reminder_rsvps": "{count} Zusagen:",
    "reminder_rsvps_one": "1 Zusage:",
    "reminder_no_rsvps": "Wer kommt? 👍 auf diese Nachricht.",
    "cancelled_notice": "❌ Abgesagt: **{title}** ({when}). Bescheid an alle, die zugesagt hatten:",
    "who_none": "Noch keine Zusagen für **#{number}**. 👍 auf die Ankündigung sagt zu.",
    "who_list": "Zusagen für **#{number}** ({count}):",
    "reminders_show": "Erinnerungen in diesem Raum: Veranstaltungen {events}; regelmäßige Treffen {meetups}.",
    "reminders_before": "{leads} vorher",
    "reminders_off": "aus",
    "reminders_bad_lead": "„{value}“ ist keine Vorlaufzeit. Beispiele: `30m`, `1h`, `1d`, `1w`.",
    # calendars in and out
    "import_report": (
        "Import: {added} neu, {updated} aktualisiert, {unchanged} unverändert, {duplicates} doppelt in der Datei, "
        "{skipped} übersprungen, {cancelled} abgesagt (aus dem Feed verschwunden)."
    ),
    "import_skipped": "Übersprungen: {title} ({reason})",
    "import_bad_file": "Diese Datei kann ich nicht als Kalender lesen ({detail}); es wurde nichts geändert.",
    "import_no_source": (
        "Woher? Eine https-URL angeben, eine .ics-Datei mit `{prefix}event import` als Beschreibung senden oder auf "
        "eine Nachricht mit .ics-Datei antworten."
    ),
    "fetch_bad_url": "„{detail}“ ist keine http(s)-URL.",
    "fetch_blocked_address": "{detail} zeigt auf ein internes Netz; solche Adressen rufe ich nicht ab.",
    "fetch_too_large": "Die Datei ist größer als {detail} Bytes.",
    "fetch_timeout": "Keine Antwort nach {detail} s.",
    "fetch_http_status": "Der Server antwortete mit HTTP {detail}.",
    "fetch_too_many_redirects": "Mehr als {detail} Weiterleitungen.",
    "fetch_unreachable": "{detail} ist nicht erreichbar.",
    "fetch_blocked_port": "Port {detail} wird nicht abgerufen (nur die Ports {ports}).",
    "fetch_bad_host": (
        "„{detail}“ ist kein eindeutiger Hostname: nur ASCII-Namen (Umlaut-Domains als xn--…) und IPv4-Adressen in der "
        "Form 1.2.3.4."
    ),
    "fetch_download": "Die Datei ließ sich nicht laden: {detail}",
    "feed_added": "Feed **#{number}** abonniert (alle {interval}): {url}",
    "feed_exists": "Diesen Feed gibt es schon als **#{number}**.",
    "feed_limit": (
        "Dieser Raum hat schon {limit} Feeds, mehr gehen nicht. Bestelle erst einen ab: `{prefix}feed remove #N`, zum "
        "Beispiel `{prefix}feed remove #{number}` (`{prefix}feed list` zeigt alle)."
    ),
    "feed_hidden": "**#{number}** (verborgen: die Adresse enthält Zugangsdaten; nur die Moderation sieht sie)",
    "feeds_none": "Keine abonnierten Feeds.",
    "feeds_header": "**Abonnierte Feeds**",
    "feed_not_found": "In diesem Raum gibt es keinen Feed #{number}.",
    "feed_removed": "Feed **#{number}** abbestellt.",
    "feed_never": "noch nie abgerufen",
    "feed_error": "Fehler: {error}",
    "calendar_url": (
        "Kalender dieses Raums zum Abonnieren: {url}\n(Wer die Adresse kennt, sieht die Termine; `{prefix}calendar "
        "rotate` erzeugt eine neue.)"
    ),
    # the public calendar page (`!calendar publish`) and the page itself (bot/web)
    "calendar_public": "Öffentliche Seite dieses Raums: {url}",
    "calendar_not_public": (
        "Eine öffentliche Seite mit Liste und Karte hat dieser Raum noch nicht; `{prefix}calendar publish <Name>` "
        "richtet sie ein (Moderation)."
    ),
    "calendar_published": (
        "Der Kalender dieses Raums ist öffentlich: {url}\nDort stehen die freigegebenen Termine und Treffen mit Karte "
        "und Abo-Links. `{prefix}calendar unpublish` nimmt die Seite wieder herunter."
    ),
    "calendar_published_derived": (
        "(Den Namen hat der Bot aus der Raum-ID gebildet; einen lesbaren vergibst du zum Beispiel mit "
        "`{prefix}calendar publish ok-lab-leipzig`.)"
    ),
    "calendar_unpublished": (
        "Die öffentliche Seite {url} ist abgeschaltet; ihre Adresse und ihr Feed antworten jetzt mit 404."
    ),
    "calendar_unpublish_none": "Dieser Raum hat keine öffentliche Seite.",
    "calendar_name_bad": (
        "„{name}“ geht nicht als Name der Seite: 2 bis 40 Zeichen aus Kleinbuchstaben (a-z), Ziffern und `-`, am "
        "Anfang und am Ende ein Buchstabe oder eine Ziffer. Beispiel: `{prefix}calendar publish ok-lab-leipzig`."
    ),
    "calendar_name_taken": (
        "Den Namen „{name}“ hat schon ein anderer Raum. Frei ist zum Beispiel „{free}“: `{prefix}calendar publish "
        "{free}`."
    ),
    "calendar_name_reserved": (
        "„{name}“ ist für die Adressen des Bots reserviert. Frei ist zum Beispiel „{free}“: `{prefix}calendar publish "
        "{free}`."
    ),
    "calendar_name_needed": (
        "Aus diesem Raum lässt sich kein Name bilden; gib einen an, zum Beispiel `{prefix}calendar publish "
        "ok-lab-leipzig`."
    ),
    "page_title": "Termine · {name}",
    "page_heading": "{name}: Termine und Treffen",
    "page_description": "Veranstaltungen und regelmäßige Treffen ({name}): Liste, Karte und Kalender zum Abonnieren.",
    "page_month_title": "{month} · {name}",
    "page_month_heading": "{name}: {month}",
    "page_month_description": "Veranstaltungen und regelmäßige Treffen im {month} ({name}).",
    "page_upcoming": "Demnächst",
    "page_nothing": "In den nächsten {weeks} Wochen steht nichts an.",
    "page_month_nothing": "In diesem Monat steht nichts an.",
    "page_map": "Karte",
    "page_map_hint": "Die Karte braucht JavaScript; alle Termine stehen auch in der Liste.",
    "page_map_empty": "Keiner der Termine hat Koordinaten für die Karte.",
    "page_online": "Nur online",
    "page_subscribe": "Abonnieren",
    "page_subscribe_webcal": "In der Kalender-App abonnieren",
    "page_subscribe_webcal_hint": (
        "Für Apple Kalender, Thunderbird, Outlook und andere: neue und geänderte Termine erscheinen von selbst."
    ),
    "page_subscribe_google": "In Google Kalender hinzufügen",
    "page_subscribe_google_hint": (
        "Für Google Kalender (auch auf Android-Telefonen): fügt diesen Kalender deinem Google-Konto hinzu."
    ),
    "page_subscribe_url_hint": "Die Adresse des Kalenders (iCalendar), zum Kopieren in jede andere App.",
    "page_months": "Monate",
    "page_month_view": "Monatsansicht",
    "page_prev": "Vorheriger Monat",
    "page_next": "Nächster Monat",
    "page_grid": "Monatsübersicht",
    "page_month_list": "Alle Termine im {month}",
    "page_today": "heute",
    "page_all_day": "ganztägig",
    "page_meetup": "Regelmäßiges Treffen",
    "page_zone": "Alle Zeiten in der Zeitzone {zone}.",
    "page_footer": "eventbot erstellt diese Seite aus den Terminen eines Matrix-Raums.",
    "page_skip": "Zur Liste springen",
    "page_details": "Mehr dazu",
    "page_back": "Alle Termine",
    "page_item_heading": "Auf einen Blick",
    "page_item_when": "Wann",
    "page_item_no_dates": "Keine kommenden Termine.",
    "page_item_rule": "Regel",
    "page_item_online": "Online",
    "page_item_rsvps": "Zusagen",
    "page_rsvps": "{count} im Matrix-Raum",
    "page_item_coming": "Die nächsten Termine",
    "page_add": "In den Kalender eintragen",
    "page_add_ics": "Termin herunterladen (.ics)",
    "page_add_ics_hint": "Für jede Kalender-App: die Datei öffnen oder importieren.",
    "page_add_google": "In Google Kalender eintragen",
    "page_add_google_hint": "Öffnet Google Kalender mit diesem Termin, zum Speichern.",
    "page_add_webcal": "Den ganzen Kalender abonnieren",
    "page_add_webcal_hint": "Alle Termine dieses Kalenders in deiner Kalender-App, laufend aktuell.",
    "page_filtered": "Gefiltert:",
    "page_filtered_all": "alle anzeigen",
    "page_filtered_nothing": "Nichts passt zu diesen Filtern.",
    "page_bad_request_title": "Ungültige Adresse",
    "page_bad_request_heading": "Das geht so nicht",
    "page_bad_request": "Der Parameter „{name}“ ist ungültig: {allowed}",
    "filter_allowed_names": "erlaubt sind city, online, q, from, to und lang.",
    "filter_allowed_none": "diese Adresse kennt nur lang.",
    "filter_allowed_once": "jeder Parameter höchstens einmal.",
    "filter_allowed_length": "höchstens 200 Zeichen.",
    "filter_allowed_online": "online=only (nur online) oder online=no (mit Ort).",
    "filter_allowed_date": "ein Datum als JJJJ-MM-TT, zum Beispiel {example}.",
    "filter_allowed_order": "from darf nicht nach to liegen.",
    "filter_allowed_span": "from und to höchstens 366 Tage auseinander.",
    "calendar_disabled": "Der Kalender-Feed ist nicht eingeschaltet (`[http] enabled = true` in der Konfiguration).",
    # settings
    "settings_show": (
        "Einstellungen dieses Raums: Freigabe {approval}, Zeitzone {timezone}, @room in Erinnerungen {room_mention}, "
        "Sprache {language}"
    ),
    "on": "an",
    "off": "aus",
    "settings_saved": "Gespeichert. ",
    "settings_bad_zone": "„{value}“ ist keine Zeitzone. Beispiel: `Europe/Berlin`.",
    "settings_bad_language": "„{value}“ ist keine Sprache, die ich spreche. Möglich: {languages}.",
    "language_name": "Deutsch",
    # the link desk (`!link`, 🔖, `!section`)
    "link_bad_scheme": "Nur http- und https-Links kommen in den Beitrag, nicht „{url}“.",
    "link_bad_malformed": (
        "„{url}“ ist kein vollständiger Link: Es fehlt der Rechnername, oder er enthält Leer- oder Steuerzeichen."
    ),
    "link_bad_too_long": "Der Link ist zu lang (höchstens 2000 Zeichen): „{url}“.",
    "link_text_too_long": "Der Text ist zu lang ({length} Zeichen, höchstens {limit}).",
    "link_not_found": "Es gibt keinen Link #{number} in diesem Raum.",
    "link_duplicate": "Diesen Link gibt es schon als **#{number}**:",
    "link_filed": "Abgelegt als **#{number}**:",
    "link_already_filed": "Schon abgelegt als **#{number}**:",
    "link_section_created": (
        "Den Abschnitt „{section}“ gab es noch nicht; ich habe ihn angelegt. Rückgängig: `{prefix}link move #{number} "
        "<Abschnitt>` und `{prefix}section remove {section}`."
    ),
    "link_pending": "Der Link wartet auf Freigabe: Moderator:innen bestätigen mit ✅ auf diese Nachricht.",
    "link_updated": "Geändert: **#{number}**",
    "links_none": (
        "Für {month} ist noch kein Link abgelegt. So geht es: `{prefix}link https://example.org/baeume #Karten Die "
        "Stadt [zeigt] ihre Bäume.` oder 🔖 auf eine Nachricht mit Link."
    ),
    "links_header": "**Links für {month}** ({count})",
    "links_more": "… und {count} weitere. Einen Link im Einzelnen: `{prefix}link show #N`.",
    "link_by": "Abgelegt von {submitter}",
    "link_unknown_field": "„{value}“ kann ich an einem Link nicht ändern. Möglich: {known}.",
    "link_deleted": "Gelöscht: Link **#{number}** {url}",
    "link_not_pending": "Link #{number} wartet nicht auf Freigabe.",
    "link_approved": "Link **#{number}** ist freigegeben und kommt in den Beitrag.",
    "section_bad_name": "Ein Abschnitt braucht einen Namen von 1 bis {limit} Zeichen.",
    "section_unknown": "Den Abschnitt „{section}“ gibt es nicht. Vorhanden: {sections}.",
    "section_bad_position": "„{value}“ ist keine Position; möglich sind 1 bis {count}.",
    "sections_header": "**Abschnitte dieses Raums**, in der Reihenfolge des Beitrags:",
    "sections_header_default": "**Abschnitte** (die voreingestellten), in der Reihenfolge des Beitrags:",
    "section_exists": "Den Abschnitt „{section}“ gibt es schon.",
    "section_added": "Abschnitt „{section}“ angelegt.",
    "section_moved": "Abschnitt „{section}“ steht jetzt an Position {position}.",
    "section_last": "Der letzte Abschnitt bleibt: Links brauchen einen Platz im Beitrag.",
    "section_removed": "Abschnitt „{section}“ entfernt.",
    "section_still_used": (
        "{count} Links nennen „{section}“ noch; sie stehen am Ende der Nachrichten, bis sie verschoben sind."
    ),
    "section_still_used_one": "1 Link nennt „{section}“ noch; er steht am Ende der Nachrichten, bis er verschoben ist.",
    "roundup_news": "Nachrichten: {sections}.",
    "roundup_links_pending": "{count} Links warten noch auf Freigabe (`{prefix}link list` zeigt sie).",
    "roundup_links_pending_one": "1 Link wartet noch auf Freigabe (`{prefix}link list` zeigt ihn).",
    # command arguments (bot/commands/args.py)
    "arg_not_one_of": "„{value}“ passt hier nicht; möglich: {choices}.",
    "arg_bad_count": "„{value}“ ist keine Zahl von {low} bis {high}.",
    "arg_extra": "Zu viel angegeben: „{text}“.",
    # help texts, by command (`help_<path>`)
    "help_meetup": "regelmäßige Treffen (z. B. OKLab-Treffen) eintragen und verwalten",
    "help_meetup_add": "trägt ein regelmäßiges Treffen ein (oder mehrzeilig: Stadt:, Regel:, Zeit:, Wo:, Name:, Link:)",
    "help_meetup_list": "zeigt alle Treffen des Raums",
    "help_meetup_show": "zeigt ein Treffen und seine nächsten Termine",
    "help_meetup_next": "die nächsten Termine eines oder aller Treffen",
    "help_meetup_edit": "ändert ein Feld (Stadt, Regel, Zeit, Wo, Name, Link, Geo)",
    "help_meetup_delete": "löscht ein Treffen",
    "help_meetup_skip": "ein Termin fällt aus",
    "help_meetup_move": "verschiebt einen Termin",
    "help_meetup_dates": "nennt die Termine, wenn die Regel nicht berechenbar ist",
    # events, who comes, reminders (bot/commands/events.py, rsvp.py)
    "help_event": "Veranstaltungen des Raums eintragen und verwalten",
    "help_event_add": (
        "trägt eine Veranstaltung ein (oder mehrzeilig: Titel:, Wann:, Wo:, Link:, Geo:, Beschreibung:, Online:)"
    ),
    "help_event_list": "zeigt anstehende Veranstaltungen oder die eines Monats",
    "help_event_show": "zeigt eine Veranstaltung",
    "help_event_edit": "ändert ein Feld (Titel, Wann, Wo, Link, Geo, Beschreibung, Online)",
    "help_event_cancel": "sagt eine Veranstaltung ab (bleibt als abgesagt sichtbar)",
    "help_event_delete": "löscht eine Veranstaltung",
    "help_event_search": "sucht in Titeln und Orten",
    "help_event_approve": "gibt eine wartende Veranstaltung frei (Moderation)",
    "help_event_reject": "lehnt eine wartende Veranstaltung ab (Moderation)",
    "help_event_who": "wer kommt (👍 auf die Ankündigung)",
    "help_meetup_who": "wer zum nächsten Termin kommt (👍 auf die Erinnerung)",
    "help_reminders": "zeigt oder setzt, wie lange vorher erinnert wird (Moderation); Einheiten s m h d w",
    # calendars in and out (bot/commands/calendar.py)
    "help_event_import": "importiert eine .ics-Datei oder URL (Moderation)",
    "help_event_ics": "die Veranstaltung als .ics-Datei",
    "help_meetup_ics": "das Treffen als .ics-Datei",
    "help_feed": "abonnierte Kalender-Feeds (Moderation)",
    "help_feed_add": "abonniert einen Feed",
    "help_feed_list": "zeigt die Feeds",
    "help_feed_remove": "bestellt einen Feed ab",
    "help_feed_sync": "ruft einen Feed sofort ab",
    "help_calendar": "die Adresse zum Abonnieren der Termine dieses Raums und seine öffentliche Seite",
    "help_calendar_show": "zeigt die Abo-Adresse (geheim) und die öffentliche Seite (auch ohne show)",
    "help_calendar_rotate": "erzeugt eine neue geheime Abo-Adresse (Moderation)",
    "help_calendar_publish": "macht den Kalender öffentlich unter <Adresse>/<Name>/, mit Liste und Karte (Moderation)",
    "help_calendar_unpublish": "nimmt die öffentliche Seite wieder herunter (Moderation)",
    # settings (bot/commands/settings.py)
    "help_settings": "zeigt oder ändert die Einstellungen des Raums: Freigabe, Zeitzone, @room, Sprache (Moderation)",
    "help_settings_show": "zeigt die Einstellungen des Raums (auch ohne show)",
    "help_settings_approval": "schaltet die Freigabe neuer Einträge durch die Moderation an oder aus (Moderation)",
    "help_settings_timezone": "setzt die Zeitzone des Raums, etwa Europe/Berlin (Moderation)",
    "help_settings_roommention": "schaltet @room in Erinnerungen an oder aus (Moderation)",
    "help_settings_language": "die Sprache, in der ich in diesem Raum antworte (Moderation)",
    # the roundup (bot/commands/roundup.py)
    "help_roundup": "schreibt den Monatsrückblick „Out in the Open“ als Markdown-Datei",
    "help_help": "zeigt alle Befehle oder die Hilfe zu einem",
    "help_link": (
        "legt Links für die Nachrichten des Rundbriefs ab (auch mit 🔖 auf einer Nachricht); #Abschnitt/Unterthema "
        "wählt den Abschnitt, [eckige Klammern] die verlinkten Wörter"
    ),
    "help_link_add": "legt einen Link ab (kurz: `link <URL> …`); ohne Text gilt der Titel der Seite",
    "help_link_list": "zeigt die Links dieses Monats (oder eines anderen) nach Abschnitten",
    "help_link_show": "zeigt einen Link, wie er im Beitrag steht",
    "help_link_edit": "ändert Text, Abschnitt, Thema oder URL eines Links",
    "help_link_move": "verschiebt einen Link in einen anderen Abschnitt oder in die Ausgabe eines anderen Monats",
    "help_link_delete": "löscht einen Link",
    "help_link_approve": "gibt einen wartenden Link frei (Moderation; auch ✅ auf die Antwort des Bots)",
    "help_section": "die Abschnitte der Nachrichten im Rundbrief und ihre Reihenfolge (Moderation ändert sie)",
    "help_section_list": "zeigt die Abschnitte in ihrer Reihenfolge",
    "help_section_add": "legt einen Abschnitt an (vor Recap und „Und sonst so“)",
    "help_section_move": "verschiebt einen Abschnitt an eine Position",
    "help_section_remove": "entfernt einen Abschnitt aus der Liste (seine Links bleiben)",
    "help_frist": "Fristen (Calls for Participation) für den Rundbrief",
    "help_frist_add": "trägt eine Frist ein; [eckige Klammern] markieren den verlinkten Teil des Namens",
    "help_frist_list": "zeigt offene Fristen",
    "help_frist_delete": "löscht eine Frist",
}

# The argument names in usage lines (`<title>`, `[month]`); keywords stay as they are.
PLACEHOLDERS: dict[str, str] = {
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
    "#section": "#Abschnitt",
    "text": "Text",
    "section or month": "Abschnitt oder Monat",
    "position": "Position",
}

# The words commands accept besides their English names: aliases of commands (`command.<path>`), field
# names (`field.<name>`), switches and other keywords.
WORDS: dict[str, tuple[str, ...]] = {
    # meetups
    "command.meetup": ("treffen",),
    "command.meetup.next": ("nächste", "naechste", "termine"),
    "command.meetup.skip": ("ausfallen", "fällt-aus", "entfällt"),
    "command.meetup.dates": ("daten",),
    "meetup.city": ("stadt", "ort"),
    "meetup.rule": ("regel", "wann", "rhythmus"),
    "meetup.time": ("zeit", "uhrzeit"),
    "meetup.where": ("wo", "treffpunkt"),
    "meetup.name": ("titel",),
    # events, who comes, reminders
    "command.event": ("termin", "veranstaltung"),
    "command.event.cancel": ("absagen",),
    "command.event.search": ("suche", "suchen"),
    "command.event.approve": ("freigeben",),
    "command.event.reject": ("ablehnen",),
    "command.*.who": ("wer", "zusagen"),
    "command.reminders": ("erinnerungen", "erinnerung"),
    "event.title": ("titel",),
    "event.when": ("wann", "datum", "zeit"),
    "event.where": ("wo", "ort"),
    "event.description": ("beschreibung",),
    "reminders.meetups": ("treffen",),
    "reminders.events": ("veranstaltungen",),
    # calendars in and out
    "command.event.import": ("importieren",),
    "command.event.ics": ("kalender",),
    "command.meetup.ics": ("kalender",),
    "command.feed": ("abo",),
    "command.feed.add": ("abonnieren",),
    "command.feed.remove": ("löschen", "abbestellen"),
    "command.feed.sync": ("abrufen", "jetzt"),
    "feed.every": ("alle",),
    "command.calendar": ("kalender",),
    "command.calendar.rotate": ("neu", "erneuern"),
    "command.calendar.publish": ("veröffentlichen", "öffentlich"),
    "command.calendar.unpublish": ("zurückziehen", "verbergen", "privat"),
    # settings
    "command.settings": ("einstellungen",),
    "command.settings.approval": ("freigabe",),
    "command.settings.timezone": ("zeitzone",),
    "command.settings.roommention": ("raumerwähnung", "alle"),
    "command.settings.language": ("sprache",),
    # the roundup
    "command.roundup": ("rundbrief", "rückblick"),
    # the link desk
    "command.link": ("lesezeichen",),
    "command.link.add": ("ablegen",),
    "command.link.approve": ("freigeben",),
    "command.*.move": ("verschieben",),
    "command.section": ("abschnitt", "abschnitte"),
    "command.section.remove": ("entfernen", "löschen", "loeschen"),
    "link.section": ("abschnitt",),
    "link.topic": ("thema", "unterthema"),
    "command.*.add": (
        "neu",
        "eintragen",
        "hinzufügen",
    ),
    "command.*.list": ("liste",),
    "command.*.show": (
        "zeige",
        "zeigen",
    ),
    "command.*.edit": (
        "ändern",
        "bearbeiten",
        "aendern",
    ),
    "command.*.delete": (
        "löschen",
        "loeschen",
    ),
    "command.help": ("hilfe",),
    "command.frist": ("fristen",),
    "deadline.name": ("titel",),
    "deadline.until": (
        "frist",
        "bis",
        "wann",
    ),
    "switch.on": ("an", "ein", "ja"),
    "switch.off": ("aus", "nein"),
}
