import type { Cookies } from '@sveltejs/kit';

/**
 * The home page greets a user "Welcome" on the first visit after registering and "Welcome back"
 * on every later one. Registering leaves this short-lived cookie holding the new user's id; the
 * home page takes it (deleting it) and says "Welcome" only to that same user.
 */
export const welcomeCookie = 'tidewatch-welcome';
const welcomeMaxAgeSeconds = 10 * 60;

export function markFirstVisit(cookies: Cookies, url: URL, userId: string): void {
	cookies.set(welcomeCookie, userId, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		maxAge: welcomeMaxAgeSeconds
	});
}

/** Whether this is `userId`'s first visit since registering; a second call answers false. */
export function takeFirstVisit(cookies: Cookies, url: URL, userId: string | undefined): boolean {
	const marked = cookies.get(welcomeCookie);
	if (marked === undefined) return false;
	cookies.delete(welcomeCookie, { path: '/', secure: url.protocol === 'https:' });
	return userId !== undefined && marked === userId;
}
