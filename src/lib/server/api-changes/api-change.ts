import type { z } from 'zod';
import type { ServerSession, ServerUser } from '../types';

/** What a change answers: its status, and its JSON body unless the status is 204. */
export type ChangeAnswer =
	{ status: 200 | 201; body: unknown; headers?: Record<string, string> } | { status: 204 };

/** The request headers a change may read: a conditional edit's If-Match. */
export interface ChangeConditions {
	ifMatch: string | null;
}

/**
 * One change of the API, free of SvelteKit: who may ask, the body's schema, and what it does.
 * Its route (kit-route.ts) runs it in the order session, `allow`, body, `run`.
 */
export interface ApiChange<S extends z.ZodType | undefined = z.ZodType | undefined> {
	/** Who may ask at all, before the body is read; the change re-checks in its transaction. */
	allow?: (user: ServerUser) => void;
	/** The JSON body's schema; a change without one reads no body. */
	schema: S;
	run(
		session: ServerSession,
		params: Record<string, string>,
		input: S extends z.ZodType ? z.infer<S> : undefined,
		conditions: ChangeConditions
	): Promise<ChangeAnswer>;
}

/** Keeps the input's type tied to the schema's. */
export function apiChange<S extends z.ZodType | undefined>(change: ApiChange<S>): ApiChange<S> {
	return change;
}
