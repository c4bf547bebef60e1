import type { SessionNotice, ApiSession, ApiSettings } from '$lib/api';
import { toApiSession } from './auth/api-session';
import { storage, type Records, type Snapshot } from './storage';
import { currentSettings } from './settings/current-settings';
import { offsetsAround, type ZoneOffsets } from '$lib/schedule/zoned-time';
import type { ServerSession, ServerUser } from './types';

/**
 * Reads the last event id before any entity, in one read transaction, so the pair is an exact
 * snapshot and the stream opened from that id misses nothing (docs/stream.md).
 */
export function readSnapshot<T>(read: (records: Records) => T | Promise<T>): Promise<Snapshot<T>> {
	return storage().snapshot(read);
}

interface LayoutSnapshot {
	lastEventId: number;
	session: ApiSession | null;
	notice: SessionNotice | null;
	settings: ApiSettings;
	/** The settings' zone's offsets around now: the browser shows times without Intl's data. */
	zone: ZoneOffsets;
}

/** `standIn`: the account of a page rendered for every visitor of its type (personal-page.ts). */
export async function readLayoutSnapshot(
	session: ServerSession | null,
	notice: SessionNotice | undefined,
	standIn?: ServerUser
): Promise<LayoutSnapshot> {
	const { lastEventId, data } = await readSnapshot(async (records) => ({
		user: session ? (standIn ?? (await records.users.find(session.userId))) : undefined,
		settings: await currentSettings(records)
	}));
	return {
		lastEventId,
		session: session && data.user ? toApiSession(session, data.user) : null,
		notice: notice ?? null,
		settings: data.settings,
		zone: offsetsAround(data.settings.timeZone, Date.now())
	};
}
