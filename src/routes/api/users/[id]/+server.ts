import { json } from '@sveltejs/kit';
import { userPatchSchema } from '$lib/api';
import { getDb } from '$lib/server/db';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { Refusal } from '$lib/server/refusal';
import { changeUser, deleteUser, requireAdmin } from '$lib/server/users/admin';
import { accessLevelOf, toApiUser } from '$lib/server/users/api-user';
import { findUserById } from '$lib/server/users/user-store';

/** The public sees no users: to it, every id is unknown. */
export const GET = endpoint(({ locals, params }) => {
	const viewer = accessLevelOf(locals.user);
	const user = viewer === 'public' ? undefined : findUserById(getDb(), params.id!);
	if (!user) throw new Refusal(404, 'no such user');
	return json(toApiUser(user, viewer));
});

export const PATCH = endpoint(async ({ locals, params, request }) => {
	const { session, user: actor } = requireSession(locals);
	requireAdmin(actor);
	const user = changeUser(session, params.id!, await readJson(request, userPatchSchema));
	return json(toApiUser(user, 'admin'));
});

export const DELETE = endpoint(({ locals, params }) => {
	const { session, user: actor } = requireSession(locals);
	requireAdmin(actor);
	deleteUser(session, params.id!);
	return new Response(null, { status: 204 });
});
