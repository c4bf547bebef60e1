import { xmlAttribute as attr, xmlText as text } from '../feeds/xml-text';
import { frabDuration, type FrabEvent, type FrabModel } from './frab-model';

/*
 * The frab / pentabarf schedule XML that conference schedule apps (EventFahrplan, Giggity,
 * ConfClerk) and the c3voc tools read, as pretalx and frab write it: <schedule> →
 * <conference> → <day> → <room> → <event>, with every element the c3voc schema
 * (schedule.xml.xsd) requires. docs/api.md lists them.
 */

function eventLines(event: FrabEvent): string[] {
	return [
		`\t\t\t<event guid="${event.guid}" id="${event.id}">`,
		`\t\t\t\t<date>${event.date}</date>`,
		`\t\t\t\t<start>${event.start}</start>`,
		`\t\t\t\t<duration>${frabDuration(event.durationMs)}</duration>`,
		`\t\t\t\t<room>${text(event.room)}</room>`,
		`\t\t\t\t<slug>${event.slug}</slug>`,
		`\t\t\t\t<url>${text(event.url)}</url>`,
		`\t\t\t\t<title>${text(event.title)}</title>`,
		// Tidewatch has no subtitles, tracks, types, languages, abstracts or speakers: the
		// schema wants the first five present, so they are empty.
		'\t\t\t\t<subtitle></subtitle>',
		'\t\t\t\t<track></track>',
		'\t\t\t\t<type></type>',
		'\t\t\t\t<language></language>',
		'\t\t\t\t<abstract></abstract>',
		`\t\t\t\t<description>${text(event.description)}</description>`,
		'\t\t\t\t<persons></persons>',
		'\t\t\t\t<links></links>',
		'\t\t\t</event>'
	];
}

export function buildFrabXml(model: FrabModel): string {
	const { conference } = model;
	const lines = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		'<schedule>',
		'\t<generator name="Tidewatch"/>',
		`\t<version>${text(model.version)}</version>`,
		'\t<conference>',
		`\t\t<acronym>${conference.acronym}</acronym>`,
		`\t\t<title>${text(conference.title)}</title>`,
		`\t\t<start>${conference.start}</start>`,
		`\t\t<end>${conference.end}</end>`,
		`\t\t<days>${conference.days}</days>`,
		`\t\t<timeslot_duration>${conference.timeslotDuration}</timeslot_duration>`,
		`\t\t<base_url>${text(conference.baseUrl)}</base_url>`
	];
	if (conference.timeZone) {
		lines.push(`\t\t<time_zone_name>${text(conference.timeZone)}</time_zone_name>`);
	}
	lines.push('\t</conference>');
	for (const day of model.days) {
		lines.push(
			`\t<day index="${day.index}" date="${day.date}" start="${day.start}" end="${day.end}">`
		);
		for (const room of day.rooms) {
			lines.push(`\t\t<room name="${attr(room.name)}" guid="${room.guid}">`);
			for (const event of room.events) lines.push(...eventLines(event));
			lines.push('\t\t</room>');
		}
		lines.push('\t</day>');
	}
	lines.push('</schedule>');
	return lines.join('\n') + '\n';
}
