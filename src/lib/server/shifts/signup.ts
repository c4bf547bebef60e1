import { decideLeave, decideSignup } from '$lib/schedule/shift-rules';
import { requireActor } from '../auth/actor';
import { spendWrite } from '../auth/write-budget';
import { change, type Change } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';
import { announceShift, noSuchShift, requireCrew } from './shift-change';
import type { ServerShift } from '../types';
import { formatTime } from '$lib/schedule/zoned-time';
import { currentSettings } from '../settings/current-settings';

/** The acting crew member (re-read inside the transaction) and the shift they act on. */
async function crewAndShift(tx: Change, actor: ServerSession, id: string) {
	const user = await requireActor(tx, actor);
	requireCrew(user);
	await spendWrite(tx, user);
	const shift = await tx.shifts.find(id);
	if (!shift) throw noSuchShift();
	return { user, shift };
}

/**
 * A crew member (or admin) takes a free place. Everything is decided inside the write
 * transaction: of two people taking the last place at once, the one whose transaction runs
 * first gets it and the other is told the shift is full (docs/api.md). Taking a place one
 * already holds changes nothing.
 */
export async function takeShift(actor: ServerSession, id: string): Promise<ServerShift> {
	return change(async (tx) => {
		const { user, shift } = await crewAndShift(tx, actor, id);
		const decision = decideSignup(shift, await tx.shifts.listOf(user.id), user.id, tx.now);
		switch (decision.kind) {
			case 'held':
				return shift;
			case 'over':
				throw new Refusal(409, 'this shift is over: its places can no longer be taken');
			case 'full':
				throw new Refusal(409, 'this shift is full: every place has been taken');
			case 'overlap': {
				const other = decision.with as ServerShift;
				const { timeZone } = await currentSettings(tx);
				throw new Refusal(
					409,
					`this shift overlaps ${other.role} (${formatTime(other.start, timeZone)}–` +
						`${formatTime(other.end, timeZone)}), which you hold: leave that one first`
				);
			}
			case 'take':
				await tx.shifts.addCrew(id, user.id, tx.now);
				return await announceShift(tx, id);
		}
	});
}

/** A crew member leaves a place they hold; leaving one they do not hold changes nothing. */
export async function leaveShift(actor: ServerSession, id: string): Promise<ServerShift> {
	return change(async (tx) => {
		const { user, shift } = await crewAndShift(tx, actor, id);
		switch (decideLeave(shift, user.id, tx.now)) {
			case 'not-held':
				return shift;
			case 'over':
				throw new Refusal(409, 'this shift is over: who worked it stays on record');
			case 'leave':
				await tx.shifts.removeCrew(id, user.id);
				return await announceShift(tx, id);
		}
	});
}
