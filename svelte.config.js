import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// Vite's dev server injects <style> elements; the production build has none.
const dev = process.argv.includes('dev');

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// BUILD_DIR: the output folder, build/ unless set (the tests build their own; server.js reads it).
		adapter: adapter({ out: process.env.BUILD_DIR || 'build' }),
		// The origin check on form actions stays on: it is the app's CSRF defence.
		csrf: { trustedOrigins: [] },
		// SvelteKit adds a hash for each inline script it writes; nothing else runs inline. A hash,
		// not a nonce, so two renders of the same page are the same bytes (the public page cache).
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': dev ? ['self', 'unsafe-inline'] : ['self'],
				// SvelteKit's route announcer carries a style attribute; attributes cannot run code.
				'style-src-attr': ['unsafe-inline'],
				'img-src': ['self', 'data:'],
				'connect-src': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none'],
				'base-uri': ['none'],
				'object-src': ['none']
			}
		}
	}
};

export default config;
