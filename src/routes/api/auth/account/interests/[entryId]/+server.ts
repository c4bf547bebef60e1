import { json } from '@sveltejs/kit';
import { endpoint, requireSession } from '$lib/server/http';
import { setInterest } from '$lib/server/interests/interests';

/** Marks the entry: 200 `{ entryId, interested: true }`; 404 for one the caller may not see. */
export const PUT = endpoint(({ locals, params }) => {
	const { session } = requireSession(locals);
	return json(setInterest(session, params.entryId!, true));
});

export const DELETE = endpoint(({ locals, params }) => {
	const { session } = requireSession(locals);
	return json(setInterest(session, params.entryId!, false));
});
