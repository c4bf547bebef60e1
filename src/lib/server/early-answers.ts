import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeJson } from './node-json';
import { answerPersonalPage } from './pages/personal-page';
import { answerKeptPage, schedulePageUrl } from './pages/public-page-cache';
import { createStaticFiles } from './static-files';
import { afterFanOut, fanOutUnderWay } from './stream/fan-out';

/**
 * What server.js answers before SvelteKit sees a request; false leaves the request to it.
 * `kit` hands a request to SvelteKit later, for one kept back for a while (true is returned then).
 */
type EarlyAnswers = (
	request: IncomingMessage,
	response: ServerResponse,
	kit: () => void
) => boolean;

/** server.js finds them here, as it finds the stream's upgrade handler. */
const earlyAnswersKey = Symbol.for('tidewatch.earlyAnswers');
/** server.js puts the build's folder of built files here before it loads the build. */
const clientDirKey = Symbol.for('tidewatch.clientDir');
type Global = { [earlyAnswersKey]?: EarlyAnswers; [clientDirKey]?: string };

export function registerEarlyAnswers(): void {
	const clientDir = (globalThis as Global)[clientDirKey];
	// Listed now, as adapter-node lists them: every path its file server would answer is ours.
	const answerStaticFile = clientDir ? createStaticFiles(clientDir) : () => false;
	(globalThis as Global)[earlyAnswersKey] = (request, response, kit) =>
		answerStaticFile(request, response) || answerEarly(request, response, kit);
}

function answerEarly(request: IncomingMessage, response: ServerResponse, kit: () => void): boolean {
	// SvelteKit answers an API path it cannot decode with its HTML error page before any hook
	// runs; API clients get `{ message }` like every other error of the API.
	if (request.url?.startsWith('/api/') && !decodes(request.url)) {
		writeJson(
			response,
			400,
			{ message: 'the path is not valid percent-encoded UTF-8' },
			{ 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" }
		);
		return true;
	}
	if (schedulePageUrl(request.method, request.url)) {
		// A schedule page kept rendered costs only the writing of its bytes (and, for a logged-in
		// visitor, putting their own parts in). While a change goes out to the open pages, a crowd
		// asking for pages waits for it (docs/performance.md).
		const answered = () =>
			answerKeptPage(request, response) || answerPersonalPage(request, response, kit);
		if (!fanOutUnderWay()) return answered();
		afterFanOut(() => answered() || kit());
		return true;
	}
	return false;
}

function decodes(url: string): boolean {
	try {
		decodeURI(url.split('?')[0]);
		return true;
	} catch {
		return false;
	}
}
