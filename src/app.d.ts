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
		}
	}
}

export {};
