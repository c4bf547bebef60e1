/** `lastEventId` must be a non-negative integer written plainly; null when it is not. */
export function parseLastEventId(value: string | null): number | null {
	if (value === null || !/^\d{1,15}$/.test(value)) return null;
	return Number(value);
}

/**
 * Whether replay from `cursor` can give every later event, and should: not when the cursor is
 * ahead of the log (a database restored from backup), when the events just after it were
 * pruned, or when it is more than `maxBehind` events behind, where reloading the page data
 * costs less than the replay (docs/stream.md, "Replay").
 */
export function canReplayFrom(
	cursor: number,
	head: number,
	oldestKept: number | null,
	maxBehind: number
): boolean {
	if (cursor > head || head - cursor > maxBehind) return false;
	if (cursor === head) return true;
	return oldestKept !== null && oldestKept <= cursor + 1;
}
