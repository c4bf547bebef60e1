import { error, redirect } from '@sveltejs/kit';
import { passwordResetPageSchema, passwordResetTokenSchema } from '$lib/api';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { handleForm } from '$lib/server/form';
import { Refusal } from '$lib/server/refusal';
import {
	checkPasswordResetLink,
	usePasswordReset
} from '$lib/server/password-reset/use-password-reset';
import type { Actions, PageServerLoad } from './$types';

/**
 * A link that cannot be used says so at once, plainly, instead of offering a form in vain. The
 * look is not counted as a guess: any site can make a browser open made-up links.
 */
export const load: PageServerLoad = async ({ url }) => {
	const parsed = passwordResetTokenSchema.safeParse(url.searchParams.get('token') ?? '');
	if (!parsed.success) error(400, 'That password reset link is not valid.');
	try {
		await checkPasswordResetLink(parsed.data);
	} catch (refusal) {
		if (!(refusal instanceof Refusal)) throw refusal;
		const message = refusal.message.charAt(0).toUpperCase() + refusal.message.slice(1);
		error(refusal.status, `${message}. Ask an admin for a new one.`);
	}
	return { token: parsed.data };
};

export const actions: Actions = {
	reset: (event) =>
		handleForm('reset', event, passwordResetPageSchema, async ({ token, password }) => {
			const { login } = await usePasswordReset(
				{ token, password },
				event.getClientAddress(),
				event.request.headers.get('user-agent') ?? ''
			);
			setSessionCookie(event.cookies, event.url, login.token, login.session.expiresAt);
			redirect(303, '/');
		})
};
