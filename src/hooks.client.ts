import type { ClientInit } from '@sveltejs/kit';
import { keepPageWhenUnreachable } from '$lib/client/unreachable';

export const init: ClientInit = () => keepPageWhenUnreachable();
