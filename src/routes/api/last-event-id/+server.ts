import { json } from '@sveltejs/kit';
import { storage } from '$lib/server/storage';

export const GET = () => json({ id: storage().log.headId() });
