import { endpoint, requireSession } from '$lib/server/http';
import { endUserSession } from '$lib/server/users/user-sessions';
import { requireAdmin } from '$lib/server/auth/actor';

/** An admin ends one login of a user; its streams close 4001 `revoked`. */
export const DELETE = endpoint(async ({ locals, params }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	await endUserSession(session, params.id!, params.family!);
	return new Response(null, { status: 204 });
});
