"""Numbered schema migrations; each runs in one transaction together with its `PRAGMA user_version`.

A migration is never changed once released: a change to the schema is a new entry at the end.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the foundation (session, handled commands, rooms) and events
    (
        """CREATE TABLE kv (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE handled_events (
            event_id TEXT PRIMARY KEY,
            room_id TEXT NOT NULL,
            handled_at INTEGER NOT NULL
        )""",
        "CREATE INDEX handled_events_age ON handled_events(handled_at)",
        """CREATE TABLE rooms (
            room_id TEXT PRIMARY KEY,
            joined_at_ms INTEGER NOT NULL,
            approval INTEGER NOT NULL DEFAULT 0,
            timezone TEXT
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            room_id TEXT NOT NULL,
            title TEXT NOT NULL,
            start_local TEXT NOT NULL,
            end_local TEXT,
            all_day INTEGER NOT NULL,
            timezone TEXT NOT NULL,
            start_utc INTEGER NOT NULL,
            end_utc INTEGER NOT NULL,
            place TEXT,
            online INTEGER NOT NULL DEFAULT 0,
            online_url TEXT,
            link TEXT,
            geo_lat REAL,
            geo_lon REAL,
            description TEXT,
            submitter TEXT NOT NULL,
            source_event_id TEXT UNIQUE,
            status TEXT NOT NULL,
            uid TEXT NOT NULL,
            created_at INTEGER NOT NULL
        )""",
        "CREATE INDEX events_room_start ON events(room_id, start_utc, end_utc)",
        "CREATE UNIQUE INDEX events_room_uid ON events(room_id, uid)",
    ),
    # 2: recurring meetups, with skipped, moved and explicitly given dates
    (
        """CREATE TABLE meetups (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            room_id TEXT NOT NULL,
            city TEXT NOT NULL,
            rule_text TEXT NOT NULL,
            rrule TEXT,
            dtstart TEXT NOT NULL,
            start_time TEXT NOT NULL,
            end_time TEXT,
            timezone TEXT NOT NULL,
            name TEXT NOT NULL,
            place TEXT,
            online INTEGER NOT NULL DEFAULT 0,
            link TEXT,
            geo_lat REAL,
            geo_lon REAL,
            submitter TEXT NOT NULL,
            source_event_id TEXT UNIQUE,
            uid TEXT NOT NULL,
            created_at INTEGER NOT NULL
        )""",
        "CREATE UNIQUE INDEX meetups_room_uid ON meetups(room_id, uid)",
        """CREATE TABLE meetup_dates (
            meetup_id INTEGER NOT NULL REFERENCES meetups(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('skip', 'move', 'extra')),
            original_date TEXT,
            start_local TEXT
        )""",
        "CREATE INDEX meetup_dates_meetup ON meetup_dates(meetup_id)",
    ),
    # 3: deadlines (calls for participation) for the roundup
    (
        """CREATE TABLE deadlines (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            room_id TEXT NOT NULL,
            name TEXT NOT NULL,
            link TEXT NOT NULL,
            start_date TEXT,
            end_date TEXT NOT NULL,
            submitter TEXT NOT NULL,
            source_event_id TEXT UNIQUE,
            created_at INTEGER NOT NULL
        )""",
        "CREATE INDEX deadlines_room_end ON deadlines(room_id, end_date)",
    ),
    # 4: announcements (bot messages people react to), RSVPs, reminder lead times, ledger and outbox
    (
        """CREATE TABLE announcements (
            message_event_id TEXT PRIMARY KEY,
            room_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('event', 'meetup')),
            item_id INTEGER NOT NULL,
            occurrence TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX announcements_item ON announcements(kind, item_id)",
        """CREATE TABLE rsvps (
            room_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            item_id INTEGER NOT NULL,
            occurrence TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL,
            reaction_event_id TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (kind, item_id, occurrence, user_id)
        )""",
        "ALTER TABLE rooms ADD COLUMN event_lead_times TEXT",
        "ALTER TABLE rooms ADD COLUMN meetup_lead_times TEXT",
        """CREATE TABLE reminder_ledger (
            key TEXT PRIMARY KEY,
            room_id TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'skipped')),
            txn_id TEXT,
            recorded_at INTEGER NOT NULL
        )""",
        """CREATE TABLE outbox (
            txn_id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            room_id TEXT NOT NULL,
            body TEXT NOT NULL,
            html TEXT NOT NULL,
            mentions TEXT NOT NULL,
            announce_kind TEXT,
            announce_item INTEGER,
            announce_occurrence TEXT,
            created_at INTEGER NOT NULL,
            sent_event_id TEXT
        )""",
        "CREATE INDEX outbox_unsent ON outbox(sent_event_id, seq)",
    ),
    # 5: subscribed calendar feeds; imported events and meetups remember their feed
    (
        """CREATE TABLE feeds (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            room_id TEXT NOT NULL,
            url TEXT NOT NULL,
            interval_s INTEGER NOT NULL,
            added_by TEXT NOT NULL,
            last_fetch_at INTEGER,
            last_error TEXT,
            etag TEXT,
            last_modified TEXT,
            UNIQUE (room_id, url)
        )""",
        "ALTER TABLE events ADD COLUMN feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL",
        "ALTER TABLE meetups ADD COLUMN feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL",
        "ALTER TABLE rooms ADD COLUMN feed_token TEXT",
        "CREATE UNIQUE INDEX rooms_feed_token ON rooms(feed_token)",
    ),
    # 6: rooms may let reminders notify everyone (@room)
    (
        "ALTER TABLE rooms ADD COLUMN room_mention INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE outbox ADD COLUMN room_mention INTEGER NOT NULL DEFAULT 0",
    ),
    # 7: outbox messages that cannot be sent are kept with the reason; events and meetups remember when their
    # current dates were set (a reminder whose lead time had already passed then is not owed). The feeds' etag
    # and last_modified columns (never used) stay: DROP COLUMN needs SQLite 3.35.
    (
        "ALTER TABLE outbox ADD COLUMN failed_at INTEGER",
        "ALTER TABLE outbox ADD COLUMN failed_reason TEXT",
        "ALTER TABLE events ADD COLUMN scheduled_at INTEGER",
        "UPDATE events SET scheduled_at = created_at",
        "ALTER TABLE meetups ADD COLUMN scheduled_at INTEGER",
        "UPDATE meetups SET scheduled_at = created_at",
    ),
    # 8: rooms may publish their calendar under a public name; events count their edits (the feeds' SEQUENCE),
    # raised by a trigger so that every writer (edits, status changes, imports, a feed's cancellations) counts
    (
        "ALTER TABLE rooms ADD COLUMN public_name TEXT",
        "CREATE UNIQUE INDEX rooms_public_name ON rooms(public_name)",
        "ALTER TABLE events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0",
        """CREATE TRIGGER events_sequence AFTER UPDATE OF title, start_local, end_local, all_day, timezone, place,
            online, online_url, link, geo_lat, geo_lon, description, status ON events
        BEGIN
            UPDATE events SET sequence = OLD.sequence + 1 WHERE id = NEW.id;
        END""",
    ),
    # 9: edits. A handled command keeps who sent it, the bot's answer and whether it was carried out, so an edit
    # of the command edits that answer; queued messages may be edits (m.replace) of earlier bot messages
    (
        "ALTER TABLE handled_events ADD COLUMN sender TEXT",
        "ALTER TABLE handled_events ADD COLUMN answer_event_id TEXT",
        "ALTER TABLE handled_events ADD COLUMN carried_out INTEGER",
        "ALTER TABLE outbox ADD COLUMN replaces TEXT",
    ),
    # 10: the link desk: links filed for the roundup's news sections, and each room's order of sections
    (
        """CREATE TABLE links (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            room_id TEXT NOT NULL,
            url TEXT NOT NULL,
            url_key TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            title TEXT,
            section TEXT NOT NULL,
            topic TEXT,
            edition TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved')),
            submitter TEXT NOT NULL,
            source_event_id TEXT,
            answer_event_id TEXT,
            created_at INTEGER NOT NULL,
            UNIQUE (room_id, url_key)
        )""",
        "CREATE INDEX links_edition ON links(room_id, edition)",
        "CREATE INDEX links_source ON links(room_id, source_event_id)",
        "CREATE INDEX links_answer ON links(room_id, answer_event_id)",
        """CREATE TABLE link_sections (
            room_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (room_id, position)
        )""",
    ),
    # 11: a reply language per room (NULL: the bot's `bot.language`)
    ("ALTER TABLE rooms ADD COLUMN language TEXT",),
)

SCHEMA_VERSION = len(MIGRATIONS)
