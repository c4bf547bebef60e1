import { entryCreateSchema, entryPatchSchema, userPatchSchema } from '$lib/api';
import { setInterest } from '../interests/interests';
import { ifMatchVersions, versionTag } from '../refusal';
import { toApiEntry } from '../schedule/api-entry';
import { createEntry, deleteEntry, updateEntry } from '../schedule/entries';
import { requireCrew } from '../shifts/shift-change';
import { toApiShift } from '../types';
import { leaveShift, takeShift } from '../shifts/signup';
import { changeUser, deleteUser } from '../users/manage-users';
import { requireAdmin } from '../auth/actor';
import { toApiUser } from '../auth/access-level';
import { apiChange } from './api-change';

// The changes people make most while a gathering runs: the programme's entries, their own
// marks and shifts, and an admin's edits of a user. docs/api.md describes each.

export const userPatch = apiChange({
	allow: requireAdmin,
	schema: userPatchSchema,
	run: async (session, params, input) => ({
		status: 200,
		body: toApiUser(await changeUser(session, params.id, input), 'admin')
	})
});

export const userDelete = apiChange({
	allow: requireAdmin,
	schema: undefined,
	run: async (session, params) => {
		await deleteUser(session, params.id);
		return { status: 204 };
	}
});

export const entryCreate = apiChange({
	allow: requireAdmin,
	schema: entryCreateSchema,
	run: async (session, _params, input) => ({
		status: 201,
		body: toApiEntry(await createEntry(session, input), 'admin')
	})
});

/** With If-Match, only from that version: 409 with the current entry otherwise. */
export const entryPatch = apiChange({
	allow: requireAdmin,
	schema: entryPatchSchema,
	run: async (session, params, input, { ifMatch }) => {
		const entry = await updateEntry(session, params.id, input, ifMatchVersions(ifMatch));
		return {
			status: 200,
			body: toApiEntry(entry, 'admin'),
			headers: { etag: versionTag(entry.revision) }
		};
	}
});

export const entryDelete = apiChange({
	allow: requireAdmin,
	schema: undefined,
	run: async (session, params) => {
		await deleteEntry(session, params.id);
		return { status: 204 };
	}
});

/** 200 `{ entryId, interested }`; 404 for an entry the caller may not see. */
export const interestMark = apiChange({
	schema: undefined,
	run: async (session, params) => ({
		status: 200,
		body: await setInterest(session, params.entryId, true)
	})
});

export const interestUnmark = apiChange({
	schema: undefined,
	run: async (session, params) => ({
		status: 200,
		body: await setInterest(session, params.entryId, false)
	})
});

/** The caller takes a place: 200 with the shift; 409 when it is full, over, or overlaps one held. */
export const shiftTake = apiChange({
	allow: requireCrew,
	schema: undefined,
	run: async (session, params) => ({
		status: 200,
		body: toApiShift(await takeShift(session, params.id))
	})
});

/** The caller leaves their place: 200 with the shift. */
export const shiftLeave = apiChange({
	allow: requireCrew,
	schema: undefined,
	run: async (session, params) => ({
		status: 200,
		body: toApiShift(await leaveShift(session, params.id))
	})
});
