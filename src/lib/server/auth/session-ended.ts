import type { SessionEndReason } from '$lib/api';

/** Which sessions stopped being the right key, so their streams can be closed at once. */
export type SessionEnd =
	| { sessionIds: string[]; reason: SessionEndReason }
	| { family: string; reason: SessionEndReason }
	| { userId: string; reason: SessionEndReason };

type Listener = (end: SessionEnd) => void;
const key = Symbol.for('tidewatch.sessionEnded');
type Global = { [key]?: Set<Listener> };
const listeners = () => ((globalThis as Global)[key] ??= new Set());

export function onSessionEnded(listener: Listener): () => void {
	listeners().add(listener);
	return () => listeners().delete(listener);
}

/** Called after the change that ended the sessions has committed. */
export function announceSessionEnded(end: SessionEnd): void {
	for (const listener of listeners()) listener(end);
}
