import { z } from 'zod';

/** An invitation as the admins' list shows it: never its secret. */
export interface ApiInvitation {
	id: string;
	createdAt: number;
	expiresAt: number;
	usedAt: number | null;
	/** The admin who made it; null once that user is deleted. */
	createdBy: string | null;
	/** The user who registered with it; null while unused or once that user is deleted. */
	usedBy: string | null;
}

/** The answer to creating one: the only time its secret link is told. */
export interface ApiCreatedInvitation {
	id: string;
	createdAt: number;
	expiresAt: number;
	/** `<origin>/register?invitation=<token>` */
	url: string;
}

const defaultInvitationHours = 72;
const maxInvitationHours = 30 * 24;

const hoursRange = `expiresInHours must be from 1/3600 (one second) to ${maxInvitationHours} (30 days)`;
/** Hours, fractions allowed; an invitation that is expired when made would be no invitation. */
const hours = z
	.number({ error: 'expiresInHours must be a number' })
	.min(1 / 3600, hoursRange)
	.max(maxInvitationHours, hoursRange);

export const invitationCreateSchema = z.strictObject({
	expiresInHours: hours.default(defaultInvitationHours)
});

/** The admin page's form: the same rule, read from text. */
export const invitationFormSchema = z.object({
	expiresInHours: z.coerce.number().pipe(hours).default(defaultInvitationHours)
});

export const revokeInvitationFormSchema = z.object({ id: z.string().min(1).max(64) });

/** The secret of an invitation link, as a person pastes it; its shape is checked by lookup. */
export const invitationTokenSchema = z
	.string({ error: 'invitation must be a string' })
	.trim()
	.max(128, 'invitation is not valid');
