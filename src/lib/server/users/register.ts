import type { Credentials } from '$lib/api';
import { hashPassword } from '../auth/password';
import { storage, type Db } from '../storage';
import { appendEvent, change } from '../events/change';
import { claimInvitation } from '../invitations/claim-invitation';
import { Refusal } from '../refusal';
import { currentSettings } from '../settings/current-settings';
import type { ServerUser } from '../types';
import { registrationNeed, type RegistrationNeed } from './registration-rule';
import { countUsers, findUserWithHashByName, generateUserId, insertUser } from './user-store';

const nameTaken = () => new Refusal(409, 'that name is taken', 'name');

function refuseWhenClosed(db: Db): RegistrationNeed {
	const need = registrationNeed(currentSettings(db).registration, countUsers(db));
	if (need === 'refused') throw new Refusal(403, 'registration is closed');
	return need;
}

/**
 * Creates a user; the first one ever is the admin, so the app is never without one. The
 * registration mode is read in the same write transaction, so a switch that committed first
 * applies.
 */
export async function registerUser({
	name,
	password,
	invitation
}: Credentials & { invitation?: string }): Promise<ServerUser> {
	// Spares the Argon2id work while closed; the transaction below decides.
	await storage().read(refuseWhenClosed);
	const passwordHash = await hashPassword(password);
	return change((tx) => {
		const usersSoFar = countUsers(tx.db);
		const need = refuseWhenClosed(tx.db);
		const useInvitation = need === 'invitation' ? claimInvitation(tx, invitation) : null;
		if (findUserWithHashByName(tx.db, name)) throw nameTaken();
		const user: ServerUser = {
			id: generateUserId(),
			name,
			type: usersSoFar === 0 ? 'admin' : 'regular',
			createdAt: tx.now,
			lastSeenAt: tx.now,
			suspendedAt: null
		};
		insertUser(tx.db, user, passwordHash);
		useInvitation?.(user.id);
		appendEvent(tx, { type: 'user-update', data: user });
		return user;
	});
}
