import type Database from 'better-sqlite3';

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

/** Append only: a shipped migration is never edited, a new one gets the next number. */
export const migrations: Migration[] = [
	{
		version: 1,
		name: 'users, sessions and events',
		sql: `
			CREATE TABLE user (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL UNIQUE COLLATE NOCASE,
				password_hash TEXT NOT NULL,
				type TEXT NOT NULL CHECK (type IN ('regular', 'crew', 'admin')),
				created_at INTEGER NOT NULL,
				last_seen_at INTEGER
			);
			-- id is the SHA-256 of the cookie's token; expires_at (seconds) is Lucia's column.
			-- Times of our own are milliseconds, like the API's.
			CREATE TABLE session (
				id TEXT PRIMARY KEY,
				user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
				expires_at INTEGER NOT NULL,
				public_id TEXT NOT NULL UNIQUE,
				family TEXT NOT NULL,
				family_created_at INTEGER NOT NULL,
				created_at INTEGER NOT NULL,
				rotates_at INTEGER NOT NULL,
				rotated_at INTEGER,
				successor TEXT,
				received INTEGER NOT NULL DEFAULT 0,
				ended_at INTEGER,
				ended_reason TEXT,
				user_agent TEXT NOT NULL DEFAULT '',
				last_seen_at INTEGER NOT NULL
			);
			CREATE INDEX session_user ON session (user_id);
			CREATE INDEX session_family ON session (family);
			CREATE INDEX session_expires_at ON session (expires_at);
			CREATE TABLE event (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				type TEXT NOT NULL,
				data TEXT NOT NULL,
				created_at INTEGER NOT NULL
			);
			CREATE INDEX event_created_at ON event (created_at);
			CREATE TABLE security_record (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
				kind TEXT NOT NULL,
				created_at INTEGER NOT NULL,
				user_agent TEXT NOT NULL DEFAULT ''
			);
			CREATE INDEX security_record_user ON security_record (user_id);
		`
	},
	{
		version: 2,
		name: 'drop whole-list session events',
		// Each held a user's whole sessions list; per-login events replace them and no client
		// reads them any more. A client whose cursor falls before the gap resyncs as usual.
		sql: `DELETE FROM event WHERE type = 'sessions-update';`
	},
	{
		version: 3,
		name: 'settings and invitations',
		sql: `
			-- One row: the instance's settings. It is written at first start from the
			-- environment (REGISTRATION); the admin's changes win from then on.
			CREATE TABLE settings (
				id INTEGER PRIMARY KEY CHECK (id = 1),
				name TEXT NOT NULL,
				time_zone TEXT NOT NULL,
				registration TEXT NOT NULL CHECK (registration IN ('open', 'invite', 'closed'))
			);
			-- token_hash is the SHA-256 of the link's secret: a copy of the database hands out
			-- no invitation. Users that go keep the invitations they made or used.
			CREATE TABLE invitation (
				id TEXT PRIMARY KEY,
				token_hash TEXT NOT NULL UNIQUE,
				created_by TEXT REFERENCES user (id) ON DELETE SET NULL,
				created_at INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				used_at INTEGER,
				used_by TEXT REFERENCES user (id) ON DELETE SET NULL
			);
		`
	},
	{
		version: 4,
		name: 'ended sessions and both parties of a theft',
		sql: `
			-- A session ended by a logout, from another session, by a password change or with its
			-- user, kept until it would have expired so whoever presents it is told why. No FK to
			-- user: the tombstone of a deleted user must outlive the user. id is as in session.
			CREATE TABLE ended_session (
				id TEXT PRIMARY KEY,
				reason TEXT NOT NULL,
				family_created_at INTEGER NOT NULL,
				last_seen_at INTEGER NOT NULL,
				expires_at INTEGER NOT NULL
			);
			CREATE INDEX ended_session_expires_at ON ended_session (expires_at);
			-- A theft names both browsers: user_agent came second, other_user_agent first.
			ALTER TABLE security_record ADD COLUMN other_user_agent TEXT NOT NULL DEFAULT '';
		`
	},
	{
		version: 5,
		name: 'suspension, audit trail, user list indexes',
		sql: `
			-- A suspended user keeps their account but cannot log in; null when not suspended.
			ALTER TABLE user ADD COLUMN suspended_at INTEGER;
			ALTER TABLE user ADD COLUMN suspended_by TEXT;
			-- The users list pages through thousands by when they joined or were last seen;
			-- by name it uses the unique NOCASE index on name.
			CREATE INDEX user_created_at ON user (created_at, id);
			CREATE INDEX user_last_seen_at ON user (last_seen_at, id);
			-- What admins did and what security events happened. Names are copied, so a row
			-- still reads after its user is renamed or deleted.
			CREATE TABLE audit (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				at INTEGER NOT NULL,
				actor_id TEXT,
				actor_name TEXT,
				action TEXT NOT NULL,
				target_id TEXT,
				target_name TEXT,
				detail TEXT NOT NULL DEFAULT ''
			);
			CREATE INDEX audit_at ON audit (at);
		`
	},
	{
		version: 6,
		name: 'password resets',
		// Like invitations, only the SHA-256 of the link's secret is kept. created_by is null when
		// the operator's command made it; a reset goes with its user, and outlives its maker.
		sql: `
			CREATE TABLE password_reset (
				id TEXT PRIMARY KEY,
				token_hash TEXT NOT NULL UNIQUE,
				user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
				created_by TEXT REFERENCES user (id) ON DELETE SET NULL,
				created_at INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				used_at INTEGER
			);
			CREATE INDEX password_reset_user ON password_reset (user_id);
		`
	},
	{
		version: 7,
		name: 'locations and entries',
		sql: `
			CREATE TABLE location (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				created_at INTEGER NOT NULL
			);
			-- A location cannot go while entries use it (the API answers 409 first).
			-- revision counts the entry's changes: calendars read it as SEQUENCE.
			CREATE TABLE entry (
				id TEXT PRIMARY KEY,
				title TEXT NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				location_id TEXT REFERENCES location (id) ON DELETE RESTRICT,
				start_at INTEGER NOT NULL,
				end_at INTEGER NOT NULL,
				visibility TEXT NOT NULL CHECK (visibility IN ('public', 'crew', 'draft')),
				crew_notes TEXT NOT NULL DEFAULT '',
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL,
				revision INTEGER NOT NULL DEFAULT 0,
				CHECK (start_at < end_at)
			);
			CREATE INDEX entry_start ON entry (start_at, end_at);
			CREATE INDEX entry_location ON entry (location_id);
			-- When the schedule last changed in any way (an entry hidden or deleted included):
			-- the frab files' version (their Last-Modified was, until migration 11).
			CREATE TABLE schedule_clock (
				id INTEGER PRIMARY KEY CHECK (id = 1),
				changed_at INTEGER NOT NULL
			);
		`
	},
	{
		version: 8,
		name: 'shifts, interests and personal calendar feeds',
		sql: `
			-- A location cannot go while shifts use it, as with entries (the API answers 409 first).
			CREATE TABLE shift (
				id TEXT PRIMARY KEY,
				role TEXT NOT NULL,
				location_id TEXT REFERENCES location (id) ON DELETE RESTRICT,
				start_at INTEGER NOT NULL,
				end_at INTEGER NOT NULL,
				needed INTEGER NOT NULL CHECK (needed >= 1),
				notes TEXT NOT NULL DEFAULT '',
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL,
				revision INTEGER NOT NULL DEFAULT 0,
				CHECK (start_at < end_at)
			);
			CREATE INDEX shift_start ON shift (start_at, end_at);
			CREATE INDEX shift_location ON shift (location_id);
			-- Who holds a place. The capacity check runs in the write transaction that inserts here;
			-- taken_at keeps the order places were taken in.
			CREATE TABLE shift_crew (
				shift_id TEXT NOT NULL REFERENCES shift (id) ON DELETE CASCADE,
				user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
				taken_at INTEGER NOT NULL,
				seq INTEGER NOT NULL,
				PRIMARY KEY (shift_id, user_id)
			);
			CREATE INDEX shift_crew_user ON shift_crew (user_id);
			CREATE TABLE interest (
				user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
				entry_id TEXT NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
				created_at INTEGER NOT NULL,
				PRIMARY KEY (user_id, entry_id)
			);
			CREATE INDEX interest_entry ON interest (entry_id);
			-- One secret feed per user; token_hash is the SHA-256 of the URL's secret. changed_at
			-- moved with the user's interests and shifts as the feed's Last-Modified, until migration 11.
			CREATE TABLE calendar_feed (
				user_id TEXT PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,
				token_hash TEXT NOT NULL UNIQUE,
				created_at INTEGER NOT NULL,
				changed_at INTEGER NOT NULL
			);
		`
	},
	{
		version: 9,
		name: 'audit paging and quoted text, reset links by maker',
		// Text a user chose (a user agent, a name) moves out of the record's own words into
		// quoted, for rows written before. The audit trail pages by id, filtered by kind or actor.
		sql: `
			ALTER TABLE audit ADD COLUMN quoted TEXT;
			UPDATE audit SET quoted = detail, detail = '' WHERE action = 'session-taken';
			UPDATE audit SET quoted = substr(detail, 6), detail = ''
				WHERE action = 'user-rename' AND detail LIKE 'from %';
			CREATE INDEX audit_action ON audit (action, id);
			CREATE INDEX audit_actor ON audit (actor_id, id);
			CREATE INDEX audit_target ON audit (target_id, id);
			CREATE INDEX password_reset_created_by ON password_reset (created_by);
		`
	},
	{
		version: 10,
		name: 'the hour a day of the gathering starts',
		sql: `
			-- HH:MM on the zone's wall clock; midnight keeps every existing instance as it was.
			ALTER TABLE settings ADD COLUMN day_starts_at TEXT NOT NULL DEFAULT '00:00'
				CHECK (day_starts_at GLOB '[0-1][0-9]:[0-5][0-9]' AND day_starts_at <= '12:00');
		`
	},
	{
		version: 11,
		name: 'feed versions',
		// The validators a polled file was last answered with (docs/api.md, "Conditional GET"):
		// last_modified moves, strictly, each time the file's body (its etag) changes. A
		// personal calendar's row goes with its feed.
		sql: `
			CREATE TABLE feed_version (
				name TEXT PRIMARY KEY,
				etag TEXT NOT NULL,
				last_modified INTEGER NOT NULL
			);
			CREATE TRIGGER calendar_feed_version_gone AFTER DELETE ON calendar_feed BEGIN
				DELETE FROM feed_version WHERE name = 'calendar ' || old.user_id;
			END;
		`
	},
	{
		version: 12,
		name: 'whether the gathering was set up',
		// When an admin first saved the settings (the setup page, the admin page or the API); until
		// then admins are sent to the setup page. An instance that already has users was in use
		// before the setup page existed: it counts as set up.
		sql: `
			ALTER TABLE settings ADD COLUMN set_up_at INTEGER;
			UPDATE settings SET set_up_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
				WHERE EXISTS (SELECT 1 FROM user);
		`
	},
	{
		version: 13,
		name: 'audit changes',
		// What an edit of the schedule changed, as JSON [{ field, from, to }]: who moved a talk
		// where, and when. Null for records that tell no fields.
		sql: `ALTER TABLE audit ADD COLUMN changes TEXT;`
	},
	{
		version: 14,
		name: 'attempts counted against the limits',
		// In the database rather than in memory, so several instances count against one limit
		// (docs/security.md, "Guessing limits"). One row per instant (n attempts at it), keyed
		// for the reads of a limit, so counting one writes one b-tree page; expires_at is when it
		// leaves its window, for the sweep.
		sql: `
			CREATE TABLE attempt (
				kind TEXT NOT NULL,
				key TEXT NOT NULL,
				name TEXT NOT NULL,
				at INTEGER NOT NULL,
				n INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				PRIMARY KEY (kind, key, name, at)
			) WITHOUT ROWID;
		`
	},
	{
		version: 15,
		name: 'what a calendar shows of an entry, versioned on its own',
		// A calendar's SEQUENCE and LAST-MODIFIED move only when its title, description,
		// location or times change; until now they were the entry's revision and update time.
		sql: `
			ALTER TABLE entry ADD COLUMN calendar_revision INTEGER NOT NULL DEFAULT 0;
			ALTER TABLE entry ADD COLUMN calendar_changed_at INTEGER NOT NULL DEFAULT 0;
			UPDATE entry SET calendar_revision = revision, calendar_changed_at = updated_at;
		`
	},
	{
		version: 16,
		name: "the public schedule's changes",
		// One row per event that changed what the public sees, keyed by that event's id and
		// pruned with the log: the log's entry events hold only the state after, so "from → to"
		// is decided by the change that knows both (docs/changes.md).
		sql: `
			CREATE TABLE schedule_change (
				event_id INTEGER PRIMARY KEY,
				at INTEGER NOT NULL,
				entry_id TEXT,
				title TEXT NOT NULL,
				start_at INTEGER,
				end_at INTEGER,
				location TEXT,
				what TEXT NOT NULL
			);
			CREATE INDEX schedule_change_entry ON schedule_change (entry_id, event_id);
			CREATE INDEX schedule_change_at ON schedule_change (at);
		`
	}
];

/** Applies every migration not yet recorded, each in its own transaction, in order. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number[] {
	db.exec(`CREATE TABLE IF NOT EXISTS migration (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	)`);
	const applied = new Set(db.prepare('SELECT version FROM migration').pluck().all() as number[]);
	const record = db.prepare('INSERT INTO migration (version, name, applied_at) VALUES (?, ?, ?)');
	const ran: number[] = [];
	for (const migration of [...list].sort((a, b) => a.version - b.version)) {
		if (applied.has(migration.version)) continue;
		db.transaction(() => {
			db.exec(migration.sql);
			record.run(migration.version, migration.name, Date.now());
		}).immediate();
		ran.push(migration.version);
	}
	return ran;
}
