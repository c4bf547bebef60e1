import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { SessionEndReason } from '$lib/api';
import { checkSessionToken, type SessionCheck } from '$lib/server/auth/session-check';
import { maxReRotations, sessionExpiresAt, shouldTouch } from '$lib/server/auth/session-decision';
import {
	modelRuns,
	onSessionEnded,
	resetStorage,
	rowsNow,
	valueNow,
	writeNow
} from '../helpers/storage';
import { startSession } from '$lib/server/auth/session-start';
import { sessionTimes } from '$lib/server/auth/session-rows';
import type { SessionRow } from '$lib/server/storage/records/sessions';
import { hashSessionToken } from '$lib/server/auth/token';
import { getConfig } from '$lib/server/config';
import type { StreamConnection } from '$lib/server/stream/connection';
import { StreamRegistry } from '$lib/server/stream/registry';
import { recheckStreamSession, sessionDeadline } from '$lib/server/stream/deadlines';
import type { ServerSession } from '$lib/server/types';
import { newRecordId as generateUserId } from '$lib/server/record-id';

/** The row as stored, read directly: the model checks what the rules wrote. */
const findSessionRow = (id: string) =>
	rowsNow('SELECT * FROM session WHERE id = ?', id)[0] as SessionRow | undefined;

/*
 * A model-based test of the session rules (docs/sessions.md): generated sequences of honest
 * tabs, lost responses, a thief copying the owner's cookie, streams and clock gaps drive the
 * real session code on a real database, and the invariants below are checked after every step.
 * The unit project's durations: rotation 2 s, grace 1 s, idle 30 s, absolute 120 s.
 * SESSION_MODEL_RUNS sets how many sequences run (default 10,000).
 */

type Party = 'owner' | 'thief';
type Action =
	| { kind: 'requests'; party: Party; lost: boolean[] }
	| { kind: 'stream'; party: Party }
	| { kind: 'copy' }
	| { kind: 'login' }
	| { kind: 'wait'; ms: number }
	| { kind: 'replay'; party: Party; times: number; gapMs: number };

const times = () => sessionTimes(getConfig());
const runs = Number(process.env.SESSION_MODEL_RUNS ?? modelRuns(10_000, 300));

const party = fc.constantFrom<Party>('owner', 'thief');
const action: fc.Arbitrary<Action> = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.record({
			kind: fc.constant('requests' as const),
			party,
			// Several tabs sending the same cookie at once; each response may be lost on the way.
			lost: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 })
		})
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('stream' as const), party }) },
	{ weight: 1, arbitrary: fc.constant({ kind: 'copy' as const }) },
	{ weight: 1, arbitrary: fc.constant({ kind: 'login' as const }) },
	{
		weight: 1,
		// A client that never keeps a new cookie presents one key again after each grace window.
		arbitrary: fc.record({
			kind: fc.constant('replay' as const),
			party,
			times: fc.integer({ min: 1, max: 8 }),
			gapMs: fc.constantFrom(1000, 1001, 1500)
		})
	},
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant('wait' as const),
			// Gaps just either side of every limit, and anything in between.
			ms: fc.oneof(
				fc.constantFrom(999, 1000, 1001, 1999, 2000, 2001, 29_999, 30_001, 120_001),
				fc.integer({ min: 0, max: 5000 })
			)
		})
	}
);

/** A stream as the server's registry sees it: indexed by its session, closed by announcements. */
interface ModelStream {
	party: Party;
	session: ServerSession;
	closedWith?: SessionEndReason;
}

/** What the model knows of a token, from being the network between parties and server. */
interface TokenFacts {
	family: string;
	parent: string | null;
	/** A lower bound of the stored session's last use, so "certainly not expired" is safe. */
	lastSeenAtLeast: number;
	rotatedAt: number | null;
	presentedBy: Set<Party>;
	/** The party whose request the server answered with it (the response may have been lost). */
	issuedTo: Party;
}

