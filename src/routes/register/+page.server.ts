import { redirect } from '@sveltejs/kit';
import { registrationSchema } from '$lib/api';
import { allowRegistration } from '$lib/server/auth/brute-force';
import { logIn } from '$lib/server/auth/log-in';
import { storage } from '$lib/server/storage';
import { handleForm } from '$lib/server/form';
import { afterRegistration } from '$lib/server/settings/setup';
import { registerUser } from '$lib/server/users/register';
import { markFirstVisit } from '$lib/server/auth/welcome';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.session) redirect(303, '/');
	return {
		invitation: url.searchParams.get('invitation')?.slice(0, 128) ?? '',
		// The very first user may register whatever the mode (and becomes the admin).
		firstUser: (await storage().read(async (records) => await records.users.count())) === 0
	};
};

export const actions: Actions = {
	register: (event) =>
		handleForm('register', event, registrationSchema, async (registration) => {
			await allowRegistration(event.getClientAddress());
			const user = await registerUser(registration);
			await logIn(user, event);
			markFirstVisit(event.cookies, event.url, user.id);
			redirect(303, await afterRegistration(user.type));
		})
};
