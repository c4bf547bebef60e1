import { json } from '@sveltejs/kit';
import { registrationSchema } from '$lib/api';
import { allowRegistration } from '$lib/server/auth/brute-force';
import { logIn } from '$lib/server/auth/log-in';
import { endpoint, readJson } from '$lib/server/http';
import { toApiUser } from '$lib/server/auth/access-level';
import { registerUser } from '$lib/server/users/register';

export const POST = endpoint(async (event) => {
	const registration = await readJson(event.request, registrationSchema);
	await allowRegistration(event.getClientAddress());
	const user = await registerUser(registration);
	await logIn(user, event);
	return json(toApiUser(user, user.type), { status: 201 });
});
