import { redirect } from '@sveltejs/kit';
import { sessionNoticeSchema, type SessionNotice } from '$lib/api';

/**
 * Sends a visitor without a session to the login page. The cookie that told why the session
 * ended is cleared by this very answer, so the notice travels in the address (a known word,
 * never free text) and the login page tells it, with or without JavaScript.
 */
export function redirectToLogin(locals: App.Locals): never {
	redirect(303, locals.notice ? `/login?notice=${locals.notice}` : '/login');
}

/** The notice the login page was sent with, when it is one the app knows. */
export function noticeFromUrl(url: URL): SessionNotice | undefined {
	const parsed = sessionNoticeSchema.safeParse(url.searchParams.get('notice'));
	return parsed.success ? parsed.data : undefined;
}
