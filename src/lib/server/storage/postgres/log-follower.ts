import pg from 'pg';
import type { StoredEvent } from '../../events/stored-event';
import { log } from '../../log';
import type { SessionEnd } from '../storage';
import { readCommittedAfter } from './event-log';
import { postgresSql } from './postgres-sql';

/** The channel every change that appended or ended something notifies, at its commit. */
export const channel = 'tidewatch_log';

export interface FollowerOptions {
	/** How often the tables are read while the listening connection is down. */
	pollMs: number;
	/** The first wait before reconnecting; it doubles up to `maxBackoffMs`. */
	backoffMs: number;
	maxBackoffMs: number;
	/** At most this many events, and session endings, are read at a time. */
	pageEvents: number;
	pageEnds: number;
}

export const defaultFollowerOptions: FollowerOptions = {
	pollMs: 250,
	backoffMs: 100,
	maxBackoffMs: 5000,
	pageEvents: 500,
	pageEnds: 500
};

/**
 * Announces, in this instance, everything every instance committed: events and session
 * endings, each once, in commit order (which is id order: postgres-storage.ts). It reads them
 * from the tables, never from a notification's payload: a notification only wakes it. One
 * dedicated connection listens; when it drops, the follower reconnects (backing off) and reads
 * the tables every `pollMs` meanwhile, then once more after reconnecting, so a notification
 * lost in an outage delays an event but never loses it. The instance that wrote reads its own
 * changes back the same way.
 */
export class LogFollower {
	private lastEventId = 0;
	private lastEndId = 0;
	private listener: pg.Client | null = null;
	private running: Promise<void> | null = null;
	private queued: Promise<void> | null = null;
	private poll: NodeJS.Timeout | null = null;
	private reconnect: NodeJS.Timeout | null = null;
	private backoff: number;
	private failing = false;
	private closed = false;
	/** Until the cursors are read, a notification has nothing to start from. */
	private started = false;

	constructor(
		private readonly pool: pg.Pool,
		private readonly connection: pg.ClientConfig,
		private readonly announce: {
			event: (event: StoredEvent) => void;
			sessionEnded: (end: SessionEnd) => void;
		},
		private readonly options: FollowerOptions = defaultFollowerOptions
	) {
		this.backoff = options.backoffMs;
	}

	/** Listens, then starts from what was committed by now: only later commits are announced. */
	async start(): Promise<void> {
		await this.listen();
		const cursors = await postgresSql(this.pool).get<{ event: number; end: number | null }>(
			'SELECT (SELECT last_id FROM event_head) AS event, (SELECT MAX(id) FROM session_end) AS end'
		);
		this.lastEventId = cursors?.event ?? 0;
		this.lastEndId = cursors?.end ?? 0;
		this.started = true;
		// A notification heard before the cursors were set was not acted on.
		await this.announceCommitted();
	}

	/** The backend of the listening connection, for tests that cut it; null while it is down. */
	get listenerPid(): number | null {
		return (this.listener as (pg.Client & { processID?: number }) | null)?.processID ?? null;
	}

	/**
	 * Reads and announces what was committed after what was announced. One read at a time; a
	 * call during one runs another after it, which sees every commit before the call.
	 */
	catchUp(): Promise<void> {
		if (this.closed || !this.started) return Promise.resolve();
		if (!this.running) {
			this.running = this.readAndAnnounce().finally(() => (this.running = null));
			return this.running;
		}
		return (this.queued ??= this.running
			.catch(() => {})
			.then(() => {
				this.queued = null;
				return this.catchUp();
			}));
	}

	/**
	 * A catch-up that never rejects: a failure is logged (once per outage) and retried by
	 * polling until a read succeeds.
	 */
	async announceCommitted(): Promise<void> {
		try {
			await this.catchUp();
		} catch (error) {
			if (!this.failing) {
				log().warn({ event: 'log-follower-failed', err: error }, 'cannot read the log');
			}
			this.failing = true;
			this.startPolling();
			return;
		}
		if (this.failing) log().info({ event: 'log-follower-recovered' }, 'reading the log again');
		this.failing = false;
		if (this.listener) this.stopPolling();
	}

	private readonly wake = (): void => void this.announceCommitted();

	private async readAndAnnounce(): Promise<void> {
		for (;;) {
			const { pageEvents, pageEnds } = this.options;
			const page = await readCommittedAfter(
				this.pool,
				this.lastEventId,
				this.lastEndId,
				pageEvents,
				pageEnds
			);
			if (this.closed) return;
			let e = 0;
			for (const { id, afterEvent, end } of page.ends) {
				while (e < page.events.length && page.events[e].id <= afterEvent) {
					this.announceEvent(page.events[e++]);
				}
				this.lastEndId = id;
				this.announce.sessionEnded(end);
			}
			while (e < page.events.length) this.announceEvent(page.events[e++]);
			if (page.complete) return;
		}
	}

	private announceEvent(event: StoredEvent): void {
		this.lastEventId = event.id;
		this.announce.event(event);
	}

	private async listen(): Promise<void> {
		const client = new pg.Client({
			...this.connection,
			keepAlive: true,
			application_name: 'tidewatch listener'
		});
		client.on('notification', this.wake);
		client.on('error', (error) => this.lost(client, error));
		client.on('end', () => this.lost(client));
		try {
			await client.connect();
			await client.query(`LISTEN ${channel}`);
		} catch (error) {
			client.removeAllListeners();
			client.on('error', () => {});
			await client.end().catch(() => {});
			throw error;
		}
		if (this.closed) {
			await client.end();
			return;
		}
		this.listener = client;
	}

	private lost(client: pg.Client, error?: Error): void {
		if (this.closed || client !== this.listener) return;
		this.listener = null;
		client.removeAllListeners();
		client.on('error', () => {});
		client.end().catch(() => {});
		log().warn(
			{ event: 'log-listener-lost', err: error },
			'the log listener lost its connection: polling until it is back'
		);
		this.startPolling();
		this.scheduleReconnect();
	}

	private scheduleReconnect(): void {
		if (this.closed || this.reconnect) return;
		this.reconnect = setTimeout(async () => {
			this.reconnect = null;
			try {
				await this.listen();
				this.backoff = this.options.backoffMs;
				log().info({ event: 'log-listener-back' }, 'the log listener is connected again');
				// Whatever was committed while nobody listened.
				this.wake();
			} catch {
				this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs);
				this.scheduleReconnect();
			}
		}, this.backoff);
		this.reconnect.unref();
	}

	private startPolling(): void {
		if (this.closed || this.poll) return;
		this.poll = setInterval(this.wake, this.options.pollMs);
		this.poll.unref();
	}

	private stopPolling(): void {
		if (this.poll) clearInterval(this.poll);
		this.poll = null;
	}

	async close(): Promise<void> {
		this.closed = true;
		this.stopPolling();
		if (this.reconnect) clearTimeout(this.reconnect);
		this.reconnect = null;
		const listener = this.listener;
		this.listener = null;
		if (listener) {
			listener.removeAllListeners();
			listener.on('error', () => {});
			await listener.end().catch(() => {});
		}
		await this.running?.catch(() => {});
	}
}
