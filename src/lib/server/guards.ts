import { json, type Handle } from '@sveltejs/kit';
import { maxBodyBytes, tooLargeMessage } from './http';

/**
 * Requests SvelteKit itself would answer badly: an action named like a property of every
 * object (`?/constructor`) or the reserved `default` makes it throw (a 500), and an oversized
 * API body would get its HTML 413 page instead of `{ message }`.
 */
export const guardRequests: Handle = ({ event, resolve }) => {
	if (event.request.method === 'POST') {
		for (const key of event.url.searchParams.keys()) {
			if (!key.startsWith('/')) continue;
			const name = key.slice(1);
			if (name === 'default' || name in Object.prototype) {
				return json({ message: `no form action named ${name}` }, { status: 404 });
			}
		}
	}
	if (event.url.pathname.startsWith('/api/')) {
		const length = Number(event.request.headers.get('content-length') ?? 0);
		if (length > maxBodyBytes) {
			return json({ message: tooLargeMessage }, { status: 413 });
		}
	}
	return resolve(event);
};
