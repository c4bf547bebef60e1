import type { AccessLevel, ListedLocation } from '$lib/api';
import { gatheringDate } from '$lib/schedule/days';
import { readSnapshot } from '../load';
import { currentSettings } from '../settings/current-settings';
import { toApiEntry } from './api-entry';
import { visibleTo } from '$lib/schedule/visibility';

/** Longer text is refused: no title is searched for with a paragraph. */
const searchTextLimit = 100;
/** At most this many results: a search that finds more asks for a narrower word. */
const searchResultLimit = 50;

interface SearchResult {
	id: string;
	title: string;
	start: number;
	end: number;
	locationName: string | null;
	visibility: 'public' | 'crew' | 'draft';
	/** The day of the gathering it is on: its day page. */
	date: string;
}

interface SearchPageData {
	q: string;
	/** Why the text was not searched for, or null. */
	refused: string | null;
	results: SearchResult[];
	/** More entries matched than are shown. */
	more: boolean;
}

/**
 * The entries the viewer may see whose title or description holds the text: the same rule as
 * every list of entries (visibility.ts). One bounded query, read once: results do not follow live
 * changes (docs/decisions.md).
 */
export async function searchEntries(
	text: string | null,
	viewer: AccessLevel
): Promise<SearchPageData> {
	const q = (text ?? '').trim();
	if (!q) return { q, refused: null, results: [], more: false };
	if (q.length > searchTextLimit)
		return {
			q: q.slice(0, searchTextLimit),
			refused: `Search for at most ${searchTextLimit} characters.`,
			results: [],
			more: false
		};
	const { data } = await readSnapshot(async (records) => ({
		rule: await currentSettings(records),
		entries: await records.entries.search(visibleTo(viewer), q, searchResultLimit + 1),
		locations: await records.locations.listNames()
	}));
	const names = new Map(
		data.locations.map((location: ListedLocation) => [location.id, location.name])
	);
	const results = data.entries.slice(0, searchResultLimit).flatMap((entry) => {
		const seen = toApiEntry(entry, viewer);
		if (!seen) return [];
		return [
			{
				id: seen.id,
				title: seen.title,
				start: seen.start,
				end: seen.end,
				locationName: seen.locationId === null ? null : (names.get(seen.locationId) ?? null),
				visibility: seen.visibility,
				date: gatheringDate(seen.start, data.rule)
			}
		];
	});
	return { q, refused: null, results, more: data.entries.length > searchResultLimit };
}
