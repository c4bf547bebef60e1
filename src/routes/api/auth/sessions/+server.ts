import { json } from '@sveltejs/kit';
import { currentPasswordSchema } from '$lib/api';
import { endOtherOwnSessions, markCurrent } from '$lib/server/auth/own-sessions';
import { storage } from '$lib/server/storage';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { requireCurrentPassword } from '$lib/server/users/account';

export const GET = endpoint(async ({ locals }) => {
	const { session } = requireSession(locals);
	return json(
		markCurrent(
			await storage().read(async (records) => await records.sessions.ownSessionsOf(session.userId)),
			session
		)
	);
});

/** Ends every login of the account but this one. */
export const DELETE = endpoint(async ({ locals, request }) => {
	const { session } = requireSession(locals);
	const { currentPassword } = await readJson(request, currentPasswordSchema);
	await requireCurrentPassword(session, currentPassword, true);
	await endOtherOwnSessions(session);
	return new Response(null, { status: 204 });
});
