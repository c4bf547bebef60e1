import type { ApiAccount, ApiEvent } from '$lib/api';
import { createVersionedStore } from './versioned';

export function applyAccountEvent(account: ApiAccount | null, event: ApiEvent): ApiAccount | null {
	if (!account || event.data.id !== account.id) return account;
	return event.type === 'user-update' ? event.data : null;
}

/** The user the session is logged in as: page data, the stream's `connected`, then events. */
export const createAccountStore = () => createVersionedStore(applyAccountEvent);
