import type { RegistrationMode } from '$lib/api';

/** The registration modes as the settings forms offer them. */
export const registrationModeLabels: Record<RegistrationMode, string> = {
	open: 'Open: anyone may register',
	invite: 'By invitation: only with an invitation link',
	closed: 'Closed: nobody may register'
};
