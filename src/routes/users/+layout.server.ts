import { sendAdminToSetup } from '$lib/server/settings/setup';
import type { LayoutServerLoad } from './$types';

// The users pages are admin pages for an admin: the gathering is set up first.
export const load: LayoutServerLoad = ({ locals, url }) => sendAdminToSetup(locals, url.pathname);
