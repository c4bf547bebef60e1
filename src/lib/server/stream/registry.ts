import type { SessionEnd } from '../storage/storage';
import type { StreamConnection } from './connection';

type Index = Map<string, Set<StreamConnection>>;

function addTo(index: Index, key: string, conn: StreamConnection) {
	let set = index.get(key);
	if (!set) index.set(key, (set = new Set()));
	set.add(conn);
}

function removeFrom(index: Index, key: string, conn: StreamConnection) {
	const set = index.get(key);
	if (!set) return;
	set.delete(conn);
	if (set.size === 0) index.delete(key);
}

/** A stream already indexed under `key`, if any. */
function anyOf(index: Index, key: string): StreamConnection | undefined {
	return index.get(key)?.values().next().value;
}

/**
 * Every open stream (fan-out writes to all of them), indexed by session, family and user for
 * closing, and by user for the cap on open streams; those without a session are counted by
 * client address for the other cap (nothing looks up a client address's streams, so they are
 * counted, not listed).
 */
export class StreamRegistry {
	readonly all = new Set<StreamConnection>();
	private readonly bySession: Index = new Map();
	private readonly byFamily: Index = new Map();
	private readonly byUser: Index = new Map();
	private readonly byAddress = new Map<
		string,
		{ address: string; count: number; anonymous: number }
	>();

	add(conn: StreamConnection): void {
		// Each stream reads its ids from rows (and its address from a socket) of its own, so
		// equal ids are separate strings of 30-odd bytes each: a stream takes those already held.
		let fromAddress = this.byAddress.get(conn.address);
		if (!fromAddress)
			this.byAddress.set(
				conn.address,
				(fromAddress = { address: conn.address, count: 0, anonymous: 0 })
			);
		fromAddress.count++;
		if (conn.userId === null) fromAddress.anonymous++;
		conn.address = fromAddress.address;
		if (conn.userId !== null) conn.userId = anyOf(this.byUser, conn.userId)?.userId ?? conn.userId;
		if (conn.sessionId !== null)
			conn.sessionId = anyOf(this.bySession, conn.sessionId)?.sessionId ?? conn.sessionId;
		if (conn.family !== null)
			conn.family = anyOf(this.byFamily, conn.family)?.family ?? conn.family;

		this.all.add(conn);
		if (conn.userId !== null) addTo(this.byUser, conn.userId, conn);
		if (conn.sessionId !== null) addTo(this.bySession, conn.sessionId, conn);
		if (conn.family !== null) addTo(this.byFamily, conn.family, conn);
	}

	remove(conn: StreamConnection): void {
		if (!this.all.delete(conn)) return;
		const fromAddress = this.byAddress.get(conn.address);
		if (fromAddress && conn.userId === null) fromAddress.anonymous--;
		if (fromAddress && --fromAddress.count === 0) this.byAddress.delete(conn.address);
		if (conn.userId !== null) removeFrom(this.byUser, conn.userId, conn);
		if (conn.sessionId !== null) removeFrom(this.bySession, conn.sessionId, conn);
		if (conn.family !== null) removeFrom(this.byFamily, conn.family, conn);
	}

	countOfUser(userId: string): number {
		return this.byUser.get(userId)?.size ?? 0;
	}

	/** Streams without a session from this client address. */
	countAnonymousOfAddress(address: string): number {
		return this.byAddress.get(address)?.anonymous ?? 0;
	}

	/** The streams opened with the sessions that just stopped being the right key. */
	affectedBy(end: SessionEnd): StreamConnection[] {
		if ('sessionIds' in end)
			return end.sessionIds.flatMap((id) => [...(this.bySession.get(id) ?? [])]);
		if ('family' in end) return [...(this.byFamily.get(end.family) ?? [])];
		return [...(this.byUser.get(end.userId) ?? [])];
	}
}

/** Whether a session ending closes this stream: the registry's index, for one stream. */
export function endAffects(
	end: SessionEnd,
	conn: Pick<StreamConnection, 'sessionId' | 'family' | 'userId'>
): boolean {
	if ('sessionIds' in end)
		return conn.sessionId !== null && end.sessionIds.includes(conn.sessionId);
	if ('family' in end) return conn.family === end.family;
	return conn.userId === end.userId;
}

const registryKey = Symbol.for('tidewatch.streamRegistry');
type Global = { [registryKey]?: StreamRegistry };

/** Makes the process's one registry countable from the routes (they load as other modules). */
export function publishRegistry(registry: StreamRegistry): void {
	(globalThis as Global)[registryKey] = registry;
}

/** How many streams are open in this process (0 before the stream started). */
export function openStreamCount(): number {
	return (globalThis as Global)[registryKey]?.all.size ?? 0;
}
