import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTestBuild } from '../helpers/build';
import { rawRequest } from '../helpers/raw-http';
import { startServer, type TestServer } from '../helpers/server';

/*
 * The built files of a copy of the build, which the test changes under the running server as a
 * deploy or a clean-up would: a file gone is a 404, whichever copy the browser asked for, and
 * the server goes on answering.
 */

const build = copyTestBuild();
const clientDir = join(build.buildDir, 'client');
let server: TestServer;

beforeAll(async () => {
	server = await startServer({ BUILD_DIR: build.buildDir });
});
afterAll(async () => {
	await server?.close();
	build.remove();
});

/** Built scripts that have both compressed copies, by their path under `client/`. */
const scripts = readdirSync(join(clientDir, '_app/immutable/chunks'))
	.filter((name) => name.endsWith('.js'))
	.map((name) => `_app/immutable/chunks/${name}`)
	.filter((path) => {
		const all = readdirSync(join(clientDir, '_app/immutable/chunks'));
		const name = path.split('/').at(-1)!;
		return all.includes(`${name}.br`) && all.includes(`${name}.gz`);
	});

const encodings = [undefined, 'gzip', 'br', 'gzip, deflate, br, zstd'];

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
	rawRequest(`${server.url}/${path}`, headers, method);

async function stillAnswers() {
	expect(server.process.exitCode, server.output()).toBeNull();
	const health = await get('api/health');
	expect(health.status).toBe(200);
}

describe('built files', () => {
	it('a file removed after the start is a 404 for every encoding asked, and the server lives on', async () => {
		const path = scripts[0];
		for (const suffix of ['', '.br', '.gz']) rmSync(join(clientDir, path + suffix));
		for (const encoding of encodings) {
			const answer = await get(path, encoding ? { 'accept-encoding': encoding } : {});
			expect(answer.status, encoding).toBe(404);
			expect(answer.headers['cache-control'], encoding).toBe('no-cache');
			await stillAnswers();
		}
		expect((await get(path, {}, 'HEAD')).status).toBe(404);
		await stillAnswers();
	});

	it('only its compressed copy removed: the next copy the browser takes is sent', async () => {
		const path = scripts[1];
		const original = readFileSync(join(clientDir, path));
		rmSync(join(clientDir, `${path}.br`));
		const gzip = await get(path, { 'accept-encoding': 'br, gzip' });
		expect(gzip.status).toBe(200);
		expect(gzip.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(gzip.body).equals(original)).toBe(true);
		const plain = await get(path, { 'accept-encoding': 'br' });
		expect(plain.status).toBe(200);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.equals(original)).toBe(true);
		await stillAnswers();
	});

	it('a file that is there is sent as adapter-node sent it: compressed copies, a year, 304', async () => {
		const path = scripts[2];
		const original = readFileSync(join(clientDir, path));
		const br = await get(path, { 'accept-encoding': 'gzip, br' });
		expect(br.status).toBe(200);
		expect(br.headers['content-encoding']).toBe('br');
		expect(br.headers['content-type']).toBe('text/javascript');
		expect(br.headers['vary']).toBe('Accept-Encoding');
		expect(br.headers['cache-control']).toBe('public,max-age=31536000,immutable');
		expect(Number(br.headers['content-length'])).toBe(br.body.length);
		expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
		const again = await get(path, {
			'accept-encoding': 'gzip, br',
			'if-none-match': br.headers['etag'] as string
		});
		expect(again.status).toBe(304);
		expect(again.body.length).toBe(0);
		const head = await get(path, {}, 'HEAD');
		expect(head.status).toBe(200);
		expect(Number(head.headers['content-length'])).toBe(original.length);
		const query = await get(`${path}?v=1`);
		expect(query.body.equals(original)).toBe(true);
		expect((await get(path, {}, 'POST')).status).toBe(405);
	});

	it('a file rewritten after the start is sent whole, with its new length', async () => {
		// The old server sent the length it had read at its start, and the old file's tag.
		const versionFile = join(clientDir, '_app/version.json');
		const before = await get('_app/version.json');
		const rewritten = JSON.stringify({ version: 'a-rather-longer-version-than-before' });
		for (const suffix of ['', '.br', '.gz']) rmSync(versionFile + suffix, { force: true });
		writeFileSync(versionFile, rewritten);
		const after = await get('_app/version.json', { 'accept-encoding': 'gzip, br' });
		expect(after.status).toBe(200);
		expect(after.body.toString()).toBe(rewritten);
		expect(after.headers['content-type']).toBe('application/json');
		expect(after.headers['etag']).not.toBe(before.headers['etag']);
		const favicon = await get('favicon.svg');
		expect(favicon.status).toBe(200);
		expect(favicon.headers['content-type']).toBe('image/svg+xml');
		expect(favicon.headers['cache-control']).toBeUndefined();
	});
});
