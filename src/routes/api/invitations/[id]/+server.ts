import { endpoint, requireSession } from '$lib/server/http';
import { revokeInvitation } from '$lib/server/invitations/revoke-invitation';
import { requireAdmin } from '$lib/server/auth/actor';

export const DELETE = endpoint(async ({ locals, params }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	await revokeInvitation(session, params.id!);
	return new Response(null, { status: 204 });
});