class Run {
	now = 1_800_000_000_000;
	readonly userId = generateUserId();
	readonly jars: Record<Party, string | null> = { owner: null, thief: null };
	readonly tokens = new Map<string, TokenFacts>();
	readonly familyCreatedAt = new Map<string, number>();
	readonly streams: ModelStream[] = [];
	/** Families ended because a key's re-rotations were spent. */
	readonly spentFamilies = new Set<string>();
	readonly registry = new StreamRegistry();
	readonly log: string[] = [];
	/** Found while a stream closes; the channel swallows a listener's throw, so they wait here. */
	readonly wrongCloses: string[] = [];

	constructor() {
		writeNow(
			`INSERT INTO "user" (id, name, password_hash, type, created_at) VALUES (?, ?, 'x', 'regular', ?)`,
			this.userId,
			this.userId,
			this.now
		);
	}

	async login(): Promise<void> {
		const { token, session } = await startSession(this.userId, 'owner', this.now);
		this.familyCreatedAt.set(session.family, this.now);
		this.issue(token, session.family, null, 'owner');
		this.jars.owner = token;
	}

	issue(token: string, family: string, parent: string | null, issuedTo: Party): void {
		this.tokens.set(token, {
			family,
			parent,
			lastSeenAtLeast: this.now,
			rotatedAt: null,
			presentedBy: new Set(),
			issuedTo
		});
	}

	certainlyAlive(token: string): boolean {
		const facts = this.tokens.get(token)!;
		const { idleMs, maxMs } = times();
		return (
			this.now < facts.lastSeenAtLeast + idleMs - 1 &&
			this.now < this.familyCreatedAt.get(facts.family)! + maxMs - 1
		);
	}

	/** Whether another party presented a token issued after `token` in its chain. */
	descendantPresentedByOther(token: string, by: Party): boolean {
		for (const facts of this.tokens.values()) {
			if (![...facts.presentedBy].some((p) => p !== by)) continue;
			for (let up = facts.parent; up; up = this.tokens.get(up)!.parent) {
				if (up === token) return true;
			}
		}
		return false;
	}

	/** The tokens the server handed out in exchange for this one, oldest first. */
	successorsOf(token: string): string[] {
		return [...this.tokens.entries()].filter(([, f]) => f.parent === token).map(([t]) => t);
	}

	/**
	 * Whether this key was rotated again after its successor went unused as often as it may be,
	 * and its newest successor is still unused: presenting it once more after the grace window
	 * counts as two parties holding it (docs/sessions.md).
	 */
	reRotationsSpent(token: string): boolean {
		const successors = this.successorsOf(token);
		return (
			successors.length > maxReRotations &&
			this.tokens.get(successors[successors.length - 1])!.presentedBy.size === 0
		);
	}

	/**
	 * Whether the login was rotated again from this token's predecessor, later, for another
	 * party: this token was replaced unused while someone else used the login (finding 2).
	 */
	supersededForOther(token: string, by: Party): boolean {
		const { parent } = this.tokens.get(token)!;
		if (parent === null) return false;
		const issued = [...this.tokens.entries()];
		const at = issued.findIndex(([t]) => t === token);
		return issued.slice(at + 1).some(([, f]) => f.parent === parent && f.issuedTo !== by);
	}

