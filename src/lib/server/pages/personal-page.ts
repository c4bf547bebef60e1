import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { uneval } from 'devalue';
import type { UserType } from '$lib/api';
import { toApiSession } from '../auth/api-session';
import { checkSessionToken } from '../auth/session-check';
import { acceptsGzip } from '../compression';
import { getConfig } from '../config';
import { storage } from '../storage';
import { visibleInterestIds } from '../interests/interests';
import type { ServerSession, ServerUser } from '../types';
import { nodeHead, requestOrigin, sessionToken } from '../request-pipeline';
import { securityHeaders } from '../security-headers';
import { accessLevelOf } from '../auth/access-level';
import { welcomeCookie } from '../auth/welcome';
import { deflateBlock, gzipMember, type DeflatedBlock } from './gzip-blocks';
import { keepable, keptHeaders, KeptRenders, type Kept, type Rendered } from './kept-renders';
import { schedulePageUrl, variantOf } from './public-page-cache';

/*
 * A logged-in visitor's schedule page is the page of their account type with their own parts
 * put in. The page of a type is rendered once per variant, event id and minute for a stand-in
 * of that type, whose name, ids and times are markers found nowhere else, with no marks; each
 * visitor's answer is that render with the markers replaced by their own values and their
 * marks set on their buttons. Renders are deterministic, so the result is the same bytes a
 * render for them would give (tests/integration/personal-page.test.ts holds it to that).
 * Anything unexpected (a marker left over, a mark that found no button) falls back to a render.
 */

/** Numbers no entry or session time can be (the year 30,800), distinct from each other. */
const markerTime = (n: number) => 910_000_000_000_000 + n;

function standIn(type: UserType): { user: ServerUser; session: ServerSession } {
	const user: ServerUser = {
		id: 'zzStandInUser',
		name: 'zzStandInName',
		type,
		createdAt: markerTime(1),
		lastSeenAt: markerTime(2),
		suspendedAt: null
	};
	const session: ServerSession = {
		id: 'zzStandInSessionKey',
		publicId: 'zzStandInSession',
		userId: user.id,
		family: 'zzStandInFamily',
		familyCreatedAt: markerTime(3),
		createdAt: markerTime(4),
		rotatesAt: markerTime(5),
		expiresAt: markerTime(6),
		lastSeenAt: markerTime(7),
		userAgent: ''
	};
	return { user, session };
}

/** Where a visitor's own part goes in a page compiled from the stand-in's. */
type Hole =
	| { kind: 'value'; index: number; as: 'script' | 'text' | 'attribute' }
	| { kind: 'marks' }
	| { kind: 'button'; id: string; unmarked: Buffer }
	| { kind: 'label'; id: string };

/**
 * A stretch of the page: literal parts with holes between them (parts.length = holes + 1), as
 * UTF-8 bytes, so a visitor's page is put together by copying bytes.
 */
interface Region {
	parts: Buffer[];
	holes: Hole[];
}

type Compiled = { before: Region; script: Region; after: Region };

/**
 * A stretch of the page (about 16 KiB), compressed once as a visitor without a mark in it gets
 * it; one who marked an entry in it, or any stretch with a visitor's values, is compressed anew.
 */
interface Block {
	pieces: (Buffer | Hole)[];
	/** The entries whose mark button it holds. */
	marks: string[];
	/** Null when it holds a visitor's values. */
	kept: DeflatedBlock | null;
}

interface Template extends Kept {
	type: UserType;
	/** Null when the page could not be compiled: its visitors are rendered for. */
	compiled: Compiled | null;
	blocks: Block[];
	headers: [string, string][];
	/** The hash of the stand-in's script in the CSP, which each visitor's replaces. */
	scriptHash: string;
}

const templates = new KeptRenders<Template>();

/** The session's values in a fixed order: the stand-in's are the markers to replace. */
function leaves(value: unknown, into: unknown[] = []): unknown[] {
	if (value !== null && typeof value === 'object') {
		for (const key of Object.keys(value)) leaves((value as Record<string, unknown>)[key], into);
	} else into.push(value);
	return into;
}

const isMarker = (value: unknown) =>
	(typeof value === 'string' && value.startsWith('zzStandIn')) ||
	(typeof value === 'number' && value >= markerTime(0));

/** The mark button of an entry, as entry-markup.ts writes it unmarked and marked. */
const unmarkedButton = /<button name="mark" value="([^"]+)" aria-pressed=false/g;
const markedButton = (id: string) => `<button name="unmark" value="${id}" aria-pressed=true`;
const unmarkedLabel = '>☆ Mark</button>';
const markedLabel = '>★ Marked</button>';

