import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endedOwner, keepDecision, keptKey, type KeptOwner } from '$lib/offline/kept-copy';

/*
 * The rule of the copy kept on the device (docs/offline.md). Pages arrive in any order (tabs,
 * answers crossing a logout); the copy must only ever hold pages of one viewer, and never a
 * page of a viewer whose login ended, read before it ended.
 */

interface Read {
	viewer: string;
	eventId: number;
}

/** The device as the store keeps it, with the rule deciding. */
function device() {
	let owner: KeptOwner | undefined;
	let pages: Read[] = [];
	return {
		keep(read: Read) {
			const decision = keepDecision(owner, read.viewer, read.eventId);
			if (decision === 'drop') return;
			if (decision === 'replace') pages = [];
			pages.push(read);
			owner = {
				...owner,
				viewer: read.viewer,
				eventId: Math.max(owner?.eventId ?? 0, read.eventId)
			};
		},
		wipe(eventId: number, ended: string) {
			pages = [];
			owner = endedOwner(owner, ended, eventId);
		},
		pages: () => pages
	};
}

describe('the kept copy', () => {
	it('holds one viewer, and nothing the ended login read before its wipe', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.oneof(
						fc.record({ kind: fc.constant('read' as const), advance: fc.boolean() }),
						fc.record({ kind: fc.constant('late' as const), back: fc.nat(3) }),
						fc.record({ kind: fc.constant('switch' as const), to: fc.constantFrom('a', 'b') })
					),
					{ maxLength: 40 }
				),
				(steps) => {
					const kept = device();
					let head = 1;
					let viewer = 'a';
					const reads: Read[] = [];
					/** The event id each login ended at, after which its pages read before are stale. */
					const endedAt = new Map<string, number>();
					for (const step of steps) {
						if (step.kind === 'switch' && step.to !== viewer) {
							// The change is an event; the tab wipes at the head it then asks for.
							head++;
							endedAt.set(viewer, head);
							kept.wipe(head, viewer);
							viewer = step.to;
						} else if (step.kind === 'read') {
							// A page read now is read as the current viewer, whatever the tab believed.
							const read = { viewer, eventId: head };
							reads.push(read);
							kept.keep(read);
							if (step.advance) head++;
						} else if (step.kind === 'late' && reads.length) {
							// An answer that was on its way arrives now.
							kept.keep(reads[Math.max(0, reads.length - 1 - step.back)]);
						}
						const pages = kept.pages();
						expect(new Set(pages.map((page) => page.viewer)).size).toBeLessThanOrEqual(1);
						for (const page of pages) {
							const ended = endedAt.get(page.viewer);
							if (ended !== undefined && page.viewer !== viewer) {
								expect(page.eventId, 'a page of an ended login').toBeGreaterThan(ended);
							}
						}
					}
				}
			)
		);
	});

	it('after a wipe, keeps the new viewer’s pages whenever they were read, the ended one’s only if read after', () => {
		const owner: KeptOwner = endedOwner({ viewer: 'a crew', eventId: 5 }, 'a crew', 9);
		// Other tests' events move the head meanwhile: a page of the new level read at 7 is fine.
		expect(keepDecision(owner, 'a regular', 7)).toBe('replace');
		expect(keepDecision(owner, 'a crew', 9)).toBe('drop');
		expect(keepDecision(owner, 'a crew', 10)).toBe('replace');
		expect(keepDecision({ viewer: 'a regular', eventId: 9 }, 'public', 9)).toBe('drop');
	});

	it('remembers the last eight ended logins', () => {
		let owner: KeptOwner | undefined;
		for (let i = 1; i <= 10; i++) owner = endedOwner(owner, `user${i} regular`, i);
		expect(Object.keys(owner!.ended!)).toEqual(
			Array.from({ length: 8 }, (_, i) => `user${i + 3} regular`)
		);
	});

	it('knows the schedule pages and their data, whatever SvelteKit adds to ask for the data', () => {
		const key = (path: string, navigation = true) =>
			keptKey(new URL(path, 'http://localhost'), navigation);
		expect(key('/')).toBe('page /');
		expect(key('/__data.json?x-sveltekit-invalidated=01', false)).toBe('data /');
		expect(key('/days/2031-07-04?view=grid')).toBe('page /days/2031-07-04?view=grid');
		expect(key('/days/2031-07-04/__data.json?view=grid&x-sveltekit-invalidated=1', false)).toBe(
			'data /days/2031-07-04?view=grid'
		);
		expect(key('/my')).toBe('page /my');
		expect(key('/account')).toBeNull();
		expect(key('/admin/__data.json', false)).toBeNull();
		expect(key('/days/2031-07-04', false)).toBeNull();
	});
});
