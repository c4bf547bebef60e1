import type { ApiOwnSession, ApiSecurityRecord, ApiSession } from './auth';
import type { ApiEntry } from './entry';
import type { ApiInterest } from './interest';
import type { ApiLocation } from './location';
import type { ApiSettings } from './settings';
import type { ApiShift } from './shift';
import type { ApiUser } from './user';

export type ApiEvent =
	| { type: 'user-update'; data: ApiUser }
	| { type: 'user-delete'; data: { id: string } }
	/** To every viewer, the public included: the whole settings. */
	| { type: 'settings-update'; data: ApiSettings }
	/** To every viewer: locations are public. */
	| { type: 'location-update'; data: ApiLocation }
	| { type: 'location-delete'; data: { id: string } }
	/**
	 * Cut to the viewer's level: a viewer who may see the entry's new state gets the update,
	 * one who may not gets the delete (harmless if it never had the entry).
	 */
	| { type: 'entry-update'; data: ApiEntry }
	| { type: 'entry-delete'; data: { id: string } }
	/** Crew and admins only, for an entry they may see: how many users marked it now. */
	| { type: 'entry-interest-count'; data: { id: string; interestedCount: number } }
	/** Crew and admins only: the shift whole, its crew included. */
	| { type: 'shift-update'; data: ApiShift }
	| { type: 'shift-delete'; data: { id: string } }
	/** Personal: only the streams of the user who marked or unmarked the entry. */
	| { type: 'interest-update'; data: ApiInterest }
	/**
	 * Personal: only the user it is about receives these. Each names one login or one record,
	 * so an event's size never grows with how many logins the account holds.
	 */
	| { type: 'session-update'; data: { userId: string; session: ApiOwnSession } }
	| { type: 'session-delete'; data: { userId: string; id: string } }
	| { type: 'security-record'; data: { userId: string; record: ApiSecurityRecord } };

export type StreamMessage =
	| {
			type: 'connected';
			session: ApiSession | null;
			lastEventId: number;
			/** How often the server sends `heartbeat`: silence for much longer means a dead connection. */
			heartbeatMs: number;
	  }
	| { type: 'event'; id: number; event: ApiEvent }
	/** The replay has caught up: every event up to `lastEventId` was sent; later ones come live. */
	| { type: 'live'; lastEventId: number }
	| { type: 'resync' }
	| { type: 'heartbeat' };

// In a module of its own, without zod: the browser's stream client needs it on every page.
export { closeCodes } from './close-codes';

/** The reason words of close 4001 (docs/stream.md). */
export type SessionEndReason =
	| 'expired'
	| 'rotated'
	| 'logged-out'
	| 'revoked'
	| 'taken'
	| 'access-changed'
	| 'deleted'
	| 'suspended';
