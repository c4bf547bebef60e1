/** How many streams are open for the client an upgrade comes from. */
export interface OpenStreams {
	ofAddress: number;
	/** Null for an upgrade without a session. */
	ofUser: number | null;
}

export interface StreamCaps {
	perAddress: number;
	perUser: number;
}

/**
 * Why one more stream is refused, or null when it may open: each holds a socket and memory, so
 * one client address (anonymous or not) and one user may hold only so many.
 */
export function streamCapRefusal(open: OpenStreams, caps: StreamCaps): string | null {
	if (open.ofAddress >= caps.perAddress) {
		return `too many streams from this address (at most ${caps.perAddress}): close one first`;
	}
	if (open.ofUser !== null && open.ofUser >= caps.perUser) {
		return `too many streams for this user (at most ${caps.perUser}): close one first`;
	}
	return null;
}
