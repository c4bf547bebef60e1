import { error } from '@sveltejs/kit';
import {
	endUserSessionFormSchema,
	renameUserFormSchema,
	revokePasswordResetFormSchema,
	suspendFormSchema
} from '$lib/api';
import { storage } from '$lib/server/storage';
import { handleForm } from '$lib/server/form';
import { redirectToLogin } from '$lib/server/login-redirect';
import {
	listPasswordResets,
	revokePasswordReset
} from '$lib/server/password-reset/revoke-password-reset';
import { requireSession } from '$lib/server/http';
import { changeUser } from '$lib/server/users/manage-users';
import { requireAdmin } from '$lib/server/auth/actor';
import { toApiUser } from '$lib/server/auth/access-level';
import { endUserSession } from '$lib/server/users/user-sessions';
import type { Actions, PageServerLoad } from './$types';

/**
 * One user as an admin manages them: name, suspension, logins, reset links. Reloaded after each
 * action.
 */
export const load: PageServerLoad = async ({ locals, params }) => {
	if (!locals.user) redirectToLogin(locals);
	if (locals.user.type !== 'admin') error(403, 'only an admin may see this page');
	const me = locals.user.id;
	const found = await storage().read(async (records) => {
		const user = await records.users.find(params.id);
		if (!user) return null;
		return {
			user: toApiUser(user, 'admin'),
			sessions: await records.sessions.ownSessionsOf(user.id),
			resets: await listPasswordResets(records, user.id, Date.now()),
			me
		};
	});
	if (!found) error(404, 'no such user');
	return found;
};

function actingAdmin(locals: App.Locals) {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	return session;
}

export const actions: Actions = {
	rename: (event) =>
		handleForm('rename', event, renameUserFormSchema, async ({ id, name }) => {
			const user = await changeUser(actingAdmin(event.locals), id, { name });
			return { form: 'rename', success: `Renamed to ${user.name}.` };
		}),

	suspend: (event) =>
		handleForm('suspend', event, suspendFormSchema, async ({ id, suspended }) => {
			const user = await changeUser(actingAdmin(event.locals), id, { suspended });
			return {
				form: 'suspend',
				success: suspended
					? `${user.name} is suspended: their sessions ended and they cannot log in.`
					: `${user.name} may log in again.`
			};
		}),

	endSession: (event) =>
		handleForm('endSession', event, endUserSessionFormSchema, async ({ family }) => {
			await endUserSession(actingAdmin(event.locals), event.params.id!, family);
			return { form: 'endSession', success: 'The session ended.' };
		}),

	revokeReset: (event) =>
		handleForm('revokeReset', event, revokePasswordResetFormSchema, async ({ resetId }) => {
			await revokePasswordReset(actingAdmin(event.locals), event.params.id!, resetId);
			return { form: 'revokeReset', success: 'The password reset link was revoked.' };
		})
};
