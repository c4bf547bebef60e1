import type { SessionNotice } from '$lib/api';
import type { ServerSession, ServerUser } from '$lib/server/types';

declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			session: ServerSession | null;
			user: ServerUser | null;
			notice?: SessionNotice;
			/**
			 * Set by the page cache on a public schedule page: the minute the page is rendered for
			 * (its start, in ms), so every render of one variant within it gives the same bytes.
			 */
			renderMinute?: number;
			/**
			 * Set by a schedule page's load when its bytes depend on nothing but the path, the
			 * `location` and `by` parameters, `renderMinute` and the database: the cache may keep it.
			 */
			cacheable?: boolean;
			/** The stand-in whose page of a type is rendered for logged-in visitors to share. */
			standIn?: ServerUser;
			/** This request handed out a new session cookie, which only SvelteKit's answer sends. */
			newCookie?: boolean;
		}
	}
}

export {};
