// `npm start` on a fresh clone: build once if there is no build yet, then serve it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// BUILD_DIR: the build to serve, as server.js reads it (and `npm run build` writes it).
const buildDir = resolve(import.meta.dirname, '..', process.env.BUILD_DIR || 'build');
if (!existsSync(resolve(buildDir, 'index.js'))) {
	console.log(
		`No ${process.env.BUILD_DIR || 'build'}/ yet: building the app once (npm run build).`
	);
	const built = spawnSync('npm', ['run', 'build'], {
		stdio: 'inherit',
		shell: process.platform === 'win32'
	});
	if (built.status !== 0) process.exit(built.status ?? 1);
}
await import('../server.js');
