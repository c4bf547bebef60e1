import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { sleep } from '../helpers/wait';

const server = serverForSuite({
	SECURITY_RECORD_RETENTION_SECONDS: '3',
	SESSION_SWEEP_INTERVAL_SECONDS: '1'
});

describe('security records', () => {
	it('are pruned by the periodic sweep once older than SECURITY_RECORD_RETENTION_SECONDS', async () => {
		const client = new Client(server.url);
		const { id } = await (await client.register('Recorded')).json();
		const now = Date.now();
		server.write(
			"INSERT INTO security_record (user_id, kind, created_at) VALUES (?, 'session-taken', ?)",
			[id, now - 60_000],
			[id, now]
		);
		const times = () =>
			server
				.query<{ created_at: number }>(
					'SELECT created_at FROM security_record WHERE user_id = ?',
					id
				)
				.map((row) => row.created_at);
		await sleep(1500);
		expect(times()).toEqual([now]);
		await sleep(3000);
		expect(times()).toEqual([]);
	});
});
