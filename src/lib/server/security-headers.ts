import { getConfig } from './config';

/** What every answer of the app carries; pages also get their CSP from svelte.config.js. */
export function securityHeaders(): Record<string, string> {
	return {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'same-origin',
		'x-frame-options': 'DENY',
		// Only an https ORIGIN says the app is reached over TLS; plain http must not pin it.
		...(getConfig().ORIGIN?.startsWith('https:')
			? { 'strict-transport-security': 'max-age=31536000' }
			: {})
	};
}
