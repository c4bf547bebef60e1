import type { StreamRegistry } from './registry';

const key = Symbol.for('tidewatch.streamRegistry');
type Global = { [key]?: StreamRegistry };

/** Makes the process's one registry countable from the routes (they load as other modules). */
export function publishRegistry(registry: StreamRegistry): void {
	(globalThis as Global)[key] = registry;
}

/** How many streams are open in this process (0 before the stream started). */
export function openStreamCount(): number {
	return (globalThis as Global)[key]?.all.size ?? 0;
}
