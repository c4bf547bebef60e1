import { isLoopbackHost } from './loopback-host';
import { logClientError } from './log';

/**
 * The app's own origin: ORIGIN when set, else what the request's Host names over plain http,
 * and then only for a loopback Host (null for any other: see loopback-host.ts). Written as the
 * URL parser writes it, as browsers write `Origin` (`127.1` is `127.0.0.1`, no `:80`).
 */
export function appOrigin(
	configured: string | undefined,
	host: string | null | undefined
): string | null {
	if (configured) return new URL(configured).origin;
	return isLoopbackHost(host) ? new URL(`http://${host}`).origin : null;
}

/** The methods that change nothing; any other is a change. */
const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export const foreignChangeMessage = 'changes are only accepted from pages of this app';

/**
 * Whether a change comes from a page of another origin and must be refused, whatever its
 * content type: a POST with no body needs no preflight, and the session cookie (SameSite=Lax)
 * goes along from any page of the same site — another port, a sibling subdomain. Browsers send
 * `Origin` with every change; where it is missing, `Sec-Fetch-Site` tells (`none` is the person
 * themself, typing or following a bookmark). A client that sends neither is no browser: an API
 * client, which a page cannot drive.
 */
export function isForeignChange(
	method: string,
	origin: string | null | undefined,
	fetchSite: string | null | undefined,
	ownOrigin: string
): boolean {
	if (readMethods.has(method)) return false;
	if (origin != null) return origin !== ownOrigin;
	if (fetchSite != null) return fetchSite !== 'same-origin' && fetchSite !== 'none';
	return false;
}

/** isForeignChange, logging a refusal as the client error it is. */
export function refusesForeignChange(
	request: { method: string; path: string; origin: string | null; fetchSite: string | null },
	ownOrigin: string
): boolean {
	const { method, path, origin, fetchSite } = request;
	if (!isForeignChange(method, origin, fetchSite, ownOrigin)) return false;
	logClientError({ method, path, status: 403, origin, fetchSite }, foreignChangeMessage);
	return true;
}
