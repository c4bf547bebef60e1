import { existsSync } from 'node:fs';

const candidates = [
	process.env.CHROMIUM_PATH,
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome',
	'/usr/bin/google-chrome-stable'
];

/** The system Chromium: Playwright cannot download its own browser on our machines. */
export function findChromium(): string {
	const found = candidates.find((path) => path && existsSync(path));
	if (!found) {
		throw new Error(
			'No Chromium found for the e2e suite. Install it (Debian: `apt-get install -y chromium`) ' +
				'or set CHROMIUM_PATH to its executable. Looked in: ' +
				candidates.filter(Boolean).join(', ')
		);
	}
	return found;
}

export const chromiumArgs = [
	// Root cannot use Chromium's sandbox.
	...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
	'--disable-gpu',
	// The machine's closed network refuses Chromium's background connections.
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run'
];
