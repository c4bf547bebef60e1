/** `lastEventId` must be a non-negative integer written plainly; null when it is not. */
export function parseLastEventId(value: string | null): number | null {
	if (value === null || !/^\d{1,15}$/.test(value)) return null;
	return Number(value);
}

/**
 * Whether replay from `cursor` can give every later event: not when the cursor is ahead of the
 * log (a database restored from backup) or the events just after it were pruned.
 */
export function canReplayFrom(cursor: number, head: number, oldestKept: number | null): boolean {
	if (cursor > head) return false;
	if (cursor === head) return true;
	return oldestKept !== null && oldestKept <= cursor + 1;
}
