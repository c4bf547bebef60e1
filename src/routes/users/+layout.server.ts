import { sendAdminToSetup } from '$lib/server/settings/setup';
import type { LayoutServerLoad } from './$types';

// A user's page and the audit trail are admin pages: the gathering is set up first.
export const load: LayoutServerLoad = ({ locals, url }) => sendAdminToSetup(locals, url.pathname);
