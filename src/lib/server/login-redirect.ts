import { redirect } from '@sveltejs/kit';
import { getRequestEvent } from '$app/server';
import { sessionNoticeSchema, type SessionNotice } from '$lib/api';

/**
 * Sends a visitor without a session to the login page. The cookie that told why the session
 * ended is cleared by this very answer, so the notice travels in the address (a known word,
 * never free text) and the login page tells it, with or without JavaScript. `next` is the page
 * asked for: logging in goes back to it.
 */
export function redirectToLogin(locals: App.Locals): never {
	const { url, request } = getRequestEvent();
	const params = [];
	if (locals.notice) params.push(`notice=${locals.notice}`);
	// A form post's page is the one it was posted from; its action's address is no page.
	if (request.method === 'GET') params.push(`next=${nextParam(url.pathname + url.search)}`);
	redirect(303, params.length ? `/login?${params.join('&')}` : '/login');
}

/** A path as a query value, its slashes left readable (`next=/admin/entries`). */
const nextParam = (path: string) => encodeURIComponent(path).replaceAll('%2F', '/');

/** The notice the login page was sent with, when it is one the app knows. */
export function noticeFromUrl(url: URL): SessionNotice | undefined {
	const parsed = sessionNoticeSchema.safeParse(url.searchParams.get('notice'));
	return parsed.success ? parsed.data : undefined;
}

/**
 * Where logging in goes: the `next` page when it is a path of this site, else the schedule.
 * Anything that could leave the site (`//host`, `/\host`, a scheme, control characters) is
 * refused, so the login page is no open redirect.
 */
export function pageAfterLogin(next: string | null): string {
	if (!next || next.length > 2000 || !next.startsWith('/') || /^\/[/\\]/.test(next)) return '/';
	// eslint-disable-next-line no-control-regex -- control characters are what this refuses
	if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
	const base = 'http://tidewatch.invalid';
	const target = new URL(next, base);
	if (target.origin !== base || /^\/(login|logout|register)(\/|$)/.test(target.pathname))
		return '/';
	return target.pathname + target.search + target.hash;
}
