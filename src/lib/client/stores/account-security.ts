import type { ApiAccountSecurity, ApiEvent, ApiOwnSession } from '$lib/api';
import { createVersionedStore } from './versioned';

/** As many records as the account page loads: the newest. */
const shownRecords = 50;

/** Most recently seen first, as the server lists them. */
const byLastSeen = (a: ApiOwnSession, b: ApiOwnSession) =>
	b.lastSeenAt - a.lastSeenAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Applies one personal event of the account's logins or security records. */
export function applyAccountSecurityEvent(
	state: ApiAccountSecurity | null,
	event: ApiEvent
): ApiAccountSecurity | null {
	if (!state) return state;
	switch (event.type) {
		case 'session-update': {
			if (event.data.userId !== state.userId) return state;
			const others = state.sessions.filter((session) => session.id !== event.data.session.id);
			return { ...state, sessions: [...others, event.data.session].sort(byLastSeen) };
		}
		case 'session-delete':
			if (event.data.userId !== state.userId) return state;
			return { ...state, sessions: state.sessions.filter((s) => s.id !== event.data.id) };
		case 'security-record':
			if (event.data.userId !== state.userId) return state;
			return {
				...state,
				securityRecords: [event.data.record, ...state.securityRecords].slice(0, shownRecords)
			};
		default:
			return state;
	}
}

/** The account's logins and security records, on the account page. */
export const createAccountSecurityStore = () => createVersionedStore(applyAccountSecurityEvent);
