import { describe, expect, it } from 'vitest';
import { memoryRecords } from '../helpers/storage';

describe('security records', () => {
	it('are pruned once older than the retention period, newer ones kept', async () => {
		const { db, records } = memoryRecords();
		db.prepare(
			"INSERT INTO user (id, name, password_hash, type, created_at) VALUES ('u', 'a', 'h', 'admin', 1)"
		).run();
		const insert = db.prepare(
			"INSERT INTO security_record (user_id, kind, created_at) VALUES ('u', 'session-taken', ?)"
		);
		for (const at of [1_000, 1_999, 2_000, 3_000]) insert.run(at);
		expect(await records.securityRecords.prune(2_000)).toBe(2);
		const kept = db.prepare('SELECT created_at FROM security_record ORDER BY created_at');
		expect(kept.pluck().all()).toEqual([2_000, 3_000]);
		expect(await records.securityRecords.prune(2_000)).toBe(0);
	});
});
