import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '$lib/api';
import { HeardLog } from '$lib/client/offline';
import { addCovered, coveringStretch, cutCovered, type Covered } from '$lib/offline/heard';
import type { HeardEvent } from '$lib/offline/kept-copy';

/*
 * The kept copy catches up too (docs/offline.md): a tab keeps what its stream hands on, with the
 * stretches of the log it covers whole, and a kept page read inside a stretch is brought forward
 * from the device alone. Streams open at any cursor, reconnect, stop half way; writes are
 * refused (a login that ended) or fail; the oldest events go past a bound. Whatever happens, the
 * events the device would apply to a page must be exactly the viewer's events after it: one
 * missing would leave the page wrong with nobody told.
 */

const event = (id: number): ApiEvent =>
	({ type: 'entry-delete', data: { id: `e${id}` } }) as unknown as ApiEvent;

/** The device as `keepHeard` keeps it (one viewer; the page rule is tested in kept-copy.test.ts). */
function device(max: number) {
	const events = new Map<number, HeardEvent>();
	let covered: Covered[] = [];
	let refuse = false;
	return {
		refuseNext: () => (refuse = true),
		async keep(_viewer: string, next: Covered, heard: HeardEvent[]) {
			if (refuse) {
				refuse = false;
				return 'drop' as const;
			}
			for (const one of heard) events.set(one.id, one);
			covered = addCovered(covered, next);
			const ids = [...events.keys()].sort((a, b) => a - b);
			const gone = ids.slice(0, Math.max(0, ids.length - max));
			for (const id of gone) events.delete(id);
			if (gone.length) covered = cutCovered(covered, gone.at(-1)!);
			return 'keep' as const;
		},
		/** What brings a page read at `eventId` forward, as `heardSince` reads it. */
		since(eventId: number): number[] | null {
			const stretch = coveringStretch(covered, eventId);
			if (!stretch) return null;
			return [...events.keys()]
				.filter((id) => id > eventId && id <= stretch.to)
				.sort((a, b) => a - b);
		},
		covered: () => covered
	};
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('what a tab keeps of its stream', () => {
	it('brings a page read anywhere in a kept stretch forward by exactly the events after it', async () => {
		await fc.assert(
			fc.asyncProperty(
				// Which ids of the log are the viewer's (the others are another level's).
				fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
				fc.array(
					fc.oneof(
						fc.record({ kind: fc.constant('open' as const), at: fc.nat(40) }),
						fc.record({ kind: fc.constant('hand' as const), count: fc.nat(6) }),
						fc.record({ kind: fc.constant('live' as const) }),
						fc.record({ kind: fc.constant('write' as const) }),
						fc.record({ kind: fc.constant('refuse' as const) }),
						fc.record({ kind: fc.constant('forget' as const) })
					),
					{ maxLength: 30 }
				),
				fc.integer({ min: 3, max: 30 }),
				async (visible, steps, max) => {
					const head = visible.length;
					const ours = visible.flatMap((mine, i) => (mine ? [i + 1] : []));
					const kept = device(max);
					const log = new HeardLog(kept.keep);
					/** Where the open socket stands: it has handed on every event up to here. */
					let at: number | null = null;
					const handTo = (to: number) => {
						for (const id of ours) if (id > at! && id <= to) log.heard(id, event(id));
						at = to;
					};
					for (const step of steps) {
						if (step.kind === 'open') {
							at = Math.min(step.at, head);
							log.opened(at);
							log.connected('v');
						} else if (step.kind === 'hand' && at !== null) {
							handTo(Math.min(head, at + step.count));
						} else if (step.kind === 'live' && at !== null) {
							handTo(head);
							log.caughtUp(head);
						} else if (step.kind === 'write') log.write();
						else if (step.kind === 'refuse') kept.refuseNext();
						else if (step.kind === 'forget') log.forget();
						await settle();
					}
					log.write();
					await settle();
					for (const stretch of kept.covered()) {
						for (let page = stretch.from; page <= stretch.to; page++) {
							const expected = ours.filter((id) => id > page && id <= stretch.to);
							expect(kept.since(page)).toEqual(expected);
						}
					}
				}
			),
			{ numRuns: 300 }
		);
	});

	it('covers the whole log once a stream from the page has caught up and written', async () => {
		const kept = device(100);
		const log = new HeardLog(kept.keep);
		log.opened(3);
		log.connected('v');
		for (const id of [5, 8, 9]) log.heard(id, event(id));
		log.caughtUp(12);
		await settle();
		expect(kept.since(3)).toEqual([5, 8, 9]);
		expect(kept.since(8)).toEqual([9]);
		expect(kept.since(12)).toEqual([]);
		expect(kept.since(2)).toBeNull();
		expect(kept.since(13)).toBeNull();
	});

	it('keeps nothing a socket handed on before it said whose it is', async () => {
		const kept = device(100);
		const log = new HeardLog(kept.keep);
		log.opened(0);
		log.heard(1, event(1));
		log.write();
		await settle();
		expect(kept.covered()).toEqual([]);
	});
});
