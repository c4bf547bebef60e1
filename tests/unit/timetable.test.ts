import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { layOutTimetable, slotMs } from '$lib/schedule/timetable';

const hour = 3_600_000;
const base = Date.UTC(2026, 6, 10, 9);
const locations = [
	{ id: 'hall', name: 'Hall' },
	{ id: 'tent', name: 'Tent' },
	{ id: 'empty', name: 'Empty' }
];
const entry = (id: string, locationId: string | null, start: number, end: number) => ({
	id,
	locationId,
	start,
	end
});

describe('a day as a timetable of locations by time', () => {
	it('has a column per location used that day, then one for entries without a location', () => {
		const grid = layOutTimetable(
			[
				entry('a', 'tent', base, base + hour),
				entry('b', 'hall', base + hour, base + 2 * hour),
				entry('c', null, base, base + 30 * 60_000)
			],
			locations
		);
		expect(grid.columns.map((column) => column?.id ?? null)).toEqual(['hall', 'tent', null]);
		const byId = new Map(grid.cells.map((cell) => [cell.entry.id, cell]));
		expect(byId.get('b')!.column).toBe(2);
		expect(byId.get('a')!.column).toBe(3);
		expect(byId.get('c')!.column).toBe(4);
		// Row 1 is the header; an hour is 12 rows of five minutes.
		expect(byId.get('a')!).toMatchObject({ rowStart: 2, rowEnd: 14 });
		expect(byId.get('b')!).toMatchObject({ rowStart: 14, rowEnd: 26 });
		expect(grid.hours.map((mark) => mark.row)).toEqual([2, 14]);
	});

	it('keeps every entry inside a bounded grid, its rows in order, whatever the times', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						start: fc.integer({ min: 0, max: 30 * hour }),
						length: fc.integer({ min: 0, max: 5 * 24 * hour }),
						location: fc.constantFrom('hall', 'tent', 'gone', null)
					}),
					{ minLength: 1, maxLength: 40 }
				),
				(specs) => {
					const entries = specs.map((spec, index) =>
						entry(String(index), spec.location, base + spec.start, base + spec.start + spec.length)
					);
					const grid = layOutTimetable(entries, locations);
					expect(grid.rows).toBeLessThanOrEqual((36 * hour) / slotMs);
					for (const cell of grid.cells) {
						expect(cell.column).toBeGreaterThanOrEqual(2);
						expect(cell.column).toBeLessThanOrEqual(grid.columns.length + 1);
						expect(cell.rowStart).toBeGreaterThanOrEqual(2);
						expect(cell.rowEnd).toBeGreaterThan(cell.rowStart);
						expect(cell.rowEnd).toBeLessThanOrEqual(grid.rows + 3);
					}
				}
			)
		);
	});
});
