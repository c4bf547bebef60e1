import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

/*
 * `npm start` on an empty database: the schedule page, as served without JavaScript, says what
 * to do first. Before anyone registered it says to register (the first user becomes the admin);
 * the admin is then told to add locations and entries; everyone else that entries will come.
 */

const server = serverForSuite();

async function emptyCard(client: Client) {
	const response = await client.fetch('/', { headers: { accept: 'text/html' } });
	expect(response.status).toBe(200);
	const html = await response.text();
	const card = /data-testid="empty-schedule"[^>]*>([\s\S]*?)<\/div>/.exec(html);
	expect(card, 'the empty schedule card').not.toBeNull();
	return card![1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
}

describe('the first look at an empty instance', () => {
	it('before anyone registered, the page says to register and that the first user becomes the admin', async () => {
		const text = await emptyCard(new Client(server.url));
		expect(text).toContain('nobody has registered yet');
		expect(text).toContain('the first person to register becomes its admin');
		expect(text).toContain('npm run demo');
	});

	it('the admin is told to add locations, then entries; the public that entries will come', async () => {
		const admin = new Client(server.url);
		expect((await admin.register('First')).status).toBe(201);
		const forAdmin = await emptyCard(admin);
		expect(forAdmin).toContain('Add locations, then add entries and publish them');
		expect(forAdmin).not.toContain('nobody has registered');
		const forPublic = await emptyCard(new Client(server.url));
		expect(forPublic).toContain('Nothing is on the schedule yet');
		expect(forPublic).not.toContain('register');
	});
});
