import type { ListedEntry } from '$lib/api';

/** A row of the timetable grid is five minutes: entry times are whole minutes, most on fives. */
export const slotMs = 5 * 60_000;
const hourMs = 60 * 60_000;
/** A day's grid spans at most this long: an entry running for days is cut at its end. */
const longestSpan = 36 * hourMs;

interface TimetableCell<E> {
	entry: E;
	/** 1-based grid column among the locations; the time labels are column 1. */
	column: number;
	/** 1-based grid lines; row 1 is the header. */
	rowStart: number;
	rowEnd: number;
}

interface Timetable<L, E> {
	/** The locations with an entry this day, in the order given, then "no location" (null). */
	columns: (L | null)[];
	rows: number;
	/** The hour marks: their instant and their grid row. */
	hours: { at: number; row: number }[];
	cells: TimetableCell<E>[];
}

/**
 * A day's entries as a grid of locations (columns) by time (rows), as conference timetables
 * show them. Rows start at the hour before the first entry and end at the last one's end,
 * bounded, so a day never makes more than a few hundred rows.
 */
export function layOutTimetable<
	L extends { id: string },
	E extends Pick<ListedEntry, 'locationId' | 'start' | 'end'>
>(entries: readonly E[], locations: readonly L[]): Timetable<L, E> {
	if (entries.length === 0) return { columns: [], rows: 0, hours: [], cells: [] };
	const known = new Map(locations.map((location) => [location.id, location]));
	const used = new Set(entries.map((entry) => entry.locationId));
	const columns: (L | null)[] = locations.filter((location) => used.has(location.id));
	const homeless = entries.some(
		(entry) => entry.locationId === null || !known.has(entry.locationId)
	);
	if (homeless) columns.push(null);
	const columnOf = (entry: E) => {
		const index = columns.findIndex((column) => column !== null && column.id === entry.locationId);
		return (index === -1 ? columns.length - 1 : index) + 2;
	};

	const first = Math.min(...entries.map((entry) => entry.start));
	const top = Math.floor(first / hourMs) * hourMs;
	const bottom = Math.min(Math.max(...entries.map((entry) => entry.end)), top + longestSpan);
	const rows = Math.max(1, Math.ceil((bottom - top) / slotMs));
	const rowAt = (ms: number) => Math.min(rows, Math.max(0, Math.round((ms - top) / slotMs))) + 2;
	const hours = [];
	for (let at = top; at < top + rows * slotMs; at += hourMs) hours.push({ at, row: rowAt(at) });
	const cells = entries.map((entry) => {
		const rowStart = rowAt(entry.start);
		// A zero-length or very short entry still gets a row to be seen in.
		return {
			entry,
			column: columnOf(entry),
			rowStart,
			rowEnd: Math.max(rowStart + 1, rowAt(entry.end))
		};
	});
	return { columns, rows, hours, cells };
}
