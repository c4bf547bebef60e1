/** Close codes of the stream (docs/stream.md). */
export const closeCodes = {
	sessionEnded: 4001,
	resync: 4002,
	tooSlow: 4008,
	goingAway: 1001,
	policy: 1008,
	internalError: 1011
} as const;
