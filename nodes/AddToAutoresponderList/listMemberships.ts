/** Putting contacts on the list or taking them off, by ID, through Constant Contact's bulk membership activities. */
import { chunk, type ConstantContactApi } from '../ConstantContact/api';
import { MAX_CONTACT_IDS_PER_ACTIVITY } from '../ConstantContact/limits';
import type { Activity } from '../ConstantContact/types';

export interface MembershipChunk<T> {
	entries: T[];
	/** The chunk's activity as it finished (completed, failed, cancelled or timed out). */
	activity: Activity;
}

/**
 * Activities of at most 500 contacts each, all submitted, then waited for together (see waitForActivities).
 * `submitted` sees each activity as Constant Contact accepted it.
 */
export async function changeListMembership<T>(
	api: ConstantContactApi,
	listId: string,
	change: 'add' | 'remove',
	entries: T[],
	contactIdOf: (entry: T) => string,
	submitted?: (activity: Activity) => void,
): Promise<Array<MembershipChunk<T>>> {
	const groups = chunk(entries, MAX_CONTACT_IDS_PER_ACTIVITY);
	const queued: Activity[] = [];
	for (const group of groups) {
		const contactIds = group.map(contactIdOf);
		const activity =
			change === 'add'
				? await api.addListMemberships(contactIds, [listId])
				: await api.removeListMemberships(contactIds, [listId]);
		submitted?.(activity);
		queued.push(activity);
	}
	const finished = await api.waitForActivities(queued);
	return groups.map((group, n) => ({ entries: group, activity: finished[n] }));
}
