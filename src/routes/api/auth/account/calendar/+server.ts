import { json } from '@sveltejs/kit';
import { createCalendarFeed, revokeCalendarFeed } from '$lib/server/calendar/feeds';
import { endpoint, requireSession } from '$lib/server/http';

/** A new secret feed URL, told in this answer only; an earlier one stops working. */
export const POST = endpoint(async ({ locals, url }) => {
	const { session } = requireSession(locals);
	return json(await createCalendarFeed(session, url.origin), { status: 201 });
});

/** Revokes the feed (204 whether or not there was one): its URL answers 404 at once. */
export const DELETE = endpoint(async ({ locals }) => {
	const { session } = requireSession(locals);
	await revokeCalendarFeed(session);
	return new Response(null, { status: 204 });
});
