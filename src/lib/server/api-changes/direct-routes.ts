import type { ApiChange } from './api-change';
import {
	entryCreate,
	entryDelete,
	entryPatch,
	interestMark,
	interestUnmark,
	shiftLeave,
	shiftTake,
	userDelete,
	userPatch
} from './changes';

interface DirectRoute {
	method: string;
	/** Only plain ids: anything SvelteKit would decode or normalise first is left to it. */
	path: RegExp;
	params: readonly string[];
	change: ApiChange;
}

const id = '([A-Za-z0-9_-]{1,64})';
const route = (method: string, path: string, params: string[], change: ApiChange) => ({
	method,
	path: new RegExp(`^${path.replaceAll('[id]', id)}$`),
	params,
	change
});

/** The paths of docs/api.md that the direct path answers; the same routes exist in SvelteKit. */
const directRoutes: readonly DirectRoute[] = [
	route('PATCH', '/api/users/[id]', ['id'], userPatch),
	route('DELETE', '/api/users/[id]', ['id'], userDelete),
	route('POST', '/api/entries', [], entryCreate),
	route('PATCH', '/api/entries/[id]', ['id'], entryPatch),
	route('DELETE', '/api/entries/[id]', ['id'], entryDelete),
	route('PUT', '/api/auth/account/interests/[id]', ['entryId'], interestMark),
	route('DELETE', '/api/auth/account/interests/[id]', ['entryId'], interestUnmark),
	route('POST', '/api/shifts/[id]/signup', ['id'], shiftTake),
	route('DELETE', '/api/shifts/[id]/signup', ['id'], shiftLeave)
];

/** The route and its params for a request line, or undefined when SvelteKit should answer. */
export function matchDirectRoute(
	method: string | undefined,
	url: string | undefined
): { change: ApiChange; params: Record<string, string> } | undefined {
	// A query is left to SvelteKit too: its guard reads form-action names there.
	if (!url?.startsWith('/api/') || url.includes('?')) return undefined;
	for (const candidate of directRoutes) {
		if (candidate.method !== method) continue;
		const match = candidate.path.exec(url);
		if (!match) continue;
		const params: Record<string, string> = {};
		candidate.params.forEach((name, i) => (params[name] = match[i + 1]));
		return { change: candidate.change, params };
	}
	return undefined;
}
