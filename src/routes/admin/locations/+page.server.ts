import { locationDeleteFormSchema, locationFormSchema } from '$lib/api';
import { handleForm } from '$lib/server/form';
import { actingAdmin, loadAdminSchedule } from '$lib/server/schedule/admin-page';
import { createLocation, deleteLocation, updateLocation } from '$lib/server/schedule/locations';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadAdminSchedule(locals);

export const actions: Actions = {
	save: async (event) =>
		handleForm('save', event, locationFormSchema, async ({ id, name, description }) => {
			const session = actingAdmin(event.locals);
			if (id) {
				await updateLocation(session, id, { name, description });
				return { form: 'save', id, success: `${name} saved.` };
			}
			await createLocation(session, { name, description });
			return { form: 'save', success: `${name} added.` };
		}),

	delete: (event) =>
		handleForm('delete', event, locationDeleteFormSchema, async ({ id }) => {
			await deleteLocation(actingAdmin(event.locals), id);
			return { form: 'delete', id, success: 'The location was deleted.' };
		})
};