	/** Presents a party's cookie as a page request (may rotate) or a stream's upgrade (never does). */
	async present(by: Party, token: string, mayRotate: boolean): Promise<SessionCheck> {
		const facts = this.tokens.get(token)!;
		const alive = this.certainlyAlive(token);
		const { graceMs } = times();
		// The theft rule in the model's own terms: an old key used after grace while another
		// party already used a newer key of the same login, or a key used after another party
		// had the login rotated again past it.
		const afterGrace = facts.rotatedAt !== null && this.now >= facts.rotatedAt + graceMs;
		const mustBeTaken =
			alive &&
			((afterGrace &&
				(this.descendantPresentedByOther(token, by) || this.reRotationsSpent(token))) ||
				this.supersededForOther(token, by));
		// Once a key's re-rotations are spent, the server cannot tell its owner's lost responses
		// from a copy: "taken" may then come although only the owner used it.
		const spentBefore = afterGrace && this.reRotationsSpent(token);
		const check = await checkSessionToken(token, { userAgent: by, mayRotate, now: this.now });
		const notice = check.session ? undefined : check.notice;
		// A key refused as expired or unknown reached nothing; any other answer means it was used.
		if (check.session || notice) facts.presentedBy.add(by);
		const what = check.session ? (check.newToken ? 'rotated' : 'accepted') : (notice ?? 'refused');
		this.log.push(`${by} presents ${this.name(token)}${mayRotate ? '' : ' (stream)'}: ${what}`);

		if (mustBeTaken) {
			expectThat(notice === 'session-taken', 'theft was not detected');
		}
		if (check.session === null && alive) {
			expectThat(
				notice === 'session-taken',
				`${by}'s unexpired session was refused without being told why`
			);
		}
		if (notice === 'session-taken') {
			const family = facts.family;
			const thiefUsedIt = [...this.tokens.values()].some(
				(t) => t.family === family && t.presentedBy.has('thief')
			);
			if (spentBefore) this.spentFamilies.add(family);
			expectThat(
				thiefUsedIt || this.spentFamilies.has(family),
				'told "session taken" although only its owner ever used it'
			);
		}
		if (check.session?.id === hashSessionToken(token)) {
			// Presented as itself: the stored last use is at most one touch step behind.
			facts.lastSeenAtLeast = Math.max(facts.lastSeenAtLeast, this.now - touchStep());
		}
		if (check.newToken) {
			facts.lastSeenAtLeast = this.now;
			facts.rotatedAt = this.now;
			this.issue(check.newToken, check.session!.family, token, by);
		}
		return check;
	}

	name(token: string): string {
		return `#${[...this.tokens.keys()].indexOf(token)}`;
	}

	async step(action: Action): Promise<void> {
		switch (action.kind) {
			case 'wait':
				this.now += action.ms;
				this.log.push(`wait ${action.ms} ms`);
				this.fireStreamTimers();
				return;
			case 'copy':
				if (this.jars.owner) this.jars.thief = this.jars.owner;
				this.log.push(`thief copies ${this.jars.owner ? this.name(this.jars.owner) : 'nothing'}`);
				return;
			case 'replay': {
				const token = this.jars[action.party];
				if (!token) return;
				for (let i = 0; i < action.times; i++) {
					this.now += action.gapMs;
					this.fireStreamTimers();
					await this.present(action.party, token, true);
					this.checkInvariants();
				}
				return;
			}
			case 'login':
				if (!this.jars.owner) await this.login();
				return;
			case 'stream': {
				const token = this.jars[action.party];
				if (!token) return;
				const check = await this.present(action.party, token, false);
				if (check.session) this.openStream(action.party, check.session);
				this.fireStreamTimers();
				return;
			}
			case 'requests': {
				const token = this.jars[action.party];
				if (!token) return;
				// The tabs' requests reach the server together and are decided one after another.
				const answers: SessionCheck[] = [];
				for (let i = 0; i < action.lost.length; i++)
					answers.push(await this.present(action.party, token, true));
				answers.forEach((answer, i) => {
					if (action.lost[i]) return;
					if (answer.newToken) this.jars[action.party] = answer.newToken;
					else if (!answer.session) this.jars[action.party] = null;
				});
				return;
			}
		}
	}

	openStream(party: Party, session: ServerSession): void {
		const stream: ModelStream = { party, session };
		const conn = {
			level: 'regular',
			userId: this.userId,
			sessionId: session.id,
			family: session.family,
			address: '127.0.0.1',
			endSession: (reason: SessionEndReason) => {
				// Announcements come right after the change commits, so the row tells the cause.
				const row = findSessionRow(session.id);
				// A stolen login closes `taken`; a rotated or superseded session, `rotated`.
				const expected =
					row?.ended_reason === 'taken'
						? 'taken'
						: row && (row.rotated_at !== null || row.ended_reason === 'superseded')
							? 'rotated'
							: null;
				if (expected && reason !== expected) {
					this.wrongCloses.push(`a stream of a session ${describeRow(row)} closed "${reason}"`);
				}
				stream.closedWith ??= reason;
				this.registry.remove(conn as unknown as StreamConnection);
			}
		};
		this.registry.add(conn as unknown as StreamConnection);
		this.streams.push(stream);
		(stream as ModelStream & { conn: typeof conn }).conn = conn;
	}

