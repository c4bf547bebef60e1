import { interestMark, interestUnmark } from '$lib/server/api-changes/changes';
import { kitRoute } from '$lib/server/api-changes/kit-route';

export const PUT = kitRoute(interestMark);

export const DELETE = kitRoute(interestUnmark);
