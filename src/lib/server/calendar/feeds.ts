import type { ApiCreatedCalendarFeed } from '$lib/api';
import { requireActor } from '../auth/actor';
import { spendWrite } from '../auth/write-budget';
import { generateSecretToken, hashSecretToken } from '../auth/secret-token';
import { change } from '../storage';
import type { ServerSession } from '../types';

/** Where the feed of this secret is read. */
const calendarFeedUrl = (origin: string, token: string) =>
	new URL(`/calendar/${token}.ics`, origin).href;

/**
 * Makes the account a new secret feed URL, told this once and kept only hashed; an earlier
 * one stops working. No event: the feed is the account's alone and its page reloads itself.
 */
export async function createCalendarFeed(
	actor: ServerSession,
	origin: string
): Promise<ApiCreatedCalendarFeed> {
	const token = generateSecretToken();
	return change(async (tx) => {
		const user = await requireActor(tx, actor);
		await spendWrite(tx, user);
		await tx.calendarFeeds.replace(user.id, hashSecretToken(token), tx.now);
		return { createdAt: tx.now, url: calendarFeedUrl(origin, token) };
	});
}

/** Revokes the account's feed: its URL answers 404 from now on. True when there was one. */
export async function revokeCalendarFeed(actor: ServerSession): Promise<boolean> {
	return change(async (tx) => {
		const user = await requireActor(tx, actor);
		await spendWrite(tx, user);
		return await tx.calendarFeeds.delete(user.id);
	});
}
