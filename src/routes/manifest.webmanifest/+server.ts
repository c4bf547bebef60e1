import { readSnapshot } from '$lib/server/load';
import { currentSettings } from '$lib/server/settings/current-settings';
import type { RequestHandler } from './$types';

/** The web app manifest: the app installs under the gathering's name (docs/offline.md). */
export const GET: RequestHandler = async () => {
	const { data: settings } = await readSnapshot(currentSettings);
	const manifest = {
		name: settings.name,
		short_name: settings.name.length <= 12 ? settings.name : 'Schedule',
		description: `The live schedule of ${settings.name}`,
		start_url: '/',
		scope: '/',
		display: 'standalone',
		background_color: '#ffffff',
		theme_color: '#0b4f6c',
		icons: [
			{ src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
			{ src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
			{ src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
			{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' }
		]
	};
	return new Response(JSON.stringify(manifest), {
		headers: { 'content-type': 'application/manifest+json', 'cache-control': 'no-cache' }
	});
};
