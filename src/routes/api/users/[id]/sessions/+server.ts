import { json } from '@sveltejs/kit';
import { listOwnSessions } from '$lib/server/auth/own-sessions';
import { storage } from '$lib/server/storage';
import { endpoint, requireSession } from '$lib/server/http';
import { Refusal } from '$lib/server/refusal';
import { requireAdmin } from '$lib/server/users/admin';
import { findUserById } from '$lib/server/users/user-store';

/** An admin sees a user's logins, one per family, as the user sees them on their account. */
export const GET = endpoint(async ({ locals, params }) => {
	requireAdmin(requireSession(locals).user);
	const sessions = await storage().read((db) =>
		findUserById(db, params.id!) ? listOwnSessions(db, params.id!) : null
	);
	if (!sessions) throw new Refusal(404, 'no such user');
	return json(sessions);
});
