const browsers: [RegExp, string][] = [
	[/Edg\//, 'Edge'],
	[/OPR\/|Opera/, 'Opera'],
	[/Firefox\//, 'Firefox'],
	[/HeadlessChrome\//, 'Headless Chrome'],
	[/Chrome\/|Chromium\//, 'Chrome'],
	[/Safari\//, 'Safari'],
	[/curl\//, 'curl'],
	[/node|undici/i, 'Node.js']
];

const systems: [RegExp, string][] = [
	[/Android/, 'Android'],
	[/iPhone|iPad|iPod/, 'iOS'],
	[/Windows/, 'Windows'],
	[/Mac OS X|Macintosh/, 'macOS'],
	[/CrOS/, 'ChromeOS'],
	[/Linux/, 'Linux']
];

/** A person recognises "Firefox on Windows", not a user-agent string. */
export function describeUserAgent(userAgent: string): string {
	const browser = browsers.find(([pattern]) => pattern.test(userAgent))?.[1];
	const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1];
	if (browser && system) return `${browser} on ${system}`;
	return browser ?? system ?? 'Unknown device';
}
