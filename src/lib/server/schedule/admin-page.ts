import { error } from '@sveltejs/kit';
import { redirectToLogin } from '../login-redirect';
import { requireAdmin } from '../auth/actor';
import { requireSession } from '../http';
import { readSnapshot } from '../load';
import { visibleEntries } from './visible-entries';

/** The schedule's admin pages: for admins only, with the whole schedule as a snapshot. */
export async function loadAdminSchedule(locals: App.Locals) {
	if (!locals.user) redirectToLogin(locals);
	if (locals.user.type !== 'admin') error(403, 'only an admin may see this page');
	const { lastEventId, data } = await readSnapshot(async (records) => ({
		locations: await records.locations.list(),
		entries: await visibleEntries(records, 'admin')
	}));
	return { lastEventId, ...data };
}

/** The acting admin's session; the change re-checks it inside its transaction. */
export function actingAdmin(locals: App.Locals) {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	return session;
}
