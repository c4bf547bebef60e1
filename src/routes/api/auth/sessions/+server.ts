import { json } from '@sveltejs/kit';
import { listOwnSessions } from '$lib/server/auth/own-sessions';
import { getDb } from '$lib/server/db';
import { endpoint, requireSession } from '$lib/server/http';

export const GET = endpoint(({ locals }) => {
	const { session } = requireSession(locals);
	return json(listOwnSessions(getDb(), session));
});
