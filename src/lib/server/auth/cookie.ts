import type { Cookies } from '@sveltejs/kit';
import { getLucia } from './lucia';

const isSecure = (url: URL) => url.protocol === 'https:';

function sessionCookieName(url: URL): string {
	return getLucia(isSecure(url)).sessionCookieName;
}

export function readSessionToken(cookies: Cookies, url: URL): string | undefined {
	return cookies.get(sessionCookieName(url)) || undefined;
}

/** The cookie lives as long as the session may: its idle end, capped by the family's age. */
export function setSessionCookie(
	cookies: Cookies,
	url: URL,
	token: string,
	expiresAt: number
): void {
	const cookie = getLucia(isSecure(url)).createSessionCookie(token);
	cookies.set(cookie.name, cookie.value, {
		...cookie.attributes,
		path: '/',
		maxAge: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000))
	});
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	const cookie = getLucia(isSecure(url)).createBlankSessionCookie();
	cookies.set(cookie.name, cookie.value, { ...cookie.attributes, path: '/' });
}
