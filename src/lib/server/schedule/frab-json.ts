import { frabDuration, type FrabEvent, type FrabModel } from './frab-model';

/*
 * The frab schedule as JSON, as pretalx and frab write it and the c3voc schema (schema.json)
 * describes it: { schedule: { version, base_url, conference: { …, rooms, days } } }, where
 * each day's `rooms` maps a room's name to its events. Same model as the XML.
 */

function jsonEvent(event: FrabEvent) {
	return {
		id: event.id,
		guid: event.guid,
		date: event.date,
		start: event.start,
		end: event.end,
		duration: frabDuration(event.durationMs),
		room: event.room,
		slug: event.slug,
		url: event.url,
		title: event.title,
		// Tidewatch has no subtitles, tracks, types, languages, abstracts or speakers; the
		// schema requires the fields.
		subtitle: '',
		track: '',
		type: '',
		language: '',
		abstract: '',
		description: event.description,
		persons: [],
		links: []
	};
}

export function buildFrabJson(model: FrabModel): string {
	const { conference } = model;
	const days = model.days.map((day) => {
		// Keyed by name: two locations of the same name share one list rather than one losing
		// its events. fromEntries makes own properties, so even "__proto__" is a plain key.
		const rooms = new Map<string, ReturnType<typeof jsonEvent>[]>();
		for (const room of day.rooms) {
			rooms.set(room.name, [...(rooms.get(room.name) ?? []), ...room.events.map(jsonEvent)]);
		}
		return {
			index: day.index,
			date: day.date,
			day_start: day.start,
			day_end: day.end,
			rooms: Object.fromEntries(rooms)
		};
	});
	return (
		JSON.stringify(
			{
				generator: { name: 'Tidewatch' },
				schedule: {
					version: model.version,
					base_url: conference.baseUrl,
					conference: {
						acronym: conference.acronym,
						title: conference.title,
						start: conference.start,
						end: conference.end,
						daysCount: conference.days,
						timeslot_duration: conference.timeslotDuration,
						...(conference.timeZone && { time_zone_name: conference.timeZone }),
						rooms: model.rooms,
						days
					}
				}
			},
			null,
			'\t'
		) + '\n'
	);
}
