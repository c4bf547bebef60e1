import { closeCodes, type ApiEvent, type ApiSession, type StreamMessage } from '$lib/api';
import { backoffDelay } from './backoff';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamHandlers {
	/** Where to resume: the id of the last event every store has applied. */
	cursor(): number;
	onConnected(session: ApiSession | null, head: number): void;
	onEvent(id: number, event: ApiEvent): void;
	/** Close 4001: the session is no longer the right key. Resolves when ready to reconnect. */
	onSessionEnded(reason: string): Promise<void>;
	/** Close 4002: the page data must be reloaded before the stream can resume. */
	onResync(): Promise<void>;
	onStatus(status: StreamStatus): void;
}

/** The browser's end of the stream: connects, applies in order, and reconnects with backoff. */
export class StreamClient {
	private socket: WebSocket | null = null;
	private attempt = 0;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private stopped = true;
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
		clearTimeout(this.timer);
		this.socket?.close(1000);
		this.socket = null;
	}

	/** Reconnects from the current cursor, e.g. after a store was refilled from older data. */
	restart(): void {
		this.stop();
		this.start();
	}

	/** Whether the connection has delivered events past this id (a refill that old needs a replay). */
	hasDeliveredPast(id: number): boolean {
		return this.received > id;
	}

	private connect(): void {
		this.handlers.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
		const cursor = this.handlers.cursor();
		this.received = cursor;
		const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
		const socket = new WebSocket(`${scheme}//${location.host}/api/events?lastEventId=${cursor}`);
		this.socket = socket;
		socket.onmessage = (message) => {
			if (this.socket !== socket) return;
			this.receive(JSON.parse(String(message.data)) as StreamMessage);
		};
		socket.onclose = (close) => {
			if (this.socket !== socket) return;
			this.socket = null;
			void this.closed(close.code, close.reason);
		};
	}

	private receive(message: StreamMessage): void {
		switch (message.type) {
			case 'connected':
				this.attempt = 0;
				this.handlers.onConnected(message.session, message.lastEventId);
				this.handlers.onStatus('live');
				return;
			case 'event':
				if (message.id <= this.received) return;
				this.handlers.onEvent(message.id, message.event);
				this.received = message.id;
				return;
			case 'resync':
				return;
		}
	}

	private async closed(code: number, reason: string): Promise<void> {
		if (this.stopped) return;
		this.handlers.onStatus('reconnecting');
		try {
			if (code === closeCodes.sessionEnded) await this.handlers.onSessionEnded(reason);
			else if (code === closeCodes.resync) await this.handlers.onResync();
		} catch {
			// Offline while asking: fall through to the backoff and try again.
		}
		if (this.stopped) return;
		const immediate = code === closeCodes.sessionEnded || code === closeCodes.resync;
		const delay = immediate && this.attempt === 0 ? 0 : backoffDelay(this.attempt);
		this.attempt++;
		this.timer = setTimeout(() => this.connect(), delay);
	}
}
