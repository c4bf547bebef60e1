import type { ClientInit, HandleClientError } from '@sveltejs/kit';
import { keepPageWhenUnreachable, reloadForLostCode } from '$lib/client/unreachable';

export const init: ClientInit = () => keepPageWhenUnreachable();

export const handleError: HandleClientError = ({ error, event }) =>
	reloadForLostCode(error, event.url);
