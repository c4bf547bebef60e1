import { endpoint, requireSession } from '$lib/server/http';
import { revokeInvitation } from '$lib/server/invitations/revoke-invitation';
import { requireAdmin } from '$lib/server/users/admin';

export const DELETE = endpoint(({ locals, params }) => {
	const { user } = requireSession(locals);
	requireAdmin(user);
	revokeInvitation(user.id, params.id!);
	return new Response(null, { status: 204 });
});
