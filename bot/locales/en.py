"""eventbot's words in English: messages by key, and the argument names of usage lines."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # dispatcher
    "edit_item_gone": (
        "What this command added has been deleted since; I do not apply the edit. Send the command again to add it "
        "anew."
    ),
    "edit_not_repeated": (
        "You edited a command that was already carried out; I do not run `{command}` twice. Send a new command for "
        "that."
    ),
    "did_you_mean": "I do not know `{command}`. Did you mean `{suggestion}`? `{prefix}help` lists all commands.",
    "unknown_command": "Unknown command `{command}`. `{prefix}help` lists all commands.",
    "usage": "Usage: `{usage}`",
    "usage_list": "Usage:",
    "example": "Example: `{example}`",
    "internal_error": (
        "Sorry, that did not work: an internal error (reference {code}). Please pass the reference on to the bot's "
        "operators."
    ),
    "storage_error": (
        "The database is unavailable right now (reference {code}); nothing was saved. Please try again in a moment."
    ),
    "rate_limited": (
        "{count} commands not carried out: too many at once (at most {burst} in a row, then {limit} a minute). Please "
        "send them again in {seconds} s."
    ),
    "rate_limited_one": (
        "Not carried out: too many commands at once (at most {burst} in a row, then {limit} a minute). Please send it "
        "again in {seconds} s."
    ),
    "too_long": "The message is too long ({length} characters, at most {limit}).",
    "not_allowed": "Only {who} may do that.",
    "who_moderators": "moderators of this room",
    "who_owner_or_moderators": "the person who submitted it and moderators of this room",
    # help
    "help_header": "**eventbot commands**",
    "help_footer": "More about one command: `{prefix}help <command>`",
    "help_aliases": "Also: {aliases}",
    # when parsing
    "when_unreadable": "I cannot read “{fragment}” as a date/time.",
    "when_impossible_date": "The date “{fragment}” does not exist.",
    "when_impossible_time": "The time “{fragment}” does not exist (on that day in {zone}).",
    "when_past": "“{fragment}” is in the past.",
    "when_end_before_start": "The end “{fragment}” is before the start.",
    "when_too_far": "“{fragment}” is too far in the future.",
    "when_weekday_mismatch": "“{fragment}” does not match the date: that is {options}.",
    "when_examples": "For example: `{day}, 6pm-9pm`; `{date} 18:00`; `tomorrow 7pm`; `{date} - {last}`; `{range}`",
    # when parsing: readings to choose from, and what is missing
    "when_or": "or",
    "when_ambiguous": "“{fragment}” can be read in more than one way. Do you mean {options}? Then write it like that.",
    "when_no_date": "“{fragment}” has no date.",
    "when_not_a_time": (
        "“{fragment}” is not a time I can read for sure: write it with minutes or am/pm, like `18:00` or `6pm`."
    ),
    "when_missing_end_time": "The end “{fragment}” has no time.",
    "when_no_start_time": "“{fragment}” does not say at what time it starts.",
    "when_zone_mismatch": (
        "“{fragment}” is not in force on that day (summer or winter time?); write the time without a zone."
    ),
    "when_separate_days": "“{fragment}” are two dates: add them one by one, or write a range with “to”.",
    "when_contradiction": "“{fragment}” contradicts the rest of the date.",
    # fields: a `|` in a text
    "field_where": "where",
    "field_too_many_parts_form": (
        "That is {count} parts separated by |, but only {limit} fields. If a | belongs to the text, write it as `\\|`, "
        "or send the command like this, one field per line (please check):\n{form}"
    ),
    # fields
    "field_duplicate_field": "The field “{value}” appears twice.",
    "field_unknown_field": "I do not know the field “{value}” (known: {known}).",
    "field_too_many_parts": "Too many parts separated by |; left over: “{value}”.",
    "field_bad_number": "“{value}” is not a number like `#12`.",
    "field_bad_link": "The link “{value}” must start with http:// or https://.",
    "field_bad_geo": "“{value}” are not coordinates like `52.5027, 13.4393`.",
    "missing_fields": "Missing: {fields}.",
    "title_too_long": "The title is too long ({length} characters, at most {limit}).",
    "bad_month": "“{value}” is not a month. Examples: `{name}`, `{short} {year}`, `{number}`, `{iso}`.",
    # events
    "field_title": "title",
    "field_when": "when",
    "event_added": "Added as **#{number}**:",
    "event_duplicate": "That already exists as **#{number}**:",
    "event_pending_note": (
        "Waiting for approval: moderators approve it with ✅ on this message or `{prefix}event approve #{number}`."
    ),
    "event_not_found": "There is no event #{number} in this room.",
    "event_updated": "Updated: **#{number}**",
    "event_cancelled": "Cancelled: **#{number}** {title}",
    "event_already_cancelled": "**#{number}** is already cancelled.",
    "event_deleted": "Deleted: **#{number}** {title}",
    "event_approved": "Approved: **#{number}** {title}",
    "event_not_pending": "**#{number}** is not waiting for approval.",
    "event_rejected": "Rejected: **#{number}** {title}",
    "event_rejected_reason": "Reason: {reason}",
    "events_none_upcoming": "No upcoming events.",
    "events_none_month": "No events in {month}.",
    "events_header_upcoming": "**Upcoming events**",
    "events_header_month": "**Events in {month}**",
    "events_more": (
        "… and {count} more. A whole month: `{prefix}event list {month}`; to search: `{prefix}event search <words>`."
    ),
    "when_read_as_morning": "Read as {start}–{end} in the morning. In the evening? Then `edit when` with {evening}.",
    "events_more_page": "All of them in the calendar: {url}",
    "events_more_search": "… and {count} more. To find one: `{prefix}event search <words>`.",
    "search_more": "… and {count} more. More words narrow the search: `{prefix}event search {words} …`.",
    "search_none": "Nothing found for “{words}”.",
    "search_header": "**Found for “{words}”:**",
    "edit_title_empty": "The title must not be empty.",
    "status_cancelled": "cancelled",
    "status_pending": "waiting for approval",
    "status_rejected": "rejected",
    "label_place": "Place",
    "label_link": "Link",
    "label_online": "Online",
    "label_geo": "Geo",
    "label_description": "Description",
    "label_submitter": "Submitted by",
    "place_online": "online",
    "place_also_online": "{place} and online",
    "all_day": "all day",
    "until": "until",
    # meetups
    "field_bad_time": "“{value}” is not a time like `19:00-22:00` or `7pm`.",
    "field_city": "city",
    "field_rule": "rule",
    "field_time": "time",
    "field_name": "name",
    "rule_bad_rrule": "The RRULE “{value}” is malformed: {reason}. Example: `RRULE:FREQ=MONTHLY;BYDAY=1MO`.",
    "rule_not_computable": (
        "I show the rule “{rule}” as written, but cannot compute dates from it, so there will be no reminders until "
        "you give the dates: `{prefix}meetup dates #{number} <date> <date> ...`"
    ),
    "meetup_not_found": "There is no meetup #{number} in this room.",
    "meetups_none": "No regular meetups yet.",
    "meetups_header": "**Regular meetups**",
    "meetup_next_header": "Next dates:",
    "meetup_no_dates": "no known dates",
    "meetup_deleted": "Deleted: **#{number}** {name}",
    "meetup_skipped": "**#{number}** {name}: the date {date} is skipped.",
    "meetup_moved": "**#{number}** {name}: the date {date} is moved to {when}.",
    "meetup_not_a_date": "**#{number}** has no date on {date}.",
    "meetup_dates_set": "**#{number}** {name}: {count} dates saved.",
    "meetup_dates_set_one": "**#{number}** {name}: 1 date saved.",
    "meetup_no_dates_known": "I know no such date for **#{number}**.",
    # deadlines
    "field_link": "link",
    "field_until": "deadline",
    "deadline_not_found": "There is no deadline #{number} in this room.",
    "deadlines_none": "No open deadlines.",
    "deadlines_header": "**Deadlines**",
    "deadline_until": "submissions until {end}",
    "deadline_range": "submissions from {start} to {end}",
    "deadline_added": "Deadline added as **#{number}**:",
    "deadline_deleted": "Deleted: deadline **#{number}** {name}",
    # roundup
    "roundup_bad_args": (
        "The headline goes in quotes, after the month. Examples: `{prefix}roundup {name}`, `{prefix}roundup {iso}`, "
        '`{prefix}roundup {name} {year} "Allostatische Last"`'
    ),
    "roundup_summary": (
        "**{title}**: events from {start} to {end}: {events} events, {meetups} regular meetups, {deadlines} deadlines."
    ),
    "roundup_left_out": "Left out:",
    "roundup_pending_count": "{count} events waiting for approval.",
    "roundup_pending_count_one": "1 event waiting for approval.",
    # reminders and RSVPs
    "today": "today",
    "tomorrow": "tomorrow",
    "reminder_head": "⏰ Reminder: **{title}**",
    "reminder_late": "(late)",
    "reminder_rsvps": "{count} coming:",
    "reminder_rsvps_one": "1 coming:",
    "reminder_no_rsvps": "Coming? React with 👍 to this message.",
    "cancelled_notice": "❌ Cancelled: **{title}** ({when}). Letting everyone who said yes know:",
    "who_none": "Nobody has said yes to **#{number}** yet. 👍 on the announcement says yes.",
    "who_list": "Coming to **#{number}** ({count}):",
    "reminders_show": "Reminders in this room: events {events}; regular meetups {meetups}.",
    "reminders_before": "{leads} before",
    "reminders_off": "off",
    "reminders_bad_lead": "“{value}” is not a lead time. Examples: `30m`, `1h`, `1d`, `1w`.",
    # calendars in and out
    "import_report": (
        "Import: {added} added, {updated} updated, {unchanged} unchanged, {duplicates} duplicated in the file, "
        "{skipped} skipped, {cancelled} cancelled (gone from the feed)."
    ),
    "import_skipped": "Skipped: {title} ({reason})",
    "import_bad_file": "I cannot read this file as a calendar ({detail}); nothing was changed.",
    "import_no_source": (
        "From where? Give an https URL, send an .ics file with `{prefix}event import` as its caption, or reply to a "
        "message carrying an .ics file."
    ),
    "fetch_bad_url": "“{detail}” is not an http(s) URL.",
    "fetch_blocked_address": "{detail} points into a private network; I do not fetch such addresses.",
    "fetch_too_large": "The file is larger than {detail} bytes.",
    "fetch_timeout": "No answer after {detail} s.",
    "fetch_http_status": "The server answered HTTP {detail}.",
    "fetch_too_many_redirects": "More than {detail} redirects.",
    "fetch_unreachable": "{detail} cannot be reached.",
    "fetch_blocked_port": "I do not fetch from port {detail} (only from ports {ports}).",
    "fetch_bad_host": (
        "“{detail}” is not an unambiguous host name: only ASCII names (international domains as xn--…) and IPv4 "
        "addresses written as 1.2.3.4."
    ),
    "fetch_download": "The file could not be loaded: {detail}",
    "feed_added": "Subscribed to feed **#{number}** (every {interval}): {url}",
    "feed_exists": "That feed exists as **#{number}**.",
    "feed_limit": (
        "This room already has {limit} feeds, the most it may have. Remove one first: `{prefix}feed remove #N`, for "
        "example `{prefix}feed remove #{number}` (`{prefix}feed list` shows them all)."
    ),
    "feed_hidden": "**#{number}** (hidden: its address carries credentials; only moderators see it)",
    "feeds_none": "No subscribed feeds.",
    "feeds_header": "**Subscribed feeds**",
    "feed_not_found": "No feed #{number} in this room.",
    "feed_removed": "Unsubscribed from feed **#{number}**.",
    "feed_never": "never fetched",
    "feed_error": "error: {error}",
    "calendar_url": (
        "This room's calendar to subscribe to: {url}\n(Anyone with the address sees the events; `{prefix}calendar "
        "rotate` makes a new one.)"
    ),
    # the public calendar page (`!calendar publish`) and the page itself (bot/web)
    "calendar_public": "This room's public page: {url}",
    "calendar_not_public": (
        "This room has no public page with list and map yet; `{prefix}calendar publish <name>` sets one up "
        "(moderators)."
    ),
    "calendar_published": (
        "This room's calendar is public: {url}\nIt lists the approved events and meetups, with a map and links to "
        "subscribe. `{prefix}calendar unpublish` takes the page down again."
    ),
    "calendar_published_derived": (
        "(The bot made the name from the room id; give it a readable one, for example with `{prefix}calendar publish "
        "ok-lab-leipzig`.)"
    ),
    "calendar_unpublished": "The public page {url} is taken down; its address and its feed now answer 404.",
    "calendar_unpublish_none": "This room has no public page.",
    "calendar_name_bad": (
        "“{name}” cannot be the page's name: 2 to 40 characters of lower-case letters (a-z), digits and `-`, starting "
        "and ending with a letter or digit. Example: `{prefix}calendar publish ok-lab-leipzig`."
    ),
    "calendar_name_taken": (
        "Another room already has the name “{name}”. Free is, for example, “{free}”: `{prefix}calendar publish {free}`."
    ),
    "calendar_name_reserved": (
        "“{name}” is reserved for the bot's own addresses. Free is, for example, “{free}”: `{prefix}calendar publish "
        "{free}`."
    ),
    "calendar_name_needed": (
        "No name can be made from this room; give one, for example `{prefix}calendar publish ok-lab-leipzig`."
    ),
    "page_title": "Events · {name}",
    "page_heading": "{name}: events and meetups",
    "page_description": "Events and regular meetups ({name}): list, map and a calendar to subscribe to.",
    "page_month_title": "{month} · {name}",
    "page_month_heading": "{name}: {month}",
    "page_month_description": "Events and regular meetups in {month} ({name}).",
    "page_upcoming": "Coming up",
    "page_nothing": "Nothing in the next {weeks} weeks.",
    "page_month_nothing": "Nothing this month.",
    "page_map": "Map",
    "page_map_hint": "The map needs JavaScript; every event is in the list as well.",
    "page_map_empty": "None of the events has coordinates for the map.",
    "page_online": "Online only",
    "page_subscribe": "Subscribe",
    "page_subscribe_webcal": "Subscribe in your calendar app",
    "page_subscribe_webcal_hint": (
        "For Apple Calendar, Thunderbird, Outlook and others: new and changed events show up by themselves."
    ),
    "page_subscribe_google": "Add to Google Calendar",
    "page_subscribe_google_hint": (
        "For Google Calendar (Android phones too): adds this calendar to your Google account."
    ),
    "page_subscribe_url_hint": "The calendar's address (iCalendar), to copy into any other app.",
    "page_months": "Months",
    "page_month_view": "Month view",
    "page_prev": "Previous month",
    "page_next": "Next month",
    "page_grid": "The month at a glance",
    "page_month_list": "All events in {month}",
    "page_today": "today",
    "page_all_day": "all day",
    "page_meetup": "Regular meetup",
    "page_zone": "All times in the time zone {zone}.",
    "page_footer": "eventbot builds this page from the events of a Matrix room.",
    "page_skip": "Skip to the list",
    "page_details": "Details",
    "page_back": "All events",
    "page_item_heading": "At a glance",
    "page_item_when": "When",
    "page_item_no_dates": "No upcoming dates.",
    "page_item_rule": "Rule",
    "page_item_online": "Online",
    "page_item_rsvps": "RSVPs",
    "page_rsvps": "{count} in the Matrix room",
    "page_item_coming": "The next dates",
    "page_add": "Add to your calendar",
    "page_add_ics": "Download the event (.ics)",
    "page_add_ics_hint": "For any calendar app: open or import the file.",
    "page_add_google": "Add to Google Calendar",
    "page_add_google_hint": "Opens Google Calendar with this event, to save it.",
    "page_add_webcal": "Subscribe to the whole calendar",
    "page_add_webcal_hint": "All events of this calendar in your calendar app, kept up to date.",
    "page_filtered": "Filtered:",
    "page_filtered_all": "show all",
    "page_filtered_nothing": "Nothing matches these filters.",
    "page_bad_request_title": "Invalid address",
    "page_bad_request_heading": "That does not work",
    "page_bad_request": "The parameter “{name}” is invalid: {allowed}",
    "filter_allowed_names": "the allowed ones are city, online, q, from, to and lang.",
    "filter_allowed_none": "this address only knows lang.",
    "filter_allowed_once": "each parameter at most once.",
    "filter_allowed_length": "at most 200 characters.",
    "filter_allowed_online": "online=only (online only) or online=no (with a place).",
    "filter_allowed_date": "a date as YYYY-MM-DD, for example {example}.",
    "filter_allowed_order": "from must not be after to.",
    "filter_allowed_span": "from and to at most 366 days apart.",
    "calendar_disabled": "The calendar feed is switched off (`[http] enabled = true` in the configuration).",
    # settings
    "settings_show": (
        "Settings of this room: approval {approval}, time zone {timezone}, @room in reminders {room_mention}, "
        "language {language}"
    ),
    "on": "on",
    "off": "off",
    "settings_saved": "Saved. ",
    "settings_bad_zone": "“{value}” is not a time zone. Example: `Europe/Berlin`.",
    "settings_bad_language": "“{value}” is not a language I speak. Possible: {languages}.",
    "language_name": "English",
    # the link desk (`!link`, 🔖, `!section`)
    "link_bad_scheme": "Only http and https links go into the post, not “{url}”.",
    "link_bad_malformed": (
        "“{url}” is not a complete link: the host name is missing, or it holds spaces or control characters."
    ),
    "link_bad_too_long": "The link is too long (at most 2000 characters): “{url}”.",
    "link_text_too_long": "The text is too long ({length} characters, at most {limit}).",
    "link_not_found": "There is no link #{number} in this room.",
    "link_duplicate": "This link is already filed as **#{number}**:",
    "link_filed": "Filed as **#{number}**:",
    "link_already_filed": "Already filed as **#{number}**:",
    "link_section_created": (
        "There was no section “{section}” yet; I created it. To undo: `{prefix}link move #{number} <section>` and "
        "`{prefix}section remove {section}`."
    ),
    "link_pending": "The link waits for approval: moderators confirm with ✅ on this message.",
    "link_updated": "Changed: **#{number}**",
    "links_none": (
        "No links filed for {month} yet. How: `{prefix}link https://example.org/trees #Karten The city [maps] its "
        "trees.` or 🔖 on a message with a link."
    ),
    "links_header": "**Links for {month}** ({count})",
    "links_more": "… and {count} more. One link in detail: `{prefix}link show #N`.",
    "link_by": "Filed by {submitter}",
    "link_unknown_field": "I cannot change “{value}” of a link. Possible: {known}.",
    "link_deleted": "Deleted: link **#{number}** {url}",
    "link_not_pending": "Link #{number} is not waiting for approval.",
    "link_approved": "Link **#{number}** is approved and goes into the post.",
    "section_bad_name": "A section needs a name of 1 to {limit} characters.",
    "section_unknown": "There is no section “{section}”. There are: {sections}.",
    "section_bad_position": "“{value}” is not a position; possible are 1 to {count}.",
    "sections_header": "**This room's sections**, in the post's order:",
    "sections_header_default": "**Sections** (the default ones), in the post's order:",
    "section_exists": "There already is a section “{section}”.",
    "section_added": "Section “{section}” added.",
    "section_moved": "Section “{section}” is now at position {position}.",
    "section_last": "The last section stays: links need a place in the post.",
    "section_removed": "Section “{section}” removed.",
    "section_still_used": "{count} links still name “{section}”; they come at the end of the news until moved.",
    "section_still_used_one": "1 link still names “{section}”; it comes at the end of the news until moved.",
    "roundup_news": "News: {sections}.",
    "roundup_links_pending": "{count} links still wait for approval (`{prefix}link list` shows them).",
    "roundup_links_pending_one": "1 link still waits for approval (`{prefix}link list` shows it).",
    # command arguments (bot/commands/args.py)
    "arg_not_one_of": "“{value}” does not fit here; possible: {choices}.",
    "arg_bad_count": "“{value}” is not a number from {low} to {high}.",
    "arg_extra": "More than the command takes: “{text}”.",
    # help texts, by command (`help_<path>`)
    "help_meetup": "register and manage regular meetups (e.g. OK Lab meetups)",
    "help_meetup_add": "registers a regular meetup (or multi-line: city:, rule:, time:, where:, name:, link:)",
    "help_meetup_list": "lists the meetups",
    "help_meetup_show": "shows a meetup and its next dates",
    "help_meetup_next": "the next dates of one or all meetups",
    "help_meetup_edit": "changes one field (city, rule, time, where, name, link, geo)",
    "help_meetup_delete": "deletes a meetup",
    "help_meetup_skip": "one date does not take place",
    "help_meetup_move": "moves one date",
    "help_meetup_dates": "gives the dates when the rule cannot be computed",
    # events, who comes, reminders (bot/commands/events.py, rsvp.py)
    "help_event": "submit and manage the room's events",
    "help_event_add": "adds an event (or multi-line: title:, when:, where:, link:, geo:, description:, online:)",
    "help_event_list": "lists upcoming events or a month's",
    "help_event_show": "shows one event",
    "help_event_edit": "changes one field (title, when, where, link, geo, description, online)",
    "help_event_cancel": "cancels an event (kept, marked cancelled)",
    "help_event_delete": "deletes an event",
    "help_event_search": "searches titles and places",
    "help_event_approve": "approves a pending event (moderators)",
    "help_event_reject": "rejects a pending event (moderators)",
    "help_event_who": "who is coming (👍 on the announcement)",
    "help_meetup_who": "who comes to the next date (👍 on the reminder)",
    "help_reminders": "shows or sets how long before reminders come (moderators); units s m h d w",
    # calendars in and out (bot/commands/calendar.py)
    "help_event_import": "imports an .ics file or URL (moderators)",
    "help_event_ics": "the event as an .ics file",
    "help_meetup_ics": "the meetup as an .ics file",
    "help_feed": "subscribed calendar feeds (moderators)",
    "help_feed_add": "subscribes to a feed",
    "help_feed_list": "lists the feeds",
    "help_feed_remove": "unsubscribes from a feed",
    "help_feed_sync": "fetches a feed now",
    "help_calendar": "the address to subscribe to this room's events, and its public page",
    "help_calendar_show": "shows the subscription address (secret) and the public page (also without show)",
    "help_calendar_rotate": "makes a new secret subscription address (moderators)",
    "help_calendar_publish": "publishes the calendar at <address>/<name>/, with list and map (moderators)",
    "help_calendar_unpublish": "takes the public page down (moderators)",
    # settings (bot/commands/settings.py)
    "help_settings": "shows or changes the room's settings: approval, time zone, @room, language (moderators)",
    "help_settings_show": "shows the room's settings (also without show)",
    "help_settings_approval": "switches approval of new entries by moderators on or off (moderators)",
    "help_settings_timezone": "sets the room's time zone, e.g. Europe/Berlin (moderators)",
    "help_settings_roommention": "switches @room in reminders on or off (moderators)",
    "help_settings_language": "the language I answer in in this room (moderators)",
    # the roundup (bot/commands/roundup.py)
    "help_roundup": "writes the monthly \u201cOut in the Open\u201d post as a Markdown file",
    "help_help": "lists all commands or explains one",
    "help_link": (
        "files links for the roundup's news (also 🔖 on a message); #section/topic chooses the section, [brackets] "
        "the linked words"
    ),
    "help_link_add": "files a link (short: `link <URL> …`); without text, the page's title is used",
    "help_link_list": "lists this month's links (or another month's) by section",
    "help_link_show": "shows one link as the post will carry it",
    "help_link_edit": "changes a link's text, section, topic or URL",
    "help_link_move": "moves a link to another section or to another month's edition",
    "help_link_delete": "deletes a link",
    "help_link_approve": "approves a waiting link (moderators; also ✅ on the bot's answer)",
    "help_section": "the roundup's news sections and their order (moderators change them)",
    "help_section_list": "lists the sections in order",
    "help_section_add": "adds a section (before Recap and “Und sonst so”)",
    "help_section_move": "moves a section to a position",
    "help_section_remove": "removes a section from the list (its links stay)",
    "help_frist": "deadlines (calls for participation) for the roundup",
    "help_frist_add": "adds a deadline; [brackets] mark the linked part of the name",
    "help_frist_list": "lists open deadlines",
    "help_frist_delete": "deletes a deadline",
}

# The argument names in usage lines (`<title>`, `[month]`); keywords stay as they are.
PLACEHOLDERS: dict[str, str] = {}

# The words commands accept besides their English names: aliases of commands (`command.<path>`), field
# names (`field.<name>`), switches and other keywords.
WORDS: dict[str, tuple[str, ...]] = {
    # meetups
    "command.meetup": ("meetups",),
    "meetup.city": ("lab",),
    "meetup.rule": ("when",),
    "meetup.where": ("place", "location"),
    "meetup.name": ("title",),
    "meetup.link": ("url",),
    # events, who comes, reminders
    "command.event": ("events",),
    "command.event.search": ("find",),
    "event.title": ("name",),
    "event.when": ("date",),
    "event.where": ("place", "location"),
    "event.link": ("url",),
    "event.online": ("stream",),
    "reminders.meetups": ("meetup",),
    "reminders.events": ("event",),
    # calendars in and out
    "command.feed": ("feeds",),
    "command.feed.remove": ("delete",),
    "command.calendar.show": ("url",),
    # settings
    "command.settings.timezone": ("tz",),
    "command.settings.roommention": ("@room",),
    "command.settings.language": ("lang",),
    # the link desk
    "command.link": ("links",),
    "command.section": ("sections",),
    "command.section.remove": ("delete",),
    "link.url": ("link",),
    "command.*.list": ("ls",),
    "command.*.show": ("info",),
    "command.*.delete": ("remove",),
    "command.frist": (
        "deadline",
        "deadlines",
        "cfp",
    ),
    "deadline.name": ("title",),
    "deadline.link": ("url",),
    "deadline.until": (
        "deadline",
        "when",
    ),
    "switch.on": ("yes", "true"),
    "switch.off": ("no", "false"),
}
