import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
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
	if (!header) return peerAddress(request.socket);
	const value = request.headers[header];
	if (value === undefined) return null;
	const text = Array.isArray(value) ? value.join(',') : value;
	if (header !== 'x-forwarded-for') return text;
	const addresses = text.split(',');
	if (config.XFF_DEPTH > addresses.length) return null;
	return addresses[addresses.length - config.XFF_DEPTH].trim();
}

/**
 * The socket's peer address. Node keeps what it read on the socket for the socket's life (an
 * object and the address string, about 90 bytes); a stream keeps the address itself, so Node's
 * copy is let go. Node reads the peer again should anything ask later.
 */
function peerAddress(socket: Socket): string | null {
	const address = socket.remoteAddress ?? null;
	(socket as Socket & { _peername?: unknown })._peername = undefined;
	return address;
}
