import { shiftLeave, shiftTake } from '$lib/server/api-changes/changes';
import { kitRoute } from '$lib/server/api-changes/kit-route';

export const POST = kitRoute(shiftTake);

export const DELETE = kitRoute(shiftLeave);
