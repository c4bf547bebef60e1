import { error, redirect } from '@sveltejs/kit';
import { canonicalTimeZone, isExportableTimeZone, setupFormSchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { donePath } from '$lib/done';
import { storage } from '$lib/server/storage';
import { handleForm } from '$lib/server/form';
import { requireSession } from '$lib/server/http';
import { redirectToLogin } from '$lib/server/login-redirect';
import { updateSettings } from '$lib/server/settings/update-settings';
import type { Actions, PageServerLoad } from './$types';

/** The zones the form suggests: those the settings accept, by their current names. */
const timeZones = [...new Set(Intl.supportedValuesOf('timeZone').map(canonicalTimeZone))]
	.filter(isExportableTimeZone)
	.sort();

/** The first admin's first stop: once the gathering is set up, its settings live on /admin. */
export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirectToLogin(locals);
	if (locals.user.type !== 'admin') error(403, 'only an admin may see this page');
	if (await storage().read(async (records) => await records.settings.isSetUp()))
		redirect(303, '/admin');
	return { timeZones };
};

export const actions: Actions = {
	setup: (event) =>
		handleForm('setup', event, setupFormSchema, async (input) => {
			const { session, user } = requireSession(event.locals);
			requireAdmin(user);
			// The change reads the acting admin again inside its write transaction.
			await updateSettings(session, input);
			redirect(303, donePath('/admin', 'set-up'));
		})
};
