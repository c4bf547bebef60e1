import { shiftSignupFormSchema } from '$lib/api';
import { handleForm } from '$lib/server/form';
import { requireSession } from '$lib/server/http';
import { redirectToLogin } from '$lib/server/login-redirect';
import { loadShiftsPage } from '$lib/server/shifts/shift-pages';
import { leaveShift, takeShift } from '$lib/server/shifts/signup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadShiftsPage(locals, 'crew');

function session(locals: App.Locals) {
	if (!locals.session) redirectToLogin(locals);
	return requireSession(locals).session;
}

/**
 * Taking or leaving a place twice changes nothing, so these answer on the page itself rather
 * than redirecting; the stream brings the new places to every open page.
 */
export const actions: Actions = {
	signup: (event) =>
		handleForm('signup', event, shiftSignupFormSchema, async ({ id }) => {
			const shift = await takeShift(session(event.locals), id);
			return { form: 'signup', id, success: `You have a place on ${shift.role}.` };
		}),

	leave: (event) =>
		handleForm('leave', event, shiftSignupFormSchema, async ({ id }) => {
			const shift = await leaveShift(session(event.locals), id);
			return { form: 'leave', id, success: `You left ${shift.role}.` };
		})
};
