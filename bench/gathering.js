// The schedule benchmarks' gathering (bench/schedule.js, bench/lighthouse.js): built through the
// HTTP API as an admin, so every entry, event and mark is as the app writes them.
import { pool, seeded } from './lib.js';

const hour = 3_600_000;
const minute = 60_000;

/**
 * `entries` entries at `locations` locations over four days (mostly public, some crew, some
 * drafts), on the server `must` talks to (bench/lib.js httpClient), which must have no users
 * yet: the first to register is its admin. A regular user, the visitor, has marked 30 public
 * entries. Answers the admin's and the visitor's session cookies, the locations' ids, the
 * entries as created and how many there are of each visibility.
 */
/** Every user the benchmarks register has this password. */
export const password = 'bench-password-1234';

export async function buildGathering({ must, entries: entryCount, locations: locationCount, log }) {
	// A fixed seed: every run builds the same gathering.
	const { random, pick } = seeded(0x5c4ed);

	const admin = (
		await must('POST', '/api/auth/register', { body: { name: 'Bench admin', password } }, 201)
	).cookie;
	const visitor = (
		await must('POST', '/api/auth/register', { body: { name: 'Bench visitor', password } }, 201)
	).cookie;
	await must('PATCH', '/api/settings', {
		cookie: admin,
		body: { name: 'Tidewatch bench gathering', timeZone: 'Europe/Berlin' }
	});

	log(`adding ${locationCount} locations and ${entryCount} entries`);
	const locations = await pool(
		Array.from(
			{ length: locationCount },
			(_, i) => async () =>
				(
					await must(
						'POST',
						'/api/locations',
						{
							cookie: admin,
							body: {
								name: `Hall ${i + 1}`,
								description: `Building ${1 + (i % 5)}, floor ${i % 3}`
							}
						},
						201
					)
				).json.id
		),
		8
	);
	// Four days of programme per location, from 09:00 UTC yesterday (10:00 in Berlin in winter)
	// for up to 13 hours a day: the gathering is running, so `/` has days over and days to come,
	// and whenever the benchmark runs it lists the same four days.
	const perLocation = Math.ceil(entryCount / locationCount);
	const slotsPerDay = Math.ceil(perLocation / 4);
	const day0 = Math.floor(Date.now() / (24 * hour)) * 24 * hour - 24 * hour + 9 * hour;
	const sentence = 'A paragraph of the abstract, as programmes print them for every talk. ';
	const entries = await pool(
		Array.from({ length: entryCount }, (_, i) => async () => {
			const location = i % locationCount;
			const k = Math.floor(i / locationCount);
			const start =
				day0 +
				Math.floor(k / slotsPerDay) * 24 * hour +
				(k % slotsPerDay) * hour +
				(location % 4) * 15 * minute;
			const roll = random();
			const visibility = roll < 0.8 ? 'public' : roll < 0.9 ? 'crew' : 'draft';
			const body = {
				title: `Entry ${i}: a talk with a title of ordinary length`,
				description: sentence.repeat(2 + Math.floor(random() * 9)).trim(),
				locationId: locations[location],
				start,
				end: start + pick([30, 45, 60]) * minute,
				visibility
			};
			if (visibility !== 'public') body.crewNotes = 'Doors at the back; ask the stage manager.';
			return (await must('POST', '/api/entries', { cookie: admin, body }, 201)).json;
		}),
		8
	);
	const publicEntries = entries.filter((e) => e.visibility === 'public');
	// The visitor marked 30 public entries: their `/` shows marks.
	for (let i = 0; i < 30; i++) {
		const entry = publicEntries[(i * 53) % publicEntries.length];
		await must('PUT', `/api/auth/account/interests/${entry.id}`, { cookie: visitor });
	}
	const counts = { public: 0, crew: 0, draft: 0 };
	for (const e of entries) counts[e.visibility]++;
	log(
		`gathering: ${entries.length} entries (${counts.public} public, ${counts.crew} crew, ${counts.draft} drafts) at ${locations.length} locations`
	);
	return { admin, visitor, locations, entries, publicEntries, counts };
}