/** Splits a stretch of the stand-in's page at its markers (and, in markup, its mark buttons). */
function compileRegion(text: string, markers: unknown[], script: boolean): Region | null {
	const found: { at: number; length: number; hole: Hole }[] = [];
	markers.forEach((marker, index) => {
		if (!isMarker(marker)) return;
		if (!script && typeof marker !== 'string') return;
		const needle = script ? uneval(marker) : String(marker);
		for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
			const inTag = text.lastIndexOf('<', at) > text.lastIndexOf('>', at);
			const as = script ? 'script' : inTag ? 'attribute' : 'text';
			found.push({ at, length: needle.length, hole: { kind: 'value', index, as } });
		}
	});
	if (script) {
		const at = text.indexOf('interests:[]');
		if (at < 0 || text.indexOf('interests:[]', at + 1) >= 0) return null;
		found.push({ at, length: 'interests:[]'.length, hole: { kind: 'marks' } });
	} else {
		for (const match of text.matchAll(unmarkedButton)) {
			const at = match.index;
			const label = text.indexOf(unmarkedLabel, at);
			if (label < 0) return null;
			const unmarked = Buffer.from(match[0]);
			found.push({ at, length: match[0].length, hole: { kind: 'button', id: match[1], unmarked } });
			found.push({
				at: label,
				length: unmarkedLabel.length,
				hole: { kind: 'label', id: match[1] }
			});
		}
	}
	found.sort((a, b) => a.at - b.at);
	const parts: string[] = [];
	const holes: Hole[] = [];
	let from = 0;
	for (const { at, length, hole } of found) {
		if (at < from) return null;
		parts.push(text.slice(from, at));
		holes.push(hole);
		from = at + length;
	}
	parts.push(text.slice(from));
	// Every marker must be in a hole: one left in a part would reach the visitor.
	const stray = (part: string) =>
		part.includes('zzStandIn') || part.includes(String(markerTime(0)).slice(0, 13));
	if (parts.some(stray)) return null;
	return { parts: parts.map((part) => Buffer.from(part)), holes };
}

/** The stand-in's page split at its personal parts; null when it cannot be done exactly. */
function compile(html: string, type: UserType): Template['compiled'] {
	const scriptStart = html.indexOf('<script>');
	const scriptEnd = html.indexOf('</script>', scriptStart);
	if (scriptStart < 0 || scriptEnd < 0) return null;
	const stand = standIn(type);
	const markers = leaves(toApiSession(stand.session, stand.user));
	const before = compileRegion(html.slice(0, scriptStart + '<script>'.length), markers, false);
	const script = compileRegion(
		html.slice(scriptStart + '<script>'.length, scriptEnd),
		markers,
		true
	);
	const after = compileRegion(html.slice(scriptEnd), markers, false);
	return before && script && after ? { before, script, after } : null;
}

/** Svelte's escaping: `&` and `<` in text, and `"` too in an attribute's value. */
const escapeHtml = (text: string, attribute: boolean) =>
	text.replace(attribute ? /[&"<]/g : /[&<]/g, (ch) =>
		ch === '&' ? '&amp;' : ch === '"' ? '&quot;' : '&lt;'
	);

const labels = { marked: Buffer.from(markedLabel), unmarked: Buffer.from(unmarkedLabel) };

/** What goes in a hole for the visitor (`values` from leaves(), `marks` their marked entries). */
function holeBytes(hole: Hole, values: unknown[], marks: ReadonlySet<string>): Buffer {
	if (hole.kind === 'button')
		return marks.has(hole.id) ? Buffer.from(markedButton(hole.id)) : hole.unmarked;
	if (hole.kind === 'label') return marks.has(hole.id) ? labels.marked : labels.unmarked;
	if (hole.kind === 'marks') return Buffer.from(`interests:${uneval([...marks])}`);
	const value = values[hole.index];
	return Buffer.from(
		hole.as === 'script' ? uneval(value) : escapeHtml(String(value), hole.as === 'attribute')
	);
}

/** A region with the visitor's values and marks in its holes, as the chunks to send. */
function fill(region: Region, values: unknown[], marks: ReadonlySet<string>): Buffer[] {
	const chunks = [region.parts[0]];
	region.holes.forEach((hole, i) =>
		chunks.push(holeBytes(hole, values, marks), region.parts[i + 1])
	);
	return chunks;
}

const blockBytes = 16 * 1024;
const noMarks = new Set<string>();

/** The compiled page in blocks, those without a visitor's values compressed (gzip's level 6). */
function blocksOf(compiled: Compiled): Block[] {
	const blocks: Block[] = [];
	let block: Block & { bytes: number; personal: boolean } = {
		pieces: [],
		marks: [],
		kept: null,
		bytes: 0,
		personal: false
	};
	const close = () => {
		const { pieces, marks, personal } = block;
		const bytes = () =>
			Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p) ? p : holeBytes(p, [], noMarks))));
		blocks.push({ pieces, marks, kept: personal ? null : deflateBlock(bytes(), 6) });
		block = { pieces: [], marks: [], kept: null, bytes: 0, personal: false };
	};
	for (const { parts, holes } of [compiled.before, compiled.script, compiled.after]) {
		parts.forEach((part, i) => {
			block.pieces.push(part);
			block.bytes += part.length;
			const hole = holes[i];
			if (hole) {
				block.pieces.push(hole);
				if (hole.kind === 'button' || hole.kind === 'label') block.marks.push(hole.id);
				else block.personal = true;
			}
			if (block.bytes >= blockBytes) close();
		});
	}
	if (block.pieces.length) close();
	return blocks;
}

