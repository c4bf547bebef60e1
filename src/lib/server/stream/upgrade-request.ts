import type { IncomingMessage } from 'node:http';
import { loopbackOnlyMessage } from '../request-pipeline';
import { parseLastEventId } from './cursor';

export type UpgradeCheck =
	| { ok: true; lastEventId: number; url: URL }
	| { ok: false; status: 400 | 403 | 404 | 421; message: string };

/**
 * The refusals of docs/stream.md, decided before any socket exists. A browser always sends
 * `Origin` on a WebSocket; a foreign or missing one is refused so no other site can open a
 * stream with the visitor's cookie (cross-site WebSocket hijacking).
 */
export function checkUpgradeRequest(
	request: IncomingMessage,
	appOrigin: string | null
): UpgradeCheck {
	if (appOrigin === null) return { ok: false, status: 421, message: loopbackOnlyMessage };
	let url: URL;
	try {
		url = new URL(request.url ?? '/', appOrigin);
	} catch {
		return { ok: false, status: 400, message: 'bad request target' };
	}
	if (url.pathname !== '/api/events') return { ok: false, status: 404, message: 'not found' };
	if (request.headers.origin !== appOrigin) {
		return { ok: false, status: 403, message: 'the stream is only open to pages of this app' };
	}
	const lastEventId = parseLastEventId(url.searchParams.get('lastEventId'));
	if (lastEventId === null) {
		return { ok: false, status: 400, message: 'lastEventId must be a non-negative integer' };
	}
	return { ok: true, lastEventId, url };
}
