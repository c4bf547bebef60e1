import { randomBytes } from 'node:crypto';
import type { UserType } from '$lib/api';
import type { Db } from '../db';
import type { ServerUser } from '../types';
import { prepared } from '../db/statements';

interface UserRow {
	id: string;
	name: string;
	password_hash: string;
	type: UserType;
	created_at: number;
	last_seen_at: number | null;
}

function toServerUser(row: UserRow): ServerUser {
	return {
		id: row.id,
		name: row.name,
		type: row.type,
		createdAt: row.created_at,
		lastSeenAt: row.last_seen_at
	};
}

export function generateUserId(): string {
	return randomBytes(10).toString('base64url');
}

export function findUserById(db: Db, id: string): ServerUser | undefined {
	const row = prepared(db, 'SELECT * FROM user WHERE id = ?').get(id) as UserRow | undefined;
	return row && toServerUser(row);
}

/** Names compare ignoring case, as the unique index does. */
export function findUserWithHashByName(
	db: Db,
	name: string
): { user: ServerUser; passwordHash: string } | undefined {
	const row = prepared(db, 'SELECT * FROM user WHERE name = ? COLLATE NOCASE').get(name) as
		UserRow | undefined;
	return row && { user: toServerUser(row), passwordHash: row.password_hash };
}

export function findPasswordHash(db: Db, userId: string): string | undefined {
	return prepared(db, 'SELECT password_hash FROM user WHERE id = ?').pluck().get(userId) as
		string | undefined;
}

export function countUsers(db: Db): number {
	return prepared(db, 'SELECT COUNT(*) FROM user').pluck().get() as number;
}

export function listUsers(db: Db): ServerUser[] {
	return (prepared(db, 'SELECT * FROM user ORDER BY created_at, id').all() as UserRow[]).map(
		toServerUser
	);
}

export function insertUser(db: Db, user: ServerUser, passwordHash: string): void {
	prepared(
		db,
		`INSERT INTO user (id, name, password_hash, type, created_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?)`
	).run(user.id, user.name, passwordHash, user.type, user.createdAt, user.lastSeenAt);
}

export function updatePasswordHash(db: Db, userId: string, passwordHash: string): void {
	prepared(db, 'UPDATE user SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
}
