import type { ApiAccountSecurity, ApiEvent } from '$lib/api';
import { createVersionedStore } from './versioned';

export function applyAccountSecurityEvent(
	state: ApiAccountSecurity | null,
	event: ApiEvent
): ApiAccountSecurity | null {
	if (event.type !== 'sessions-update' || !state || event.data.userId !== state.userId)
		return state;
	return event.data;
}

/** The account's logins and security records, on the account page. */
export const createAccountSecurityStore = () => createVersionedStore(applyAccountSecurityEvent);
