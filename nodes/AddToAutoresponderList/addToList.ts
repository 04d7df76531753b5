/**
 * Add Contact to List without n8n: per-item calls for small runs, bulk activities above a threshold.
 * Every shopper comes back as exactly one ItemResult.
 */
import { chunk, chunkImportRows, type ConstantContactApi } from '../ConstantContact/api';
import { normalizeEmail } from '../ConstantContact/email';
import { attempt, ConstantContactError } from '../ConstantContact/errors';
import {
	MAX_CONTACT_IDS_PER_ACTIVITY,
	MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE,
	MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT,
} from '../ConstantContact/limits';
import type { Activity, Contact, ContactCustomFieldValue, JsonImportContact } from '../ConstantContact/types';
import { completeContactUpdate } from './contactUpdate';
import { resolveCustomFields } from './customFields';
import { decide, type AddPolicy, type ConsentPolicy, type Decision, type RepeatPolicy } from './decide';
import { writeListEntry } from './reentry';
import { itemResult, type ItemResult, type ItemStatus } from './results';
import { ShopperInputError, type Shopper } from './shopper';

export interface AddSettings {
	listId: string;
	consentPolicy: ConsentPolicy;
	repeatAbandoners: RepeatPolicy;
	cooldownMs: number;
	reentryFieldLabel: string;
	createMissingFields: boolean;
	/** At or above this many shoppers, use bulk import and membership activities. */
	bulkThreshold: number;
	now: number;
	/** Without Continue On Fail the run ends at the first failure, so nothing after it should change. */
	stopAtFirstFailure?: boolean;
}

const CONTACT_INCLUDE = ['custom_fields', 'list_memberships'] as const;

/** Errors after which every further request would fail the same way (a 429 that outlasted every retry included). */
function stopsTheRun(error: unknown): boolean {
	const kind = (error as ConstantContactError).kind;
	return kind === 'quota' || kind === 'auth' || kind === 'throttled';
}

interface Run {
	api: ConstantContactApi;
	settings: AddSettings;
	policy: AddPolicy;
	fieldIds: Map<string, string>;
	/** custom_field_id -> name, the key of `cf:<name>` in imports. */
	fieldNames: Map<string, string>;
	results: Map<number, ItemResult>;
}

export async function addShoppersToList(
	api: ConstantContactApi,
	shoppers: Shopper[],
	settings: AddSettings,
): Promise<ItemResult[]> {
	const retrigger = settings.repeatAbandoners === 'retrigger';
	const run: Run = {
		api,
		settings,
		fieldIds: new Map(),
		fieldNames: new Map(),
		results: new Map(),
		policy: {
			listId: settings.listId,
			consentPolicy: settings.consentPolicy,
			repeatAbandoners: settings.repeatAbandoners,
			cooldownMs: settings.cooldownMs,
			now: settings.now,
		},
	};

	// Without consent there is nothing to look up under the default policy: no request at all.
	let active = shoppers.filter((shopper) => {
		if (shopper.consent || settings.consentPolicy !== 'consented') return true;
		record(run, shopper, 'skipped', { reason: 'no-consent' });
		return false;
	});

	const labels = active.flatMap((shopper) => shopper.cartValues.map((value) => value.label));
	if (retrigger) labels.push(settings.reentryFieldLabel);
	try {
		const resolved = await resolveCustomFields(api, labels, settings.createMissingFields || retrigger);
		for (const [label, field] of resolved.byLabel) {
			run.fieldIds.set(label, field.custom_field_id);
			run.fieldNames.set(field.custom_field_id, field.name ?? field.label.trim().replace(/\s+/g, '_'));
		}
		if (retrigger) run.policy.reentryFieldId = run.fieldIds.get(settings.reentryFieldLabel);
		const reentryProblem = retrigger ? resolved.problems.get(settings.reentryFieldLabel) : undefined;
		active = active.filter((shopper) => {
			const problem = shopper.cartValues.map((value) => resolved.problems.get(value.label)).find(Boolean) ?? reentryProblem;
			const count = shopper.cartValues.length + (retrigger ? 1 : 0);
			if (problem) record(run, shopper, 'failed', { error: problem });
			else if (count > MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE) {
				const message = `${count} custom fields were mapped; Constant Contact accepts at most ${MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE} per contact.`;
				record(run, shopper, 'failed', { error: new ShopperInputError(message, 'too-many-fields') });
			} else return true;
			return false;
		});
	} catch (error) {
		for (const shopper of active) record(run, shopper, 'failed', { error: error as Error });
		active = [];
	}

	if (active.length > 0 && active.length >= settings.bulkThreshold) await addInBulk(run, active);
	else await addOneByOne(run, active);
	return shoppers.map((shopper) => run.results.get(shopper.index)!);
}

