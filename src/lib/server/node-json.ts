import type { ServerResponse } from 'node:http';
import { securityHeaders } from './security-headers';

/** A JSON answer written straight to Node's response, for the answers given before SvelteKit. */
export function writeJson(
	response: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string | string[]> = {}
): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {
		...securityHeaders(),
		...headers,
		'content-type': 'application/json',
		'content-length': String(Buffer.byteLength(text))
	});
	response.end(text);
}
