import { writable, type Readable } from 'svelte/store';
import type { ApiEvent } from '$lib/api';

/** A store's value with the id of the last event that shaped it (or of its snapshot). */
interface Versioned<T> {
	value: T;
	lastEventId: number;
}

/**
 * The store's apply rule (docs/stream.md): an event at or below what the store already holds is
 * stale (a replay, or already in the page data) and never rolls the store back.
 */
function applyEvent<T>(state: Versioned<T>, id: number, apply: (value: T) => T): Versioned<T> {
	if (id <= state.lastEventId) return state;
	return { value: apply(state.value), lastEventId: id };
}

interface VersionedStore<T> extends Readable<Versioned<T> | null> {
	/** Fills the store from a snapshot (page data, or the stream's `connected`). */
	fill(value: T, lastEventId: number): void;
	/** Applies a stream event unless it is stale; does nothing before the first fill. */
	apply(id: number, event: ApiEvent): void;
	lastEventId(): number | null;
}

export function createVersionedStore<T>(
	reduce: (value: T, event: ApiEvent) => T
): VersionedStore<T> {
	let state: Versioned<T> | null = null;
	const { subscribe, set } = writable<Versioned<T> | null>(null);
	return {
		subscribe,
		fill(value, lastEventId) {
			set((state = { value, lastEventId }));
		},
		apply(id, event) {
			if (!state) return;
			const next = applyEvent(state, id, (value) => reduce(value, event));
			if (next !== state) set((state = next));
		},
		lastEventId: () => state?.lastEventId ?? null
	};
}
