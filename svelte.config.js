import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		// The origin check on form actions stays on: it is the app's CSRF defence.
		csrf: { trustedOrigins: [] }
	}
};

export default config;
