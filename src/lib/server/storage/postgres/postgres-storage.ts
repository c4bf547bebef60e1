import pg from 'pg';
import type { EventPayload, StoredEvent } from '../../events/stored-event';
import { log } from '../../log';
import { Announcer } from '../announcer';
import { sqlRecords } from '../sql/records';
import { Lock } from '../sqlite/lock';
import type { Change, EventLog, Records, SessionEnd, Snapshot, Storage } from '../storage';
import { pruneEvents, readEventPage, readLastEventId, readOldestEventId } from './event-log';
import { channel, defaultFollowerOptions, LogFollower, type FollowerOptions } from './log-follower';
import { migrate } from './migrations';
import { postgresSql, types } from './postgres-sql';

export interface PostgresOptions {
	/** `postgres://…` or `postgresql://…` */
	url: string;
	/** Connections of this instance's pool, besides the one that listens. */
	poolSize?: number;
	follower?: Partial<FollowerOptions>;
}

interface OpenChange extends Change {
	head: number;
	events: StoredEvent[];
	/** Each event's data as stored: serialised when appended, as SQLite does. */
	data: string[];
	ends: SessionEnd[];
	effects: (() => void)[];
	open: boolean;
}

/** Held by every change of every instance from its first statement to its commit. */
const changeLock = 7_416_902;
const beginChange = `BEGIN; SELECT pg_advisory_xact_lock(${changeLock}); SELECT last_id FROM event_head`;
const readOnly = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
/** The head is the transaction's first read: the moment every later read of it sees. */
const beginSnapshot = `${readOnly}; SELECT last_id FROM event_head`;
/** A change's events, its session endings and the new head, in one statement; then the wake. */
const writeLog = `WITH appended AS (
		INSERT INTO event (id, type, data, created_at)
		SELECT id, type, data, ? FROM unnest(?::bigint[], ?::text[], ?::text[]) AS e (id, type, data)
	), ended AS (
		INSERT INTO session_end (after_event, data, created_at)
		SELECT ?, data, ? FROM unnest(?::text[]) WITH ORDINALITY AS s (data, n) ORDER BY n
	), head AS (
		UPDATE event_head SET last_id = ? WHERE id = 1
	)
	SELECT pg_notify('${channel}', '')`;

/**
 * The storage on a PostgreSQL database that any number of instances share.
 *
 * Why it keeps SQLite's guarantees with several writers (docs/architecture.md, "Storage"):
 *
 * - A change holds a transaction-level advisory lock (`changeLock`) from its first statement to
 *   its commit, so changes of all instances run one at a time, as SQLite's single writer did:
 *   every rule decided inside a change (the last admin, a shift's capacity, a rotation decided
 *   once) sees every earlier change committed. The head is read in a statement after the lock's,
 *   so READ COMMITTED sees every change committed before the lock was granted.
 * - Ids are assigned in memory from that head (`append` stays synchronous) and written with the
 *   new head just before COMMIT; the lock is released only after the commit is visible. So ids
 *   are gapless and commit order is id order: a reader that saw id N+1 committed saw N too. A
 *   sequence would hand out ids that commit out of order, and a reader past 11 would lose a 10
 *   committed later.
 * - Within an instance, changes wait in a local queue, so a waiting change holds no connection.
 * - The same statement notifies `channel`, delivered at commit. Every instance, the writer
 *   included, then reads what was committed from the tables (`LogFollower`) and announces it in
 *   id order; the writer awaits that before its change resolves and its `afterCommit` effects
 *   run, so a caller that awaited a change finds its events announced, as on SQLite. (When
 *   that read fails, the change still resolves, committed; the follower retries until it reads.)
 * - Session endings are rows too (`session_end`), so every instance's streams hear them, after
 *   the events of the change that ended them.
 * - Reads run concurrently on the pool, each in a REPEATABLE READ transaction: a snapshot reads
 *   the head first, then its records, all as of one moment.
 */
export class PostgresStorage implements Storage {
	private readonly events = new Announcer<StoredEvent>('storage.events');
	private readonly sessionEnds = new Announcer<SessionEnd>('storage.sessionEnded');
	private readonly changes = new Lock();
	private readonly follower: LogFollower;
	readonly pool: pg.Pool;
	/** Connected and migrated; every method waits for it, and fails as it failed. */
	readonly ready: Promise<void>;
	readonly log: EventLog;

	constructor(options: PostgresOptions) {
		const connection: pg.ClientConfig = { connectionString: options.url, types };
		this.pool = new pg.Pool({
			...connection,
			max: options.poolSize ?? 10,
			keepAlive: true,
			application_name: 'tidewatch',
			// A transaction left open by an instance that hangs (paused, cut off) would hold the
			// change lock for every instance: PostgreSQL ends it. Bodies await only in-process work.
			idle_in_transaction_session_timeout: 60_000
		});
		// A connection that drops while idle in the pool: the pool replaces it at its next use.
		this.pool.on('error', (error) =>
			log().warn({ event: 'database-connection-lost', err: error }, 'a database connection dropped')
		);
		this.follower = new LogFollower(
			this.pool,
			connection,
			{
				event: (event) => this.events.announce(event),
				sessionEnded: (end) => this.sessionEnds.announce(end)
			},
			{ ...defaultFollowerOptions, ...options.follower }
		);
		this.ready = this.open();
		// Whoever uses the storage hears its failure; an unused one must not crash the process.
		this.ready.catch(() => {});
		this.log = {
			headId: () => this.query(readLastEventId),
			oldestId: () => this.query(readOldestEventId),
			pageAfter: (afterId, maxEvents, maxBytes) =>
				this.query((pool) => readEventPage(pool, afterId, maxEvents, maxBytes)),
			prune: (olderThan) => this.transact((_, client) => pruneEvents(client, olderThan))
		};
	}

