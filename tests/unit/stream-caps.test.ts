import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { streamCapRefusal } from '$lib/server/stream/caps';
import { clientAddress } from '$lib/server/request-pipeline';

describe('the caps on open streams', () => {
	const caps = { perInstance: 10, perAddress: 3, perUser: 2 };

	it('an address at its cap is refused a stream without a session, not one with', () => {
		expect(streamCapRefusal({ all: 0, anonymousOfAddress: 2, ofUser: null }, caps)).toBeNull();
		expect(streamCapRefusal({ all: 3, anonymousOfAddress: 3, ofUser: null }, caps)).toMatch(
			/this address/
		);
		expect(streamCapRefusal({ all: 3, anonymousOfAddress: null, ofUser: 0 }, caps)).toBeNull();
	});

	it('a user at its cap is refused from any address', () => {
		expect(streamCapRefusal({ all: 0, anonymousOfAddress: null, ofUser: 1 }, caps)).toBeNull();
		expect(streamCapRefusal({ all: 0, anonymousOfAddress: null, ofUser: 2 }, caps)).toMatch(
			/this user/
		);
	});

	it('the instance at its cap refuses every stream, with a session or without', () => {
		expect(streamCapRefusal({ all: 9, anonymousOfAddress: 0, ofUser: null }, caps)).toBeNull();
		for (const open of [
			{ all: 10, anonymousOfAddress: 0, ofUser: null },
			{ all: 10, anonymousOfAddress: null, ofUser: 0 }
		]) {
			expect(streamCapRefusal(open, caps)).toMatch(/as many streams as it may/);
		}
	});
});

describe('the client address of an upgrade', () => {
	const request = (headers: Record<string, string>, remoteAddress = '10.0.0.9') =>
		({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

	it('is the peer of the socket unless a header is configured, as adapter-node has it', () => {
		const forwarded = request({ 'x-forwarded-for': '1.1.1.1, 2.2.2.2' });
		expect(clientAddress(forwarded, { XFF_DEPTH: 1 })).toBe('10.0.0.9');
		expect(clientAddress(forwarded, { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: 1 })).toBe(
			'2.2.2.2'
		);
		expect(clientAddress(forwarded, { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: 2 })).toBe(
			'1.1.1.1'
		);
		expect(
			clientAddress(request({ 'x-real-ip': '3.3.3.3' }), {
				ADDRESS_HEADER: 'x-real-ip',
				XFF_DEPTH: 1
			})
		).toBe('3.3.3.3');
	});

	it('is unknown when the configured header is missing or too short', () => {
		expect(
			clientAddress(request({}), { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: 1 })
		).toBeNull();
		expect(
			clientAddress(request({ 'x-forwarded-for': '1.1.1.1' }), {
				ADDRESS_HEADER: 'x-forwarded-for',
				XFF_DEPTH: 2
			})
		).toBeNull();
	});
});
