// `npm start` on a fresh clone: build once if there is no build yet, then serve it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('build/index.js')) {
	console.log('No build/ yet: building the app once (npm run build).');
	const built = spawnSync('npm', ['run', 'build'], {
		stdio: 'inherit',
		shell: process.platform === 'win32'
	});
	if (built.status !== 0) process.exit(built.status ?? 1);
}
await import('../server.js');
