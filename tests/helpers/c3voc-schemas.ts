import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import addFormats from 'ajv-formats';
import { validateXML } from 'xmllint-wasm';

/*
 * The c3voc schedule schemas themselves (tests/fixtures/c3voc, copied from voc/schedule), run
 * by real validators: libxml2's (compiled to WebAssembly, no system package) for the XSD and
 * Ajv for the JSON schema. The hand-written checks in frab-schema.ts name each rule; these
 * catch whatever a hand-written check forgot.
 */

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/c3voc/${name}`, import.meta.url), 'utf8');

const xsd = fixture('schedule.xml.xsd');

/** The XSD's errors for the document, none when valid. */
export async function xsdErrors(xml: string): Promise<string[]> {
	const result = await validateXML({
		xml: { fileName: 'schedule.xml', contents: xml },
		schema: { fileName: 'schedule.xml.xsd', contents: xsd }
	});
	return result.valid ? [] : result.errors.map((error) => error.message);
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addMetaSchema(draft6);
addFormats(ajv);
// The schema's own format for room and track colours; Ajv knows no such format.
ajv.addFormat('color', true);
const validateJson = ajv.compile(JSON.parse(fixture('schema.json')));

/** The JSON schema's errors for the document, none when valid. */
export function jsonSchemaErrors(document: unknown): string[] {
	if (validateJson(document)) return [];
	return (validateJson.errors ?? []).map(
		(error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`
	);
}
