import type { UserType } from '$lib/api';

/** A user's type in plain words, as the account page tells it. */
export const accessWords: Record<UserType, string> = {
	regular: 'You are a regular user: you can see who is here and change your own account.',
	crew: 'You are crew: you can see who is here and change your own account.',
	admin:
		'You are an admin: you can change the type of any user, delete users and change the settings.'
};
