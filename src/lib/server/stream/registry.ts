import type { SessionEnd } from '../auth/session-ended';
import { viewKey } from '../events/projection';
import type { StreamConnection } from './connection';

function addTo<K>(index: Map<K, Set<StreamConnection>>, key: K, conn: StreamConnection) {
	let set = index.get(key);
	if (!set) index.set(key, (set = new Set()));
	set.add(conn);
}

function removeFrom<K>(index: Map<K, Set<StreamConnection>>, key: K, conn: StreamConnection) {
	const set = index.get(key);
	if (!set) return;
	set.delete(conn);
	if (set.size === 0) index.delete(key);
}

/**
 * Every open stream, indexed by view for fan-out, by session, family and user for closing, and
 * by user and client address for the caps on open streams.
 */
export class StreamRegistry {
	readonly all = new Set<StreamConnection>();
	readonly byView = new Map<string, Set<StreamConnection>>();
	private readonly bySession = new Map<string, Set<StreamConnection>>();
	private readonly byFamily = new Map<string, Set<StreamConnection>>();
	private readonly byUser = new Map<string, Set<StreamConnection>>();
	private readonly byAddress = new Map<string, Set<StreamConnection>>();

	add(conn: StreamConnection): void {
		this.all.add(conn);
		addTo(this.byView, viewKey(conn.viewer), conn);
		addTo(this.byAddress, conn.address, conn);
		if (conn.session) {
			addTo(this.bySession, conn.session.id, conn);
			addTo(this.byFamily, conn.session.family, conn);
			addTo(this.byUser, conn.session.userId, conn);
		}
	}

	remove(conn: StreamConnection): void {
		this.all.delete(conn);
		removeFrom(this.byView, viewKey(conn.viewer), conn);
		removeFrom(this.byAddress, conn.address, conn);
		if (conn.session) {
			removeFrom(this.bySession, conn.session.id, conn);
			removeFrom(this.byFamily, conn.session.family, conn);
			removeFrom(this.byUser, conn.session.userId, conn);
		}
	}

	ofUser(userId: string): Iterable<StreamConnection> {
		return this.byUser.get(userId) ?? [];
	}

	countOfUser(userId: string): number {
		return this.byUser.get(userId)?.size ?? 0;
	}

	countOfAddress(address: string): number {
		return this.byAddress.get(address)?.size ?? 0;
	}

	/** The streams opened with the sessions that just stopped being the right key. */
	affectedBy(end: SessionEnd): StreamConnection[] {
		if ('sessionIds' in end)
			return end.sessionIds.flatMap((id) => [...(this.bySession.get(id) ?? [])]);
		if ('family' in end) return [...(this.byFamily.get(end.family) ?? [])];
		return [...(this.byUser.get(end.userId) ?? [])];
	}
}
