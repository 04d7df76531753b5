/** Remove Contact from List without n8n: "the shopper bought, stop the reminders". */
import { chunk, type ConstantContactApi } from '../ConstantContact/api';
import { ConstantContactError } from '../ConstantContact/errors';
import { MAX_CONTACT_IDS_PER_ACTIVITY } from '../ConstantContact/limits';
import type { Contact } from '../ConstantContact/types';
import { itemResult, type ItemResult } from './results';

export interface Removal {
	index: number;
	email: string;
}

/**
 * Looks contacts up at the lowest request cost (see contactsByEmail), then removes those on the list in activities of at most 500 contacts each and waits for them.
 */
export async function removeShoppersFromList(
	api: ConstantContactApi,
	removals: Removal[],
	listId: string,
): Promise<ItemResult[]> {
	const results = new Map<number, ItemResult>();
	const onList: Array<{ removal: Removal; contactId: string }> = [];
	const set = (removal: Removal, result: Omit<Parameters<typeof itemResult>[4], never>, status: ItemResult['status']) =>
		results.set(removal.index, itemResult(removal.index, removal.email, listId, status, result));
	try {
		const lookup = await lookUp(api, removals);
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
	} catch (error) {
		for (const removal of removals) {
			if (!results.has(removal.index)) set(removal, { error: error as Error }, 'failed');
		}
	}
	return removals.map((removal) => results.get(removal.index)!);
}

async function lookUp(api: ConstantContactApi, removals: Removal[]): Promise<Map<string, Contact>> {
	return await api.contactsByEmail(
		removals.map((removal) => removal.email),
		['list_memberships'],
	);
}
