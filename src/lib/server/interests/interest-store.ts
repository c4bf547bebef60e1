import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';

/** True when the mark is new. */
export function addInterest(db: Db, userId: string, entryId: string, now: number): boolean {
	return (
		prepared(
			db,
			'INSERT INTO interest (user_id, entry_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'
		).run(userId, entryId, now).changes === 1
	);
}

/** True when there was a mark to remove. */
export function removeInterest(db: Db, userId: string, entryId: string): boolean {
	return (
		prepared(db, 'DELETE FROM interest WHERE user_id = ? AND entry_id = ?').run(userId, entryId)
			.changes === 1
	);
}

/** The ids of every entry the user marked, whoever may see it now; oldest mark first. */
export function listInterestEntryIds(db: Db, userId: string): string[] {
	return prepared(
		db,
		'SELECT entry_id FROM interest WHERE user_id = ? ORDER BY created_at, entry_id'
	)
		.pluck()
		.all(userId) as string[];
}

/** The users who marked the entry. */
export function listMarkers(db: Db, entryId: string): string[] {
	return prepared(db, 'SELECT user_id FROM interest WHERE entry_id = ?')
		.pluck()
		.all(entryId) as string[];
}

export function hasInterest(db: Db, userId: string, entryId: string): boolean {
	return !!prepared(db, 'SELECT 1 FROM interest WHERE user_id = ? AND entry_id = ?').get(
		userId,
		entryId
	);
}

/** Removes every mark of the user and answers the entries they were on. */
export function deleteInterestsOf(db: Db, userId: string): string[] {
	return prepared(db, 'DELETE FROM interest WHERE user_id = ? RETURNING entry_id')
		.pluck()
		.all(userId) as string[];
}
