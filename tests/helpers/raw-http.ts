import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** An answer as it came over the wire: its body still compressed when it was sent so. */
export interface RawAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** One request with exactly these headers (fetch would add its own and unpack the body). */
export function rawRequest(
	url: string,
	headers: Record<string, string> = {},
	method = 'GET',
	body?: string
): Promise<RawAnswer> {
	return new Promise((done, fail) => {
		const req = request(url, { method, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () =>
				done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) })
			);
		});
		req.on('error', fail);
		req.end(body);
	});
}

/** A GET as a phone sends it, gzip taken. */
export const phoneGet = (url: string, headers: Record<string, string> = {}) =>
	rawRequest(url, { 'accept-encoding': 'gzip', ...headers });

/** The body as text, unpacked when it came gzipped. */
export const unpacked = (answer: RawAnswer) =>
	(answer.headers['content-encoding'] === 'gzip' ? gunzipSync(answer.body) : answer.body).toString(
		'utf8'
	);
