import { currentPasswordSchema } from '$lib/api';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { endOwnSession } from '$lib/server/auth/own-sessions';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { requireCurrentPassword } from '$lib/server/users/account';

export const DELETE = endpoint(async ({ locals, params, request, cookies, url }) => {
	const { session } = requireSession(locals);
	const { currentPassword } = await readJson(request, currentPasswordSchema);
	// The password before the id: a made-up id then answers a wrong password as a real one does.
	await requireCurrentPassword(session, currentPassword, params.id !== session.family);
	if ((await endOwnSession(session, params.id!)) === 'logged-out') clearSessionCookie(cookies, url);
	return new Response(null, { status: 204 });
});
