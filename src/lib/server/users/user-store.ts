import { randomBytes } from 'node:crypto';
import type { UserSort, UserType } from '$lib/api';
import type { Db } from '../storage';
import type { ServerUser } from '../types';
import { prepared } from '../storage/sqlite/statements';

interface UserRow {
	id: string;
	name: string;
	password_hash: string;
	type: UserType;
	created_at: number;
	last_seen_at: number | null;
	suspended_at: number | null;
}

function toServerUser(row: UserRow): ServerUser {
	return {
		id: row.id,
		name: row.name,
		type: row.type,
		createdAt: row.created_at,
		lastSeenAt: row.last_seen_at,
		suspendedAt: row.suspended_at
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

/** A user's name matches a search when it holds the text, ignoring case; % and _ are literal. */
export function likePattern(q: string): string {
	return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const orderBy: Record<UserSort, string> = {
	name: 'name COLLATE NOCASE',
	created: 'created_at',
	// Never-seen users sort as the oldest.
	lastSeen: 'COALESCE(last_seen_at, 0)'
};

/** One window of the users matching a search, in a stable order, with how many match in all. */
export function queryUsers(
	db: Db,
	query: { q: string; sort: UserSort; order: 'asc' | 'desc'; limit?: number; offset: number }
): { users: ServerUser[]; total: number } {
	const direction = query.order === 'desc' ? 'DESC' : 'ASC';
	const where = query.q ? "WHERE name LIKE ? ESCAPE '\\'" : '';
	const params = query.q ? [likePattern(query.q)] : [];
	const rows = prepared(
		db,
		`SELECT * FROM user ${where} ORDER BY ${orderBy[query.sort]} ${direction}, id ${direction}
			LIMIT ? OFFSET ?`
	).all(...params, query.limit ?? -1, query.offset) as UserRow[];
	const total = prepared(db, `SELECT COUNT(*) FROM user ${where}`)
		.pluck()
		.get(...params) as number;
	return { users: rows.map(toServerUser), total };
}

export function setSuspended(db: Db, id: string, at: number | null, by: string | null): void {
	prepared(db, 'UPDATE user SET suspended_at = ?, suspended_by = ? WHERE id = ?').run(at, by, id);
}

/** Admins who can still act: the app must keep one. */
export function countActiveAdmins(db: Db): number {
	return prepared(db, "SELECT COUNT(*) FROM user WHERE type = 'admin' AND suspended_at IS NULL")
		.pluck()
		.get() as number;
}

export function updatePasswordHash(db: Db, userId: string, passwordHash: string): void {
	prepared(db, 'UPDATE user SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
}

/**
 * The users the shifts pages name, by name: crew and admins, who may hold shifts, and anyone
 * made regular since, whose worked shifts stay on record.
 */
export function listShiftPeople(db: Db): ServerUser[] {
	return (
		prepared(
			db,
			`SELECT * FROM user WHERE type IN ('crew', 'admin') OR id IN (SELECT user_id FROM shift_crew)
			ORDER BY name COLLATE NOCASE, id`
		).all() as UserRow[]
	).map(toServerUser);
}
