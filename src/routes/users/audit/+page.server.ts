import { error } from '@sveltejs/kit';
import { listAudit } from '$lib/server/audit/audit-store';
import { getDb } from '$lib/server/db';
import { redirectToLogin } from '$lib/server/login-redirect';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirectToLogin(locals);
	if (locals.user.type !== 'admin') error(403, 'only an admin may see this page');
	return { records: listAudit(getDb(), 200) };
};
