import { readdirSync, statSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { acceptsCoding } from './compression';
import { securityHeaders } from './security-headers';

/**
 * The built files (adapter-node's `client/`: the app's code, styles and `static/`), answered
 * before adapter-node's own file server. That one lists the files once at start and, for a file
 * gone since (a deploy, a clean-up), opens a stream whose error nothing handles: the process
 * exits. Here every file is opened when asked for; one that is gone is a 404, and one that fails
 * while being read ends that answer only. The paths taken are the ones adapter-node's server
 * would answer, so it never answers one of them itself.
 */
interface Variant {
	file: string;
	encoding: 'br' | 'gzip' | null;
	/** The name the type is read from: the file's, less `.br` or `.gz`. */
	name: string;
}

const types: Record<string, string> = {
	js: 'text/javascript',
	mjs: 'text/javascript',
	css: 'text/css',
	json: 'application/json',
	map: 'application/json',
	webmanifest: 'application/manifest+json',
	html: 'text/html;charset=utf-8',
	htm: 'text/html;charset=utf-8',
	txt: 'text/plain',
	xml: 'application/xml',
	svg: 'image/svg+xml',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	avif: 'image/avif',
	ico: 'image/x-icon',
	woff: 'font/woff',
	woff2: 'font/woff2',
	ttf: 'font/ttf',
	otf: 'font/otf',
	wasm: 'application/wasm',
	pdf: 'application/pdf'
};

/**
 * Lists the built files in `dir` (the build's `client/` folder) now; the function it returns
 * answers a request for one of them, or returns false when the path names none.
 */
export function createStaticFiles(
	dir: string
): (request: IncomingMessage, response: ServerResponse) => boolean {
	const paths = listFiles(dir);
	return (request, response) => answerStaticFile(request, response, paths);
}

function answerStaticFile(
	request: IncomingMessage,
	response: ServerResponse,
	paths: Map<string, Variant[]>
): boolean {
	const variants = paths.get(requestPath(request.url ?? '/'));
	if (!variants) return false;
	if (request.method !== 'GET' && request.method !== 'HEAD') {
		response.writeHead(405, { ...securityHeaders(), allow: 'GET, HEAD', 'content-length': '0' });
		response.end();
		return true;
	}
	const header = request.headers['accept-encoding'] ?? null;
	const wanted = variants.filter(
		(variant) => variant.encoding === null || acceptsCoding(header, variant.encoding)
	);
	sendFirst(request, response, wanted).catch(() => {
		if (response.headersSent) response.destroy();
		else writeText(response, 500, 'Internal Error', request.method);
	});
	return true;
}

/** The path as adapter-node's file server reads it: no query, percent-decoded, no final slash. */
function requestPath(url: string): string {
	let path = url.split('?')[0];
	if (path.includes('%')) {
		try {
			path = decodeURI(path);
		} catch {
			// Left as it is: no file is named so.
		}
	}
	return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * Every path a file answers, with its variants best first: brotli, then gzip, then the file
 * itself; `/a.html` also answers `/a`, and `/a/index.html` answers `/a` (as adapter-node does).
 * Dotfiles are not served (but `.well-known`).
 */
function listFiles(dir: string): Map<string, Variant[]> {
	const paths = new Map<string, Variant[]>();
	const rank = { br: 0, gzip: 1, none: 2 };
	const add = (path: string, variant: Variant) => {
		const list = paths.get(path) ?? [];
		list.push(variant);
		list.sort((a, b) => rank[a.encoding ?? 'none'] - rank[b.encoding ?? 'none']);
		paths.set(path, list);
	};
	for (const name of walk(dir, '')) {
		const encoding = name.endsWith('.br') ? 'br' : name.endsWith('.gz') ? 'gzip' : null;
		const plain = encoding ? name.slice(0, -3) : name;
		const variant = { file: join(dir, name), encoding, name: plain } as const;
		add(`/${name}`, { ...variant, encoding: null, name });
		if (encoding) add(`/${plain}`, variant);
		const page = /^(.*)\.html?$/.exec(plain);
		if (page) {
			add(`/${page[1]}`, variant);
			const index = /^(?:(.*)\/)?index$/.exec(page[1]);
			if (index) add(`/${index[1] ?? ''}`, variant);
		}
	}
	return paths;
}

function* walk(dir: string, prefix: string): Generator<string> {
	for (const entry of readdirSync(join(dir, prefix))) {
		const name = prefix ? `${prefix}/${entry}` : entry;
		if (entry.startsWith('.') && entry !== '.well-known') continue;
		if (statSync(join(dir, name)).isDirectory()) yield* walk(dir, name);
		else yield name;
	}
}

/** Sends the first variant that can still be opened; a 404 when none can. */
async function sendFirst(
	request: IncomingMessage,
	response: ServerResponse,
	variants: Variant[]
): Promise<void> {
	for (const variant of variants) {
		let handle: FileHandle;
		try {
			handle = await open(variant.file, 'r');
		} catch {
			continue;
		}
		try {
			const stats = await handle.stat();
			if (!stats.isFile()) continue;
			await send(request, response, variant, stats, handle);
			return;
		} finally {
			await handle.close().catch(() => {});
		}
	}
	writeText(response, 404, 'Not Found', request.method);
}

function writeText(response: ServerResponse, status: number, body: string, method?: string) {
	response.writeHead(status, {
		...securityHeaders(),
		'content-type': 'text/plain;charset=utf-8',
		'content-length': String(body.length),
		// The file may come back (a deploy rolled back): no cache should keep its absence.
		'cache-control': 'no-cache'
	});
	response.end(method === 'HEAD' ? undefined : body);
}

/** The open file, read from its handle: a file removed meanwhile is still read whole. */
async function send(
	request: IncomingMessage,
	response: ServerResponse,
	variant: Variant,
	stats: Stats,
	handle: FileHandle
): Promise<void> {
	const extension = variant.name.slice(variant.name.lastIndexOf('.') + 1).toLowerCase();
	const etag = `W/"${stats.size}-${stats.mtime.getTime()}"`;
	const headers: Record<string, string> = {
		...securityHeaders(),
		vary: 'Accept-Encoding',
		etag,
		'last-modified': stats.mtime.toUTCString()
	};
	// Their names change with their content: kept a year (as adapter-node does).
	if (variant.name.startsWith('_app/immutable/')) {
		headers['cache-control'] = 'public,max-age=31536000,immutable';
	}
	if (request.headers['if-none-match'] === etag) {
		response.writeHead(304, headers);
		response.end();
		return;
	}
	headers['content-type'] = types[extension] ?? 'application/octet-stream';
	headers['content-length'] = String(stats.size);
	if (variant.encoding) headers['content-encoding'] = variant.encoding;
	// Ranges are not offered: the whole file is a valid answer to any request, and these are small.
	response.writeHead(200, headers);
	if (request.method === 'HEAD') {
		response.end();
		return;
	}
	// A read that fails now (a disk error) can only end this answer: its status is sent.
	await pipeline(handle.createReadStream({ autoClose: false }), response);
}
