/**
 * Without ORIGIN the app takes its own origin from the request's Host, which any page can name
 * through DNS rebinding (a foreign name that resolves to 127.0.0.1). So the default serves only
 * names that cannot be rebound: loopback names and addresses. Anything else needs ORIGIN.
 */
export function isLoopbackHost(host: string | null | undefined): boolean {
	if (!host || /[/\\@?#\s]/.test(host)) return false;
	let hostname: string;
	try {
		// The URL parser lowercases names and normalises IPv4 forms such as 127.1 or 0x7f.0.0.1.
		hostname = new URL(`http://${host}`).hostname;
	} catch {
		return false;
	}
	if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
	return (
		hostname === 'localhost' ||
		hostname.endsWith('.localhost') ||
		/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) ||
		hostname === '[::1]'
	);
}

export const loopbackOnlyMessage =
	'without ORIGIN this server answers only on localhost, 127.0.0.1 and [::1]; ' +
	'to serve it under another name, set ORIGIN to its public origin (e.g. https://tide.example.org)';
