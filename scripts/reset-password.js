// `npm run reset-password -- <name> [--origin <url>] [--hours <n>]`: prints a single-use
// password reset link for the user, for when no admin can log in. It writes to the live
// database while the app keeps running (WAL lets both write, one at a time).
//
// Plain JavaScript like backup.js, so it runs without a build: it writes the rows that
// src/lib/server/password-reset/password-reset-store.ts reads, with the same SQL, and makes the
// token as src/lib/server/auth/secret-token.ts does. Keep them alike; the integration tests use
// its links through the running app.
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const usage = 'Usage: npm run reset-password -- <name> [--origin https://example.org] [--hours 24]';
const defaultHours = 24;
const maxHours = 72;
const migrationNeeded = 6;

function fail(message, code = 1) {
	console.error(message);
	process.exit(code);
}

let parsed;
try {
	parsed = parseArgs({
		allowPositionals: true,
		options: { origin: { type: 'string' }, hours: { type: 'string' } }
	});
} catch (error) {
	fail(`${error instanceof Error ? error.message : error}\n${usage}`, 2);
}
const name = parsed.positionals.join(' ').trim();
if (!name) fail(usage, 2);

const hours = Number(parsed.values.hours ?? defaultHours);
if (!(hours > 0 && hours <= maxHours))
	fail(`--hours must be more than 0 and at most ${maxHours}.`, 2);

const origin = parsed.values.origin || process.env.ORIGIN || '';
if (origin) {
	try {
		new URL(origin);
	} catch {
		fail(
			`Not a URL: ${origin} (give the public origin, such as https://tidewatch.example.org).`,
			2
		);
	}
}

const path = process.env.DATABASE_PATH || './data/tidewatch.db';
if (path === ':memory:' || !existsSync(path)) fail(`No database at ${path} (set DATABASE_PATH).`);

const db = new Database(path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
try {
	const migrated = db
		.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migration'")
		.get();
	const version = migrated && db.prepare('SELECT MAX(version) FROM migration').pluck().get();
	if (!version || version < migrationNeeded) {
		fail(
			`The database at ${path} is older than this command: start this version of Tidewatch once.`
		);
	}

	const token = randomBytes(32).toString('base64url');
	const now = Date.now();
	const expiresAt = now + Math.round(hours * 3_600_000);
	const id = randomBytes(10).toString('base64url');
	const user = db
		.transaction(() => {
			const found = db
				.prepare('SELECT id, name, suspended_at FROM user WHERE name = ? COLLATE NOCASE')
				.get(name);
			if (!found || found.suspended_at !== null) return found;
			// A new link replaces the user's earlier unused ones, as the admin's does.
			db.prepare('DELETE FROM password_reset WHERE user_id = ? AND used_at IS NULL').run(found.id);
			db.prepare(
				`INSERT INTO password_reset (id, token_hash, user_id, created_by, created_at, expires_at)
				VALUES (?, ?, ?, NULL, ?, ?)`
			).run(id, createHash('sha256').update(token).digest('hex'), found.id, now, expiresAt);
			// As audit-store.ts's recordAudit writes it; no actor: the operator is not a user.
			db.prepare(
				`INSERT INTO audit (at, actor_id, actor_name, action, target_id, target_name, detail)
				VALUES (?, NULL, NULL, 'password-reset-create', ?, ?, ?)`
			).run(now, found.id, found.name, `${id}, by the operator's command`);
			return found;
		})
		.immediate();
	if (!user) fail(`No user named "${name}". Names are compared ignoring case.`);
	if (user.suspended_at !== null) {
		fail(`${user.name} is suspended: a link would not work. Lift the suspension first.`);
	}

	const link = `/reset-password?token=${token}`;
	const until = new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z');
	console.log(`Password reset link for ${user.name}, valid once until ${until}:`);
	if (origin) console.log(new URL(link, origin).href);
	else {
		console.log(link);
		console.log('Put the address of your Tidewatch in front (or pass --origin or set ORIGIN).');
	}
	console.log('Give it only to that person: whoever opens it can set the password.');
} finally {
	db.close();
}
