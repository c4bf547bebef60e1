import { describe, expect, it } from 'vitest';
import { describeUserAgent } from '$lib/client/user-agent';

describe('device names in the sessions list', () => {
	it('name the browser and the system a person recognises', () => {
		expect(
			describeUserAgent(
				'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
			)
		).toBe('Firefox on Windows');
		expect(
			describeUserAgent(
				'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
			)
		).toBe('Safari on iOS');
		expect(
			describeUserAgent(
				'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0'
			)
		).toBe('Edge on Linux');
		expect(describeUserAgent('curl/8.5.0')).toBe('curl');
		expect(describeUserAgent('')).toBe('Unknown device');
	});
});
