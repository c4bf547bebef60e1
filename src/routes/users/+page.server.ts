import { redirect } from '@sveltejs/kit';
import { deleteUserFormSchema, setTypeFormSchema, usersPageQuerySchema } from '$lib/api';
import { donePath, postedWithoutJavaScript } from '$lib/done';
import { storage } from '$lib/server/storage';
import { handleForm } from '$lib/server/form';
import { requireSession } from '$lib/server/http';
import { readSnapshot } from '$lib/server/load';
import { UnconfirmedShiftRemoval } from '$lib/server/shifts/remove-crew';
import { changeUser, deleteUser } from '$lib/server/users/manage-users';
import { requireAdmin } from '$lib/server/auth/actor';
import { accessLevelOf, toApiUser } from '$lib/server/auth/access-level';
import { searchVisibleUsers } from '$lib/server/users/visible-users';
import type { Actions, PageServerLoad } from './$types';

const usersPerPage = 50;

/** Search, order and page come from the query string, so the page works without JavaScript. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const viewer = accessLevelOf(locals.user);
	const query = usersPageQuerySchema.parse(Object.fromEntries(url.searchParams));
	// When users were last active is for admins to know, and so is the order it makes.
	if (query.sort === 'lastSeen' && viewer !== 'admin') query.sort = 'created';
	const { lastEventId, data } = await readSnapshot(
		async (records) =>
			await searchVisibleUsers(records, viewer, {
				q: query.q,
				sort: query.sort,
				order: query.order,
				limit: usersPerPage,
				offset: (query.page - 1) * usersPerPage
			})
	);
	const pages = Math.max(1, Math.ceil(data.total / usersPerPage));
	return {
		lastEventId,
		users: data.users,
		total: data.total,
		query,
		pages,
		perPage: usersPerPage,
		viewer
	};
};

export const actions: Actions = {
	setType: (event) =>
		handleForm('setType', event, setTypeFormSchema, async ({ id, type, confirm }) => {
			const { session, user: actor } = requireSession(event.locals);
			requireAdmin(actor);
			let user;
			try {
				user = await changeUser(session, id, { type, removeFromShifts: confirm === 'yes' });
			} catch (error) {
				// The first press only asks: the page names the shifts and offers to go ahead.
				if (!(error instanceof UnconfirmedShiftRemoval)) throw error;
				return {
					form: 'setType',
					id,
					confirmingType: { name: error.userName, type, upcomingShifts: error.upcomingShifts }
				};
			}
			return {
				form: 'setType',
				id,
				user: toApiUser(user, 'admin'),
				success: `${user.name} is now ${type}.`
			};
		}),

	delete: (event) =>
		handleForm('delete', event, deleteUserFormSchema, async ({ id, confirm }) => {
			const { session, user: actor } = requireSession(event.locals);
			requireAdmin(actor);
			const user = await storage().read(async (records) => await records.users.find(id));
			if (confirm !== 'yes') return { form: 'delete', id, confirming: user?.name ?? id };
			await deleteUser(session, id);
			if (postedWithoutJavaScript(event.request)) redirect(303, donePath('/users', 'user-deleted'));
			return { form: 'delete', id, success: `${user?.name ?? 'The user'} was deleted.` };
		})
};
