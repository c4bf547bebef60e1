/**
 * After a form posted without JavaScript succeeds at something that cannot be done twice, the
 * server redirects (POST-redirect-GET) to the page with `?done=<key>`, so the address bar is
 * clean and reloading does not post again. Only these keys are shown: anything else in the
 * address is ignored, so a link cannot make the page claim something happened.
 */
export const doneMessages = {
	'user-deleted': 'The user was deleted.',
	'session-ended': 'The session was ended.',
	'sessions-ended': 'Every other session was ended.',
	'set-up': 'The gathering is set up. Next: add its locations, then its entries.'
} as const;
export type DoneKey = keyof typeof doneMessages;

export const doneMessage = (key: string | null): string | undefined =>
	key !== null && Object.hasOwn(doneMessages, key) ? doneMessages[key as DoneKey] : undefined;

/** `use:enhance` marks its requests; a page posted by the browser itself has no such header. */
export const postedWithoutJavaScript = (request: Request): boolean =>
	request.headers.get('x-sveltekit-action') !== 'true';

export const donePath = (path: string, key: DoneKey): string => `${path}?done=${key}`;
