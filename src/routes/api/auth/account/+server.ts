import { json } from '@sveltejs/kit';
import { endpoint, requireSession } from '$lib/server/http';
import { toApiUser } from '$lib/server/users/api-user';

export const GET = endpoint(({ locals }) => {
	const { user } = requireSession(locals);
	return json(toApiUser(user, user.type));
});