// ---- writing one contact ----------------------------------------------------------------------------------

interface Written {
	customFields: ContactCustomFieldValue[];
	byLabel: Record<string, string>;
}

/** The custom field values to write; in re-trigger mode plus the list entry time when the contact joins. */
function fieldsToWrite(run: Run, shopper: Shopper, contact: Contact | undefined, joins: boolean): Written {
	const written: Written = { customFields: [], byLabel: {} };
	for (const { label, value } of shopper.cartValues) {
		written.customFields.push({ custom_field_id: run.fieldIds.get(label)!, value });
		written.byLabel[label] = value;
	}
	const reentryFieldId = run.policy.reentryFieldId;
	if (joins && reentryFieldId) {
		const previous = contact?.custom_fields?.find((field) => field.custom_field_id === reentryFieldId)?.value;
		const value = writeListEntry(previous, run.settings.listId, run.settings.now);
		written.customFields.push({ custom_field_id: reentryFieldId, value });
		written.byLabel[run.settings.reentryFieldLabel] = value;
	}
	return written;
}

const JOIN_STATUS: Record<'create' | 'join' | 'rejoin' | 'stay', ItemStatus> = {
	create: 'created',
	join: 'added',
	rejoin: 're-added',
	stay: 'already-on-list',
};

async function addOneByOne(run: Run, shoppers: Shopper[]): Promise<void> {
	let stop: Error | undefined;
	for (const shopper of shoppers) {
		if (stop) {
			record(run, shopper, 'failed', { error: stop });
			continue;
		}
		try {
			await addOne(run, shopper, true);
		} catch (error) {
			record(run, shopper, 'failed', { error: error as Error });
			if (stopsTheRun(error) || run.settings.stopAtFirstFailure) stop = error as Error;
		}
	}
}

function record(run: Run, shopper: Shopper, status: ItemStatus, fields: Parameters<typeof itemResult>[4] = {}): void {
	run.results.set(
		shopper.index,
		itemResult(shopper.index, shopper.email, run.settings.listId, status, { truncated: shopper.truncated, ...fields }),
	);
}

async function addOne(run: Run, shopper: Shopper, mayRetryConflict: boolean): Promise<void> {
	const { api, settings } = run;
	const contact = await api.getContactByEmail(shopper.email, [...CONTACT_INCLUDE]);
	const decision = decide(shopper, contact, run.policy);
	if (decision.action === 'skip') {
		record(run, shopper, 'skipped', { reason: decision.reason, contactId: contact?.contact_id });
		return;
	}
	if (decision.action === 'create') {
		const written = fieldsToWrite(run, shopper, undefined, true);
		if (decision.permission === 'explicit' && shopper.email.length <= MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT) {
			const signedUp = await api.signUpForm({
				email_address: shopper.email,
				first_name: shopper.firstName,
				last_name: shopper.lastName,
				list_memberships: [settings.listId],
				custom_fields: written.customFields.length ? written.customFields : undefined,
			});
			// "updated" means the contact appeared between our look-up and the sign-up (another run).
			const status = signedUp.action === 'updated' ? 'added' : 'created';
			record(run, shopper, status, { contactId: signedUp.contact_id, customFields: written.byLabel });
			return;
		}
		const created = await attempt(
			api.createContact({
				email_address: { address: shopper.email, permission_to_send: decision.permission },
				// Explicit consent came from the shopper (Contact); implied permission is the account's claim (Account).
				create_source: decision.permission === 'explicit' ? 'Contact' : 'Account',
				first_name: shopper.firstName,
				last_name: shopper.lastName,
				list_memberships: [settings.listId],
				custom_fields: written.customFields.length ? written.customFields : undefined,
			}),
		);
		if (created.ok) {
			record(run, shopper, 'created', { contactId: created.value.contact_id, customFields: written.byLabel });
			return;
		}
		// The contact was created by someone else meanwhile: decide again with what exists now.
		if (created.error.status === 409 && mayRetryConflict) return await addOne(run, shopper, false);
		throw created.error;
		return;
	}

	const existing = decision.contact;
	let current = existing;
	if (decision.action === 'rejoin') {
		await removeFromListAndWait(api, [existing.contact_id], settings.listId);
		// Read again right before the write: lists joined while the removal ran must be in the PUT, or it drops them.
		current = await api.getContact(existing.contact_id, [...CONTACT_INCLUDE]);
	}
	const joins = decision.action !== 'stay';
	const written = fieldsToWrite(run, shopper, current, joins);
	if (joins || written.customFields.length > 0) {
		await api.updateContact(
			existing.contact_id,
			completeContactUpdate(current, shopper.email, {
				firstName: shopper.firstName,
				lastName: shopper.lastName,
				customFields: written.customFields,
				joinListId: joins ? settings.listId : undefined,
			}),
		);
	}
	record(run, shopper, JOIN_STATUS[decision.action], {
		contactId: existing.contact_id,
		customFields: written.byLabel,
		reason: decision.action === 'stay' ? decision.reason : null,
	});
}

