import { json } from '@sveltejs/kit';
import { settingsPatchSchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { storage } from '$lib/server/storage';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { currentSettings } from '$lib/server/settings/current-settings';
import { updateSettings } from '$lib/server/settings/update-settings';

export const GET = endpoint(async () =>
	json(await storage().read(async (records) => await currentSettings(records)))
);

export const PATCH = endpoint(async ({ locals, request }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	return json(await updateSettings(session, await readJson(request, settingsPatchSchema)));
});
