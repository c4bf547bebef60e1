import type { SessionEndReason } from '$lib/api';
import { sessionTimes, toServerSession } from '../auth/session-rows';
import type { SessionRow } from '../storage/records/sessions';
import type { SessionTimes } from '../auth/session-decision';
import { getConfig } from '../config';
import { log } from '../log';
import { storage } from '../storage';
import type { ServerSession } from '../types';
import type { StreamConnection } from './connection';

/**
 * The clock deadlines of open streams' sessions (rotation or expiry), kept in buckets of
 * `tickMs` and checked by one shared interval. A timer per stream would cost every idle
 * stream a Timeout, a closure holding its whole session, and often a timer list of its own
 * (each distinct delay gets one): a few hundred bytes each. A stream is due at most `tickMs`
 * (plus any event-loop delay) after its deadline, well within the second the contract allows.
 * Ticks count from the watcher's start, so that a tick stays a small integer: counted from the
 * epoch it would not fit one, and each stream's would be a boxed number of its own.
 */
export class Deadlines<T extends { deadlineTick: number }> {
	private readonly buckets = new Map<number, Set<T>>();
	private readonly start = Date.now();
	private done = 0;
	private readonly timer: NodeJS.Timeout;

	constructor(
		private readonly onDue: (item: T) => void,
		private readonly tickMs = 250
	) {
		this.timer = setInterval(() => this.run(), tickMs);
		this.timer.unref();
	}

	/** Calls `onDue(item)` once `at` (ms since the epoch) has passed, unless unwatched first. */
	watch(item: T, at: number): void {
		this.unwatch(item);
		const tick = Math.max(Math.ceil((at - this.start) / this.tickMs), this.done + 1);
		let bucket = this.buckets.get(tick);
		if (!bucket) this.buckets.set(tick, (bucket = new Set()));
		bucket.add(item);
		item.deadlineTick = tick;
	}

	unwatch(item: T): void {
		if (item.deadlineTick === 0) return;
		const bucket = this.buckets.get(item.deadlineTick);
		bucket?.delete(item);
		if (bucket?.size === 0) this.buckets.delete(item.deadlineTick);
		item.deadlineTick = 0;
	}

	private run(): void {
		const now = Math.floor((Date.now() - this.start) / this.tickMs);
		// After a long stall (or a clock set forward) walk the buckets, not every tick between.
		const ticks =
			now - this.done > this.buckets.size
				? [...this.buckets.keys()].filter((t) => t <= now).sort((a, b) => a - b)
				: Array.from({ length: Math.max(0, now - this.done) }, (_, i) => this.done + 1 + i);
		this.done = Math.max(this.done, now);
		for (const tick of ticks) {
			const bucket = this.buckets.get(tick);
			if (!bucket) continue;
			this.buckets.delete(tick);
			for (const item of bucket) {
				item.deadlineTick = 0;
				this.onDue(item);
			}
		}
	}

	stop(): void {
		clearInterval(this.timer);
	}
}

/**
 * When a stream's session stops being the right key by the clock alone: its rotation time, or
 * its expiry if that comes first. Other endings (logout, theft, …) are announced as they happen.
 */
export function sessionDeadline(session: Pick<ServerSession, 'rotatesAt' | 'expiresAt'>): {
	at: number;
	reason: SessionEndReason;
} {
	return session.expiresAt <= session.rotatesAt
		? { at: session.expiresAt, reason: 'expired' }
		: { at: session.rotatesAt, reason: 'rotated' };
}

/**
 * What a stream's timer finds at its deadline. Use elsewhere may have slid the idle expiry, so
 * only the stored session can tell whether the stream ends now or watches a later deadline.
 */
export function recheckStreamSession(
	row: SessionRow | undefined,
	now: number,
	times: SessionTimes
): { end: SessionEndReason } | { watch: ServerSession } {
	if (!row) return { end: 'expired' };
	if (row.ended_reason === 'taken') return { end: 'taken' };
	// Rotated, or superseded by a rotation from its predecessor: either way a newer key exists.
	if (row.rotated_at !== null || row.ended_reason !== null) return { end: 'rotated' };
	const current = toServerSession(row, times);
	if (now >= current.rotatesAt) return { end: 'rotated' };
	if (now >= current.expiresAt) return { end: 'expired' };
	return { watch: current };
}

/** The deadlines of the process's open streams. */
export type SessionDeadlines = Deadlines<StreamConnection>;

/**
 * Watches open streams' session deadlines: at one, the stored session is read again, and the
 * stream ends or watches its session's next deadline.
 */
export function watchSessionDeadlines(): SessionDeadlines {
	const deadlines = new Deadlines<StreamConnection>((conn) => {
		const sessionId = conn.sessionId;
		if (conn.closed || sessionId === null) return;
		storage()
			.read((records) => records.sessions.find(sessionId))
			.then((row) => {
				if (conn.closed) return;
				const next = recheckStreamSession(row, Date.now(), sessionTimes(getConfig()));
				if ('end' in next) conn.endSession(next.end);
				else deadlines.watch(conn, sessionDeadline(next.watch).at);
			})
			.catch((error) => {
				log().error(
					{ event: 'stream-recheck-failed', err: error },
					'stream session recheck failed'
				);
				// Tried again a second later rather than left open past its deadline unchecked.
				if (!conn.closed) deadlines.watch(conn, Date.now() + 1000);
			});
	});
	return deadlines;
}
