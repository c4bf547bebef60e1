/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';
import { keepPage, keptKey, readPage, wipeKeptCopy } from '$lib/offline/kept-copy';

/*
 * The service worker (docs/offline.md): the app's own files from a cache of this version, and
 * the schedule's pages network first, answered from the copy kept on the device when there is
 * no network or it is too slow. A page is kept once the tab that asked for it says whose it is
 * and at which event it was read (`keep`): the tab knows, the worker does not.
 */

const worker = self as unknown as ServiceWorkerGlobalScope;
const shell = `shell-${version}`;
const shellFiles = new Set([...build, ...files]);

/** How long a page waits for the network before the kept copy answers. */
const networkWait = 4_000;

worker.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(shell)
			.then((cache) => cache.addAll([...shellFiles]))
			.then(() => worker.skipWaiting())
	);
});

worker.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			const old = (await caches.keys()).filter((key) => key !== shell);
			await Promise.all(old.map((key) => caches.delete(key)));
			// Kept pages name the files of the version they were read with, gone now.
			if (old.length) await wipeKeptCopy(0);
			await worker.clients.claim();
		})()
	);
});

/** Answers the network gave each tab lately, until the tab says whose they are. */
const held = new Map<string, Map<string, { body: string; contentType: string }>>();
const heldPerTab = 4;
const tabsHeld = 20;

function hold(tab: string, key: string, body: string, contentType: string) {
	const answers = held.get(tab) ?? new Map();
	held.delete(tab);
	held.set(tab, answers);
	answers.delete(key);
	answers.set(key, { body, contentType });
	if (answers.size > heldPerTab) answers.delete(answers.keys().next().value!);
	if (held.size > tabsHeld) held.delete(held.keys().next().value!);
}

worker.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== worker.location.origin) return;
	if (shellFiles.has(url.pathname)) {
		event.respondWith(
			caches.match(request, { cacheName: shell }).then((found) => found ?? fetch(request))
		);
		return;
	}
	const key = keptKey(url, request.mode === 'navigate');
	if (key) event.respondWith(networkFirst(event, key));
});

async function networkFirst(event: FetchEvent, key: string): Promise<Response> {
	const tab = event.resultingClientId || event.clientId;
	const network = fetch(event.request).then(async (response) => {
		if (response.status === 200 && !response.redirected && response.type === 'basic') {
			const body = await response.clone().text();
			hold(tab, key, body, response.headers.get('content-type') ?? 'text/html');
		}
		return response;
	});
	const waited = new Promise<null>((resolve) => setTimeout(() => resolve(null), networkWait));
	try {
		const answer = await Promise.race([network, waited]);
		if (answer) return answer;
		const kept = await readPage(key);
		return kept ? keptAnswer(kept.body, kept.contentType) : await network;
	} catch {
		const kept = await readPage(key);
		if (kept) return keptAnswer(kept.body, kept.contentType);
		return key.startsWith('page ') ? notKept() : Response.error();
	}
}

const keptAnswer = (body: string, contentType: string) =>
	new Response(body, { headers: { 'content-type': contentType, 'x-tidewatch-kept': '1' } });

/** A page never opened on this device, asked for with no network. */
const notKept = () =>
	new Response(
		`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · Tidewatch</title><h1>Offline</h1><p>This page was not opened on this device while it had a network, so no copy of it is kept here.</p><p><a href="/">The schedule</a> and the pages you opened before are.</p></html>`,
		{ status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } }
	);

interface KeepMessage {
	type: 'keep';
	/** The page's address, as the tab shows it. */
	url: string;
	viewer: string;
	eventId: number;
}

/**
 * The answers held for a tab. A page the worker never saw (the device's first, loaded before
 * the worker ran) and never kept is fetched once now; the tab's `eventId` is then at most the
 * fetched page's, which only makes the rule stricter.
 */
async function heldFor(tab: string, page: string, url: string) {
	if (!held.get(tab)?.has(page) && !(await readPage(page))) {
		const response = await fetch(url, { headers: { accept: 'text/html' } });
		if (response.status === 200 && !response.redirected) {
			hold(tab, page, await response.text(), response.headers.get('content-type') ?? 'text/html');
		}
	}
	return held.get(tab);
}

worker.addEventListener('message', (event) => {
	const message = event.data as KeepMessage;
	const tab = (event.source as Client | null)?.id;
	const page = message?.type === 'keep' ? keptKey(new URL(message.url), true) : null;
	if (!tab || !page) return;
	event.waitUntil(
		heldFor(tab, page, message.url).then((answers) =>
			Promise.all(
				[page, page.replace(/^page /, 'data ')].map((key) => {
					const answer = answers?.get(key);
					if (!answer) return;
					answers!.delete(key);
					const { viewer, eventId } = message;
					return keepPage({ key, ...answer, viewer, eventId, keptAt: Date.now() });
				})
			)
		)
	);
});
