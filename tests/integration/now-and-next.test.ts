import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

/*
 * "On now" and "Next" stand above today's entries on today's page. Next holds today's entries
 * only: "Next: 10:00 Puppet show" late at night would read as a show that already happened this
 * morning, and tomorrow is one link away.
 */

const server = serverForSuite();
const hour = 3_600_000;

/** The items of one list of the page, as served without JavaScript. */
function items(html: string, testId: string): string[] {
	const list = new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</ul>`).exec(html);
	expect(list, testId).not.toBeNull();
	return list![1].split('<li').slice(1);
}

describe('now and next', () => {
	it('an entry listed under Next names its weekday when it is not on today’s date, and only then', async () => {
		const admin = new Client(server.url);
		expect((await admin.register('Planner')).status).toBe(201);
		// Each location's first entry to come is listed under Next.
		// On a whole minute, as entry times must be.
		const now = Math.floor(Date.now() / 60_000) * 60_000;
		const starts = [hour / 2, 30 * hour, 54 * hour].map((offset) => now + offset);
		for (const [i, start] of starts.entries()) {
			const location = await admin.json('/api/locations', 'POST', { name: `Room ${i}` });
			const { id: locationId } = (await location.json()) as { id: string };
			const created = await admin.json('/api/entries', 'POST', {
				title: `Entry ${i}`,
				locationId,
				start,
				end: start + hour,
				visibility: 'public'
			});
			expect(created.status).toBe(201);
		}
		// The settings' zone is UTC on a fresh instance.
		const today = new Date().toISOString().slice(0, 10);
		const html = await (await fetch(`${server.url}/days/${today}`)).text();
		// Next holds today's entries only (later days are one link away): none names another day.
		const expected = starts
			.map((start, i) => ({ start, title: `Entry ${i}` }))
			.filter(({ start }) => new Date(start).toISOString().slice(0, 10) === today)
			.map(({ title }) => title);
		const next = expected.length ? items(html, 'next') : [];
		expect(next.map((item) => /Entry \d/.exec(item)?.[0])).toEqual(expected);
		expect(html).not.toContain('data-testid="entry-day"');
	});

	it('a day that is over says so in its heading and its link, and nothing of it is next', async () => {
		const admin = new Client(server.url);
		await admin.login('Planner');
		const day = 24 * hour;
		const now = Math.floor(Date.now() / 60_000) * 60_000;
		const starts = { past: now - 2 * day, future: now + 2 * day };
		for (const [name, start] of Object.entries(starts)) {
			const created = await admin.json('/api/entries', 'POST', {
				title: `Folding ${name}`,
				start,
				end: start + hour,
				visibility: 'public'
			});
			expect(created.status).toBe(201);
		}
		const pastDate = new Date(starts.past).toISOString().slice(0, 10);
		const html = await (await fetch(`${server.url}/days/${pastDate}`)).text();
		expect(html).toMatch(
			new RegExp(`<h2 id="day-${pastDate}"[^>]*>(?:(?!</h2>)[\\s\\S])*>over</span>`)
		);
		expect(html).toMatch(new RegExp(`<a href="[^"]*days/${pastDate}"[^>]*class="[^"]*\\bover\\b`));
		const today = new Date().toISOString().slice(0, 10);
		const todays = await (await fetch(`${server.url}/days/${today}`)).text();
		expect(todays).toContain('data-testid="now"');
		expect(todays).not.toContain('Folding past');
	});
});
