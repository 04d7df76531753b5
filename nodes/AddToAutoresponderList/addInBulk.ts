/**
 * The bulk strategy: imports and membership activities whose cost does not grow with the account or the list, then
 * a read-back of what Constant Contact holds.
 */
import { chunkImportRows } from '../ConstantContact/api';
import { normalizeEmail } from '../ConstantContact/email';
import { attempt, ConstantContactError, REFUSED_ADDRESS_REASON, refusedAddress } from '../ConstantContact/errors';
import { MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT } from '../ConstantContact/limits';
import type { Activity, Contact, JsonImportContact } from '../ConstantContact/types';
import { addOneByOne } from './addOneByOne';
import {
	CONTACT_INCLUDE,
	fieldsToWrite,
	JOIN_STATUS,
	record,
	refusedAddressWarning,
	staleLabels,
	type Run,
	type Written,
} from './addRun';
import { completeContactUpdate } from './contactUpdate';
import { decide, type Decision } from './decide';
import { changeListMembership } from './listMemberships';
import type { ItemStatus } from './results';
import type { Shopper } from './shopper';

/**
 * The import itself decides: it creates the contact or updates it, never changes an existing contact's permission and
 * never puts an unsubscribed contact on a list (reference §6.4).
 */
interface ImportDecides {
	action: 'import';
}

interface Planned {
	shopper: Shopper;
	decision: Exclude<Decision, { action: 'skip' }> | ImportDecides;
	written: Written;
	/** A row problem reported by an import, kept in case the contact did not reach the list. */
	problem?: string;
}

/**
 * Whether a shopper's decision needs their contact before anything is written: re-triggering (is the contact on the
 * list, and since when?) and, under "consenting shoppers and existing subscribers", a shopper without consent (only
 * an existing subscriber may join). Every other shopper goes straight into the import.
 */
function needsContactFirst(run: Run, shopper: Shopper): boolean {
	if (run.settings.repeatAbandoners === 'retrigger') return true;
	return !shopper.consent && run.settings.consentPolicy === 'consentedOrSubscribed';
}

/**
 * Bulk add at a cost that does not grow with the account or the list: shoppers go straight into an import (chunks
 * of at most 40,000 contacts and 4 MB) that creates or updates them and puts them on the list; only the shoppers
 * whose decision needs their contact first are looked up (see contactsByEmail). Afterwards only the contacts changed
 * since the run began are read back (500 per request): a shopper counts as on the list, and a cart
 * value as written, only if Constant Contact says so (see confirmFromConstantContact for shoppers that read misses).
 */
export async function addInBulk(run: Run, shoppers: Shopper[]): Promise<void> {
	const { api } = run;
	const pending = new Map<number, Planned>();
	const failPending = (error: Error, only?: Planned[]) => {
		for (const planned of only ?? [...pending.values()]) {
			record(run, planned.shopper, 'failed', { error, contactId: contactIdOf(planned) });
			pending.delete(planned.shopper.index);
		}
	};
	try {
		const lookedUp = shoppers.filter((shopper) => needsContactFirst(run, shopper));
		const byEmail = lookedUp.length
			? await api.contactsByEmail(lookedUp.map((shopper) => shopper.email), [...CONTACT_INCLUDE])
			: new Map<string, Contact>();
		const oneByOne: Shopper[] = [];
		for (const shopper of shoppers) {
			const contact = byEmail.get(normalizeEmail(shopper.email));
			const decision: Planned['decision'] | Extract<Decision, { action: 'skip' }> = needsContactFirst(run, shopper)
				? decide(shopper, contact, run.policy)
				: { action: 'import' };
			if (decision.action === 'skip') {
				record(run, shopper, 'skipped', { reason: decision.reason, contactId: contact?.contact_id });
			} else if (shopper.email.length > MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT) {
				// The import takes emails of at most 50 characters; these few go one by one (look-up, then POST or PUT /contacts).
				oneByOne.push(shopper);
			} else {
				const written = fieldsToWrite(run, shopper, contact, decision.action !== 'stay');
				// Already on the list and nothing to write: what the look-up found is the result.
				if (decision.action === 'stay' && !writesValues(shopper, written)) {
					record(run, shopper, 'already-on-list', { contactId: decision.contact.contact_id, reason: decision.reason });
				} else pending.set(shopper.index, { shopper, decision, written });
			}
		}

		const bulk = new BulkActivities(run.settings.now);
		const rejoining = [...pending.values()].filter((planned) => planned.decision.action === 'rejoin');
		await membershipInChunks(run, rejoining, 'remove', failPending, bulk);
		const planned = [...pending.values()];
		const byId = new Set(planned.filter((entry) => entry.decision.action === 'join' && !writesValues(entry.shopper, entry.written)));
		await importAndWait(run, planned.filter((entry) => !byId.has(entry)), failPending, bulk);
		await membershipInChunks(run, [...byId], 'add', failPending, bulk);
		await confirmFromConstantContact(run, pending, bulk);
		pending.clear();
		await addOneByOne(run, oneByOne);
	} catch (error) {
		failPending(error as Error);
		for (const shopper of shoppers) if (!run.results.has(shopper.index)) record(run, shopper, 'failed', { error: error as Error });
	}
}

