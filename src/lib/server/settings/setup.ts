import { redirect } from '@sveltejs/kit';
import { storage } from '../storage';

const setupPath = '/admin/setup';
/** The setup page itself, and the users list, which everyone sees (only admins' own pages wait). */
const openBeforeSetup = new Set([setupPath, '/users']);

/**
 * Until the gathering is set up (its name, time zone, days and registration saved once), an
 * admin who opens an admin page is sent to the setup page: entries typed before the zone is
 * chosen would otherwise be read in UTC.
 */
export async function sendAdminToSetup(locals: App.Locals, pathname: string): Promise<void> {
	if (
		locals.user?.type === 'admin' &&
		!openBeforeSetup.has(pathname) &&
		!(await storage().read(async (records) => await records.settings.isSetUp()))
	) {
		redirect(303, setupPath);
	}
}

/** Where a user lands after registering: the first admin sets the gathering up first. */
export const afterRegistration = async (type: string): Promise<string> =>
	type === 'admin' && !(await storage().read(async (records) => await records.settings.isSetUp()))
		? setupPath
		: '/';
