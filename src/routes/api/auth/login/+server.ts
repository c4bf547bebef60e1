import { json } from '@sveltejs/kit';
import { credentialsSchema } from '$lib/api';
import { logIn } from '$lib/server/auth/log-in';
import { checkCredentials } from '$lib/server/auth/credentials';
import { endpoint, readJson } from '$lib/server/http';
import { toApiUser } from '$lib/server/users/api-user';

export const POST = endpoint(async ({ request, cookies, url }) => {
	const user = await checkCredentials(await readJson(request, credentialsSchema));
	logIn(user, request, cookies, url);
	return json(toApiUser(user, user.type));
});
