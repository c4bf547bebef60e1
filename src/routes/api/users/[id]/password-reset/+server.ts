import { json } from '@sveltejs/kit';
import { passwordResetCreateSchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { storage } from '$lib/server/storage';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { createPasswordReset } from '$lib/server/password-reset/create-password-reset';
import { listPasswordResets } from '$lib/server/password-reset/revoke-password-reset';

/** The user's links that still work: never their secrets. */
export const GET = endpoint(async ({ locals, params }) => {
	requireAdmin(requireSession(locals).user);
	return json(
		await storage().read(
			async (records) => await listPasswordResets(records, params.id!, Date.now())
		)
	);
});

export const POST = endpoint(async ({ locals, request, params, url }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	const { expiresInHours } = await readJson(request, passwordResetCreateSchema);
	return json(await createPasswordReset(session, params.id!, expiresInHours, url.origin), {
		status: 201
	});
});
