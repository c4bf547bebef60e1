import { fail } from '@sveltejs/kit';
import {
	entryDeleteFormSchema,
	entryFormSchema,
	entryVisibilityFormSchema,
	type ApiEntry
} from '$lib/api';
import {
	conflictDraft,
	entryFormValues,
	openDraft,
	parseOpened,
	pickFormValues,
	refusedDraft
} from '$lib/schedule/entry-draft';
import { fromLocalInput } from '$lib/schedule/zoned-time';
import { storage } from '$lib/server/storage';
import { handleForm } from '$lib/server/form';
import { parseInput } from '$lib/server/http';
import { StaleVersion } from '$lib/server/refusal';
import { actingAdmin, loadAdminSchedule } from '$lib/server/schedule/admin-page';
import { createEntry, deleteEntry, updateEntry } from '$lib/server/schedule/entries';
import { currentSettings } from '$lib/server/settings/current-settings';
import { entryCreateSchema } from '$lib/api';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadAdminSchedule(locals);

export const actions: Actions = {
	/** Creates an entry, or edits the one `id` names. Times are wall-clock times in the settings' zone. */
	save: async (event) =>
		handleForm('save', event, entryFormSchema, async (form) => {
			const session = actingAdmin(event.locals);
			const { timeZone } = await storage().read(async (records) => await currentSettings(records));
			// The API's own schema decides, so a form and a JSON client meet the same rules.
			const input = parseInput(entryCreateSchema, {
				title: form.title,
				description: form.description,
				locationId: form.locationId || null,
				start: fromLocalInput(form.start, timeZone),
				end: fromLocalInput(form.end, timeZone),
				visibility: form.visibility,
				crewNotes: form.crewNotes
			});
			if (form.id) {
				const versions = form.version === undefined ? null : [Number(form.version)];
				try {
					const entry = await updateEntry(session, form.id, input, versions);
					return {
						form: 'save',
						id: entry.id,
						success: `${entry.title} saved.`,
						values: entryFormValues(entry, timeZone),
						version: entry.revision
					};
				} catch (refusal) {
					if (!(refusal instanceof StaleVersion)) throw refusal;
					// The person's text stays in the form, beside the entry as it is now; what they
					// left alone takes the new values.
					const current = refusal.current as ApiEntry;
					const theirs = entryFormValues(current, timeZone);
					const mine = pickFormValues(form);
					const opened = parseOpened(form.opened);
					const draft = opened
						? refusedDraft(
								{ ...openDraft(opened, Number(form.version)), values: mine },
								theirs,
								current.version!
							)
						: conflictDraft(mine, theirs, current.version!);
					return fail(409, {
						form: 'save',
						message:
							'Another admin changed this entry since you opened it. Your changes are kept below, beside the current values: save again to put yours over theirs, or take the new version.',
						fields: { ...draft.values, id: form.id },
						draft
					});
				}
			}
			const entry = await createEntry(session, input);
			return { form: 'save', id: entry.id, success: `${entry.title} added.` };
		}),

	visibility: (event) =>
		handleForm('visibility', event, entryVisibilityFormSchema, async ({ id, visibility }) => {
			const entry = await updateEntry(actingAdmin(event.locals), id, { visibility });
			const words = { public: 'is public', crew: 'is for crew only', draft: 'is a draft' };
			return { form: 'visibility', id, success: `${entry.title} ${words[visibility]}.` };
		}),

	delete: (event) =>
		handleForm('delete', event, entryDeleteFormSchema, async ({ id, confirm }) => {
			const session = actingAdmin(event.locals);
			const title =
				(await storage().read(async (records) => await records.entries.find(id)))?.title ??
				'The entry';
			if (confirm !== 'yes') return { form: 'delete', id, confirming: title };
			await deleteEntry(session, id);
			return { form: 'delete', id, success: `${title} was deleted.` };
		})
};
