import {
	locationNameKey,
	type ApiLocation,
	type LocationCreate,
	type LocationPatch
} from '$lib/api';
import type { Db } from '../storage';
import { recordLocationAudit } from '../audit/schedule-audit';
import { requireActor } from '../auth/actor';
import { appendEvent, change } from '../events/change';
import { Refusal } from '../refusal';
import { countShiftsAt } from '../shifts/shift-store';
import type { ServerSession } from '../types';
import { countEntriesAt, touchSchedule } from './entry-store';
import {
	deleteLocationRow,
	findLocation,
	generateLocationId,
	insertLocation,
	listLocations,
	saveLocation
} from './location-store';

const noSuchLocation = () => new Refusal(404, 'no such location');

/**
 * Refuses a name another location has, ignoring case: schedule apps merge rooms of one name.
 * Checked in the write transaction, so two admins cannot add the same name at once. Locations
 * that shared a name before this rule keep it (docs/decisions.md).
 */
function refuseTakenName(db: Db, name: string, except?: string): void {
	const key = locationNameKey(name);
	const taken = listLocations(db).find(
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
	return change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		refuseTakenName(tx.db, input.name);
		const location: ApiLocation = {
			id: generateLocationId(),
			name: input.name,
			description: input.description ?? ''
		};
		insertLocation(tx.db, location, tx.now);
		recordLocationAudit(tx, admin, null, location);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'location-update', data: location });
		return location;
	});
}

export async function updateLocation(
	actor: ServerSession,
	id: string,
	patch: LocationPatch
): Promise<ApiLocation> {
	return change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		const before = findLocation(tx.db, id);
		if (!before) throw noSuchLocation();
		if (patch.name !== undefined && locationNameKey(patch.name) !== locationNameKey(before.name)) {
			refuseTakenName(tx.db, patch.name, id);
		}
		const location = { ...before, ...patch };
		saveLocation(tx.db, location);
		recordLocationAudit(tx, admin, before, location);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'location-update', data: location });
		return location;
	});
}

/**
 * A location goes only once no entry and no shift uses it: neither ever points at a place that
 * is gone.
 */
export async function deleteLocation(actor: ServerSession, id: string): Promise<void> {
	await change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		const before = findLocation(tx.db, id);
		if (!before) throw noSuchLocation();
		const using = countEntriesAt(tx.db, id);
		if (using > 0) {
			throw new Refusal(
				409,
				`${using} ${using === 1 ? 'entry uses' : 'entries use'} this location: move or delete ${using === 1 ? 'it' : 'them'} first`
			);
		}
		const shifts = countShiftsAt(tx.db, id);
		if (shifts > 0) {
			throw new Refusal(
				409,
				`${shifts} ${shifts === 1 ? 'shift uses' : 'shifts use'} this location: move or delete ${shifts === 1 ? 'it' : 'them'} first`
			);
		}
		recordLocationAudit(tx, admin, before, null);
		deleteLocationRow(tx.db, id);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'location-delete', data: { id } });
	});
}
