import type { IncomingMessage, ServerResponse } from 'node:http';
import { blankSessionCookieHeader, sessionCookieHeader } from '../auth/cookie';
import { checkSessionToken } from '../auth/session-check';
import { getConfig } from '../config';
import { isJsonType, maxBodyBytes, parseJsonBytes, tooLargeMessage } from '../http';
import { log } from '../log';
import { writeJson } from '../node-json';
import { Refusal } from '../refusal';
import {
	guardRequest,
	nodeHead,
	requestOrigin,
	sessionToken,
	type RequestHead
} from '../request-pipeline';
import { securityHeaders } from '../security-headers';
import type { ChangeAnswer } from './api-change';
import { matchDirectRoute } from './direct-routes';

/**
 * The direct path: the busiest changes of the API answered straight from Node's request,
 * before SvelteKit builds its web Request, request store and Response around them, which was
 * about half of a change's server CPU (docs/performance.md). It does what the hooks and the
 * SvelteKit route would, in their order and with the same request pipeline
 * (request-pipeline.ts): security headers, the guards, the session cookie and its check
 * (rotation included), then the same `ApiChange`. Whatever it is not sure to answer alike it
 * leaves to SvelteKit by returning false before touching the request.
 */
export function answerDirectly(request: IncomingMessage, response: ServerResponse): boolean {
	const route = matchDirectRoute(request.method, request.url);
	if (!route) return false;
	const type = request.headers['content-type'];
	// A form type would meet SvelteKit's cross-site check; a body of another type its 400.
	if (route.change.schema ? !isJsonType(type) : type !== undefined && !isJsonType(type)) {
		return false;
	}
	const config = getConfig();
	const host = request.headers.host;
	// A Host SvelteKit might read otherwise, or an origin adapter-node would refuse, is left to it.
	if (!config.ORIGIN && (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host))) return false;
	const head = nodeHead(request);
	const origin = requestOrigin(head, config);

	const answer = new DirectAnswer(request, response, head, origin);
	try {
		const refusal = guardRequest(head, origin);
		if (refusal) return answer.json(refusal.status, { message: refusal.message });
		answer.answer(route).catch((error) => answer.fail(error));
	} catch (error) {
		answer.fail(error);
	}
	return true;
}

class DirectAnswer {
	/** Beside the security headers, which every answer gets. */
	private readonly headers: Record<string, string> = {};
	private ended = false;

	private readonly secure: boolean;

	constructor(
		private readonly request: IncomingMessage,
		private readonly response: ServerResponse,
		private readonly head: RequestHead,
		private readonly origin: string | null
	) {
		this.secure = origin?.startsWith('https:') ?? false;
	}

	/**
	 * The session, `allow`, the body, `run`: as the SvelteKit route. The body waits in the
	 * request's buffer (a stream not yet read is paused) while the session is checked.
	 */
	async answer(route: NonNullable<ReturnType<typeof matchDirectRoute>>): Promise<void> {
		const { session, user } = await this.authenticate();
		route.change.allow?.(user);
		const conditions = { ifMatch: this.request.headers['if-match'] ?? null };
		const input = route.change.schema
			? parseJsonBytes(await readBody(this.request), route.change.schema)
			: undefined;
		this.send(await route.change.run(session, route.params, input, conditions));
	}

	/** As the hooks' `authenticate`, then `requireSession`. */
	private async authenticate() {
		const token = this.origin === null ? undefined : sessionToken(this.head, this.origin);
		if (!token) throw new Refusal(401, 'you are not logged in');
		const check = await checkSessionToken(token, {
			userAgent: this.request.headers['user-agent'] ?? '',
			mayRotate: true
		});
		// What a logged-in person sees must not be kept by any cache.
		if (check.session || check.notice) this.headers['cache-control'] = 'no-store';
		if (!check.session) {
			this.headers['set-cookie'] = blankSessionCookieHeader(this.secure);
			throw new Refusal(401, 'you are not logged in');
		}
		if (check.newToken) {
			this.headers['set-cookie'] = sessionCookieHeader(
				this.secure,
				check.newToken,
				check.session.expiresAt
			);
		}
		return check;
	}

	send(answer: ChangeAnswer): true {
		if (answer.status !== 204) {
			Object.assign(this.headers, answer.headers);
			return this.json(answer.status, answer.body);
		}
		if (this.begin(204)) {
			this.response.writeHead(204, { ...securityHeaders(), ...this.headers });
			this.response.end();
		}
		return true;
	}

	json(status: number, body: unknown): true {
		if (this.begin(status)) writeJson(this.response, status, body, this.headers);
		return true;
	}

	/** A Refusal as `{ message }`; anything else is logged and answered 500, as SvelteKit would. */
	fail(error: unknown): void {
		if (error instanceof Refusal) {
			Object.assign(this.headers, error.headers);
			this.json(error.status, error.body);
			return;
		}
		log().error(
			{
				event: 'error',
				err: error,
				method: this.request.method,
				path: this.request.url,
				status: 500
			},
			'Internal Error'
		);
		this.json(500, { message: 'Internal Error' });
	}

	/** Whether this answer is the first: a body may fail after a refusal was sent. */
	private begin(status: number): boolean {
		if (this.ended || this.response.headersSent) return false;
		this.ended = true;
		log().debug({ event: 'direct-change', method: this.request.method, status }, 'direct path');
		return true;
	}
}

/**
 * The whole body; a 400 once it passes the API's limit. A body that never ends (the client
 * hung up) settles neither way: the change does not run.
 */
function readBody(request: IncomingMessage): Promise<Uint8Array> {
	return new Promise((done, refuse) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let over = false;
		request.on('data', (chunk: Buffer) => {
			if (over) return;
			size += chunk.length;
			if (size > maxBodyBytes) {
				over = true;
				chunks.length = 0;
				refuse(new Refusal(400, tooLargeMessage));
				return;
			}
			chunks.push(chunk);
		});
		request.on('end', () => {
			if (!over) done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
		});
		request.on('error', () => {});
	});
}
