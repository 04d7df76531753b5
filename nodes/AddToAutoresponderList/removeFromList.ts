/** Remove Contact from List without n8n: "the shopper bought, stop the reminders". */
import { chunk, type ConstantContactApi } from '../ConstantContact/api';
import { attempt, ConstantContactError } from '../ConstantContact/errors';
import { MAX_CONTACT_IDS_PER_ACTIVITY } from '../ConstantContact/limits';
import type { Contact } from '../ConstantContact/types';
import { unchangedContact } from './contactUpdate';
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
			const contact = lookup.get(removal.email.toLowerCase());
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
 * a value there: one PUT per such contact, nothing else changed. A label without a custom field has nothing to clear.
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
		const contact = lookup.get(removal.email.toLowerCase());
		const offTheList = result.status === 'removed' || result.reason === 'not-on-list';
		if (!contact || !offTheList) continue;
		if (!fields.ok) {
			results.set(removal.index, { ...result, status: 'failed', error: fields.error });
			continue;
		}
		const stale = [...fieldIds].filter(([, id]) => contact.custom_fields?.some((field) => field.custom_field_id === id && field.value !== ''));
		if (stale.length === 0) continue;
		const cleared = await attempt(
			api.updateContact(contact.contact_id, {
				...unchangedContact(contact, removal.email),
				custom_fields: stale.map(([, id]) => ({ custom_field_id: id, value: '' })),
			}),
		);
		if (cleared.ok) result.customFields = Object.fromEntries(stale.map(([label]) => [label, '']));
		else results.set(removal.index, { ...result, status: 'failed', error: cleared.error });
	}
}
