import { json } from '@sveltejs/kit';
import { invitationCreateSchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { storage } from '$lib/server/storage';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { createInvitation } from '$lib/server/invitations/create-invitation';

export const GET = endpoint(async ({ locals }) => {
	requireAdmin(requireSession(locals).user);
	return json(await storage().read(async (records) => await records.invitations.list()));
});

export const POST = endpoint(async ({ locals, request, url }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	const { expiresInHours } = await readJson(request, invitationCreateSchema);
	return json(await createInvitation(session, expiresInHours, url.origin), { status: 201 });
});
