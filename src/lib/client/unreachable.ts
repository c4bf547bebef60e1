import type { NavigationType, SubmitFunction } from '@sveltejs/kit';
import { writable } from 'svelte/store';
import { enhance as enhanceForm } from '$app/forms';
import { invalidate } from '$app/navigation';
import { navigating } from '$app/state';

/*
 * When the server cannot be reached (offline, the server down, a proxy's error page instead of
 * the app's answer), the page stays as it was and says so, and the same click tries again.
 * Left alone, SvelteKit turns a failed form post into the error page, and a failed navigation
 * into a full page load that shows the browser's own error page (docs/decisions.md).
 */

export const unreachableMessage = 'Could not reach the server; try again.';

/**
 * A post or navigation that could not reach the server: the layout says so at the foot of the
 * screen, in view however far down the button or link was, until an answer comes again.
 */
export const unreachable = writable(false);

/**
 * SvelteKit's `enhance`, but an answer that never came leaves the page as it was, with the
 * layout's notice, rather than the error page; the form keeps what was entered, so pressing it
 * again is the retry. Every form of the app uses this one.
 */
export function enhance(form: HTMLFormElement, submit: SubmitFunction = () => {}) {
	return enhanceForm(form, async (input) => {
		const callback = await submit(input);
		const pressed = document.activeElement;
		return async (options) => {
			// The answer may have come by the stream first, or come while the update runs, and a
			// new button taken the focus.
			const focused = document.activeElement;
			let taken: Element | null = null;
			const noteFocus = (event: FocusEvent) => {
				if (event.target instanceof Element && !isLost(event.target)) taken = event.target;
			};
			document.addEventListener('focusin', noteFocus);
			// An error with no status is one the app did not answer: a network failure, or a
			// body that was not the app's (a proxy's error page).
			const lost = options.result.type === 'error' && options.result.status === undefined;
			unreachable.set(lost);
			// The form's own callback still runs (it may restore a control), with nothing to apply.
			const update = lost ? async () => {} : options.update;
			try {
				if (callback) await callback({ ...options, update });
				else await update();
			} finally {
				document.removeEventListener('focusin', noteFocus);
			}
			// SvelteKit moves the focus to the page's start after an action, as after a new page:
			// a keyboard user would start again from the top. It stays on what they pressed.
			if (!isLost(document.activeElement)) return;
			const again = [taken, focused, pressed].find(
				(element) => element instanceof HTMLElement && element.isConnected && !isLost(element)
			);
			if (again instanceof HTMLElement) again.focus({ preventScroll: true });
		};
	});
}

const isLost = (element: Element | null) => !element || element === document.body;

/** Navigations that leave the page; an invalidation or a preload keeps SvelteKit's own way. */
const leaving: readonly NavigationType[] = ['link', 'goto', 'form'];

/** The page a `__data.json` request loads, when it is the one the current navigation waits for. */
function awaitedNavigation(input: RequestInfo | URL): boolean {
	const to = navigating.to?.url;
	if (!to || !navigating.type || !leaving.includes(navigating.type)) return false;
	const url = new URL(input instanceof Request ? input.url : String(input), location.href);
	if (url.origin !== location.origin || !url.pathname.endsWith('/__data.json')) return false;
	const pathname = url.pathname.slice(0, -'/__data.json'.length) || '/';
	return pathname === (to.pathname.replace(/\/$/, '') || '/');
}

/**
 * SvelteKit reads a page's data through `window.fetch` (it allows a wrapped one). When the data
 * of a page being navigated to cannot be fetched, it loads that page in full, and the browser
 * shows its own error page instead of ours. Here such a navigation is left waiting for ever,
 * as SvelteKit's own full load would: the current page stays, says why, and the next click on
 * the link starts a new navigation, which supersedes it.
 */
export function keepPageWhenUnreachable(): void {
	const fetchPage = window.fetch;
	window.fetch = async (input, init) => {
		if (!awaitedNavigation(input)) return fetchPage(input, init);
		try {
			const response = await fetchPage(input, init);
			const fromApp = response.headers.get('content-type')?.includes('application/json');
			if (response.ok || fromApp || ![502, 503, 504].includes(response.status)) return response;
		} catch (error) {
			if (error instanceof DOMException && error.name === 'AbortError') throw error;
		}
		unreachable.set(true);
		// SvelteKit may keep this navigation as the answer to the next click on the same link
		// (a preload it took over); an invalidation that reloads nothing drops it.
		void invalidate(() => false);
		return new Promise<Response>(() => {});
	};
}
