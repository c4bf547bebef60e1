import { log } from './log';
/**
 * A process-wide announcement channel. Its listeners live on `globalThis`, so a module loaded
 * twice (Vite's dev reloads) still reaches the same listeners and nothing is announced into
 * the void.
 */
export function createChannel<T>(name: string) {
	const key = Symbol.for(name);
	const store = globalThis as { [key]?: Set<(value: T) => void> };
	const listeners = () => (store[key] ??= new Set());
	return {
		subscribe(listener: (value: T) => void): () => void {
			listeners().add(listener);
			return () => listeners().delete(listener);
		},
		publish(value: T): void {
			for (const listener of listeners()) {
				try {
					listener(value);
				} catch (error) {
					// One broken listener must not keep the announcement from the others.
					log().error(
						{ event: 'listener-failed', channel: name, err: error },
						`${name} listener failed`
					);
				}
			}
		}
	};
}
