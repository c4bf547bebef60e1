import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { sessionCookieName } from './auth/cookie';
import type { Config } from './config';
import { maxBodyBytes, tooLargeMessage } from './http';
import { logClientError } from './log';

/**
 * What every request goes through before its route, the same for the SvelteKit hooks, the early
 * pages of server.js and the stream's upgrade: the request's origin, the guards on it, the
 * session cookie that counts, and the client's address. Each reads a request through
 * `RequestHead`, so Node's request and SvelteKit's web Request give the same answers.
 */
export interface RequestHead {
	method: string;
	/** Path and query, as sent. */
	target: string;
	/** A header's value, duplicates joined as Node joins them; undefined when absent. */
	header(name: string): string | undefined;
}

export function nodeHead(request: IncomingMessage): RequestHead {
	return {
		method: request.method ?? 'GET',
		target: request.url ?? '/',
		header: (name) => {
			const value = request.headers[name];
			return Array.isArray(value) ? value.join(', ') : value;
		}
	};
}

export function webHead(request: Request, url: URL): RequestHead {
	return {
		method: request.method,
		target: url.pathname + url.search,
		header: (name) => request.headers.get(name) ?? undefined
	};
}

type OriginConfig = Pick<Config, 'ORIGIN' | 'PROTOCOL_HEADER' | 'HOST_HEADER' | 'PORT_HEADER'>;

/** ORIGIN as an origin, parsed once: the crowd's every request of `/` asks for it. */
let parsedOrigin: { from: string; origin: string } | undefined;
function originOf(configured: string): string {
	if (parsedOrigin?.from !== configured) {
		parsedOrigin = { from: configured, origin: new URL(configured).origin };
	}
	return parsedOrigin.origin;
}

/**
 * The app's own origin for a request that reached Node (the early pages, the stream's
 * upgrade), by the rule adapter-node gives SvelteKit its `event.url`: ORIGIN when set;
 * else the protocol, host and port its PROTOCOL_HEADER, HOST_HEADER and PORT_HEADER name (plain
 * http and the Host header when unset, as in development and as server.js says). Null where
 * adapter-node would fail the request, and for a host we do not serve (isLoopbackHost).
 */
export function requestOrigin(head: RequestHead, config: OriginConfig): string | null {
	if (config.ORIGIN) return originOf(config.ORIGIN);
	const protocol = config.PROTOCOL_HEADER
		? (head.header(config.PROTOCOL_HEADER) || 'https').toLowerCase()
		: 'http';
	const host = (config.HOST_HEADER && head.header(config.HOST_HEADER)) || head.header('host');
	const port = config.PORT_HEADER ? head.header(config.PORT_HEADER) : undefined;
	if (!/^https?$/.test(protocol) || (port && !/^\d+$/.test(port))) return null;
	const authority = port ? `${host}:${port}` : host;
	// isLoopbackHost refuses anything the URL parser would read as more than a host.
	return isLoopbackHost(authority) ? new URL(`${protocol}://${authority}`).origin : null;
}

/**
 * The app's own origin from a request's URL as SvelteKit tells it (`event.url`, which adapter-node
 * builds by requestOrigin's rule, from ORIGIN when set): without ORIGIN only a loopback host's
 * (null for any other: see isLoopbackHost). Written as the URL parser writes it, as browsers
 * write `Origin` (`127.1` is `127.0.0.1`, no `:80`).
 */
export function ownOrigin(url: URL, config: Pick<Config, 'ORIGIN'>): string | null {
	return config.ORIGIN || isLoopbackHost(url.host) ? url.origin : null;
}

/**
 * Without ORIGIN the app takes its own origin from the request, whose Host any page can name
 * through DNS rebinding (a foreign name that resolves to 127.0.0.1). So the default serves only
 * names that cannot be rebound: loopback names and addresses. Anything else needs ORIGIN.
 */
