/** Remove Contact from List without n8n: "the shopper bought, stop the reminders". */
import type { ConstantContactApi } from '../ConstantContact/api';
import { normalizeEmail } from '../ConstantContact/email';
import { attempt, ConstantContactError } from '../ConstantContact/errors';
import type { Contact } from '../ConstantContact/types';
import { completeContactUpdate } from './contactUpdate';
import { resolveCustomFields } from './customFields';
import { changeListMembership } from './listMemberships';
import { itemResult, type ItemResult } from './results';

export interface Removal {
	index: number;
	email: string;
	/** The shopper's Constant Contact contact ID, when the workflow kept it (Add to Autoresponder List outputs it). */
	contactId?: string;
}

interface Removing {
	removal: Removal;
	contactId: string;
}

type SetResult = (removal: Removal, result: Parameters<typeof itemResult>[4], status: ItemResult['status']) => void;

/**
 * Takes shoppers off the list in activities of at most 500 contacts each, all submitted before they are waited for.
 * A shopper with a contact ID is removed by it without a look-up: the cost is the same in any account (Constant
 * Contact does not say whether that contact was on the list; either way it is not now). One the activity could not
 * remove by that ID (deleted, or an ID of another account) is looked up by email like a shopper without one, at
 * the lowest request cost (see contactsByEmail). With `clearFieldLabels`, the shopper's values in those custom fields
 * are emptied too (the cart is recovered).
 */
export async function removeShoppersFromList(
	api: ConstantContactApi,
	removals: Removal[],
	listId: string,
	clearFieldLabels: string[] = [],
): Promise<ItemResult[]> {
	const results = new Map<number, ItemResult>();
	const set: SetResult = (removal, result, status) => {
		results.set(removal.index, itemResult(removal.index, removal.email, listId, status, result));
	};
	let lookup = new Map<string, Contact>();
	try {
		const byId = removals.filter((removal) => removal.contactId);
		const notRemovedById = await removeInActivities(api, listId, byId.map((removal) => ({ removal, contactId: removal.contactId! })), set);
		const byEmail = [...removals.filter((removal) => !removal.contactId), ...notRemovedById.map((entry) => entry.removal)];
		if (byEmail.length > 0) lookup = await lookUp(api, byEmail, clearFieldLabels.length > 0);
		const onList: Removing[] = [];
		for (const removal of byEmail) {
			const contact = lookup.get(normalizeEmail(removal.email));
			if (!contact || contact.deleted_at) set(removal, { reason: 'not-found' }, 'skipped');
			else if (!(contact.list_memberships ?? []).includes(listId)) {
				set(removal, { reason: 'not-on-list', contactId: contact.contact_id }, 'skipped');
			} else onList.push({ removal, contactId: contact.contact_id });
		}
		for (const { removal, contactId, problem } of await removeInActivities(api, listId, onList, set)) {
			const error = new ConstantContactError(`Constant Contact could not remove ${removal.email} from the list (${problem}).`, 'activity');
			set(removal, { contactId, error }, 'failed');
		}
		if (clearFieldLabels.length > 0) await clearCartFields(api, removals, lookup, clearFieldLabels, results);
	} catch (error) {
		for (const removal of removals) {
			if (!results.has(removal.index)) set(removal, { error: error as Error }, 'failed');
		}
	}
	return removals.map((removal) => results.get(removal.index)!);
}

/** Each removal its activity completed is set `removed`; the others are returned with what went wrong. */
async function removeInActivities(
	api: ConstantContactApi,
	listId: string,
	removing: Removing[],
	set: SetResult,
): Promise<Array<Removing & { problem: string }>> {
	const notRemoved: Array<Removing & { problem: string }> = [];
	for (const { entries, activity } of await changeListMembership(api, listId, 'remove', removing, (entry) => entry.contactId)) {
		for (const entry of entries) {
			const problem = (activity.activity_errors ?? []).find((line) => line.includes(entry.contactId));
			if (activity.state === 'completed' && !problem) set(entry.removal, { contactId: entry.contactId }, 'removed');
			else notRemoved.push({ ...entry, problem: problem ?? `bulk activity ${activity.state}` });
		}
	}
	return notRemoved;
}

async function lookUp(api: ConstantContactApi, removals: Removal[], withFields: boolean): Promise<Map<string, Contact>> {
	return await api.contactsByEmail(
		removals.map((removal) => removal.email),
		withFields ? ['list_memberships', 'custom_fields'] : ['list_memberships'],
	);
}

/**
 * Empties the given custom fields of every shopper who is now off the list (removed, or was not on it) and still holds
 * a value there: per such contact one read and one PUT that carries every other value unchanged (completeContactUpdate). A label without a custom field has nothing to clear.
 */
async function clearCartFields(
	api: ConstantContactApi,
	removals: Removal[],
	lookup: Map<string, Contact>,
	labels: string[],
	results: Map<number, ItemResult>,
): Promise<void> {
	const fields = await attempt(resolveCustomFields(api, labels, false));
	const fieldIds = new Map(fields.ok ? [...fields.value.byLabel].map(([label, field]) => [label, field.custom_field_id]) : []);
	for (const removal of removals) {
		const result = results.get(removal.index)!;
		// Removed by its contact ID, a shopper was not looked up: the read right before the PUT says what is stale
		const contact = lookup.get(normalizeEmail(removal.email));
		const contactId = contact?.contact_id ?? result.contactId;
		const offTheList = result.status === 'removed' || result.reason === 'not-on-list';
		if (!contactId || !offTheList) continue;
		if (!fields.ok) {
			results.set(removal.index, { ...result, status: 'failed', error: fields.error });
			continue;
		}
		const staleIn = (fields: Contact['custom_fields']) =>
			[...fieldIds].filter(([, id]) => fields?.some((field) => field.custom_field_id === id && field.value !== ''));
		if (contact && staleIn(contact.custom_fields).length === 0) continue;
		// A PUT replaces the contact's whole custom field set: read it right before, send all of it back with ours emptied.
		const cleared = await attempt(
			(async () => {
				const current = await api.getContact(contactId, ['custom_fields']);
				const stale = staleIn(current.custom_fields);
				if (stale.length > 0) {
					const customFields = stale.map(([, id]) => ({ custom_field_id: id, value: '' }));
					await api.updateContact(contactId, completeContactUpdate(current, removal.email, { customFields }));
				}
				return stale;
			})(),
		);
		if (cleared.ok) result.customFields = Object.fromEntries(cleared.value.map(([label]) => [label, '']));
		else results.set(removal.index, { ...result, status: 'failed', error: cleared.error });
	}
}