	/** The stream's own timer at its session's rotation or expiry, as deadlines.ts runs it. */
	fireStreamTimers(): void {
		for (const stream of this.streams) {
			if (stream.closedWith) continue;
			if (this.now < sessionDeadline(stream.session).at) continue;
			const next = recheckStreamSession(findSessionRow(stream.session.id), this.now, times());
			const conn = (stream as ModelStream & { conn: { endSession(r: SessionEndReason): void } })
				.conn;
			if ('end' in next) conn.endSession(next.end);
			else stream.session = next.watch;
		}
	}

	checkInvariants(): void {
		const rows = rowsNow<SessionRow>('SELECT * FROM session WHERE user_id = ?', this.userId);
		const t = times();
		const live = (row: SessionRow) =>
			row.ended_reason === null &&
			row.rotated_at === null &&
			this.now <
				sessionExpiresAt(
					{ lastSeenAt: row.last_seen_at, familyCreatedAt: row.family_created_at },
					t
				);
		const liveByFamily = new Map<string, number>();
		for (const row of rows.filter(live)) {
			liveByFamily.set(row.family, (liveByFamily.get(row.family) ?? 0) + 1);
		}
		for (const [family, count] of liveByFamily) {
			expectThat(count <= 1, `family ${family} has ${count} live sessions`);
		}
		const takenFamilies = new Set(
			rows.filter((r) => r.ended_reason === 'taken').map((r) => r.family)
		);
		if (takenFamilies.size > 0) {
			const records = valueNow<number>(
				"SELECT COUNT(*) FROM security_record WHERE user_id = ? AND kind = 'session-taken'",
				this.userId
			)!;
			expectThat(records > 0, 'a family was ended as taken but no security record says so');
		}
		expectThat(this.wrongCloses.length === 0, this.wrongCloses[0]);
		// However its keys are presented, a login keeps at most this many successors of each.
		const stored = new Set(rows.map((row) => row.id));
		for (const token of this.tokens.keys()) {
			const kept = this.successorsOf(token).filter((t) => stored.has(hashSessionToken(t)));
			expectThat(
				kept.length <= maxReRotations + 1,
				`${this.name(token)} has ${kept.length} successors stored`
			);
		}
		const byId = new Map(rows.map((row) => [row.id, row]));
		for (const stream of this.streams) {
			const row = byId.get(stream.session.id);
			if (stream.closedWith) continue;
			expectThat(
				row !== undefined && live(row),
				`a stream is still open on a session that is ${describeRow(row)}`
			);
		}
	}

	end(): void {
		writeNow('DELETE FROM "user" WHERE id = ?', this.userId);
	}
}

const touchStep = () => {
	const t = times();
	// The largest gap after which present() refreshes the stored last use.
	let step = 0;
	while (!shouldTouch(0, step, t)) step += 100;
	return step;
};

function describeRow(row: SessionRow | undefined): string {
	if (!row) return 'gone';
	if (row.ended_reason) return `ended (${row.ended_reason})`;
	if (row.rotated_at !== null) return 'rotated';
	return 'expired';
}

class InvariantBroken extends Error {}
function expectThat(condition: boolean, message: string): asserts condition {
	if (!condition) throw new InvariantBroken(message);
}

describe('the session rules hold for any sequence of tabs, lost responses, thieves and gaps', () => {
	let stopListening = () => {};
	let current: Run | null = null;
	beforeAll(async () => {
		await resetStorage();
		// As start.ts does: every announced ending closes the streams it names.
		stopListening = onSessionEnded((end) => {
			for (const conn of current?.registry.affectedBy(end) ?? []) conn.endSession(end.reason);
		});
	});
	afterAll(() => stopListening());

	it(`${runs} generated sequences`, { timeout: 120_000 }, async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), async (actions) => {
				const run = (current = new Run());
				try {
					await run.login();
					for (const next of actions) {
						await run.step(next);
						run.checkInvariants();
					}
				} catch (error) {
					if (error instanceof InvariantBroken) {
						error.message += `\nafter:\n  ${run.log.join('\n  ')}`;
					}
					throw error;
				} finally {
					run.end();
					current = null;
				}
			}),
			{ numRuns: runs }
		);
	});
});
