import type { RegistrationMode } from '$lib/api';

/** What a registration needs: nothing, an invitation, or it is refused. */
export type RegistrationNeed = 'nothing' | 'invitation' | 'refused';

/**
 * The very first user of an empty instance may always register (and becomes its admin):
 * otherwise a fresh instance started with REGISTRATION=closed could never be used.
 */
export function registrationNeed(mode: RegistrationMode, usersSoFar: number): RegistrationNeed {
	if (usersSoFar === 0) return 'nothing';
	if (mode === 'closed') return 'refused';
	if (mode === 'invite') return 'invitation';
	return 'nothing';
}
