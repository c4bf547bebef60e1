import { redirect } from '@sveltejs/kit';
import { credentialsSchema } from '$lib/api';
import { allowRegistration } from '$lib/server/auth/brute-force';
import { logIn } from '$lib/server/auth/log-in';
import { handleForm } from '$lib/server/form';
import { registerUser } from '$lib/server/users/register';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.session) redirect(303, '/');
};

export const actions: Actions = {
	register: (event) =>
		handleForm('register', event, credentialsSchema, async (credentials) => {
			allowRegistration(event.getClientAddress());
			logIn(await registerUser(credentials), event);
			redirect(303, '/');
		})
};
