import type { ApiScheduleChange, ApiSettings } from '$lib/api';
import { changeHeadline, describeChange } from '$lib/schedule/change-words';
import { cachedFeed } from '../feeds/feed-cache';
import { stampedFeed, type Feed } from '../feeds/feed-response';
import { xmlAttribute, xmlText } from '../feeds/xml-text';
import { readSnapshot } from '../load';
import { Refusal } from '../refusal';
import { currentSettings } from '../settings/current-settings';
import { storage } from '../storage';

/** Changes on one page of `/changes`, and in the feed. */
export const changesPerPage = 100;

export interface ChangesPage {
	lastEventId: number;
	settings: ApiSettings;
	changes: ApiScheduleChange[];
	/** The `before` of the next (older) page, or null on the last one. */
	older: number | null;
	readAt: number;
}

/** The `before` a request names (`?before=<id>`), refused when it is not a change's id. */
export function beforeOf(url: URL): number | undefined {
	const before = url.searchParams.get('before');
	if (before === null) return undefined;
	if (!/^[1-9]\d{0,15}$/.test(before)) {
		throw new Refusal(400, 'before must be the id of a change, a whole number from 1', 'before');
	}
	return Number(before);
}

/** `/changes`, newest first, from the change before `before` when given. */
export async function readChangesPage(before?: number): Promise<ChangesPage> {
	const { lastEventId, data } = await readSnapshot(async (records) => ({
		settings: await currentSettings(records),
		changes: await records.scheduleChanges.list({ limit: changesPerPage + 1, before })
	}));
	const more = data.changes.length > changesPerPage;
	const changes = data.changes.slice(0, changesPerPage);
	return {
		lastEventId,
		settings: data.settings,
		changes,
		older: more ? changes[changes.length - 1].id : null,
		readAt: Date.now()
	};
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The latest changes as an Atom feed (RFC 4287). Ids are addresses on `/changes`, where each
 * change has an anchor; a change's link is its entry's page, or `/changes` once it was cancelled.
 */
export function buildChangesAtom(page: ChangesPage, origin: string): string {
	const { name, timeZone } = page.settings;
	const updated = page.changes[0]?.at ?? 0;
	const entries = page.changes.map((change) => {
		const anchor = `${origin}/changes#change-${change.id}`;
		const gone = change.entryId === null || change.what.some((part) => part.kind === 'cancelled');
		const link = gone ? anchor : `${origin}/entries/${encodeURIComponent(change.entryId!)}`;
		return `<entry>
<id>${xmlText(anchor)}</id>
<title>${xmlText(changeHeadline(change))}</title>
<updated>${iso(change.at)}</updated>
<link href="${xmlAttribute(link)}"/>
<content type="text">${xmlText(`${describeChange(change, timeZone)} (Times in ${timeZone}.)`)}</content>
</entry>`;
	});
	return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${xmlText(`${origin}/changes`)}</id>
<title>${xmlText(`${name}: schedule changes`)}</title>
<updated>${iso(updated)}</updated>
<author><name>${xmlText(name)}</name></author>
<link rel="self" type="application/atom+xml" href="${xmlAttribute(`${origin}/changes.atom`)}"/>
<link rel="alternate" type="text/html" href="${xmlAttribute(`${origin}/changes`)}"/>
${entries.join('\n')}
</feed>
`;
}

/** The feed, built again only after a change (every change writes an event). */
export async function publicChangesFeed(origin: string): Promise<Feed> {
	const head = await storage().log.headId();
	return cachedFeed(`atom ${origin}`, String(head), async () =>
		stampedFeed('atom', buildChangesAtom(await readChangesPage(), origin))
	);
}
