import { json } from '@sveltejs/kit';
import { accountPatchSchema } from '$lib/api';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { updateAccount } from '$lib/server/users/account';
import { toApiUser } from '$lib/server/users/api-user';

export const GET = endpoint(({ locals }) => {
	const { user } = requireSession(locals);
	return json(toApiUser(user, user.type));
});

export const PATCH = endpoint(async ({ locals, request }) => {
	const { session } = requireSession(locals);
	const user = await updateAccount(session, await readJson(request, accountPatchSchema));
	return json(toApiUser(user, user.type));
});