/**
 * What this run's bulk activities reported: import counts, and when the run began in Constant Contact's own clock.
 * That time is taken back from each activity's creation time by the time this run had spent when the answer came,
 * so a first import whose answer was lost (a timeout; it still runs, and its retry creates a second) is covered too.
 */
class BulkActivities {
	/** Epoch ms, Constant Contact's clock: no later than the start of this run. */
	runStart: number | undefined;
	/** Rows the imports could not put on the list because the contact is unsubscribed (reference §6.4). */
	cannotAddToList = 0;

	constructor(
		private readonly startedAt: number,
		private readonly now: () => number = () => Date.now(),
	) {}

	saw(activity: Activity): void {
		const createdAt = Date.parse(activity.created_at ?? '');
		if (Number.isNaN(createdAt)) return;
		const start = createdAt - Math.max(0, this.now() - this.startedAt);
		if (this.runStart === undefined || start < this.runStart) this.runStart = start;
	}

	finishedImport(activity: Activity): void {
		this.cannotAddToList += activity.status?.cannot_add_to_list_count ?? 0;
	}

	/**
	 * `updated_after` for the read-back: a second before the run began, as the filter is exclusive and timestamps may be
	 * kept to the second. Undefined when no activity reported its time.
	 */
	updatedAfter(): string | undefined {
		return this.runStart === undefined ? undefined : new Date(this.runStart - 1000).toISOString();
	}
}

/**
 * Reads back the contacts Constant Contact changed since the run began and records every pending shopper
 * from what Constant Contact holds: on the list with the values it stored, unsubscribed or deleted (skipped; the
 * import changes neither), or failed. A shopper that read does not return was not changed: the import found the
 * contact already on the list with these very values, or could not add it. The imports' own count of contacts it
 * could not add tells which: when the unsubscribed contacts already seen account for all of it, every unchanged shopper
 * was already on the list; otherwise (and for shoppers added by ID) the unchanged ones are looked up by email.
 */
