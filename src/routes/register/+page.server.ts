import { redirect } from '@sveltejs/kit';
import { credentialsSchema } from '$lib/api';
import { logIn } from '$lib/server/auth/log-in';
import { handleForm } from '$lib/server/form';
import { registerUser } from '$lib/server/users/register';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.session) redirect(303, '/');
};

export const actions: Actions = {
	register: ({ request, cookies, url }) =>
		handleForm('register', request, credentialsSchema, async (credentials) => {
			const user = await registerUser(credentials);
			logIn(user, request, cookies, url);
			redirect(303, '/');
		})
};
