import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ApiEntry } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

/*
 * Conditional GET of the polled files (/schedule.ics, .xml, .json and the personal calendar):
 * the validators a client holds name one body only. A change within the same second, or one
 * that touches no entry (a demotion, a rename, a setting), answers a poll with the new body;
 * a 304 carries the same Vary, ETag and Cache-Control as the 200.
 */

const server = serverForSuite();
const hour = 3_600_000;
const start = Date.UTC(2031, 3, 2, 10);
let admin: Client | undefined;

async function organiser(): Promise<Client> {
	if (admin) return admin;
	admin = new Client(server.url);
	expect((await admin.register('Organiser')).status).toBe(201);
	return admin;
}

async function newEntry(fields: Partial<ApiEntry> = {}): Promise<ApiEntry> {
	const response = await (
		await organiser()
	).json('/api/entries', 'POST', {
		title: 'Talk',
		start,
		end: start + hour,
		visibility: 'public',
		...fields
	});
	expect(response.status, await response.clone().text()).toBe(201);
	return response.json();
}

interface Raw {
	status: number;
	headers: Record<string, string | string[] | undefined>;
}

/** A GET whose headers are read as sent (fetch always asks for gzip and hides it). */
function raw(path: string, headers: Record<string, string>): Promise<Raw> {
	return new Promise((done, fail) => {
		const req = request(server.url + path, { headers }, (res) => {
			res.resume();
			res.on('end', () => done({ status: res.statusCode!, headers: res.headers }));
		});
		req.on('error', fail);
		req.end();
	});
}

const get = (path: string, headers: Record<string, string> = {}) =>
	fetch(server.url + path, { headers });

describe('a change within the same second', () => {
	/** Until the clock has just turned a second, so what follows likely shares that second. */
	async function startOfSecond() {
		while (Date.now() % 1000 > 150) await new Promise((resolve) => setTimeout(resolve, 5));
	}

	for (const path of ['/schedule.ics', '/schedule.xml', '/schedule.json']) {
		it(`${path}: a poll with the earlier validators gets the new body`, async () => {
			// Retried until the edit lands in the second the earlier body is dated: the case where
			// whole-second dates alone cannot tell the bodies apart.
			for (let attempt = 0; ; attempt++) {
				expect(attempt, 'no edit landed in the same second').toBeLessThan(20);
				await startOfSecond();
				const entry = await newEntry({ title: `Before ${path} ${attempt}` });
				const before = await get(path);
				expect(before.status).toBe(200);
				const etag = before.headers.get('etag')!;
				const lastModified = before.headers.get('last-modified');
				expect(await before.text()).toContain(`Before ${path} ${attempt}`);
				const edit = await admin!.json(`/api/entries/${entry.id}`, 'PATCH', {
					title: `After ${path} ${attempt}`
				});
				expect(edit.status).toBe(200);
				if (lastModified === null || edit.headers.get('date') !== lastModified) continue;

				const byTag = await get(path, { 'if-none-match': etag });
				expect(byTag.status).toBe(200);
				expect(await byTag.text()).toContain(`After ${path} ${attempt}`);
				const byDate = await get(path, { 'if-modified-since': lastModified });
				expect(byDate.status).toBe(200);
				expect(await byDate.text()).toContain(`After ${path} ${attempt}`);
				return;
			}
		});
	}

	it('a setting changed at once moves the validators of every file', async () => {
		const held = await Promise.all(
			['/schedule.ics', '/schedule.xml', '/schedule.json'].map(async (path) => {
				const response = await get(path);
				return { path, lastModified: response.headers.get('last-modified') };
			})
		);
		const patch = await admin!.json('/api/settings', 'PATCH', { name: 'Quick Rename Fest' });
		expect(patch.status).toBe(200);
		for (const { path, lastModified } of held) {
			if (lastModified === null) continue;
			const response = await get(path, { 'if-modified-since': lastModified });
			expect(response.status, path).toBe(200);
			expect(await response.text(), path).toContain('Quick Rename Fest');
		}
	});
});

describe('a personal calendar', () => {
	it('changes its validators when its user is demoted, and when they rename themselves', async () => {
		const boss = await organiser();
		const crew = new Client(server.url);
		const { id } = await (await crew.register('Stagehand')).json();
		expect((await boss.json(`/api/users/${id}`, 'PATCH', { type: 'crew' })).status).toBe(200);
		await crew.fetch('/api/auth/session');
		const briefing = await newEntry({ title: 'Crew briefing', visibility: 'crew' });
		expect(
			(await crew.fetch(`/api/auth/account/interests/${briefing.id}`, { method: 'PUT' })).status
		).toBeLessThan(300);
		const created = await crew.fetch('/api/auth/account/calendar', { method: 'POST' });
		expect(created.status).toBe(201);
		const path = new URL(((await created.json()) as { url: string }).url).pathname;

		const before = await get(path);
		expect(before.status).toBe(200);
		expect(await before.text()).toContain('Crew briefing');
		const etag = before.headers.get('etag')!;
		const lastModified = before.headers.get('last-modified')!;
		expect(lastModified).not.toBeNull();

		// Demoted: crew entries leave the calendar, and a poll with either validator sees it.
		expect((await boss.json(`/api/users/${id}`, 'PATCH', { type: 'regular' })).status).toBe(200);
		const polls: Record<string, string>[] = [
			{ 'if-none-match': etag },
			{ 'if-modified-since': lastModified }
		];
		for (const headers of polls) {
			const response = await get(path, headers);
			expect(response.status, JSON.stringify(headers)).toBe(200);
			expect(await response.text()).not.toContain('Crew briefing');
		}

		const demoted = await get(path);
		const tag = demoted.headers.get('etag')!;
		expect(tag).not.toBe(etag);
		await crew.fetch('/api/auth/session');
		const rename = await crew.json('/api/auth/account', 'PATCH', {
			name: 'Former Stagehand',
			currentPassword: 'password123'
		});
		expect(rename.status, await rename.clone().text()).toBe(200);
		const renamed = await get(path, { 'if-none-match': tag });
		expect(renamed.status).toBe(200);
		expect(await renamed.text()).toContain('Former Stagehand');
	});
});

describe('a 304', () => {
	it('carries the Vary, ETag, Cache-Control and Last-Modified of the 200, gzip or not', async () => {
		await newEntry({ title: 'Headers', description: 'Long enough to be compressed. '.repeat(60) });
		for (const path of ['/schedule.ics', '/schedule.xml', '/schedule.json']) {
			for (const encoding of ['gzip', 'identity']) {
				// A Last-Modified is left out while it is ahead of the clock: wait until it is due.
				let full = await raw(path, { 'accept-encoding': encoding });
				while (full.headers['last-modified'] === undefined) {
					await new Promise((resolve) => setTimeout(resolve, 100));
					full = await raw(path, { 'accept-encoding': encoding });
				}
				expect(full.status).toBe(200);
				const validators: Record<string, string>[] = [
					{ 'if-none-match': String(full.headers.etag) },
					{ 'if-modified-since': String(full.headers['last-modified']) }
				];
				for (const validator of validators) {
					const short = await raw(path, { 'accept-encoding': encoding, ...validator });
					expect(short.status, `${path} ${encoding}`).toBe(304);
					for (const name of ['vary', 'etag', 'cache-control', 'last-modified']) {
						expect(short.headers[name], `${path} ${encoding} ${name}`).toEqual(full.headers[name]);
					}
				}
				expect(String(full.headers.vary)).toMatch(/accept-encoding/i);
			}
		}
	});
});
