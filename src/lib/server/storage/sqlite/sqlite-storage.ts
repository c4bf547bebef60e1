import type { EventPayload, StoredEvent } from '../../events/stored-event';
import { Announcer } from '../announcer';
import { sqlRecords } from '../sql/records';
import type { Change, EventLog, Records, SessionEnd, Snapshot, Storage } from '../storage';
import { backupDatabase } from './backup';
import { pruneEvents, readEventPage, readLastEventId, readOldestEventId } from './event-log';
import { Lock } from './lock';
import { openDatabase, type Db } from './open';
import { sqliteSql } from './sqlite-sql';
import { prepared } from './statements';

interface OpenChange extends Change {
	events: StoredEvent[];
	effects: (() => void)[];
	open: boolean;
}

/**
 * The storage on one SQLite file, through the process's one better-sqlite3 connection.
 *
 * Why it stays correct with awaits inside a change's body (docs/architecture.md, "Storage"):
 *
 * - Changes and reads take turns on the connection, through one queue (`turns`). A change is
 *   `BEGIN IMMEDIATE`, the awaited body, then `COMMIT` (or `ROLLBACK` when the body throws);
 *   no read and no other change runs while it is open, so none sees its rows or joins its
 *   transaction. The next change begins only after this one's events and effects were
 *   announced: ids grow in commit order, gapless (AUTOINCREMENT under one writer; a rolled-back
 *   insert does not move the counter), and are announced in id order.
 * - A snapshot reads the head, then its entities, in one read transaction: one moment.
 * - A turn that finds the queue empty starts at once, in the caller's step: a read whose body
 *   does not await costs no more than before. Changes await only in-process work (Lucia), so a
 *   read waits at most for the change in front of it.
 * - A change commits and announces in one synchronous step (no await between COMMIT and the
 *   announcements), so a read that sees a committed event runs after it was announced.
 * - A second, read-only connection in WAL mode would let reads go on beside an open change,
 *   but the process keeps one connection to its database (its tests hold it to that), and
 *   changes are short: one queue is simpler (docs/architecture.md, "Storage").
 */
export class SqliteStorage implements Storage {
	private readonly events = new Announcer<StoredEvent>('storage.events');
	private readonly sessionEnds = new Announcer<SessionEnd>('storage.sessionEnded');
	private readonly turns = new Lock();
	private readonly records: Records;
	readonly log: EventLog;

	constructor(
		/** The connection. Only the storage's own turns use it (and tests, to set rows up). */
		readonly db: Db
	) {
		this.records = sqlRecords(sqliteSql(db));
		this.log = {
			headId: () => this.turn(readLastEventId),
			oldestId: () => this.turn(readOldestEventId),
			pageAfter: (afterId, maxEvents, maxBytes) =>
				this.turn((db) => readEventPage(db, afterId, maxEvents, maxBytes)),
			prune: (olderThan) => this.change(() => pruneEvents(db, olderThan))
		};
	}

	/** The head first, then the entities, in one read transaction: an exact pair. */
	snapshot<T>(read: (records: Records) => T | Promise<T>): Promise<Snapshot<T>> {
		return this.turn((db) => {
			const lastEventId = readLastEventId(db);
			const data = read(this.records);
			return data instanceof Promise
				? data.then((value) => ({ lastEventId, data: value }))
				: { lastEventId, data };
		});
	}

	read<T>(read: (records: Records) => T | Promise<T>): Promise<T> {
		return this.turn(() => read(this.records));
	}

	/** A read transaction on the connection, in the queue's turn. */
	private turn<T>(read: (db: Db) => T | Promise<T>): Promise<T> {
		const db = this.db;
		return this.turns.hold(() => {
			prepared(db, 'BEGIN DEFERRED').run();
			let result: T | Promise<T>;
			try {
				result = read(db);
			} catch (error) {
				prepared(db, 'ROLLBACK').run();
				throw error;
			}
			// A body that does not await ends its transaction in the caller's turn.
			if (!(result instanceof Promise)) {
				prepared(db, 'COMMIT').run();
				return result;
			}
			return result.then(
				(value) => {
					prepared(db, 'COMMIT').run();
					return value;
				},
				(error) => {
					if (db.inTransaction) prepared(db, 'ROLLBACK').run();
					throw error;
				}
			);
		});
	}

	change<T>(body: (tx: Change) => T | Promise<T>, now: number = Date.now()): Promise<T> {
		return this.turns.hold(async () => {
			const tx: OpenChange = {
				...this.records,
				now,
				events: [],
				effects: [],
				open: true,
				append: (payload) => this.append(tx, payload),
				announceSessionEnded: (end) => tx.effects.push(() => this.sessionEnds.announce(end)),
				afterCommit: (effect) => tx.effects.push(effect)
			};
			prepared(this.db, 'BEGIN IMMEDIATE').run();
			let result: T;
			try {
				result = await body(tx);
				prepared(this.db, 'COMMIT').run();
			} catch (error) {
				// SQLite may have rolled back already (a full disk, an interrupted statement).
				if (this.db.inTransaction) prepared(this.db, 'ROLLBACK').run();
				throw error;
			} finally {
				tx.open = false;
			}
			// Announced in the same step as the commit, before the next change may begin.
			for (const event of tx.events) this.events.announce(event);
			for (const effect of tx.effects) effect();
			return result;
		});
	}

	private append(tx: OpenChange, payload: EventPayload): StoredEvent {
		if (!tx.open || !this.db.inTransaction) {
			throw new Error('appendEvent is only callable inside the transaction of its change');
		}
		const { id } = prepared(
			this.db,
			'INSERT INTO event (type, data, created_at) VALUES (?, ?, ?) RETURNING id'
		).get(payload.type, JSON.stringify(payload.data), tx.now) as { id: number };
		const event = { ...payload, id, createdAt: tx.now } as StoredEvent;
		tx.events.push(event);
		return event;
	}

	onEvent(listener: (event: StoredEvent) => void): () => void {
		return this.events.subscribe(listener);
	}

	onSessionEnded(listener: (end: SessionEnd) => void): () => void {
		return this.sessionEnds.subscribe(listener);
	}

	/**
	 * In a turn of its own: SQLite's backup steps run on this connection between turns of the
	 * event loop, and one must not fall inside an open change. The commands back up from their
	 * own process, so the app's changes never wait for it.
	 */
	backup(toPath: string): Promise<{ pages: number }> {
		return this.turns.hold(() => backupDatabase(this.db, toPath));
	}

	async close(): Promise<void> {
		this.db.close();
	}
}

/** Opens (creating its folder) and migrates the database at `path`. */
export function openSqliteStorage(path: string): SqliteStorage {
	return new SqliteStorage(openDatabase(path));
}
