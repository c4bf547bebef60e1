import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '$lib/server/request-pipeline';

describe('without ORIGIN only loopback hosts are served (DNS rebinding)', () => {
	it.each([
		'localhost',
		'localhost:3000',
		'LOCALHOST:3000',
		'localhost.:3000',
		'tide.localhost:3000',
		'127.0.0.1',
		'127.0.0.1:5400',
		'127.1.2.3:80',
		'127.1:3000',
		'[::1]',
		'[::1]:3000'
	])('serves %s', (host) => {
		expect(isLoopbackHost(host)).toBe(true);
	});

	it.each([
		'evil.example',
		'evil.example:3000',
		'localhost.evil.example',
		'127.0.0.1.nip.io:3000',
		'192.168.1.5:3000',
		'10.0.0.1',
		'0.0.0.0:3000',
		'[::]:3000',
		'[::ffff:127.0.0.1]:3000',
		'[fe80::1]',
		'localhost@evil.example',
		'evil.example/localhost',
		'evil.example#localhost',
		'localhost :3000',
		'',
		null,
		undefined
	])('refuses %s', (host) => {
		expect(isLoopbackHost(host)).toBe(false);
	});
});
