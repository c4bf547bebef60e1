import { json } from '@sveltejs/kit';
import { passwordResetSchema } from '$lib/api';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { endpoint, readJson } from '$lib/server/http';
import { usePasswordReset } from '$lib/server/password-reset/use-password-reset';
import { toApiUser } from '$lib/server/auth/access-level';

/** Sets the new password of the link's user, ends their logins and logs the caller in. */
export const POST = endpoint(async ({ request, cookies, url, getClientAddress }) => {
	const input = await readJson(request, passwordResetSchema);
	const { user, login } = await usePasswordReset(
		input,
		getClientAddress(),
		request.headers.get('user-agent') ?? ''
	);
	setSessionCookie(cookies, url, login.token, login.session.expiresAt);
	return json(toApiUser(user, user.type));
});