/** The visitor's page as gzip: the kept blocks as they are, the others compressed (level 1). */
function gzipPage(blocks: readonly Block[], values: unknown[], marks: ReadonlySet<string>): Buffer {
	return gzipMember(
		blocks.map((block) => {
			if (block.kept && !block.marks.some((id) => marks.has(id))) return block.kept;
			const bytes = block.pieces.map((p) => (Buffer.isBuffer(p) ? p : holeBytes(p, values, marks)));
			return deflateBlock(Buffer.concat(bytes), 1);
		})
	);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

/** The visitor's own parts of their type's page: the values and marks that fill its holes. */
interface Own {
	values: unknown[];
	marks: ReadonlySet<string>;
}

/** The hash of the visitor's script, for the CSP. */
function scriptHashOf(compiled: Compiled, own: Own): string {
	const hash = createHash('sha256');
	for (const chunk of fill(compiled.script, own.values, own.marks)) hash.update(chunk);
	return hash.digest('base64');
}

/** The visitor's page, uncompressed. */
function htmlOf(compiled: Compiled, own: Own): Uint8Array<ArrayBuffer> {
	const { values, marks } = own;
	const html = Buffer.concat(
		[compiled.before, compiled.script, compiled.after].flatMap((r) => fill(r, values, marks))
	);
	return new Uint8Array(html.buffer, html.byteOffset, html.length) as Uint8Array<ArrayBuffer>;
}

/** Renders the page of a type for its stand-in; kept when its load says the variant is real. */
async function renderTemplate(
	event: RequestEvent,
	resolve: Parameters<Handle>[0]['resolve'],
	type: UserType,
	eventId: number,
	minute: number
): Promise<Rendered<Template>> {
	const { locals } = event;
	const own = { user: locals.user, session: locals.session };
	const stand = standIn(type);
	locals.user = locals.standIn = stand.user;
	locals.session = stand.session;
	locals.renderMinute = minute;
	let response: Response;
	try {
		response = await resolve(event);
	} finally {
		locals.user = own.user;
		locals.session = own.session;
		locals.standIn = undefined;
		locals.renderMinute = undefined;
	}
	if (!keepable(response, locals.cacheable)) return { page: null, response };
	const html = await response.text();
	const compiled = compile(html, type);
	const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
	const blocks = compiled ? blocksOf(compiled) : [];
	const page: Template = {
		eventId,
		minute,
		type,
		// Its parts, and its blocks compressed.
		bytes: compiled
			? Buffer.byteLength(html) + blocks.reduce((n, b) => n + (b.kept?.deflated.length ?? 0), 0)
			: 0,
		compiled,
		blocks,
		headers: keptHeaders(response),
		scriptHash: sha256(script)
	};
	return { page, response };
}

/**
 * A logged-in GET of a schedule page (`/`, `/days/<date>`) from the page of the visitor's
 * type. Not when this request handed out a new session cookie (SvelteKit must send it) or
 * carries the welcome the page takes: those are rendered as ever.
 */
export const personalPage: Handle = async ({ event, resolve }) => {
	const { locals } = event;
	// A page's data request has the page's URL (SvelteKit): it is never answered with the page.
	if (
		event.request.method !== 'GET' ||
		event.isDataRequest ||
		!locals.user ||
		!locals.session ||
		locals.newCookie
	)
		return resolve(event);
	const variant = variantOf(event.url);
	if (variant === null || event.cookies.get(welcomeCookie) !== undefined) return resolve(event);

	const type = locals.user.type;
	const got = await templates.get(`${type} ${variant}`, (eventId, minute) =>
		renderTemplate(event, resolve, type, eventId, minute)
	);
	if (!got.page) return resolve(event);
	const page = await ownPage(got.page, got.how, locals.user.id, locals.session);
	if (!page) return resolve(event);
	const { headers, body } = packed(page, event.request.headers.get('accept-encoding'));
	return new Response(body, { headers });
};

interface OwnPage {
	template: Template & { compiled: Compiled };
	own: Own;
	headers: Record<string, string>;
}

/**
 * The visitor's page made from their type's, with its headers (beside the security headers),
 * or null when it cannot be made (the visitor is then rendered for).
 */
async function ownPage(
	template: Template,
	how: string,
	userId: string,
	session: ServerSession
): Promise<OwnPage | null> {
	const { compiled } = template;
	if (!compiled) return null;
	// Read after the template's event id, as a page reads its entities after the id.
	const read = await storage().read(async (records) => {
		const user = await records.users.find(userId);
		if (!user || user.type !== template.type) return null;
		return { user, marks: await visibleInterestIds(records, user.id, accessLevelOf(user)) };
	});
	if (!read) return null;
	const own: Own = {
		values: leaves(toApiSession(session, read.user)),
		marks: new Set(read.marks)
	};
	const headers: Record<string, string> = Object.fromEntries(template.headers);
	const csp = headers['content-security-policy'];
	if (csp) {
		headers['content-security-policy'] = csp.replace(
			`'sha256-${template.scriptHash}'`,
			`'sha256-${scriptHashOf(compiled, own)}'`
		);
	}
	// What a logged-in person sees must not be kept by any cache.
	headers['cache-control'] = 'no-store';
	headers['x-tidewatch-cache'] = `personal ${how}`;
	return { template: { ...template, compiled }, own, headers };
}

/**
 * The page as sent. Compressed, only the blocks of the page with the visitor's values or marks
 * are compressed anew (gzip's fastest level): a tenth of the page, not all of it.
 */
function packed({ template, own, headers: pageHeaders }: OwnPage, acceptEncoding: string | null) {
	if (!acceptsGzip(acceptEncoding))
		return { headers: pageHeaders, body: htmlOf(template.compiled, own) };
	const gzipped = gzipPage(template.blocks, own.values, own.marks);
	const body = new Uint8Array(
		gzipped.buffer,
		gzipped.byteOffset,
		gzipped.length
	) as Uint8Array<ArrayBuffer>;
	const headers = {
		...pageHeaders,
		'content-encoding': 'gzip',
		'content-length': String(body.length)
	};
	return { headers, body };
}

/**
 * server.js's early answer: a logged-in GET of a schedule page whose type's page is kept and
 * current, answered before SvelteKit with the headers the hooks would add. Not when the
 * session is due to rotate (SvelteKit hands out the new cookie), carries the welcome cookie,
 * or anything is uncertain: those go on to SvelteKit. True when it answers, or will once the
 * session is checked (`kit` then takes the request if it does not).
 */
export function answerPersonalPage(
	request: IncomingMessage,
	response: ServerResponse,
	kit: () => void
): boolean {
	const url = schedulePageUrl(request.method, request.url);
	const cookie = request.headers.cookie;
	if (!url || !cookie || cookie.includes(`${welcomeCookie}=`)) return false;
	const head = nodeHead(request);
	const origin = requestOrigin(head, getConfig());
	if (origin === null) return false;
	const variant = variantOf(url);
	if (variant === null) return false;
	const token = sessionToken(head, origin);
	if (!token) return false;
	answerWithSession(request, response, token, variant).then(
		(answered) => answered || kit(),
		() => kit()
	);
	return true;
}

async function answerWithSession(
	request: IncomingMessage,
	response: ServerResponse,
	token: string,
	variant: string
): Promise<boolean> {
	const check = await checkSessionToken(token, {
		userAgent: request.headers['user-agent'] ?? '',
		mayRotate: false
	});
	if (!check.session || !check.user || check.session.rotatesAt <= Date.now()) return false;
	const kept = templates.peek(`${check.user.type} ${variant}`);
	if (!kept?.page.compiled) return false;
	const page = await ownPage(kept.page, kept.how, check.user.id, check.session);
	if (!page) return false;
	let answer: ReturnType<typeof packed>;
	try {
		answer = packed(page, request.headers['accept-encoding'] ?? null);
	} catch {
		// gzip failing is no reason for the process to go down: this one answer is lost.
		response.destroy();
		return true;
	}
	response.writeHead(200, { ...answer.headers, ...securityHeaders() });
	response.end(answer.body);
	return true;
}
