import type { Cookies } from '@sveltejs/kit';
import { getLucia } from './lucia';

const isSecure = (url: URL) => url.protocol === 'https:';

export function sessionCookieName(secure: boolean): string {
	return getLucia(secure).sessionCookieName;
}

export function readSessionToken(cookies: Cookies, url: URL): string | undefined {
	return cookies.get(sessionCookieName(isSecure(url))) || undefined;
}

type Attributes = ReturnType<ReturnType<typeof getLucia>['createSessionCookie']>['attributes'];
interface SessionCookie {
	name: string;
	value: string;
	attributes: Attributes & { path: '/' };
}

/** The cookie lives as long as the session may: its idle end, capped by the family's age. */
function sessionCookie(secure: boolean, token: string, expiresAt: number): SessionCookie {
	const cookie = getLucia(secure).createSessionCookie(token);
	return {
		name: cookie.name,
		value: cookie.value,
		attributes: {
			...cookie.attributes,
			path: '/',
			maxAge: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000))
		}
	};
}

function blankSessionCookie(secure: boolean): SessionCookie {
	const cookie = getLucia(secure).createBlankSessionCookie();
	return {
		name: cookie.name,
		value: cookie.value,
		attributes: { ...cookie.attributes, path: '/' }
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

// The direct path of server.js answers without SvelteKit's cookies: the same cookies, read
// from and written to the raw headers, byte for byte as SvelteKit writes them.

/** The first cookie of that name in a Cookie header, as SvelteKit's `cookies.get` reads it. */
export function sessionTokenFromHeader(
	header: string | undefined,
	secure: boolean
): string | undefined {
	if (!header) return undefined;
	const name = sessionCookieName(secure);
	for (const pair of header.split(';')) {
		const equals = pair.indexOf('=');
		if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
		let value = pair.slice(equals + 1).trim();
		if (value.startsWith('"')) value = value.slice(1, -1);
		try {
			return (value.includes('%') ? decodeURIComponent(value) : value) || undefined;
		} catch {
			return value || undefined;
		}
	}
	return undefined;
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
