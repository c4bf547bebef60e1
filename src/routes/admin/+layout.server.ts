import { sendAdminToSetup } from '$lib/server/settings/setup';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => sendAdminToSetup(locals, url.pathname);
