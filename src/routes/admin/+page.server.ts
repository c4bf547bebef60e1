import { error } from '@sveltejs/kit';
import {
	invitationFormSchema,
	passwordResetFormSchema,
	revokeInvitationFormSchema,
	settingsFormSchema
} from '$lib/api';
import { storage } from '$lib/server/storage';
import { handleForm } from '$lib/server/form';
import { redirectToLogin } from '$lib/server/login-redirect';
import { requireSession } from '$lib/server/http';
import { createInvitation } from '$lib/server/invitations/create-invitation';
import { revokeInvitation } from '$lib/server/invitations/revoke-invitation';
import { createPasswordReset } from '$lib/server/password-reset/create-password-reset';
import { updateSettings } from '$lib/server/settings/update-settings';
import type { Actions, PageServerLoad } from './$types';
import { requireAdmin } from '$lib/server/auth/actor';

/**
 * The settings come with the layout's snapshot and stay live through the stream. Invitations
 * have no event: the page reloads its list after each of its own actions.
 */
export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirectToLogin(locals);
	if (locals.user.type !== 'admin') error(403, 'only an admin may see this page');
	return storage().read(async (records) => {
		const names = Object.fromEntries(
			(await records.users.list()).map((user) => [user.id, user.name])
		);
		return { invitations: await records.invitations.list(), names };
	});
};

function actingAdmin(locals: App.Locals) {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	return session;
}

export const actions: Actions = {
	settings: (event) =>
		handleForm('settings', event, settingsFormSchema, async (input) => {
			await updateSettings(actingAdmin(event.locals), input);
			return { form: 'settings', success: 'Settings saved.' };
		}),

	createInvitation: (event) =>
		handleForm('createInvitation', event, invitationFormSchema, async ({ expiresInHours }) => {
			const invitation = await createInvitation(
				actingAdmin(event.locals),
				expiresInHours,
				event.url.origin
			);
			return { form: 'createInvitation', created: invitation };
		}),

	revokeInvitation: (event) =>
		handleForm('revokeInvitation', event, revokeInvitationFormSchema, async ({ id }) => {
			await revokeInvitation(actingAdmin(event.locals), id);
			return { form: 'revokeInvitation', success: 'The invitation was revoked.' };
		}),

	createPasswordReset: (event) =>
		handleForm('createPasswordReset', event, passwordResetFormSchema, async (input) => {
			const reset = await createPasswordReset(
				actingAdmin(event.locals),
				input.userId,
				input.expiresInHours,
				event.url.origin
			);
			return { form: 'createPasswordReset', createdReset: { ...reset, userId: input.userId } };
		})
};
