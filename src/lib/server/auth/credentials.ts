import type { Credentials } from '$lib/api';
import { storage } from '../storage';
import { Refusal } from '../refusal';
import type { ServerUser } from '../types';
import { passwordHashForUnknownUser, verifyPassword } from './password';

/** One message for an unknown name and a wrong password, so neither tells the other apart. */
const wrongCredentials = 'wrong name or password';

export async function checkCredentials({ name, password }: Credentials): Promise<ServerUser> {
	const found = await storage().read(
		async (records) => await records.users.findWithHashByName(name)
	);
	const hash = found?.passwordHash ?? (await passwordHashForUnknownUser());
	const ok = await verifyPassword(hash, password);
	if (!found || !ok) throw new Refusal(401, wrongCredentials);
	// Only told to someone who knows the password.
	if (found.user.suspendedAt) {
		throw new Refusal(403, 'this account is suspended; ask an admin');
	}
	return found.user;
}
