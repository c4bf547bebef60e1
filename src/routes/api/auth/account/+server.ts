import { json } from '@sveltejs/kit';
import { accountPatchSchema, currentPasswordSchema } from '$lib/api';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { deleteAccount, updateAccount } from '$lib/server/users/account';
import { toApiUser } from '$lib/server/auth/access-level';

export const GET = endpoint(({ locals }) => {
	const { user } = requireSession(locals);
	return json(toApiUser(user, user.type));
});

export const PATCH = endpoint(async ({ locals, request, cookies, url }) => {
	const { session } = requireSession(locals);
	const patch = await readJson(request, accountPatchSchema);
	const { user, login } = await updateAccount(
		session,
		patch,
		request.headers.get('user-agent') ?? ''
	);
	if (login) setSessionCookie(cookies, url, login.token, login.session.expiresAt);
	return json(toApiUser(user, user.type));
});

export const DELETE = endpoint(async ({ locals, request, cookies, url }) => {
	const { session } = requireSession(locals);
	const { currentPassword } = await readJson(request, currentPasswordSchema);
	await deleteAccount(session, currentPassword);
	clearSessionCookie(cookies, url);
	return new Response(null, { status: 204 });
});
