import { error } from '@sveltejs/kit';
import { readSnapshot } from '../load';
import { redirectToLogin } from '../login-redirect';
import { toApiUser } from '../auth/access-level';
import { seesShifts, visibleShifts } from './visible-shifts';

/**
 * What the shifts pages show: every shift, the locations, and crew, admins and anyone named on
 * a shift (for their names), as one snapshot. `/shifts` is for crew and admins, `/admin/shifts`
 * for admins; anyone else is sent to log in, or told it is not for them.
 */
export async function loadShiftsPage(locals: App.Locals, only: 'crew' | 'admin') {
	if (!locals.user) redirectToLogin(locals);
	const level = locals.user.type;
	if (only === 'admin' && level !== 'admin') error(403, 'only an admin may see this page');
	if (!seesShifts(level)) error(403, 'shifts are for crew and admins');
	const { lastEventId, data } = await readSnapshot(async (records) => ({
		shifts: await visibleShifts(records, level),
		locations: await records.locations.list(),
		people: (await records.users.listShiftPeople()).map((user) => toApiUser(user, level))
	}));
	return { lastEventId, ...data, userId: locals.user.id };
}
