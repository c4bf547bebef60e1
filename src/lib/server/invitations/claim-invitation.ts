import type { Change } from '../storage';
import { Refusal } from '../refusal';
import { hashSecretToken } from '../auth/secret-token';
import { linkProblem, type LinkProblem } from '../auth/single-use-link';

const messages: Record<LinkProblem | 'missing', string> = {
	missing: 'registration needs an invitation',
	unknown: 'that invitation is not valid',
	used: 'that invitation was already used',
	expired: 'that invitation has expired'
};

const refuse = (problem: LinkProblem | 'missing') =>
	new Refusal(403, messages[problem], 'invitation');

/**
 * Checks the invitation inside the write transaction that creates the user, before anything
 * else is said (a visitor without one learns nothing, not even whether a name is taken), and
 * answers how to mark it used once the user exists: of two registrations with one invitation,
 * the one whose transaction runs first takes it.
 */
export async function claimInvitation(
	tx: Change,
	token: string | undefined
): Promise<(userId: string) => Promise<void>> {
	if (!token) throw refuse('missing');
	const invitation = await tx.invitations.findByTokenHash(hashSecretToken(token));
	const problem = linkProblem(invitation, tx.now);
	if (problem) throw refuse(problem);
	return async (userId) => {
		if (!(await tx.invitations.markUsed(invitation!.id, userId, tx.now))) throw refuse('used');
	};
}
