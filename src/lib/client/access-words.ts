import type { UserType } from '$lib/api';

/** A user's type in plain words, as the account page tells it. */
export const accessWords: Record<UserType, string> = {
	regular:
		'You are a regular user: you can see who is here, mark entries for your plan and change your own account.',
	crew: 'You are crew: you also see crew entries, and you take and leave shifts.',
	admin:
		'You are an admin: you can change the type of any user, delete users, change the settings and edit the schedule and its shifts.'
};
