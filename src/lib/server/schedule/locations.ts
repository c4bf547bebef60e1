import { newRecordId } from '../record-id';
import {
	locationNameKey,
	type ApiLocation,
	type LocationCreate,
	type LocationPatch
} from '$lib/api';
import { appendEvent, change, type Change, type Records } from '../storage';
import { recordLocationAudit } from '../audit/schedule-audit';
import { requireActor } from '../auth/actor';
import { Refusal } from '../refusal';
import { recordLocationRenamed } from './change-log';
import type { ServerSession } from '../types';

const noSuchLocation = () => new Refusal(404, 'no such location');

/** An entry or shift may name only a location that exists, checked inside its change. */
export async function requireLocation(tx: Change, locationId: string | null): Promise<void> {
	if (locationId !== null && !(await tx.locations.find(locationId))) {
		throw new Refusal(400, 'locationId names no location', 'locationId');
	}
}

/**
 * Refuses a name another location has, ignoring case: schedule apps merge rooms of one name.
 * Checked in the write transaction, so two admins cannot add the same name at once. Locations
 * that shared a name before this rule keep it (docs/decisions.md).
 */
async function refuseTakenName(records: Records, name: string, except?: string): Promise<void> {
	const key = locationNameKey(name);
	const taken = (await records.locations.list()).find(
		(location) => location.id !== except && locationNameKey(location.name) === key
	);
	if (taken) {
		throw new Refusal(
			409,
			`a location named "${taken.name}" exists already: schedule apps would merge the two, so choose another name`,
			'name'
		);
	}
}

/** An admin adds a location; every open page learns it at once. */
export async function createLocation(
	actor: ServerSession,
	input: LocationCreate
): Promise<ApiLocation> {
	return change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		await refuseTakenName(tx, input.name);
		const location: ApiLocation = {
			id: newRecordId(),
			name: input.name,
			description: input.description ?? ''
		};
		await tx.locations.insert(location, tx.now);
		await recordLocationAudit(tx, admin, null, location);
		await tx.entries.touchClock(tx.now);
		appendEvent(tx, { type: 'location-update', data: location });
		return location;
	});
}

export async function updateLocation(
	actor: ServerSession,
	id: string,
	patch: LocationPatch
): Promise<ApiLocation> {
	return change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const before = await tx.locations.find(id);
		if (!before) throw noSuchLocation();
		if (patch.name !== undefined && locationNameKey(patch.name) !== locationNameKey(before.name)) {
			await refuseTakenName(tx, patch.name, id);
		}
		const location = { ...before, ...patch };
		await tx.locations.save(location);
		await recordLocationAudit(tx, admin, before, location);
		await tx.entries.touchClock(tx.now);
		const event = appendEvent(tx, { type: 'location-update', data: location });
		if (location.name !== before.name) {
			await recordLocationRenamed(tx, event.id, before.name, location.name);
			await tx.entries.renamedAt(id, tx.now);
		}
		return location;
	});
}

/**
 * A location goes only once no entry and no shift uses it: neither ever points at a place that
 * is gone.
 */
export async function deleteLocation(actor: ServerSession, id: string): Promise<void> {
	await change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const before = await tx.locations.find(id);
		if (!before) throw noSuchLocation();
		const using = await tx.entries.countAt(id);
		if (using > 0) {
			throw new Refusal(
				409,
				`${using} ${using === 1 ? 'entry uses' : 'entries use'} this location: move or delete ${using === 1 ? 'it' : 'them'} first`
			);
		}
		const shifts = await tx.shifts.countAt(id);
		if (shifts > 0) {
			throw new Refusal(
				409,
				`${shifts} ${shifts === 1 ? 'shift uses' : 'shifts use'} this location: move or delete ${shifts === 1 ? 'it' : 'them'} first`
			);
		}
		await recordLocationAudit(tx, admin, before, null);
		await tx.locations.delete(id);
		await tx.entries.touchClock(tx.now);
		appendEvent(tx, { type: 'location-delete', data: { id } });
	});
}
