import { loadInFullWhenCodeIsMissing } from '$lib/client/new-version';

export const handleError = loadInFullWhenCodeIsMissing;
