import { json } from '@sveltejs/kit';
import { credentialsSchema } from '$lib/api';
import { checkLogin } from '$lib/server/auth/brute-force';
import { logIn } from '$lib/server/auth/log-in';
import { endpoint, readJson } from '$lib/server/http';
import { toApiUser } from '$lib/server/auth/access-level';

export const POST = endpoint(async (event) => {
	const credentials = await readJson(event.request, credentialsSchema);
	const user = await checkLogin(credentials, event.getClientAddress());
	await logIn(user, event);
	return json(toApiUser(user, user.type));
});
