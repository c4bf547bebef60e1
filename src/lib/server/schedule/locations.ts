import type { ApiLocation, LocationCreate, LocationPatch } from '$lib/api';
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
	saveLocation
} from './location-store';

const noSuchLocation = () => new Refusal(404, 'no such location');

/** An admin adds a location; every open page learns it at once. */
export function createLocation(actor: ServerSession, input: LocationCreate): ApiLocation {
	return change((tx) => {
		requireActor(tx, actor, { admin: true });
		const location: ApiLocation = {
			id: generateLocationId(),
			name: input.name,
			description: input.description ?? ''
		};
		insertLocation(tx.db, location, tx.now);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'location-update', data: location });
		return location;
	});
}

export function updateLocation(
	actor: ServerSession,
	id: string,
	patch: LocationPatch
): ApiLocation {
	return change((tx) => {
		requireActor(tx, actor, { admin: true });
		const before = findLocation(tx.db, id);
		if (!before) throw noSuchLocation();
		const location = { ...before, ...patch };
		saveLocation(tx.db, location);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'location-update', data: location });
		return location;
	});
}

/**
 * A location goes only once no entry and no shift uses it: neither ever points at a place that
 * is gone.
 */
export function deleteLocation(actor: ServerSession, id: string): void {
	change((tx) => {
		requireActor(tx, actor, { admin: true });
		if (!findLocation(tx.db, id)) throw noSuchLocation();
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
		deleteLocationRow(tx.db, id);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'location-delete', data: { id } });
	});
}
