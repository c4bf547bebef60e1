import { json } from '@sveltejs/kit';
import { storage } from '$lib/server/storage';
import { log } from '$lib/server/log';
import { openStreamCount } from '$lib/server/stream/registry';

/** For probes: answers 200 only while the database can be read. No session needed. */
export const GET = async () => {
	const headers = { 'cache-control': 'no-store' };
	let lastEventId: number;
	try {
		// The head alone may come from a counter; the oldest id reads the event log itself.
		await storage().log.oldestId();
		lastEventId = await storage().log.headId();
	} catch (error) {
		log().error({ event: 'health-failed', err: error }, 'the database cannot be read');
		return json(
			{ status: 'unavailable', message: 'the database cannot be read' },
			{ status: 503, headers }
		);
	}
	return json({ status: 'ok', streams: openStreamCount(), lastEventId }, { headers });
};
