import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Handle } from '@sveltejs/kit';

/** gzip at zlib's default level, on libuv's thread pool rather than the event loop. */
export const gzipBytes = promisify(gzipCallback);

/**
 * The schedule's pages are large (about 700 bytes of HTML per entry) and read on phones on
 * crowded networks; gzip sends a tenth of that. adapter-node compresses the built assets ahead
 * of time but not what the app renders, and a self-hoster may run it without a proxy.
 */
const compressible = /^(text\/(html|calendar|xml|plain)|application\/(json|xml))\b/;

/** Below this, gzip's own header and CPU are not worth it. */
const minimumBytes = 1024;

/** True when the client takes gzip: named (or `*`) with a q-value above zero. */
export function acceptsGzip(header: string | null): boolean {
	return acceptsCoding(header, 'gzip');
}

/** True when the client takes `wanted` (`gzip`, `br`): named (or `*`) with a q-value above zero. */
export function acceptsCoding(header: string | null, wanted: string): boolean {
	if (!header) return false;
	let star = false;
	for (const part of header.split(',')) {
		const [coding, ...parameters] = part.trim().toLowerCase().split(';');
		const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
		const takes = q === undefined || Number(q.slice(2)) > 0;
		if (coding.trim() === wanted) return takes;
		if (coding.trim() === '*') star = takes;
	}
	return star;
}

/** The compressed bytes are another representation: the same tag stays only a weak match. */
function weakenEtag(headers: Headers) {
	const etag = headers.get('etag');
	if (etag && !etag.startsWith('W/')) headers.set('etag', `W/${etag}`);
}

/**
 * Compresses what GET requests are answered with. Never the answers of POSTs: those are the
 * only ones that carry a secret shown once (an invitation, a reset link, a calendar address)
 * beside what the request sent, the pair that compression-length attacks (BREACH) need.
 */
export const compress: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (event.request.method !== 'GET') return response;
	const gzip = acceptsGzip(event.request.headers.get('accept-encoding'));
	// A 304 names the representation the client holds: for a client that takes gzip, the
	// compressed one, whose tag is weak.
	if (response.status === 304 && gzip) weakenEtag(response.headers);
	if (response.status !== 200 || !response.body) return response;
	if (response.headers.has('content-encoding')) return response;
	if (!compressible.test(response.headers.get('content-type') ?? '')) return response;
	const length = response.headers.get('content-length');
	if (length !== null && Number(length) < minimumBytes) return response;
	// A cache must not hand the compressed copy to a client that did not ask for it, or back.
	if (!/\baccept-encoding\b/i.test(response.headers.get('vary') ?? '')) {
		response.headers.append('vary', 'Accept-Encoding');
	}
	if (!gzip) return response;

	const headers = new Headers(response.headers);
	headers.set('content-encoding', 'gzip');
	weakenEtag(headers);
	// A page is rendered whole before it is answered: one gzip call (off the event loop) costs
	// less than a compression stream's many small steps.
	if (response.headers.get('content-type')?.startsWith('text/html')) {
		const packed = new Uint8Array(await gzipBytes(await response.arrayBuffer()));
		headers.set('content-length', String(packed.length));
		return new Response(packed, {
			status: response.status,
			statusText: response.statusText,
			headers
		});
	}
	headers.delete('content-length');
	return new Response(response.body.pipeThrough(new CompressionStream('gzip')), {
		status: response.status,
		statusText: response.statusText,
		headers
	});
};