export function isLoopbackHost(host: string | null | undefined): boolean {
	if (!host || /[/\\@?#\s]/.test(host)) return false;
	let hostname: string;
	try {
		// The URL parser lowercases names and normalises IPv4 forms such as 127.1 or 0x7f.0.0.1.
		hostname = new URL(`http://${host}`).hostname;
	} catch {
		return false;
	}
	if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
	return (
		hostname === 'localhost' ||
		hostname.endsWith('.localhost') ||
		/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) ||
		hostname === '[::1]'
	);
}

export const loopbackOnlyMessage =
	'without ORIGIN this server answers only on localhost, 127.0.0.1 and [::1]; ' +
	'to serve it under another name, set ORIGIN to its public origin (e.g. https://tide.example.org)';

/** The methods that change nothing; any other is a change. */
const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export const foreignChangeMessage = 'changes are only accepted from pages of this app';

/**
 * Whether a change comes from a page of another origin and must be refused, whatever its
 * content type: a POST with no body needs no preflight, and the session cookie (SameSite=Lax)
 * goes along from any page of the same site — another port, a sibling subdomain. Browsers send
 * `Origin` with every change; where it is missing, `Sec-Fetch-Site` tells (`none` is the person
 * themself, typing or following a bookmark). A client that sends neither is no browser: an API
 * client, which a page cannot drive.
 */
export function isForeignChange(
	method: string,
	origin: string | null | undefined,
	fetchSite: string | null | undefined,
	ownOrigin: string
): boolean {
	if (readMethods.has(method)) return false;
	if (origin != null) return origin !== ownOrigin;
	if (fetchSite != null) return fetchSite !== 'same-origin' && fetchSite !== 'none';
	return false;
}

export interface GuardRefusal {
	status: 403 | 404 | 413 | 421;
	message: string;
}

/**
 * The guards, in order, for a request whose own origin is `origin` (requestOrigin): a host that
 * is not ours (421), a change from a page of another origin (403, logged as the client error it
 * is), and what SvelteKit itself would answer badly: an action named like a property of every
 * object (`?/constructor`) or the reserved `default` makes it throw (a 500), and an oversized
 * API body would get its HTML 413 page instead of `{ message }`. Null lets the request on.
 */
export function guardRequest(head: RequestHead, origin: string | null): GuardRefusal | null {
	if (origin === null) return { status: 421, message: loopbackOnlyMessage };
	const { method, target } = head;
	const query = target.indexOf('?');
	const path = query < 0 ? target : target.slice(0, query);
	const from = head.header('origin') ?? null;
	const fetchSite = head.header('sec-fetch-site') ?? null;
	if (isForeignChange(method, from, fetchSite, origin)) {
		logClientError({ method, path, status: 403, origin: from, fetchSite }, foreignChangeMessage);
		return { status: 403, message: foreignChangeMessage };
	}
	if (method === 'POST' && query >= 0) {
		for (const key of new URLSearchParams(target.slice(query)).keys()) {
			if (!key.startsWith('/')) continue;
			const name = key.slice(1);
			if (name === 'default' || name in Object.prototype) {
				return { status: 404, message: `no form action named ${name}` };
			}
		}
	}
	if (path.startsWith('/api/') && Number(head.header('content-length') ?? 0) > maxBodyBytes) {
		return { status: 413, message: tooLargeMessage };
	}
	return null;
}

/**
 * The session token a request carries, for a request whose own origin is `origin`: over https
 * only the `__Host-` name counts (cookie.ts). The pairs are split as the `cookie` package that
 * SvelteKit parses with splits them, and only our cookie's value is decoded, so another app's
 * undecodable cookie on the same host changes nothing. Two different values under our name are
 * ambiguous (a cookie tossed by a sibling host or port, with its own Domain or Path, beside ours):
 * neither counts, as if there were none, so no request runs as a session someone else planted.
 * The hooks, the early pages and the stream's upgrade all read it here.
 */
export function sessionToken(head: RequestHead, origin: string): string | undefined {
	const header = head.header('cookie');
	if (!header) return undefined;
	const name = sessionCookieName(origin.startsWith('https:'));
	let found: string | undefined;
	for (const pair of header.split(';')) {
		const equals = pair.indexOf('=');
		if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
		let value = pair.slice(equals + 1).trim();
		if (value.startsWith('"')) value = value.slice(1, -1);
		if (found !== undefined && found !== value) return undefined;
		found = value;
	}
	if (!found) return undefined;
	try {
		return found.includes('%') ? decodeURIComponent(found) : found;
	} catch {
		return found;
	}
}

/**
 * The client's address by adapter-node's rule, which SvelteKit's `getClientAddress` follows, so
 * the stream's caps count the same clients as the rate limits: the socket's peer, or behind a
 * reverse proxy the header ADDRESS_HEADER names (`X-Forwarded-For` read XFF_DEPTH entries from
 * the right). Null when the configured header is missing, where adapter-node fails the request.
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
