import { redirect, type RequestEvent } from '@sveltejs/kit';
import { interestFormSchema } from '$lib/api';
import { postedWithoutJavaScript } from '$lib/done';
import { handleForm } from '../form';
import { requireSession } from '../http';
import { redirectToLogin } from '../login-redirect';
import { setInterest } from './interests';

/**
 * The mark button's form action, the same on every page that shows one. Without JavaScript the
 * browser is sent back to the entry it marked (POST-redirect-GET); with it, the page stays and
 * the stream brings the change to every tab.
 */
export function interestAction(event: RequestEvent) {
	return handleForm('interest', event, interestFormSchema, async ({ entryId, interested }) => {
		if (!event.locals.session) redirectToLogin(event.locals);
		const { session } = requireSession(event.locals);
		const result = await setInterest(session, entryId, interested === 'yes');
		if (postedWithoutJavaScript(event.request)) {
			redirect(303, `${event.url.pathname}#entry-${encodeURIComponent(entryId)}`);
		}
		return { form: 'interest', ...result };
	});
}
