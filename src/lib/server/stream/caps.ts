import { tryAgain } from '../refusal';

/** How many streams are open, in all and for the client an upgrade comes from. */
interface OpenStreams {
	all: number;
	/** Streams without a session from the upgrade's client address; null when it has a session. */
	anonymousOfAddress: number | null;
	/** Null for an upgrade without a session. */
	ofUser: number | null;
}

interface StreamCaps {
	perInstance: number;
	perAddress: number;
	perUser: number;
}

/**
 * Why one more stream is refused, or null when it may open. Each holds a socket and memory, so
 * the instance holds only so many. A venue's hall reaches the app through one address, so the
 * cap per address is venue-sized, counts only streams without a session, and is a share of the
 * instance's: one anonymous client behind any address can neither take every stream nor stop
 * the logged-in people beside it, who are held per user instead (docs/decisions.md).
 */
export function streamCapRefusal(open: OpenStreams, caps: StreamCaps): string | null {
	if (open.all >= caps.perInstance) {
		return `the server holds as many streams as it may (${caps.perInstance}): ${tryAgain()}`;
	}
	if (open.anonymousOfAddress !== null && open.anonymousOfAddress >= caps.perAddress) {
		return `too many streams from this address (at most ${caps.perAddress} without a login): close one first`;
	}
	if (open.ofUser !== null && open.ofUser >= caps.perUser) {
		return `too many streams for this user (at most ${caps.perUser}): close one first`;
	}
	return null;
}
