import { redirect } from '@sveltejs/kit';
import {
	calendarFeedFormSchema,
	deleteAccountFormSchema,
	endSessionsFormSchema,
	passwordFormSchema,
	renameFormSchema
} from '$lib/api';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import {
	endOtherOwnSessions,
	endOwnSession,
	readAccountSecurity
} from '$lib/server/auth/own-sessions';
import { donePath, doneMessages, postedWithoutJavaScript, type DoneKey } from '$lib/done';
import { createCalendarFeed, revokeCalendarFeed } from '$lib/server/calendar/feeds';
import { storage } from '$lib/server/storage';
import { handleForm } from '$lib/server/form';
import { redirectToLogin } from '$lib/server/login-redirect';
import { requireSession } from '$lib/server/http';
import { readSnapshot } from '$lib/server/load';
import { deleteAccount, requireCurrentPassword, updateAccount } from '$lib/server/users/account';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, depends }) => {
	if (!locals.session) redirectToLogin(locals);
	depends('app:account');
	const { userId, family } = locals.session;
	const { lastEventId, data: security } = await readSnapshot(
		async (records) => await readAccountSecurity(records, userId)
	);
	const feed = await storage().read(async (records) => await records.calendarFeeds.findOf(userId));
	return {
		lastEventId,
		security,
		currentSession: family,
		calendarFeed: feed ? { createdAt: feed.createdAt } : null
	};
};

const userAgentOf = (request: Request) => request.headers.get('user-agent') ?? '';

function session(locals: App.Locals) {
	if (!locals.session) redirectToLogin(locals);
	return requireSession(locals).session;
}

export const actions: Actions = {
	rename: (event) =>
		handleForm('rename', event, renameFormSchema, async ({ name }) => {
			await updateAccount(session(event.locals), { name }, userAgentOf(event.request));
			return { form: 'rename', success: 'Your name was changed.' };
		}),

	password: (event) =>
		handleForm('password', event, passwordFormSchema, async (input) => {
			const { login } = await updateAccount(
				session(event.locals),
				input,
				userAgentOf(event.request)
			);
			if (login) setSessionCookie(event.cookies, event.url, login.token, login.session.expiresAt);
			return {
				form: 'password',
				success: 'Your password was changed: every session was ended, and this one started anew.'
			};
		}),

	endSessions: (event) =>
		handleForm('endSessions', event, endSessionsFormSchema, async ({ currentPassword, id }) => {
			const current = session(event.locals);
			// The password before the id: a made-up id then answers a wrong password as a real one does.
			await requireCurrentPassword(current, currentPassword, id !== current.family);
			const done: DoneKey = id === 'others' ? 'sessions-ended' : 'session-ended';
			if (id === 'others') await endOtherOwnSessions(current);
			else if ((await endOwnSession(current, id)) === 'logged-out') {
				clearSessionCookie(event.cookies, event.url);
				redirect(303, '/login');
			}
			// Without JavaScript: a clean address, and a page whose password field is empty.
			if (postedWithoutJavaScript(event.request)) redirect(303, donePath('/account', done));
			return { form: 'endSessions', success: doneMessages[done] };
		}),

	/** The secret URL is answered this once: the page shows it until it is left. */
	createFeed: (event) =>
		handleForm('createFeed', event, calendarFeedFormSchema, async () => {
			const feed = await createCalendarFeed(session(event.locals), event.url.origin);
			return { form: 'createFeed', feedUrl: feed.url, success: 'Your calendar feed is ready.' };
		}),

	revokeFeed: (event) =>
		handleForm('revokeFeed', event, calendarFeedFormSchema, async () => {
			await revokeCalendarFeed(session(event.locals));
			return {
				form: 'revokeFeed',
				success: 'Your calendar feed was revoked: its address no longer works.'
			};
		}),

	delete: (event) =>
		handleForm('delete', event, deleteAccountFormSchema, async ({ currentPassword }) => {
			await deleteAccount(session(event.locals), currentPassword);
			clearSessionCookie(event.cookies, event.url);
			redirect(303, '/');
		})
};
