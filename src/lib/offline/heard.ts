/*
 * Which stretches of the event log the device holds whole (docs/offline.md, "The kept copy
 * catches up too"). A tab keeps the events its stream hands on; a stream resumed from an id
 * hands on every event of its viewer after it, in order, so what it handed on covers a stretch
 * (from, to] of the log with nothing missing. A kept page read at an id inside a stretch is
 * brought up to the stretch's end from the device alone. Pure rules: the store follows them.
 */

/** Every event of the viewer with an id in (from, to] is kept; the stream was current at `at`. */
export interface Covered {
	from: number;
	to: number;
	at: number;
}

/** Stretches remembered at most: each reconnect after a gap starts one. */
export const coveredMax = 16;

/** The stretches with `next` added: touching or overlapping ones become one. */
export function addCovered(stretches: Covered[], next: Covered): Covered[] {
	let merged = next;
	const apart: Covered[] = [];
	for (const stretch of stretches) {
		if (stretch.from <= merged.to && merged.from <= stretch.to) {
			merged = {
				from: Math.min(stretch.from, merged.from),
				to: Math.max(stretch.to, merged.to),
				at: atOfUnion(stretch, merged)
			};
		} else apart.push(stretch);
	}
	// A time alone, touching no stretch, says nothing of any event.
	if (merged === next && next.from === next.to) return stretches;
	// Past the bound, the stretches that end earliest go: they serve the oldest pages.
	return [...apart, merged].sort((a, b) => b.to - a.to).slice(0, coveredMax);
}

/** The union was current when the one reaching further was; at the same end, the later time. */
function atOfUnion(a: Covered, b: Covered): number {
	if (a.to !== b.to) return a.to > b.to ? a.at : b.at;
	return Math.max(a.at, b.at);
}

/** The stretch that brings a page read at `eventId` forward, if any (the page may be at its end). */
export function coveringStretch(stretches: Covered[], eventId: number): Covered | null {
	return stretches.find((stretch) => stretch.from <= eventId && eventId <= stretch.to) ?? null;
}

/** The stretches once the events at or below `cut` are gone (the oldest, past the bound). */
export function cutCovered(stretches: Covered[], cut: number): Covered[] {
	return stretches
		.map((stretch) => ({ ...stretch, from: Math.max(stretch.from, cut) }))
		.filter((stretch) => stretch.from < stretch.to);
}
