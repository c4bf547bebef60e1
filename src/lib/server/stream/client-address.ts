import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';

/**
 * The client's address as adapter-node tells it to pages and the API, so the stream's caps count
 * the same clients as the rate limits: the socket's peer, or behind a reverse proxy the header
 * ADDRESS_HEADER names (`X-Forwarded-For` read XFF_DEPTH entries from the right). Null when
 * the configured header is missing, where adapter-node fails the request too.
 */
export function clientAddress(
	request: IncomingMessage,
	config: Pick<Config, 'ADDRESS_HEADER' | 'XFF_DEPTH'>
): string | null {
	const header = config.ADDRESS_HEADER;
	if (!header) return request.socket.remoteAddress ?? null;
	const value = request.headers[header];
	if (value === undefined) return null;
	const text = Array.isArray(value) ? value.join(',') : value;
	if (header !== 'x-forwarded-for') return text;
	const addresses = text.split(',');
	if (config.XFF_DEPTH > addresses.length) return null;
	return addresses[addresses.length - config.XFF_DEPTH].trim();
}
