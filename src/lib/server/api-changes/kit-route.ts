import { json, type RequestHandler } from '@sveltejs/kit';
import { endpoint, readJson, requireSession } from '../http';
import type { ApiChange } from './api-change';

/** The SvelteKit route of a change: the session from the hooks, `allow`, the body, `run`. */
export function kitRoute(change: ApiChange): RequestHandler {
	return endpoint(async ({ locals, params, request }) => {
		const { session, user } = requireSession(locals);
		change.allow?.(user);
		const input = change.schema ? await readJson(request, change.schema) : undefined;
		const answer = await change.run(session, params as Record<string, string>, input, {
			ifMatch: request.headers.get('if-match')
		});
		return answer.status === 204
			? new Response(null, { status: 204 })
			: json(answer.body, { status: answer.status, headers: answer.headers });
	});
}
