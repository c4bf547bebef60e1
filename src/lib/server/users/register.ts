import { newRecordId } from '../record-id';
import type { Credentials } from '$lib/api';
import { hashPassword } from '../auth/password';
import { storage, type Records, appendEvent, change } from '../storage';
import { claimInvitation } from '../invitations/claim-invitation';
import { Refusal } from '../refusal';
import { currentSettings } from '../settings/current-settings';
import type { ServerUser } from '../types';
import { registrationNeed, type RegistrationNeed } from './registration-rule';

const nameTaken = () => new Refusal(409, 'that name is taken', 'name');

async function refuseWhenClosed(records: Records): Promise<RegistrationNeed> {
	const { registration } = await currentSettings(records);
	const need = registrationNeed(registration, await records.users.count());
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
	return change(async (tx) => {
		const usersSoFar = await tx.users.count();
		const need = await refuseWhenClosed(tx);
		const useInvitation = need === 'invitation' ? await claimInvitation(tx, invitation) : null;
		if (await tx.users.findWithHashByName(name)) throw nameTaken();
		const user: ServerUser = {
			id: newRecordId(),
			name,
			type: usersSoFar === 0 ? 'admin' : 'regular',
			createdAt: tx.now,
			lastSeenAt: tx.now,
			suspendedAt: null
		};
		await tx.users.insert(user, passwordHash);
		useInvitation?.(user.id);
		appendEvent(tx, { type: 'user-update', data: user });
		return user;
	});
}
