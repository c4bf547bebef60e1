import { redirect } from '@sveltejs/kit';
import { deleteUserFormSchema, setTypeFormSchema } from '$lib/api';
import { donePath, postedWithoutJavaScript } from '$lib/done';
import { getDb } from '$lib/server/db';
import { handleForm } from '$lib/server/form';
import { requireSession } from '$lib/server/http';
import { readSnapshot } from '$lib/server/load';
import { changeUser, deleteUser, requireAdmin } from '$lib/server/users/admin';
import { accessLevelOf } from '$lib/server/users/api-user';
import { visibleUsers } from '$lib/server/users/visible-users';
import { findUserById } from '$lib/server/users/user-store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	const viewer = accessLevelOf(locals.user);
	const { lastEventId, data: users } = readSnapshot(() => visibleUsers(getDb(), viewer));
	return { lastEventId, users, viewer };
};

export const actions: Actions = {
	setType: (event) =>
		handleForm('setType', event, setTypeFormSchema, ({ id, type }) => {
			const { session, user: actor } = requireSession(event.locals);
			requireAdmin(actor);
			const user = changeUser(session, id, { type });
			return { form: 'setType', id, success: `${user.name} is now ${type}.` };
		}),

	delete: (event) =>
		handleForm('delete', event, deleteUserFormSchema, ({ id, confirm }) => {
			const { session, user: actor } = requireSession(event.locals);
			requireAdmin(actor);
			const user = findUserById(getDb(), id);
			if (confirm !== 'yes') return { form: 'delete', id, confirming: user?.name ?? id };
			deleteUser(session, id);
			if (postedWithoutJavaScript(event.request)) redirect(303, donePath('/users', 'user-deleted'));
			return { form: 'delete', id, success: `${user?.name ?? 'The user'} was deleted.` };
		})
};
