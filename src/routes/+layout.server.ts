import { readLayoutSnapshot } from '$lib/server/load';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, depends }) => {
	depends('app:session');
	return readLayoutSnapshot(locals.session, locals.notice, locals.standIn);
};
