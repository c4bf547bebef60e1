import type { SessionEndReason } from '$lib/api';
import { createChannel } from '../channel';

/** Which sessions stopped being the right key, so their streams can be closed at once. */
export type SessionEnd =
	| { sessionIds: string[]; reason: SessionEndReason }
	| { family: string; reason: SessionEndReason }
	| { userId: string; reason: SessionEndReason };

const ended = createChannel<SessionEnd>('tidewatch.sessionEnded');

export const onSessionEnded = ended.subscribe;
/** Called after the change that ended the sessions has committed. */
export const announceSessionEnded = ended.publish;
