import type { Db } from '../db';
import { readEventsAfter } from '../events/log';
import { projectEvent } from '../events/projection';
import { withViewerMark } from '../interests/interests';
import type { StreamConnection } from './connection';
import { eventMessage, frameMessages, writeFrames } from './frames';

const pageSize = 2000;

/**
 * Sends every event after the connection's cursor, a page at a time: a page goes out in one
 * write, and the next is read only once it reached the socket, so a long backlog never piles up
 * in memory. The connection is already subscribed; the last page and the switch to live
 * delivery happen in one synchronous step, so nothing committed in between is missed or sent
 * twice.
 */
export function replay(conn: StreamConnection, db: Db): void {
	const step = () => {
		if (conn.closed) return;
		const events = readEventsAfter(db, conn.cursor, pageSize);
		const messages: string[] = [];
		for (const event of events) {
			conn.cursor = event.id;
			const visible = projectEvent(withViewerMark(db, event, conn.viewer), conn.viewer);
			if (visible) messages.push(eventMessage(event.id, visible));
		}
		const last = events.length < pageSize;
		if (last) conn.replaying = false;
		if (messages.length === 0) {
			if (!last) setImmediate(step);
			return;
		}
		writeFrames(conn.ws, frameMessages(messages), last ? undefined : (error) => error || step());
	};
	step();
}
