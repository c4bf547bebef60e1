import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { readLastEventId } from '$lib/server/events/log';

export const GET = () => json({ id: readLastEventId(getDb()) });