async function confirmFromConstantContact(run: Run, pending: Map<number, Planned>, bulk: BulkActivities): Promise<void> {
	if (pending.size === 0) return;
	const include = [...CONTACT_INCLUDE];
	const updatedAfter = bulk.updatedAfter();
	const changed = new Map<string, Contact>();
	if (updatedAfter) {
		for (const contact of await run.api.allContacts({ updatedAfter, include })) {
			if (contact.email_address?.address) changed.set(normalizeEmail(contact.email_address.address), contact);
		}
	}
	const entries = [...pending.values()];
	const changedContactOf = (entry: Planned) => changed.get(normalizeEmail(entry.shopper.email));
	const unsubscribedSeen = entries.filter((entry) => {
		const contact = changedContactOf(entry);
		return contact !== undefined && isUnsubscribed(contact);
	}).length;
	const everyUnchangedIsOnList = bulk.cannotAddToList <= unsubscribedSeen;
	const unchanged = entries.filter((entry) => !changedContactOf(entry) && !entry.problem);
	// A shopper with slots to empty is read too: the import may have left a longer, earlier cart's items there.
	const toLookUp = unchanged.filter((entry) => entry.decision.action !== 'import' || !everyUnchangedIsOnList || !!entry.shopper.emptied?.length);
	const lookedUp = toLookUp.length
		? await run.api.contactsByEmail(toLookUp.map((entry) => entry.shopper.email), include, { readAccountWhenCheaper: false })
		: new Map<string, Contact>();

	for (const entry of entries) {
		const email = normalizeEmail(entry.shopper.email);
		const contact = changed.get(email) ?? lookedUp.get(email);
		const refused = contact ? undefined : refusedAddress(entry.problem);
		if (!contact && !entry.problem && entry.decision.action === 'import' && everyUnchangedIsOnList) {
			// Not changed by the import, and not among the contacts it could not add: it was on the list with these values.
			record(run, entry.shopper, 'already-on-list', { customFields: entry.written.byLabel, reason: 'already-on-list' });
		} else if (contact && isUnsubscribed(contact)) {
			record(run, entry.shopper, 'skipped', { reason: 'unsubscribed', contactId: contact.contact_id });
		} else if (contact?.deleted_at) {
			record(run, entry.shopper, 'skipped', { reason: 'deleted', contactId: contact.contact_id });
		} else if (contact && (contact.list_memberships ?? []).includes(run.settings.listId)) {
			const emptied = await emptyStaleSlots(run, entry, contact);
			recordOnList(run, entry, emptied, changed.has(email) ? statusOf(entry, contact, bulk) : unchangedStatus(entry));
		} else if (refused) {
			const warning = refusedAddressWarning(entry.shopper, refused);
			record(run, entry.shopper, 'skipped', { reason: REFUSED_ADDRESS_REASON, contactId: contactIdOf(entry), warning });
		} else {
			record(run, entry.shopper, 'failed', {
				contactId: contact?.contact_id ?? contactIdOf(entry),
				error: new ConstantContactError(
					`Constant Contact did not put ${entry.shopper.email} on the list${entry.problem ? `: ${entry.problem}` : ''}.`,
					'activity',
				),
			});
		}
	}
}

/**
 * Whether an import empties a field given an empty value is unconfirmed (reference §13), so the import carries no
 * empty values, and a contact that still holds a value in a slot this cart leaves empty gets one read and one complete
 * PUT with those slots emptied. Returns the contact as it now is; a slot that could not be emptied stays in it and
 * recordOnList reports it as not written.
 */
async function emptyStaleSlots(run: Run, entry: Planned, contact: Contact): Promise<Contact> {
	if (staleLabels(run, entry.shopper, contact).length === 0) return contact;
	const emptied = await attempt(
		(async () => {
			const current = await run.api.getContact(contact.contact_id, [...CONTACT_INCLUDE]);
			const stale = new Set(staleLabels(run, entry.shopper, current).map((label) => run.fieldIds.get(label)!));
			const customFields = [...stale].map((custom_field_id) => ({ custom_field_id, value: '' }));
			if (customFields.length) await run.api.updateContact(contact.contact_id, completeContactUpdate(current, entry.shopper.email, { customFields }));
			return { ...current, custom_fields: (current.custom_fields ?? []).map((field) => (stale.has(field.custom_field_id) ? { ...field, value: '' } : field)) };
		})(),
	);
	for (const label of staleLabels(run, entry.shopper, contact)) {
		const custom_field_id = run.fieldIds.get(label)!;
		if (!entry.written.customFields.some((field) => field.custom_field_id === custom_field_id)) entry.written.customFields.push({ custom_field_id, value: '' });
		entry.written.byLabel[label] = '';
	}
	return emptied.ok ? emptied.value : contact;
}

function isUnsubscribed(contact: Contact): boolean {
	return contact.email_address?.permission_to_send === 'unsubscribed';
}

