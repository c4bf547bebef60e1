import { personalTo, projectEvent, viewKey, type Viewer } from './projection';
import type { StoredEvent } from '../events/stored-event';
import type { StreamConnection } from './connection';
import { eventMessage, frameMessages } from './frames';
import type { StreamRegistry } from './registry';
import { log } from '../log';
import { inSlices, sliceMs } from './slices';

/** What fan-out needs of a connection (a test stands in for one with exactly this). */
type FanOutTarget = Pick<StreamConnection, 'viewer' | 'cursor' | 'replaying' | 'closed'> & {
	deliver(lastId: number, frames: Buffer): void;
};

interface FanOutOptions {
	/**
	 * How long one slice of a pass may run before it yields to the event loop. One event to
	 * 2,000 sockets is 20-odd ms of writes; without a limit, accepts, reads, heartbeats and the
	 * requests that make the changes all wait behind it.
	 */
	sliceMs?: number;
}

/**
 * Live fan-out in passes. A pass takes every event committed and not yet sent, frames them once
 * per view (docs/stream.md: never once per socket), and writes each socket all of them in one
 * write: still one WebSocket message per event, in id order, but one system call instead of one
 * per event. The first event after a quiet moment goes out at once; what is committed while a
 * pass runs, or later in the same loop turn, waits for the next pass. A pass yields to the event
 * loop every `sliceMs`, so no loop turn is long at any load.
 *
 * Order and completeness: passes run one at a time and each holds a contiguous run of ids, so a
 * later event never overtakes an earlier one on a socket. A pass writes the sockets open when it
 * began; a stream opened meanwhile reads its backlog from the database, which holds every event
 * of the running pass (they were committed before it began), and its cursor then keeps the pass
 * from writing them twice if it is reached anyway.
 */
/** Passes under way in this process, and the work waiting for them to end. */
let passing = 0;
let waiting: (() => void)[] = [];

/**
 * Runs `work` now, or once the fan-out passes under way end (before any next one begins): the
 * open pages are brought up to date before one more copy of a page is made. A page's answer waits
 * at most a pass (tens of ms at 2,000 streams); an edit's delivery no longer waits for every page
 * asked for meanwhile.
 */
export function afterFanOut(work: () => void): void {
	if (passing === 0) work();
	else waiting.push(work);
}

export const fanOutUnderWay = () => passing > 0;

function passEnded(): void {
	if (--passing > 0) return;
	const ready = waiting;
	waiting = [];
	for (const work of ready) {
		try {
			work();
		} catch (error) {
			log().error({ event: 'after-fan-out-failed', err: error }, 'work after a fan-out failed');
		}
	}
}

class FanOut {
	private pending: StoredEvent[] = [];
	/**
	 * The id of the last event heard. A replay that has reached it hands over to live delivery
	 * in that same step: every later event will reach the stream through a pass.
	 */
	heard = 0;
	/** A pass is running, or the end of one is waiting for the loop turn to finish. */
	private busy = false;
	private readonly sliceMs: number;

	constructor(
		private readonly targets: () => Iterable<FanOutTarget>,
		options: FanOutOptions = {}
	) {
		this.sliceMs = options.sliceMs ?? sliceMs;
	}

	/** Hears committed events, in id order. */
	publish(event: StoredEvent): void {
		this.heard = event.id;
		this.pending.push(event);
		if (!this.busy) this.pass();
	}

	private pass(): void {
		this.busy = true;
		passing++;
		const batch = new Batch(this.pending);
		this.pending = [];
		inSlices(
			[...this.targets()],
			(conn) => batch.deliverTo(conn),
			() => {
				passEnded();
				// The rest of this loop turn's events go out together, after the turn.
				setImmediate(() => {
					if (this.pending.length > 0) this.pass();
					else this.busy = false;
				});
			},
			this.sliceMs
		);
	}
}

/** One pass's events, projected and framed once per view and joined once per view. */
class Batch {
	private readonly lastId: number;
	/** Users some event of the batch is personal to: their streams are a view of their own. */
	private readonly owners = new Set<string>();
	private readonly views = new Map<string, View>();

	constructor(private readonly events: StoredEvent[]) {
		this.lastId = events[events.length - 1].id;
		for (const event of events) for (const owner of personalTo(event)) this.owners.add(owner);
	}

	deliverTo(conn: FanOutTarget): void {
		if (conn.closed || conn.replaying || conn.cursor >= this.lastId) return;
		const view = this.viewOf(conn.viewer);
		if (conn.cursor < this.events[0].id) {
			conn.deliver(this.lastId, view.joined());
			return;
		}
		// The replay got part of the way into this batch: only what it did not send.
		conn.deliver(this.lastId, view.after(conn.cursor));
	}

	private viewOf(viewer: Viewer): View {
		const personal = viewer.userId !== null && this.owners.has(viewer.userId);
		const key = personal ? `${viewKey(viewer)}:${viewer.userId}` : viewKey(viewer);
		let view = this.views.get(key);
		if (!view) this.views.set(key, (view = new View(this.events, viewer)));
		return view;
	}
}

class View {
	private messages: (string | null)[] | undefined;
	private all: Buffer | undefined;

	constructor(
		private readonly events: StoredEvent[],
		private readonly viewer: Viewer
	) {}

	private project(): (string | null)[] {
		return (this.messages ??= this.events.map((event) => {
			const visible = projectEvent(event, this.viewer);
			return visible && eventMessage(event.id, visible);
		}));
	}

	/** The same buffer for every socket of the view. */
	joined(): Buffer {
		return (this.all ??= frameMessages(this.project().filter((m) => m !== null)));
	}

	after(cursor: number): Buffer {
		const messages = this.project().filter((m, i) => m !== null && this.events[i].id > cursor);
		return frameMessages(messages as string[]);
	}
}

export function createFanOut(registry: StreamRegistry, options?: FanOutOptions): FanOut {
	return new FanOut(() => registry.all, options);
}
