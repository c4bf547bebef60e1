import type { BeforeNavigate, HandleClientError } from '@sveltejs/kit';
import { navigating, updated } from '$app/state';

/*
 * After a deploy, an open page still runs the old code, whose files the new build no longer has.
 * Its next navigation loads the new page in full rather than failing or mixing old code with
 * new data (docs/decisions.md, "Built files and new versions"). The page's stream is what
 * tells it: a deploy restarts the server, so every stream reconnects, and a page asks which
 * version the server has then (one small request per reconnect, no polling).
 */

/** The stream reconnected: the server may be a new version (marked on <html> for the e2e suite). */
export function checkForNewVersion(): void {
	void updated.check().then((isNew) => {
		if (isNew) document.documentElement.dataset.newVersion = 'true';
	});
}

/** Root layout's beforeNavigate: with a new version known, the next page loads in full. */
export const loadInFullWhenUpdated = ({ willUnload, to }: BeforeNavigate): void => {
	if (updated.current && !willUnload && to?.url) location.href = to.url.href;
};

/**
 * Vite announces every built file the browser could not load. Each import of a missing file
 * fails with its own error, and SvelteKit may hand on any of them (a hovered link's preload and
 * the click that reuses it import the same page), so every such error is remembered.
 */
const missingCode = new WeakSet<object>();
if (typeof window !== 'undefined') {
	addEventListener('vite:preloadError', (event) => {
		const payload = (event as Event & { payload?: unknown }).payload;
		if (typeof payload === 'object' && payload !== null) missingCode.add(payload);
	});
}

/**
 * A navigation whose page's code could not be loaded (gone, and the version SvelteKit checked
 * did not change: a build replaced in place, files cleaned up) loads that page in full, as
 * SvelteKit does itself when the version changed, rather than showing an error. Only a
 * navigation under way: a hovered link's preload that fails changes nothing, and a page whose
 * own code fails while it starts stays as the server rendered it (no reload loop).
 */
export const loadInFullWhenCodeIsMissing: HandleClientError = ({ error, event }) => {
	const isMissingCode = typeof error === 'object' && error !== null && missingCode.has(error);
	if (isMissingCode && navigating.to?.url.href === event.url.href) {
		location.href = event.url.href;
		// SvelteKit waits for this answer: the page it would show instead is never drawn.
		return new Promise<never>(() => {});
	}
	console.error(error);
};
