import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry, ApiLocation, ApiShift, ApiUser } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/*
 * `npm run demo`, run for real (`node scripts/demo.js --no-start`) into a temporary file, then
 * the app started on what it made and read through the API at each access level: the counts it
 * printed, four days around now, crew-only entries and drafts that the public never sees,
 * shifts and marks, and an event for every entry in the log.
 */

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tidewatch-demo-'));
const database = join(dir, 'demo.db');
const password = 'tidewatch-demo';

let output: string;
let server: TestServer;

/** A number the demo printed, found by the words after it. */
function printed(label: string): number {
	const match = new RegExp(`(\\d+) ${label}`).exec(output);
	expect(match, `the demo prints "<n> ${label}"`).not.toBeNull();
	return Number(match![1]);
}

beforeAll(async () => {
	const { stdout } = await run(
		process.execPath,
		['scripts/demo.js', '--database', database, '--no-start'],
		{ cwd: root, timeout: 60_000 }
	);
	output = stdout;
	server = await startServer({ DATABASE_PATH: database });
}, 90_000);
afterAll(async () => {
	await server?.close();
	rmSync(dir, { recursive: true, force: true });
});

async function loggedIn(name: string) {
	const client = new Client(server.url);
	const response = await client.login(name, password);
	expect(response.status, await response.clone().text()).toBe(200);
	return client;
}

async function entriesOf(client: Client): Promise<ApiEntry[]> {
	const response = await client.fetch('/api/entries');
	expect(response.status).toBe(200);
	return response.json();
}

const localDate = (ms: number) =>
	new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(ms);

describe('npm run demo', () => {
	it('says what it made, and how to log in and start the app', () => {
		expect(output).toContain('all through the app');
		expect(output).toContain(`password "${password}"`);
		expect(output).toMatch(/ada-admin .*admin/);
		expect(output).toContain(`DATABASE_PATH=${database} npm start`);
		expect(printed('locations')).toBe(12);
		expect(printed('entries:')).toBeGreaterThanOrEqual(250);
		expect(printed('crew-only')).toBeGreaterThanOrEqual(10);
		expect(printed('drafts')).toBeGreaterThanOrEqual(3);
	});

	it('refuses to write over an existing database, and leaves it as it was', async () => {
		const before = statSync(database).mtimeMs;
		const again = run(process.execPath, ['scripts/demo.js', '--database', database, '--no-start'], {
			cwd: root
		});
		await expect(again).rejects.toMatchObject({
			code: 1,
			stderr: expect.stringContaining('the demo never writes over a database')
		});
		expect(statSync(database).mtimeMs).toBe(before);
	});

	it('the admin sees every entry the demo printed: four days around today, a dozen locations', async () => {
		const admin = await loggedIn('ada-admin');
		const entries = await entriesOf(admin);
		expect(entries).toHaveLength(printed('entries:'));
		const count = (visibility: string) => entries.filter((e) => e.visibility === visibility).length;
		expect(count('public')).toBe(printed('public'));
		expect(count('crew')).toBe(printed('crew-only'));
		expect(count('draft')).toBe(printed('drafts'));
		const days = [...new Set(entries.map((entry) => localDate(entry.start)))].sort();
		expect(days).toHaveLength(4);
		expect(days).toContain(localDate(Date.now()));
		const locations: ApiLocation[] = await (await admin.fetch('/api/locations')).json();
		expect(locations).toHaveLength(12);
		const settings = await (await admin.fetch('/api/settings')).json();
		expect(settings).toMatchObject({ name: 'Harbour Days (demo)', timeZone: 'Europe/Berlin' });
		// The demo is a set-up gathering: its admin opens the admin pages, not the setup page.
		const adminPage = await admin.fetch('/admin/entries', { headers: { accept: 'text/html' } });
		expect(adminPage.status).toBe(200);
		const users: ApiUser[] = await (await admin.fetch('/api/users')).json();
		expect(users.map((user) => user.type).sort()).toEqual([
			'admin',
			'crew',
			'crew',
			'crew',
			'crew',
			'regular',
			'regular'
		]);
		// A few double bookings for the admin's overlap marks.
		const overlaps = entries.filter((a) =>
			entries.some(
				(b) =>
					a !== b &&
					a.locationId &&
					a.locationId === b.locationId &&
					a.start < b.end &&
					b.start < a.end
			)
		);
		expect(overlaps.length).toBeGreaterThanOrEqual(3);
		// Marks were made through the API: the counts crew and admins see add up.
		const marks = entries.reduce((sum, entry) => sum + (entry.interestedCount ?? 0), 0);
		expect(marks).toBe(printed('marks'));
	});

	it('the public sees the published programme only, with something on now and next', async () => {
		const visitor = new Client(server.url);
		const entries = await entriesOf(visitor);
		expect(entries).toHaveLength(printed('public'));
		expect(entries.every((entry) => entry.visibility === 'public')).toBe(true);
		expect(entries.some((entry) => 'crewNotes' in entry || 'interestedCount' in entry)).toBe(false);
		const now = Date.now();
		expect(entries.some((entry) => entry.start <= now && now < entry.end)).toBe(true);
		expect(entries.some((entry) => entry.start > now)).toBe(true);
		expect((await visitor.fetch('/api/shifts')).status).toBe(401);
		// The frab export agrees.
		const xml = await (await fetch(`${server.url}/schedule.xml`)).text();
		expect(xml.match(/<event /g)).toHaveLength(printed('public'));
		expect(xml).not.toContain('Crew briefing');
	});

	it('crew see crew-only entries with their notes and the shifts, never a draft; regular users neither', async () => {
		const crew = await loggedIn('ben-crew');
		const seen = await entriesOf(crew);
		expect(seen).toHaveLength(printed('public') + printed('crew-only'));
		expect(seen.some((entry) => entry.visibility === 'draft')).toBe(false);
		expect(seen.filter((e) => e.visibility === 'crew').every((e) => e.crewNotes)).toBe(true);
		const shifts: ApiShift[] = await (await crew.fetch('/api/shifts')).json();
		expect(shifts).toHaveLength(printed('shifts'));
		const places = shifts.reduce((sum, shift) => sum + shift.crewIds.length, 0);
		expect(places).toBe(printed('places taken'));
		expect(shifts.some((shift) => shift.crewIds.length < shift.needed)).toBe(true);

		const regular = await loggedIn('fay');
		expect(await entriesOf(regular)).toHaveLength(printed('public'));
		expect((await regular.fetch('/api/shifts')).status).toBe(403);
		const { entryIds } = await (await regular.fetch('/api/auth/account/interests')).json();
		expect(entryIds.length).toBeGreaterThan(0);
	});

	it('every change went through the normal change path: each entry, location and shift has its event', () => {
		// A read-only look at the demo's file (the test's own, not the app's code path).
		const db = new Database(database, { readonly: true });
		const distinct = (type: string) =>
			db
				.prepare(`SELECT COUNT(DISTINCT json_extract(data, '$.id')) FROM event WHERE type = ?`)
				.pluck()
				.get(type);
		try {
			expect(distinct('entry-update')).toBe(printed('entries:'));
			expect(distinct('location-update')).toBe(12);
			expect(distinct('shift-update')).toBe(printed('shifts'));
			const marks = db.prepare(`SELECT COUNT(*) FROM event WHERE type = 'interest-update'`);
			expect(marks.pluck().get()).toBe(printed('marks'));
		} finally {
			db.close();
		}
	});
});