/** Removes contacts from the list and waits, so the re-add that follows is a real join. */
async function removeFromListAndWait(api: ConstantContactApi, contactIds: string[], listId: string): Promise<Activity> {
	const activity = await api.waitForActivity(await api.removeListMemberships(contactIds, [listId]));
	if (activity.state !== 'completed') {
		throw new ConstantContactError(
			`Constant Contact could not take the contact off the list to re-trigger the automation (bulk activity ${activity.state}).`,
			'activity',
		);
	}
	return activity;
}

// ---- bulk -------------------------------------------------------------------------------------------------

interface Planned {
	shopper: Shopper;
	decision: Exclude<Decision, { action: 'skip' }>;
	written: Written;
	/** A row problem reported by an import, kept in case the contact did not reach the list. */
	problem?: string;
}

/**
 * Looks the shoppers up at the lowest request cost (see contactsByEmail) to decide for every shopper, removes re-triggered contacts,
 * imports in chunks of at most 40,000 contacts and 4 MB, adds the rest by ID in chunks of 500, then reads the
 * list back: a shopper counts as on the list only if Constant Contact says so.
 */
async function addInBulk(run: Run, shoppers: Shopper[]): Promise<void> {
	const { api, settings } = run;
	const pending = new Map<number, Planned>();
	const failPending = (error: Error, only?: Planned[]) => {
		for (const planned of only ?? [...pending.values()]) {
			record(run, planned.shopper, 'failed', { error, contactId: contactIdOf(planned) });
			pending.delete(planned.shopper.index);
		}
	};
	try {
		const byEmail = await api.contactsByEmail(
			shoppers.map((shopper) => shopper.email),
			[...CONTACT_INCLUDE],
		);
		const oneByOne: Shopper[] = [];
		for (const shopper of shoppers) {
			const contact = byEmail.get(normalizeEmail(shopper.email));
			const decision = decide(shopper, contact, run.policy);
			if (decision.action === 'skip') {
				record(run, shopper, 'skipped', { reason: decision.reason, contactId: contact?.contact_id });
			} else if (decision.action === 'create' && shopper.email.length > MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT) {
				// The import takes emails of at most 50 characters; these few go through POST /contacts.
				oneByOne.push(shopper);
			} else {
				const joins = decision.action !== 'stay';
				pending.set(shopper.index, { shopper, decision, written: fieldsToWrite(run, shopper, contact, joins) });
			}
		}

		const rejoining = [...pending.values()].filter((planned) => planned.decision.action === 'rejoin');
		await membershipInChunks(run, rejoining, 'remove', failPending);
		const planned = [...pending.values()];
		const byId = new Set(planned.filter((entry) => entry.decision.action === 'join' && !needsImport(entry)));
		const imported = planned.filter((entry) => !byId.has(entry) && (entry.decision.action !== 'stay' || needsImport(entry)));
		await importAndWait(run, imported, failPending);
		await membershipInChunks(run, [...byId], 'add', failPending);

		// Read back what Constant Contact holds: the list membership and every value the import was to write. The
		// import reports per-contact problems only as free-text activity_errors and counts (reference §6.4), so the
		// stored values, not the messages, decide what was written.
		const members = new Map<string, Contact>();
		for (const contact of await api.allContacts({ listId: settings.listId, include: ['custom_fields'] })) {
			if (contact.email_address?.address) members.set(normalizeEmail(contact.email_address.address), contact);
		}
		for (const entry of pending.values()) {
			const member = members.get(normalizeEmail(entry.shopper.email));
			if (member) {
				const stored = new Map((member.custom_fields ?? []).map((field) => [field.custom_field_id, field.value]));
				const notWritten = [...new Set(entry.written.customFields.filter((field) => stored.get(field.custom_field_id) !== field.value).map((field) => labelOf(run, field.custom_field_id)))];
				record(run, entry.shopper, JOIN_STATUS[entry.decision.action], {
					contactId: member.contact_id,
					customFields: Object.fromEntries(Object.entries(entry.written.byLabel).filter(([label]) => !notWritten.includes(label))),
					reason: entry.decision.action === 'stay' ? entry.decision.reason : entry.problem ?? null,
					notWritten,
					warning: notWritten.length
						? `Constant Contact did not store ${notWritten.join(', ')} for ${entry.shopper.email}${entry.problem ? ` (${entry.problem})` : ''}; a reminder sent now would go out without ${notWritten.length === 1 ? 'it' : 'them'}.`
						: null,
				});
			} else {
				record(run, entry.shopper, 'failed', {
					contactId: contactIdOf(entry),
					error: new ConstantContactError(
						`Constant Contact did not put ${entry.shopper.email} on the list${entry.problem ? `: ${entry.problem}` : ''}.`,
						'activity',
					),
				});
			}
		}
		pending.clear();
		await addOneByOne(run, oneByOne);
	} catch (error) {
		failPending(error as Error);
		for (const shopper of shoppers) if (!run.results.has(shopper.index)) record(run, shopper, 'failed', { error: error as Error });
	}
}

