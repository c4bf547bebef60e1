import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The app's commands (src/lib/server/commands/main.ts) as one plain module beside the app's
// build: `build/commands.js`, or in the folder BUILD_DIR names. `npm run build` runs it after
// SvelteKit's build, which empties that folder first. Packages stay imports, as in the app.
export default defineConfig({
	resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
	build: {
		ssr: 'src/lib/server/commands/main.ts',
		outDir: process.env.BUILD_DIR || 'build',
		emptyOutDir: false,
		copyPublicDir: false,
		target: 'node20',
		minify: false,
		rollupOptions: { output: { entryFileNames: 'commands.js' } }
	}
});
