import { json } from '@sveltejs/kit';
import { passwordResetCreateSchema } from '$lib/api';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { createPasswordReset } from '$lib/server/password-reset/create-password-reset';
import { requireAdmin } from '$lib/server/users/admin';

export const POST = endpoint(async ({ locals, request, params, url }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	const { expiresInHours } = await readJson(request, passwordResetCreateSchema);
	return json(createPasswordReset(session, params.id!, expiresInHours, url.origin), {
		status: 201
	});
});
