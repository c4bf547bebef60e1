import type { Db } from '../db';
import { readEventsAfter } from '../events/log';
import { projectEvent } from '../events/projection';
import type { StreamConnection } from './connection';

const pageSize = 2000;

/**
 * Sends every event after the connection's cursor, a page at a time, waiting for each page to
 * reach the socket before reading the next so a long backlog never piles up in memory. The
 * connection is already subscribed; the last page and the switch to live delivery happen in
 * one synchronous step, so nothing committed in between is missed or sent twice.
 */
export function replay(conn: StreamConnection, db: Db): void {
	const step = () => {
		if (conn.closed) return;
		const events = readEventsAfter(db, conn.cursor, pageSize);
		let last: Buffer | undefined;
		for (const event of events) {
			conn.cursor = event.id;
			const visible = projectEvent(event, conn.viewer);
			if (!visible) continue;
			if (last) conn.ws.send(last, { binary: false });
			last = Buffer.from(JSON.stringify({ type: 'event', id: event.id, event: visible }));
		}
		if (events.length < pageSize) {
			conn.replaying = false;
			if (last) conn.ws.send(last, { binary: false });
			return;
		}
		if (last) conn.ws.send(last, { binary: false }, (error) => error || step());
		else setImmediate(step);
	};
	step();
}
