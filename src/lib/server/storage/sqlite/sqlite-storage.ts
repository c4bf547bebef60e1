import type { EventPayload, StoredEvent } from '../../events/stored-event';
import { Announcer } from '../announcer';
import type { Change, EventLog, SessionEnd, Snapshot, Storage } from '../storage';
import { pruneEvents, readEventPage, readLastEventId, readOldestEventId } from './event-log';
import { openDatabase, type Db } from './open';
import { prepared } from './statements';

interface OpenChange extends Change {
	events: StoredEvent[];
	effects: (() => void)[];
	open: boolean;
}

type Run = <T>(body: (tx: Change) => T, tx: Change) => T;

/** The storage on one SQLite file (or ':memory:'), through one better-sqlite3 connection. */
export class SqliteStorage implements Storage {
	private readonly events = new Announcer<StoredEvent>('storage.events');
	private readonly sessionEnds = new Announcer<SessionEnd>('storage.sessionEnded');
	/** better-sqlite3 builds a transaction function with four variants: once, not per change. */
	private readonly immediate: Run;
	private readonly deferred: <T>(read: () => T) => T;
	readonly log: EventLog;

	constructor(readonly db: Db) {
		this.immediate = db.transaction((body: (tx: Change) => unknown, tx: Change) => body(tx))
			.immediate as Run;
		this.deferred = db.transaction((read: () => unknown) => read()).deferred as <T>(
			read: () => T
		) => T;
		this.log = {
			headId: () => readLastEventId(db),
			oldestId: () => readOldestEventId(db),
			pageAfter: (afterId, maxEvents, maxBytes) => readEventPage(db, afterId, maxEvents, maxBytes),
			prune: (olderThan) => pruneEvents(db, olderThan)
		};
	}

	/** The head first, then the entities, in one read transaction: an exact pair. */
	snapshot<T>(read: (db: Db) => T): Snapshot<T> {
		return this.deferred(() => ({ lastEventId: readLastEventId(this.db), data: read(this.db) }));
	}

	read<T>(read: (db: Db) => T): T {
		return this.deferred(() => read(this.db));
	}

	/**
	 * The change and its events in one write transaction (`BEGIN IMMEDIATE`), then its events
	 * and effects in order (docs/stream.md: nothing broadcast that is not committed, nothing
	 * committed left unbroadcast). AUTOINCREMENT under the one writer gives gapless ids in
	 * commit order.
	 */
	change<T>(body: (tx: Change) => T, now: number = Date.now()): T {
		const tx: OpenChange = {
			db: this.db,
			now,
			events: [],
			effects: [],
			open: true,
			append: (payload) => this.append(tx, payload),
			announceSessionEnded: (end) => tx.effects.push(() => this.sessionEnds.announce(end)),
			afterCommit: (effect) => tx.effects.push(effect)
		};
		try {
			const result = this.immediate(body, tx);
			tx.open = false;
			for (const event of tx.events) this.events.announce(event);
			for (const effect of tx.effects) effect();
			return result;
		} finally {
			tx.open = false;
		}
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

	close(): void {
		this.db.close();
	}
}

/** Opens (creating its folder) and migrates the database at `path`. */
export function openSqliteStorage(path: string): SqliteStorage {
	return new SqliteStorage(openDatabase(path));
}
