import { json } from '@sveltejs/kit';
import { credentialsSchema } from '$lib/api';
import { allowRegistration } from '$lib/server/auth/brute-force';
import { logIn } from '$lib/server/auth/log-in';
import { endpoint, readJson } from '$lib/server/http';
import { toApiUser } from '$lib/server/users/api-user';
import { registerUser } from '$lib/server/users/register';

export const POST = endpoint(async (event) => {
	const credentials = await readJson(event.request, credentialsSchema);
	allowRegistration(event.getClientAddress());
	const user = await registerUser(credentials);
	logIn(user, event);
	return json(toApiUser(user, user.type), { status: 201 });
});
