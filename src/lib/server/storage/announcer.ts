import { log } from '../log';

/**
 * Listeners of one kind of announcement. The storage that owns it is the process's one
 * instance (on `globalThis`), so a module loaded twice (Vite's dev reloads) still reaches the
 * same listeners and nothing is announced into the void.
 */
export class Announcer<T> {
	private readonly listeners = new Set<(value: T) => void>();

	constructor(private readonly name: string) {}

	subscribe(listener: (value: T) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	announce(value: T): void {
		for (const listener of this.listeners) {
			try {
				listener(value);
			} catch (error) {
				// One broken listener must not keep the announcement from the others.
				log().error(
					{ event: 'listener-failed', channel: this.name, err: error },
					`${this.name} listener failed`
				);
			}
		}
	}
}