	private async open(): Promise<void> {
		const client = await this.pool.connect();
		try {
			await migrate(client);
		} finally {
			client.release();
		}
		await this.follower.start();
	}

	/** One statement on the pool: consistent on its own. */
	private async query<T>(read: (pool: pg.Pool) => Promise<T>): Promise<T> {
		await this.ready;
		return read(this.pool);
	}

	/** `begin`, the body, then COMMIT; ROLLBACK when the body throws. */
	private async transaction<T>(
		begin: string,
		body: (client: pg.PoolClient, begun: pg.QueryResult[]) => Promise<T>
	): Promise<T> {
		await this.ready;
		const client = await this.pool.connect();
		let broken: Error | undefined;
		try {
			const begun = await client.query(begin);
			const result = await body(client, Array.isArray(begun) ? begun : [begun]);
			await client.query('COMMIT');
			return result;
		} catch (error) {
			// A connection that cannot even roll back is not handed to anyone again.
			await client.query('ROLLBACK').catch((failed: Error) => (broken = failed));
			throw error;
		} finally {
			client.release(broken);
		}
	}

	snapshot<T>(read: (records: Records) => T | Promise<T>): Promise<Snapshot<T>> {
		return this.transaction(beginSnapshot, async (client, begun) => {
			const lastEventId = Number(begun[1].rows[0].last_id);
			const data = await read(sqlRecords(postgresSql(client)));
			return { lastEventId, data };
		});
	}

	read<T>(read: (records: Records) => T | Promise<T>): Promise<T> {
		return this.transaction(readOnly, async (client) => read(sqlRecords(postgresSql(client))));
	}

	change<T>(body: (tx: Change) => T | Promise<T>, now: number = Date.now()): Promise<T> {
		return this.transact((tx) => body(tx), now);
	}

	/** A change, its body also handed the connection (the log's own writes use it). */
	private transact<T>(
		body: (tx: Change, client: pg.PoolClient) => T | Promise<T>,
		now: number = Date.now()
	): Promise<T> {
		return this.changes.hold(async () => {
			let tx: OpenChange | undefined;
			const result = await this.transaction(beginChange, async (client, begun) => {
				const open: OpenChange = {
					...sqlRecords(postgresSql(client)),
					now,
					head: Number(begun[2].rows[0].last_id),
					events: [],
					data: [],
					ends: [],
					effects: [],
					open: true,
					append: (payload) => this.append(open, payload),
					announceSessionEnded: (end) => open.ends.push(end),
					afterCommit: (effect) => open.effects.push(effect)
				};
				tx = open;
				let result: T;
				try {
					result = await body(open, client);
				} finally {
					open.open = false;
				}
				if (open.events.length > 0 || open.ends.length > 0) {
					const head = open.head + open.events.length;
					await postgresSql(client).run(
						writeLog,
						now,
						open.events.map((event) => event.id),
						open.events.map((event) => event.type),
						open.data,
						head,
						now,
						open.ends.map((end) => JSON.stringify(end)),
						head
					);
				}
				return result;
			});
			if (tx!.events.length > 0 || tx!.ends.length > 0) await this.follower.announceCommitted();
			for (const effect of tx!.effects) effect();
			return result;
		});
	}

	private append(tx: OpenChange, payload: EventPayload): StoredEvent {
		if (!tx.open) {
			throw new Error('appendEvent is only callable inside the transaction of its change');
		}
		const id = tx.head + tx.events.length + 1;
		const event = { ...payload, id, createdAt: tx.now } as StoredEvent;
		tx.events.push(event);
		// What the body adds to the event afterwards (a marks-shown's markers) is not stored.
		tx.data.push(JSON.stringify(payload.data));
		return event;
	}

	onEvent(listener: (event: StoredEvent) => void): () => void {
		return this.events.subscribe(listener);
	}

	onSessionEnded(listener: (end: SessionEnd) => void): () => void {
		return this.sessionEnds.subscribe(listener);
	}

	/** The backend of this instance's listening connection (tests cut it). */
	get listenerPid(): number | null {
		return this.follower.listenerPid;
	}

	backup(): Promise<{ pages: number }> {
		return Promise.reject(
			new Error(
				'A PostgreSQL database is backed up with its own tools (pg_dump, or a base backup ' +
					'with WAL archiving): see docs/deploy.md.'
			)
		);
	}

	/** Stops listening, then ends the pool once its connections are back. */
	async close(): Promise<void> {
		await this.follower.close();
		await this.pool.end();
	}
}
