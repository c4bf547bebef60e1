import { getDb, type Db } from '../db';
import { publishEvent } from './bus';
import type { EventPayload, StoredEvent } from './stored-event';
import { prepared } from '../db/statements';

/** Handed only to the body of `change`, so an event cannot be written outside its change. */
export interface Change {
	readonly db: Db;
	readonly now: number;
	/** Called after commit, e.g. to close streams of sessions the change ended. */
	afterCommit(effect: () => void): void;
}

interface OpenChange extends Change {
	events: StoredEvent[];
	effects: (() => void)[];
	open: boolean;
}

type Run = <T>(body: (tx: Change) => T, tx: Change) => T;
const transactions = new WeakMap<Db, Run>();

/** better-sqlite3 builds a transaction function with four variants: once per connection, not per change. */
function immediateTransaction(db: Db): Run {
	let run = transactions.get(db);
	if (!run) {
		run = db.transaction((body: (tx: Change) => unknown, tx: Change) => body(tx)).immediate as Run;
		transactions.set(db, run);
	}
	return run;
}

/**
 * Runs one change and its events in a single write transaction, then announces the events
 * (docs/stream.md: nothing broadcast that is not committed, nothing committed left unbroadcast).
 */
export function change<T>(body: (tx: Change) => T, now: number = Date.now()): T {
	const db = getDb();
	const tx: OpenChange = {
		db,
		now,
		events: [],
		effects: [],
		open: true,
		afterCommit(effect) {
			this.effects.push(effect);
		}
	};
	try {
		const result = immediateTransaction(db)(body, tx);
		tx.open = false;
		for (const event of tx.events) publishEvent(event);
		for (const effect of tx.effects) effect();
		return result;
	} finally {
		tx.open = false;
	}
}

export function appendEvent(tx: Change, payload: EventPayload): StoredEvent {
	const open = tx as OpenChange;
	if (!open.open || !tx.db.inTransaction) {
		throw new Error('appendEvent is only callable inside the transaction of its change');
	}
	const { id } = prepared(
		tx.db,
		'INSERT INTO event (type, data, created_at) VALUES (?, ?, ?) RETURNING id'
	).get(payload.type, JSON.stringify(payload.data), tx.now) as { id: number };
	const event = { ...payload, id, createdAt: tx.now } as StoredEvent;
	open.events.push(event);
	return event;
}
