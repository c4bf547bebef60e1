import {
	shiftAssignFormSchema,
	shiftCreateSchema,
	shiftDeleteFormSchema,
	shiftFormSchema
} from '$lib/api';
import { fromLocalInput } from '$lib/schedule/zoned-time';
import { storage } from '$lib/server/storage';
import { handleForm } from '$lib/server/form';
import { parseInput } from '$lib/server/http';
import { actingAdmin } from '$lib/server/schedule/admin-page';
import { currentSettings } from '$lib/server/settings/current-settings';
import { loadShiftsPage } from '$lib/server/shifts/shift-pages';
import {
	assignCrew,
	createShift,
	deleteShift,
	unassignCrew,
	updateShift
} from '$lib/server/shifts/shifts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadShiftsPage(locals, 'admin');

const nameOf = async (userId: string) =>
	(await storage().read(async (records) => await records.users.find(userId)))?.name ?? 'The user';

export const actions: Actions = {
	/** Creates a shift, or edits the one `id` names. Times are wall-clock times in the settings' zone. */
	save: async (event) =>
		handleForm('save', event, shiftFormSchema, async (form) => {
			const session = actingAdmin(event.locals);
			const { timeZone } = await storage().read(async (records) => await currentSettings(records));
			// The API's own schema decides, so a form and a JSON client meet the same rules.
			const input = parseInput(shiftCreateSchema, {
				role: form.role,
				locationId: form.locationId || null,
				start: fromLocalInput(form.start, timeZone),
				end: fromLocalInput(form.end, timeZone),
				needed: Number(form.needed),
				notes: form.notes
			});
			if (form.id) {
				const shift = await updateShift(session, form.id, input);
				return { form: 'save', id: shift.id, success: `${shift.role} saved.` };
			}
			const shift = await createShift(session, input);
			return { form: 'save', id: shift.id, success: `${shift.role} added.` };
		}),

	assign: (event) =>
		handleForm('assign', event, shiftAssignFormSchema, async ({ id, userId }) => {
			const shift = await assignCrew(actingAdmin(event.locals), id, userId);
			return { form: 'assign', id, success: `${await nameOf(userId)} is on ${shift.role}.` };
		}),

	unassign: (event) =>
		handleForm('unassign', event, shiftAssignFormSchema, async ({ id, userId }) => {
			const shift = await unassignCrew(actingAdmin(event.locals), id, userId);
			return { form: 'unassign', id, success: `${await nameOf(userId)} is off ${shift.role}.` };
		}),

	delete: (event) =>
		handleForm('delete', event, shiftDeleteFormSchema, async ({ id, confirm }) => {
			const session = actingAdmin(event.locals);
			const role =
				(await storage().read(async (records) => await records.shifts.find(id)))?.role ??
				'The shift';
			if (confirm !== 'yes') return { form: 'delete', id, confirming: role };
			await deleteShift(session, id);
			return { form: 'delete', id, success: `${role} was deleted.` };
		})
};
