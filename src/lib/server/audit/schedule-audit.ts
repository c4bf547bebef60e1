import type { ApiLocation, AuditAction, AuditChange } from '$lib/api';
import type { Change } from '../storage';
import type { ServerEntry } from '../types';
import type { ServerShift } from '../types';
import type { ServerUser } from '../types';
import { recordAudit } from './audit-trail';

type Values = Record<string, string | number | null>;

/**
 * The fields whose values differ between two states, old → new; `long` fields (descriptions,
 * notes) are told as changed without their text. Either side may be missing: a creation or a
 * deletion. A pure rule, so the page and the tests read the same fields.
 */
function fieldChanges(
	before: Values | null,
	after: Values | null,
	long: readonly string[] = []
): AuditChange[] {
	const fields = Object.keys(after ?? before ?? {});
	const changes: AuditChange[] = [];
	for (const field of fields) {
		const from = before?.[field];
		const to = after?.[field];
		if (before && after && from === to) continue;
		if (long.includes(field)) {
			// An empty text on creation, or one deleted with its entry, tells nothing.
			if ((before && after) || (from ?? to)) changes.push({ field });
			continue;
		}
		changes.push({ field, ...(before && { from }), ...(after && { to }) });
	}
	return changes;
}

/** A location change names the locations as they are called now, not by id. */
async function namingLocations(tx: Change, changes: AuditChange[]): Promise<AuditChange[]> {
	const name = async (id: AuditChange['from']) =>
		typeof id === 'string' ? ((await tx.locations.find(id))?.name ?? id) : id;
	const named: AuditChange[] = [];
	for (const change of changes) {
		named.push(
			change.field === 'location'
				? {
						field: 'location',
						...('from' in change && { from: await name(change.from) }),
						...('to' in change && { to: await name(change.to) })
					}
				: change
		);
	}
	return named;
}

const entryValues = (entry: ServerEntry): Values => ({
	title: entry.title,
	start: entry.start,
	end: entry.end,
	location: entry.locationId,
	visibility: entry.visibility,
	description: entry.description,
	crewNotes: entry.crewNotes
});
const entryLong = ['description', 'crewNotes'];

/**
 * Records an admin's change of an entry in its transaction: created (before null), deleted
 * (after null), its visibility alone (publish, hide) or an edit, with what changed. A save
 * that changed nothing leaves no row.
 */
export async function recordEntryAudit(
	tx: Change,
	admin: ServerUser,
	before: ServerEntry | null,
	after: ServerEntry | null
): Promise<void> {
	const changes = await namingLocations(
		tx,
		fieldChanges(before && entryValues(before), after && entryValues(after), entryLong)
	);
	if (!changes.length) return;
	const action: AuditAction = !before
		? 'entry-create'
		: !after
			? 'entry-delete'
			: changes.length === 1 && changes[0].field === 'visibility'
				? 'entry-visibility'
				: 'entry-edit';
	const entry = (after ?? before)!;
	await recordAudit(tx, {
		actor: admin,
		action,
		target: { id: entry.id, name: entry.title },
		changes
	});
}

/** Records an admin's change of a location, as for entries. */
export async function recordLocationAudit(
	tx: Change,
	admin: ServerUser,
	before: ApiLocation | null,
	after: ApiLocation | null
): Promise<void> {
	const values = (location: ApiLocation) => ({
		name: location.name,
		description: location.description
	});
	const changes = fieldChanges(before && values(before), after && values(after), ['description']);
	if (!changes.length) return;
	const location = (after ?? before)!;
	await recordAudit(tx, {
		actor: admin,
		action: !before ? 'location-create' : !after ? 'location-delete' : 'location-edit',
		target: { id: location.id, name: location.name },
		changes
	});
}

/** Crew named as they are now; a user since deleted by their id. */
async function crewNames(tx: Change, ids: string[]): Promise<string> {
	const names: string[] = [];
	for (const id of ids) names.push((await tx.users.find(id))?.name ?? id);
	return names.join(', ');
}

/** Records an admin's change of a shift, as for entries; crew as who was put on or taken off. */
export async function recordShiftAudit(
	tx: Change,
	admin: ServerUser,
	before: ServerShift | null,
	after: ServerShift | null
): Promise<void> {
	const values = (shift: ServerShift): Values => ({
		role: shift.role,
		start: shift.start,
		end: shift.end,
		location: shift.locationId,
		needed: shift.needed,
		notes: shift.notes
	});
	const changes = await namingLocations(
		tx,
		fieldChanges(before && values(before), after && values(after), ['notes'])
	);
	const added = (after?.crewIds ?? []).filter((id) => !before?.crewIds.includes(id));
	const removed = (before?.crewIds ?? []).filter((id) => !after?.crewIds.includes(id));
	// A deleted shift's crew are told as they were, not as taken off one by one.
	if (after && added.length) changes.push({ field: 'crew added', to: await crewNames(tx, added) });
	if (before && removed.length) {
		changes.push({
			field: after ? 'crew removed' : 'crew',
			from: await crewNames(tx, removed)
		});
	}
	if (!changes.length) return;
	const shift = (after ?? before)!;
	await recordAudit(tx, {
		actor: admin,
		action: !before ? 'shift-create' : !after ? 'shift-delete' : 'shift-edit',
		target: { id: shift.id, name: shift.role },
		changes
	});
}
