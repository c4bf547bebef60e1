import { json } from '@sveltejs/kit';
import { listAudit } from '$lib/server/audit/audit-store';
import { getDb } from '$lib/server/db';
import { endpoint, requireSession } from '$lib/server/http';
import { requireAdmin } from '$lib/server/users/admin';

/** The latest 200 rows of the audit trail, newest first. */
export const GET = endpoint(({ locals }) => {
	requireAdmin(requireSession(locals).user);
	return json(listAudit(getDb(), 200));
});
