// `node scripts/command.js <command> [arguments]`, behind `npm run reset-password` and
// `npm run backup`: runs one of the app's commands from the build (`build/commands.js`, or in
// the folder BUILD_DIR names), where `npm run build` bundles them with the app's own rules and
// storage (src/lib/server/commands/).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const buildDir = process.env.BUILD_DIR || 'build';
const commands = join(resolve(import.meta.dirname, '..', buildDir), 'commands.js');
if (!existsSync(commands)) {
	console.error(`No ${join(buildDir, 'commands.js')}: run \`npm run build\` first.`);
	process.exit(1);
}
// It reads its command and arguments from process.argv, laid out as if it had been run itself.
await import(pathToFileURL(commands).href);
