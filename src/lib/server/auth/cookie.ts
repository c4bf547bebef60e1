import type { Cookies } from '@sveltejs/kit';

const isSecure = (url: URL) => url.protocol === 'https:';

/**
 * The session cookie's name: over https the __Host- prefix pins it to this exact origin and
 * path. Lucia is told the same name (lucia.ts); the cookie itself needs no database.
 */
export function sessionCookieName(secure: boolean): string {
	return secure ? '__Host-tidewatch_session' : 'tidewatch_session';
}

/** The session token of a SvelteKit request, by the one rule below. */
export function readSessionToken(request: Request, url: URL): string | undefined {
	return sessionTokenFromHeader(request.headers.get('cookie') ?? undefined, isSecure(url));
}

interface SessionCookie {
	name: string;
	value: string;
	attributes: {
		httpOnly: true;
		secure: boolean;
		sameSite: 'lax';
		path: '/';
		maxAge: number;
		domain?: string;
		expires?: Date;
	};
}

const attributes = (secure: boolean) =>
	({ httpOnly: true, secure, sameSite: 'lax', path: '/' }) as const;

/** The cookie lives as long as the session may: its idle end, capped by the family's age. */
function sessionCookie(secure: boolean, token: string, expiresAt: number): SessionCookie {
	return {
		name: sessionCookieName(secure),
		value: token,
		attributes: {
			...attributes(secure),
			maxAge: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000))
		}
	};
}

function blankSessionCookie(secure: boolean): SessionCookie {
	return {
		name: sessionCookieName(secure),
		value: '',
		attributes: { ...attributes(secure), maxAge: 0 }
	};
}

export function setSessionCookie(
	cookies: Cookies,
	url: URL,
	token: string,
	expiresAt: number
): void {
	const { name, value, attributes } = sessionCookie(isSecure(url), token, expiresAt);
	cookies.set(name, value, attributes);
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	const { name, value, attributes } = blankSessionCookie(isSecure(url));
	cookies.set(name, value, attributes);
}

// The hooks, the direct path of server.js and the stream's upgrade all read the session cookie
// from the raw Cookie header through this one function, so they always agree on the session.
// Cookies are written as SvelteKit writes them, byte for byte (serialize below).

/**
 * The session token in a Cookie header, split into pairs as the `cookie` package that SvelteKit
 * parses with does. Only our cookie's value is decoded, so another app's undecodable cookie on
 * the same host changes nothing. Two different values under our name are ambiguous (a cookie
 * tossed by a sibling host or port, with its own Domain or Path, beside ours): neither counts,
 * as if there were none, so no request runs as a session someone else planted.
 */
export function sessionTokenFromHeader(
	header: string | undefined,
	secure: boolean
): string | undefined {
	if (!header) return undefined;
	const name = sessionCookieName(secure);
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

export function sessionCookieHeader(secure: boolean, token: string, expiresAt: number): string {
	return serialize(sessionCookie(secure, token, expiresAt));
}

export function blankSessionCookieHeader(secure: boolean): string {
	return serialize(blankSessionCookie(secure));
}

/** In the order and spelling of the `cookie` package that SvelteKit serialises with. */
function serialize({ name, value, attributes }: SessionCookie): string {
	let header = `${name}=${encodeURIComponent(value)}`;
	if (attributes.maxAge !== undefined) header += `; Max-Age=${Math.floor(attributes.maxAge)}`;
	if (attributes.domain) header += `; Domain=${attributes.domain}`;
	header += `; Path=${attributes.path}`;
	if (attributes.expires) header += `; Expires=${attributes.expires.toUTCString()}`;
	if (attributes.httpOnly) header += '; HttpOnly';
	if (attributes.secure) header += '; Secure';
	if (attributes.sameSite) {
		header += `; SameSite=${attributes.sameSite[0].toUpperCase()}${attributes.sameSite.slice(1)}`;
	}
	return header;
}