/** On the list: the status, and which cart values Constant Contact did not store (compared with what it holds). */
function recordOnList(run: Run, entry: Planned, contact: Contact, status: ItemStatus): void {
	const stored = new Map((contact.custom_fields ?? []).map((field) => [field.custom_field_id, field.value]));
	const notWritten = [...new Set(entry.written.customFields.filter((field) => stored.get(field.custom_field_id) !== field.value).map((field) => labelOf(run, field.custom_field_id)))];
	record(run, entry.shopper, status, {
		contactId: contact.contact_id,
		customFields: Object.fromEntries(Object.entries(entry.written.byLabel).filter(([label]) => !notWritten.includes(label))),
		reason: entry.decision.action === 'stay' ? entry.decision.reason : status === 'already-on-list' ? 'already-on-list' : entry.problem ?? null,
		notWritten,
		warning: notWritten.length
			? `Constant Contact did not store ${notWritten.join(', ')} for ${entry.shopper.email}${entry.problem ? ` (${entry.problem})` : ''}; a reminder sent now would go out without ${notWritten.length === 1 ? 'it' : 'them'}.`
			: null,
	});
}

/** A shopper the import left unchanged did not join the list; one whose decision was looked up keeps its status. */
function unchangedStatus(entry: Planned): ItemStatus {
	return entry.decision.action === 'import' ? 'already-on-list' : JOIN_STATUS[entry.decision.action];
}

/**
 * A looked-up shopper's status follows its decision. A shopper the import decided for and changed is created when the
 * contact is newer than the run's start, and otherwise added: the import does not say whether an existing
 * contact it changed was already on the list, and finding out would cost a read of the whole list.
 */
function statusOf(entry: Planned, contact: Contact, bulk: BulkActivities): ItemStatus {
	if (entry.decision.action !== 'import') return JOIN_STATUS[entry.decision.action];
	const createdAt = Date.parse(contact.created_at ?? '');
	return bulk.runStart !== undefined && createdAt >= bulk.runStart ? 'created' : 'added';
}

/** A chunk whose activity does not complete fails its items. */
async function membershipInChunks(
	run: Run,
	entries: Planned[],
	change: 'add' | 'remove',
	failPending: (error: Error, only?: Planned[]) => void,
	bulk: BulkActivities,
): Promise<void> {
	const chunks = await changeListMembership(run.api, run.settings.listId, change, entries, (entry) => contactIdOf(entry)!, (activity) =>
		bulk.saw(activity),
	);
	for (const { entries: group, activity } of chunks) {
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

/** Whether the contact gets any value from this run: custom fields (cart values, list entry time) or a name. */
function writesValues(shopper: Shopper, written: Written): boolean {
	return written.customFields.length > 0 || !!shopper.firstName || !!shopper.lastName;
}

function importRow(run: Run, planned: Planned): JsonImportContact {
	const row: JsonImportContact = { email: planned.shopper.email };
	if (planned.shopper.firstName) row.first_name = planned.shopper.firstName;
	if (planned.shopper.lastName) row.last_name = planned.shopper.lastName;
	for (const { custom_field_id, value } of planned.written.customFields) {
		// An empty value may be ignored by the import (unconfirmed): emptyStaleSlots empties such slots afterwards.
		if (value !== '') row[`cf:${run.fieldNames.get(custom_field_id)}`] = value;
	}
	return row;
}

async function importAndWait(
	run: Run,
	planned: Planned[],
	failPending: (error: Error, only?: Planned[]) => void,
	bulk: BulkActivities,
): Promise<void> {
	if (planned.length === 0) return;
	const rows = planned.map((entry) => importRow(run, entry));
	let offset = 0;
	for (const rowsOfChunk of chunkImportRows(rows, [run.settings.listId])) {
		const entries = planned.slice(offset, offset + rowsOfChunk.length);
		offset += rowsOfChunk.length;
		const queued = await run.api.importContacts(rowsOfChunk, [run.settings.listId]);
		bulk.saw(queued);
		const activity = await run.api.waitForActivity(queued);
		bulk.finishedImport(activity);
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

