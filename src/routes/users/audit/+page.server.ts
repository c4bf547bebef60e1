import { error } from '@sveltejs/kit';
import { auditPageQuerySchema, maxAuditPage } from '$lib/api';
import { storage } from '$lib/server/storage';
import { redirectToLogin } from '$lib/server/login-redirect';
import type { PageServerLoad } from './$types';

const pageSize = 100;

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.user) redirectToLogin(locals);
	if (locals.user.type !== 'admin') error(403, 'only an admin may see this page');
	const query = auditPageQuerySchema.parse(Object.fromEntries(url.searchParams));
	// One more than shown tells whether there is an older page.
	const { rows, actors } = await storage().read(async (records) => ({
		rows: await records.audit.list({ ...query, limit: Math.min(pageSize + 1, maxAuditPage) }),
		actors: await records.audit.actors()
	}));
	const records = rows.slice(0, pageSize);
	return {
		records,
		query,
		older: rows.length > pageSize ? records.at(-1)!.id : null,
		actors
	};
};
