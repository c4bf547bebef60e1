import { json } from '@sveltejs/kit';
import { storage } from '$lib/server/storage';
import { requireAdmin } from '$lib/server/auth/actor';
import { endpoint, requireSession } from '$lib/server/http';
import { Refusal } from '$lib/server/refusal';

/** An admin sees a user's logins, one per family, as the user sees them on their account. */
export const GET = endpoint(async ({ locals, params }) => {
	requireAdmin(requireSession(locals).user);
	const sessions = await storage().read(async (records) =>
		(await records.users.find(params.id!)) ? await records.sessions.ownSessionsOf(params.id!) : null
	);
	if (!sessions) throw new Refusal(404, 'no such user');
	return json(sessions);
});
