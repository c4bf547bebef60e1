import type { Cookies } from '@sveltejs/kit';

const isSecure = (url: URL) => url.protocol === 'https:';

/**
 * The session cookie's name: over https the __Host- prefix pins it to this exact origin and
 * path. Lucia is told the same name (lucia.ts); the cookie itself needs no database.
 */
export function sessionCookieName(secure: boolean): string {
	return secure ? '__Host-tidewatch_session' : 'tidewatch_session';
}

interface SessionCookie {
	name: string;
	value: string;
	attributes: { httpOnly: true; secure: boolean; sameSite: 'lax'; path: '/'; maxAge: number };
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
