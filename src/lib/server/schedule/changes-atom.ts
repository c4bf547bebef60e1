import { changeHeadline, describeChange } from '$lib/schedule/changes';
import { cachedFeed } from '../feeds/feed-cache';
import { stampedFeed, type Feed } from '../feeds/feed-response';
import { xmlAttribute, xmlText } from '../feeds/xml-text';
import { storage } from '../storage';
import { readChangesPage, type ChangesPage } from './change-log';

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
