import type { ClientInit } from '@sveltejs/kit';
import { loadInFullWhenCodeIsMissing } from '$lib/client/new-version';
import { keepPageWhenUnreachable } from '$lib/client/unreachable';

export const init: ClientInit = () => keepPageWhenUnreachable();

export const handleError = loadInFullWhenCodeIsMissing;