/** Membership activities of at most 500 contacts, each waited for; a chunk that does not complete fails its items. */
async function membershipInChunks(
	run: Run,
	entries: Planned[],
	change: 'add' | 'remove',
	failPending: (error: Error, only?: Planned[]) => void,
): Promise<void> {
	for (const group of chunk(entries, MAX_CONTACT_IDS_PER_ACTIVITY)) {
		const contactIds = group.map((entry) => contactIdOf(entry)!);
		const listIds = [run.settings.listId];
		const queued =
			change === 'add'
				? await run.api.addListMemberships(contactIds, listIds)
				: await run.api.removeListMemberships(contactIds, listIds);
		const activity = await run.api.waitForActivity(queued);
		if (activity.state !== 'completed') {
			const what = change === 'add' ? 'add these contacts to the list' : 'take these contacts off the list';
			failPending(new ConstantContactError(`Constant Contact could not ${what} (bulk activity ${activity.state}).`, 'activity'), group);
		}
	}
}

function labelOf(run: Run, customFieldId: string): string {
	for (const [label, id] of run.fieldIds) if (id === customFieldId) return label;
	return customFieldId;
}

function contactIdOf(planned: Planned): string | null {
	return 'contact' in planned.decision ? planned.decision.contact.contact_id : null;
}

function needsImport(planned: Planned): boolean {
	return planned.written.customFields.length > 0 || !!planned.shopper.firstName || !!planned.shopper.lastName;
}

function importRow(run: Run, planned: Planned): JsonImportContact {
	const row: JsonImportContact = { email: planned.shopper.email };
	if (planned.shopper.firstName) row.first_name = planned.shopper.firstName;
	if (planned.shopper.lastName) row.last_name = planned.shopper.lastName;
	for (const { custom_field_id, value } of planned.written.customFields) {
		row[`cf:${run.fieldNames.get(custom_field_id)}`] = value;
	}
	return row;
}

async function importAndWait(
	run: Run,
	planned: Planned[],
	failPending: (error: Error, only?: Planned[]) => void,
): Promise<void> {
	if (planned.length === 0) return;
	const rows = planned.map((entry) => importRow(run, entry));
	let offset = 0;
	for (const rowsOfChunk of chunkImportRows(rows, [run.settings.listId])) {
		const entries = planned.slice(offset, offset + rowsOfChunk.length);
		offset += rowsOfChunk.length;
		const activity = await run.api.waitForActivity(await run.api.importContacts(rowsOfChunk, [run.settings.listId]));
		if (activity.state !== 'completed') {
			failPending(
				new ConstantContactError(`Constant Contact's import of ${rowsOfChunk.length} contacts ended ${activity.state}.`, 'activity'),
				entries,
			);
			continue;
		}
		// activity_errors are free text; a line that names a row's address or its import_data index explains that row.
		for (const line of activity.activity_errors ?? []) {
			const index = /import_data\[(\d+)\]/.exec(line);
			const lower = line.toLowerCase();
			const entry = index ? entries[Number(index[1])] : entries.find((candidate) => lower.includes(candidate.shopper.email));
			const message = line.replace(/^.*?import_data\[\d+\]:\s*/, '');
			if (entry) entry.problem = entry.problem ? `${entry.problem}; ${message}` : message;
		}
	}
}
