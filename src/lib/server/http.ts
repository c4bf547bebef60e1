import { json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { Refusal } from './refusal';

/** The first problem of a failed parse, naming its field, as one sentence. */
function describeIssue(error: z.ZodError): { message: string; field?: string } {
	const issue = error.issues[0];
	const field = issue.path.length ? issue.path.join('.') : undefined;
	if (issue.code === 'unrecognized_keys')
		return { message: `unknown field: ${issue.keys.join(', ')}` };
	if (issue.code === 'invalid_type' && issue.input === undefined && field) {
		return { message: `${field} is required`, field };
	}
	return { message: issue.message, field };
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
	// reportInput lets a missing field be told apart from one of the wrong type.
	const result = schema.safeParse(input, { reportInput: true });
	if (!result.success) {
		const { message, field } = describeIssue(result.error);
		throw new Refusal(400, message, field);
	}
	return result.data;
}

/** No request of the API needs more; bigger bodies are refused unread where possible. */
export const maxBodyBytes = 64 * 1024;

/** One decoder for every request: a whole-buffer decode keeps no state between calls. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The only body type the API reads. */
export function isJsonType(contentType: string | null | undefined): boolean {
	return contentType?.toLowerCase().startsWith('application/json') ?? false;
}

const notJsonMessage = 'the body must be JSON (content-type: application/json)';
export const tooLargeMessage = 'the body is too large';

/** Parses a JSON body through its schema; anything else is a 400 naming the problem. */
export async function readJson<S extends z.ZodType>(
	request: Request,
	schema: S
): Promise<z.infer<S>> {
	if (!isJsonType(request.headers.get('content-type'))) throw new Refusal(400, notJsonMessage);
	let bytes: ArrayBuffer;
	try {
		bytes = await request.arrayBuffer();
	} catch (error) {
		// SvelteKit stops reading a body past BODY_SIZE_LIMIT; otherwise the client hung up.
		const tooLarge = error instanceof Error && /limit|exceed/i.test(error.message);
		throw new Refusal(400, tooLarge ? tooLargeMessage : 'the body could not be read');
	}
	return parseJsonBytes(bytes, schema);
}

/** The bytes of a whole JSON body, through its schema. */
export function parseJsonBytes<S extends z.ZodType>(
	bytes: ArrayBuffer | Uint8Array,
	schema: S
): z.infer<S> {
	if (bytes.byteLength > maxBodyBytes) throw new Refusal(400, tooLargeMessage);
	let text: string;
	try {
		// Undecodable bytes would otherwise become U+FFFD and be stored as if meant.
		text = utf8.decode(bytes);
	} catch {
		throw new Refusal(400, 'the body is not valid JSON: it is not UTF-8 text');
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new Refusal(400, 'the body is not valid JSON');
	}
	return parseInput(schema, body);
}

/** Turns a Refusal into `{ message }` (and its details) with its status; anything else stays a server error. */
export function endpoint<E extends RequestEvent>(
	handler: (event: E) => Promise<Response> | Response
) {
	return async (event: E): Promise<Response> => {
		try {
			return await handler(event);
		} catch (error) {
			if (error instanceof Refusal) {
				return json(error.body, { status: error.status, headers: error.headers });
			}
			throw error;
		}
	};
}

export function requireSession(locals: App.Locals) {
	if (!locals.session || !locals.user) throw new Refusal(401, 'you are not logged in');
	return { session: locals.session, user: locals.user };
}
