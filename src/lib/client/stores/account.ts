import type { ApiAccount, ApiEvent } from '$lib/api';
import { createVersionedStore } from './versioned';

export function applyAccountEvent(account: ApiAccount | null, event: ApiEvent): ApiAccount | null {
	if (!account) return account;
	if (event.type === 'user-update' && event.data.id === account.id) return event.data;
	if (event.type === 'user-delete' && event.data.id === account.id) return null;
	return account;
}

/** The user the session is logged in as: page data, the stream's `connected`, then events. */
export const createAccountStore = () => createVersionedStore(applyAccountEvent);
