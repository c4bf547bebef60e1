import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { parseInput } from './http';
import { Refusal } from './refusal';

interface FormFailure {
	/** Which form of the page failed, so its message shows beside it. */
	form: string;
	message: string;
	/** The field the message is about, shown beside it. */
	field?: string;
	/** What was entered, passwords left out, so the form keeps it. */
	fields: Record<string, string>;
}

/**
 * Reads the form named `form` through its schema and acts on it; a Refusal becomes
 * `fail(status, { form, message, field, fields })`.
 */
export async function handleForm<S extends z.ZodType, T>(
	form: string,
	event: RequestEvent,
	schema: S,
	act: (input: z.infer<S>) => Promise<T> | T
): Promise<T | ActionFailure<FormFailure>> {
	let data: FormData;
	try {
		data = await event.request.formData();
	} catch {
		return fail(400, { form, message: 'the form could not be read', fields: {} });
	}
	const entries: Record<string, string> = {};
	for (const [key, value] of data) if (typeof value === 'string') entries[key] = value;
	const fields = Object.fromEntries(
		Object.entries(entries).filter(([key]) => !key.toLowerCase().includes('password'))
	);
	try {
		return await act(parseInput(schema, entries));
	} catch (error) {
		if (error instanceof Refusal) {
			event.setHeaders(error.headers);
			return fail(error.status, { form, message: error.message, field: error.field, fields });
		}
		throw error;
	}
}
