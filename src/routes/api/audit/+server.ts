import { json } from '@sveltejs/kit';
import { auditQuerySchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { storage } from '$lib/server/storage';
import { endpoint, parseInput, requireSession } from '$lib/server/http';

/**
 * A page of the audit trail, newest first, optionally of one kind (`action`), `actor` or
 * `target`. The next page is `before=<id of the last record>`; the `Link` header says so.
 */
export const GET = endpoint(async ({ locals, url }) => {
	requireAdmin(requireSession(locals).user);
	const query = parseInput(auditQuerySchema, Object.fromEntries(url.searchParams));
	const records = await storage().read((stored) => stored.audit.list(query));
	const headers = new Headers();
	if (records.length === query.limit) {
		const next = new URL(url);
		next.searchParams.set('before', String(records.at(-1)!.id));
		headers.set('link', `<${next.pathname}${next.search}>; rel="next"`);
	}
	return json(records, { headers });
});
