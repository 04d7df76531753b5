/** Remove Contact from List without n8n: "the shopper bought, stop the reminders". */
import { chunk, type ConstantContactApi } from '../ConstantContact/api';
import { normalizeEmail } from '../ConstantContact/email';
import { attempt, ConstantContactError } from '../ConstantContact/errors';
import { MAX_CONTACT_IDS_PER_ACTIVITY } from '../ConstantContact/limits';
import type { Contact } from '../ConstantContact/types';
import { completeContactUpdate } from './contactUpdate';
import { resolveCustomFields } from './customFields';
import { itemResult, type ItemResult } from './results';

export interface Removal {
	index: number;
	email: string;
}

/**
 * Looks contacts up at the lowest request cost (see contactsByEmail), then removes those on the list in activities of at most 500 contacts each and waits for them.
 * With `clearFieldLabels`, the shopper's values in those custom fields are emptied too (the cart is recovered).
 */
export async function removeShoppersFromList(
	api: ConstantContactApi,
	removals: Removal[],
	listId: string,
	clearFieldLabels: string[] = [],
): Promise<ItemResult[]> {
	const results = new Map<number, ItemResult>();
	const onList: Array<{ removal: Removal; contactId: string }> = [];
	const set = (removal: Removal, result: Omit<Parameters<typeof itemResult>[4], never>, status: ItemResult['status']) =>
		results.set(removal.index, itemResult(removal.index, removal.email, listId, status, result));
	try {
		const lookup = await lookUp(api, removals, clearFieldLabels.length > 0);
		for (const removal of removals) {
			const contact = lookup.get(normalizeEmail(removal.email));
			if (!contact || contact.deleted_at) set(removal, { reason: 'not-found' }, 'skipped');
			else if (!(contact.list_memberships ?? []).includes(listId)) {
				set(removal, { reason: 'not-on-list', contactId: contact.contact_id }, 'skipped');
			} else onList.push({ removal, contactId: contact.contact_id });
		}
		for (const group of chunk(onList, MAX_CONTACT_IDS_PER_ACTIVITY)) {
			const activity = await api.waitForActivity(
				await api.removeListMemberships(group.map((entry) => entry.contactId), [listId]),
			);
			for (const { removal, contactId } of group) {
				const problem = (activity.activity_errors ?? []).find((line) => line.includes(contactId));
				if (activity.state === 'completed' && !problem) set(removal, { contactId }, 'removed');
				else {
					const error = new ConstantContactError(
						`Constant Contact could not remove ${removal.email} from the list (${problem ?? `bulk activity ${activity.state}`}).`,
						'activity',
					);
					set(removal, { contactId, error }, 'failed');
				}
			}
		}
		if (clearFieldLabels.length > 0) await clearCartFields(api, removals, lookup, clearFieldLabels, results);
	} catch (error) {
		for (const removal of removals) {
			if (!results.has(removal.index)) set(removal, { error: error as Error }, 'failed');
		}
	}
	return removals.map((removal) => results.get(removal.index)!);
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
		const contact = lookup.get(normalizeEmail(removal.email));
		const offTheList = result.status === 'removed' || result.reason === 'not-on-list';
		if (!contact || !offTheList) continue;
		if (!fields.ok) {
			results.set(removal.index, { ...result, status: 'failed', error: fields.error });
			continue;
		}
		const staleIn = (fields: Contact['custom_fields']) =>
			[...fieldIds].filter(([, id]) => fields?.some((field) => field.custom_field_id === id && field.value !== ''));
		if (staleIn(contact.custom_fields).length === 0) continue;
		// A PUT replaces the contact's whole custom field set: read it right before, send all of it back with ours emptied.
		const cleared = await attempt(
			(async () => {
				const current = await api.getContact(contact.contact_id, ['custom_fields']);
				const stale = staleIn(current.custom_fields);
				if (stale.length > 0) {
					const customFields = stale.map(([, id]) => ({ custom_field_id: id, value: '' }));
					await api.updateContact(contact.contact_id, completeContactUpdate(current, removal.email, { customFields }));
				}
				return stale;
			})(),
		);
		if (cleared.ok) result.customFields = Object.fromEntries(cleared.value.map(([label]) => [label, '']));
		else results.set(removal.index, { ...result, status: 'failed', error: cleared.error });
	}
}
