import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isForeignChange, requestOrigin, type RequestHead } from '$lib/server/request-pipeline';

/** requestOrigin for a request with this Host (and other headers), under this configuration. */
function appOrigin(
	ORIGIN: string | undefined,
	host: string | undefined,
	headers: Record<string, string> = {},
	names: { PROTOCOL_HEADER?: string; HOST_HEADER?: string; PORT_HEADER?: string } = {}
): string | null {
	const head: RequestHead = {
		method: 'GET',
		target: '/',
		header: (name) => (name === 'host' ? host : headers[name])
	};
	return requestOrigin(head, { ORIGIN, ...names });
}

const own = 'https://tide.example';
const fetchSites = ['same-origin', 'same-site', 'cross-site', 'none', 'bogus'];

describe('a change is refused when its Origin or Sec-Fetch-Site names another origin', () => {
	it('matches the rule for every method, Origin and Sec-Fetch-Site', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND'),
				fc.option(
					fc.oneof(
						fc.constantFrom(own, 'null', '', 'https://tide.example:443', 'http://tide.example'),
						fc
							.tuple(
								fc.constantFrom('http', 'https'),
								fc.constantFrom('tide.example', 'wiki.tide.example', '127.0.0.1', 'localhost'),
								fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })
							)
							.map(([scheme, host, port]) => `${scheme}://${host}${port ? `:${port}` : ''}`)
					),
					{ nil: null }
				),
				fc.option(fc.constantFrom(...fetchSites), { nil: null }),
				(method, origin, fetchSite) => {
					const change = !['GET', 'HEAD', 'OPTIONS'].includes(method);
					const fromElsewhere =
						origin !== null
							? origin !== own
							: fetchSite !== null && fetchSite !== 'same-origin' && fetchSite !== 'none';
					expect(isForeignChange(method, origin, fetchSite, own)).toBe(change && fromElsewhere);
				}
			)
		);
	});

	it('lets through the app, the person typing, and clients that send neither header', () => {
		expect(isForeignChange('POST', own, null, own)).toBe(false);
		expect(isForeignChange('POST', own, 'cross-site', own)).toBe(false);
		expect(isForeignChange('POST', null, 'same-origin', own)).toBe(false);
		expect(isForeignChange('POST', null, 'none', own)).toBe(false);
		expect(isForeignChange('POST', null, null, own)).toBe(false);
	});

	it('refuses a sibling subdomain, another port, an opaque origin and same-site without Origin', () => {
		expect(isForeignChange('POST', 'https://wiki.tide.example', null, own)).toBe(true);
		expect(isForeignChange('POST', 'https://tide.example:8443', null, own)).toBe(true);
		expect(isForeignChange('DELETE', 'null', null, own)).toBe(true);
		expect(isForeignChange('PUT', null, 'same-site', own)).toBe(true);
	});
});

describe("the app's origin", () => {
	it('is ORIGIN when set, whatever the Host', () => {
		expect(appOrigin('https://tide.example/', 'evil.example')).toBe('https://tide.example');
		expect(appOrigin('https://tide.example:443', undefined)).toBe('https://tide.example');
	});

	it('is http:// and a loopback Host without ORIGIN, written as browsers write Origin', () => {
		expect(appOrigin(undefined, '127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
		expect(appOrigin(undefined, 'LocalHost:3000')).toBe('http://localhost:3000');
		expect(appOrigin(undefined, '127.1:3000')).toBe('http://127.0.0.1:3000');
		expect(appOrigin(undefined, 'localhost:80')).toBe('http://localhost');
		expect(appOrigin(undefined, '[::1]:3000')).toBe('http://[::1]:3000');
	});

	it('is none for any other Host without ORIGIN', () => {
		expect(appOrigin(undefined, 'tide.example')).toBeNull();
		expect(appOrigin(undefined, undefined)).toBeNull();
		expect(appOrigin(undefined, '127.0.0.1/evil.example')).toBeNull();
	});

	it("without ORIGIN, is what adapter-node's PROTOCOL_HEADER, HOST_HEADER and PORT_HEADER name, still only on loopback", () => {
		const names = {
			PROTOCOL_HEADER: 'x-forwarded-proto',
			HOST_HEADER: 'x-forwarded-host',
			PORT_HEADER: 'x-forwarded-port'
		};
		const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'localhost' };
		expect(appOrigin(undefined, '127.0.0.1:3000', forwarded, names)).toBe('https://localhost');
		expect(
			appOrigin(undefined, '127.0.0.1:3000', { ...forwarded, 'x-forwarded-port': '8443' }, names)
		).toBe('https://localhost:8443');
		// adapter-node assumes https when its protocol header is missing.
		expect(appOrigin(undefined, 'localhost:3000', {}, names)).toBe('https://localhost:3000');
		expect(
			appOrigin(undefined, 'localhost:3000', { 'x-forwarded-host': 'tide.example' }, names)
		).toBeNull();
		const bad: Record<string, string>[] = [
			{ 'x-forwarded-proto': 'javascript' },
			{ 'x-forwarded-port': '80a' }
		];
		for (const headers of bad) {
			expect(appOrigin(undefined, 'localhost:3000', headers, names)).toBeNull();
		}
	});
});
