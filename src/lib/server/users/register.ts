import type { Credentials } from '$lib/api';
import { hashPassword } from '../auth/password';
import { appendEvent, change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerUser } from '../types';
import { countUsers, findUserWithHashByName, generateUserId, insertUser } from './user-store';

const nameTaken = () => new Refusal(409, 'that name is taken', 'name');

/** Creates a user; the first one ever is the admin, so the app is never without one. */
export async function registerUser({ name, password }: Credentials): Promise<ServerUser> {
	const passwordHash = await hashPassword(password);
	return change((tx) => {
		if (findUserWithHashByName(tx.db, name)) throw nameTaken();
		const user: ServerUser = {
			id: generateUserId(),
			name,
			type: countUsers(tx.db) === 0 ? 'admin' : 'regular',
			createdAt: tx.now,
			lastSeenAt: tx.now
		};
		insertUser(tx.db, user, passwordHash);
		appendEvent(tx, { type: 'user-update', data: user });
		return user;
	});
}
