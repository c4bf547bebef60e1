import type { ApiEvent, ApiSession, StreamMessage } from '$lib/api';
import { closeCodes } from '$lib/api/close-codes';
import { backoffDelay } from './backoff';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface StreamHandlers {
	/** Where to resume: the id of the last event every store has applied. */
	cursor(): number;
	onConnected(session: ApiSession | null, head: number): void;
	/** Applies an event, from the socket or kept on the device. */
	onEvent(id: number, event: ApiEvent): void;
	/**
	 * Events this device kept after `cursor` (docs/offline.md), applied before the socket opens:
	 * a kept page comes forward with no network, and the socket resumes after them.
	 */
	keptSince?(cursor: number): Promise<{ id: number; event: ApiEvent }[]>;
	/** The socket opened at `cursor`; what it hands on after, then `live`, may be kept. */
	onOpened?(cursor: number): void;
	onHeard?(id: number, event: ApiEvent): void;
	onLive?(lastEventId: number): void;
	/** Close 4001: the session is no longer the right key. Resolves when ready to reconnect. */
	onSessionEnded(reason: string): Promise<void>;
	/** Close 4002: the page data must be reloaded before the stream can resume. */
	onResync(): Promise<void>;
	onStatus(status: StreamStatus): void;
}

/** Until the server names its heartbeat interval in `connected`: its default, 30 s. */
const defaultHeartbeatMs = 30_000;
/**
 * A connection silent for this many heartbeat intervals is taken for dead: one lost interval is
 * tolerated, and the half absorbs timer and network jitter.
 */
const silenceIntervals = 2.5;

/**
 * The browser's end of the stream: connects, applies in order, and reconnects with backoff.
 *
 * One tab holds one socket: `socket` is the only reference to an open one, and `open` (the
 * only place that creates one) and `drop` close the previous one first. Every asynchronous step
 * (a backoff timer, an answer awaited after a close) belongs to one `run`; when the stream is
 * stopped or restarted meanwhile, the step finds the run changed and does nothing.
 */
export class StreamClient {
	private socket: WebSocket | null = null;
	private attempt = 0;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private watchdog: ReturnType<typeof setTimeout> | undefined;
	private stopped = true;
	private offline = false;
	private run = 0;
	private heartbeatMs = defaultHeartbeatMs;
	/** The highest id received on the current connection; older ones are dropped. */
	private received = 0;

	constructor(private readonly handlers: StreamHandlers) {}

	start(): void {
		if (!this.stopped) return;
		this.stopped = false;
		this.connect();
	}

	stop(): void {
		this.stopped = true;
		this.drop();
	}

	/** Reconnects from the current cursor, e.g. after a store was refilled from older data. */
	restart(): void {
		this.stop();
		this.start();
	}

	/**
	 * The browser's `offline`: say so at once and stop trying until `online`, which reconnects at
	 * once (from the cursor, so whatever happened meanwhile is replayed).
	 */
	setOnline(online: boolean): void {
		if (online === !this.offline) return;
		this.offline = !online;
		if (this.stopped) return;
		this.drop();
		this.attempt = 0;
		this.connect();
	}

	/**
	 * Page data read at `lastEventId` filled the stores: the stream follows from there. Data older
	 * than what was delivered would miss those events, and with no socket open the device may keep
	 * events past it: both start again from the cursor.
	 */
	refilled(lastEventId: number): void {
		if (this.received > lastEventId || (!this.stopped && !this.socket)) this.restart();
		else this.start();
	}

	/** Closes the current socket, if any, and cancels every step of the current run. */
	private drop(): void {
		this.run++;
		clearTimeout(this.timer);
		clearTimeout(this.watchdog);
		const socket = this.socket;
		this.socket = null;
		if (socket) {
			socket.onmessage = socket.onclose = null;
			socket.close(1000);
		}
	}

	private connect(): void {
		if (this.offline) this.handlers.onStatus('offline');
		else this.handlers.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
		const run = this.run;
		void this.applyKept(run).then(() => {
			if (this.run === run && !this.offline) this.open();
		});
	}

	/** Applies the events kept on the device past the cursor, unless this run ended meanwhile. */
	private async applyKept(run: number): Promise<void> {
		const cursor = this.handlers.cursor();
		let kept: { id: number; event: ApiEvent }[] = [];
		try {
			kept = (await this.handlers.keptSince?.(cursor)) ?? [];
		} catch {
			// Nothing kept (no IndexedDB): the socket replays it all.
		}
		// A refill meanwhile moved the cursor: that run applies from there.
		if (this.run !== run || this.handlers.cursor() !== cursor) return;
		this.received = cursor;
		for (const { id, event } of kept) {
			if (id <= this.received) continue;
			this.handlers.onEvent(id, event);
			this.received = id;
		}
	}

	private open(): void {
		this.drop();
		const run = this.run;
		const cursor = this.handlers.cursor();
		this.received = cursor;
		this.handlers.onOpened?.(cursor);
		const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
		const socket = new WebSocket(`${scheme}//${location.host}/api/events?lastEventId=${cursor}`);
		this.socket = socket;
		// A close comes after any error; a socket dropped while connecting errs with nobody to hear.
		socket.onerror = () => {};
		this.listen(run);
		socket.onmessage = (message) => {
			if (this.run !== run) return;
			this.listen(run);
			this.receive(JSON.parse(String(message.data)) as StreamMessage);
		};
		socket.onclose = (close) => {
			if (this.run !== run) return;
			this.socket = null;
			clearTimeout(this.watchdog);
			void this.closed(close.code, close.reason);
		};
	}

	/**
	 * A browser cannot see WebSocket pings, and a connection that silently stopped carrying data
	 * (no FIN) stays open for minutes: the server's heartbeat message is what shows it alive.
	 */
	private listen(run: number): void {
		clearTimeout(this.watchdog);
		this.watchdog = setTimeout(() => {
			if (this.run !== run) return;
			this.drop();
			void this.closed(1006, 'silent');
		}, this.heartbeatMs * silenceIntervals);
	}

	private receive(message: StreamMessage): void {
		switch (message.type) {
			case 'connected':
				this.attempt = 0;
				if (message.heartbeatMs && message.heartbeatMs > 0) {
					this.heartbeatMs = message.heartbeatMs;
					this.listen(this.run);
				}
				this.handlers.onConnected(message.session, message.lastEventId);
				this.handlers.onStatus('live');
				return;
			case 'event':
				if (message.id <= this.received) return;
				this.handlers.onEvent(message.id, message.event);
				this.handlers.onHeard?.(message.id, message.event);
				this.received = message.id;
				return;
			case 'live':
				this.handlers.onLive?.(message.lastEventId);
				return;
			case 'resync':
			case 'heartbeat':
				return;
		}
	}

	private async closed(code: number, reason: string): Promise<void> {
		if (this.stopped) return;
		const run = this.run;
		this.handlers.onStatus('reconnecting');
		try {
			if (code === closeCodes.sessionEnded) await this.handlers.onSessionEnded(reason);
			else if (code === closeCodes.resync) await this.handlers.onResync();
		} catch {
			// Offline while asking: fall through to the backoff and try again.
		}
		// Reloaded page data may have restarted the stream meanwhile: that run owns it now.
		if (this.stopped || this.run !== run) return;
		const immediate = code === closeCodes.sessionEnded || code === closeCodes.resync;
		const delay = immediate && this.attempt === 0 ? 0 : backoffDelay(this.attempt);
		this.attempt++;
		this.timer = setTimeout(() => {
			if (this.run === run) this.connect();
		}, delay);
	}
}
