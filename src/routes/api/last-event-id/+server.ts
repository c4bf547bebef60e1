import { json } from '@sveltejs/kit';
import { storage } from '$lib/server/storage';

export const GET = async () => json({ id: await storage().log.headId() });
