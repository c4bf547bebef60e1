import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

/*
 * "On now" and "Next" stand above the days, so an entry there that is not on today's date
 * must say which day it is on: "Next: 10:00 Puppet show" late at night reads as a show that
 * already happened this morning.
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
		const html = await (await fetch(server.url + '/')).text();
		const next = items(html, 'next');
		expect(next).toHaveLength(3);
		// The settings' zone is UTC on a fresh instance.
		const today = new Date().toISOString().slice(0, 10);
		for (const [i, start] of starts.entries()) {
			const item = next.find((text) => text.includes(`Entry ${i}<`))!;
			const day = /data-testid="entry-day"[^>]*>([^<]*)</.exec(item)?.[1];
			if (new Date(start).toISOString().slice(0, 10) === today) expect(day, `${i}`).toBeUndefined();
			else
				expect(day, `${i}`).toBe(
					new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }).format(start)
				);
		}
		// Under each day's own heading the day is already said.
		expect(html.match(/data-testid="entry-day"/g)).toHaveLength(
			starts.filter((start) => new Date(start).toISOString().slice(0, 10) !== today).length
		);
	});

	it('a day that is over is folded away (closed, no script needed); today and later days stay open', async () => {
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
		const html = await (await fetch(server.url + '/')).text();
		const dayOf = (title: string) => {
			// The last mention: an entry still to come is also listed under Next, above the days.
			const at = html.lastIndexOf(`Folding ${title}<`);
			expect(at, title).toBeGreaterThan(0);
			const opened = Math.max(html.lastIndexOf('<details', at), html.lastIndexOf('<section', at));
			return html.slice(opened, html.indexOf('>', opened) + 1);
		};
		expect(dayOf('past')).toMatch(/^<details class="card day over/);
		expect(dayOf('past')).not.toMatch(/\bopen\b/);
		expect(dayOf('future')).toMatch(/^<section class="card day/);
		// What is over is not listed under Next.
		expect(items(html, 'next').join('')).not.toContain('Folding past');
	});
});
