import { endpoint, requireSession } from '$lib/server/http';
import { revokePasswordReset } from '$lib/server/password-reset/revoke-password-reset';
import { requireAdmin } from '$lib/server/auth/actor';

/** Revokes one unused link of the user, 204. */
export const DELETE = endpoint(async ({ locals, params }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	await revokePasswordReset(session, params.id!, params.resetId!);
	return new Response(null, { status: 204 });
});
