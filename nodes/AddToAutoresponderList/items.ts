/** Item helpers both operations share: the list each item goes to, an item that cannot be read, the work per list. */
import type { IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';

import type { ConstantContactApi } from '../ConstantContact/api';
import { attempt } from '../ConstantContact/errors';
import { constantContactApi } from '../ConstantContact/n8nAdapter';
import { checkListReference, resolveList, type ListReference } from './lists';
import { InvalidInputError, itemResult, type ItemResult } from './results';

/** The item's list setting, checked before any request (a missing or malformed one fails the item with invalid-parameter). */
export function readListReference(context: IExecuteFunctions, itemIndex: number): ListReference {
	const locator = context.getNodeParameter('list', itemIndex) as INodeParameterResourceLocator | string;
	if (typeof locator === 'string') return checkListReference({ mode: 'id', value: locator });
	return checkListReference({ mode: locator.mode, value: String(locator.value ?? '') });
}

/** Items grouped by the list they go to (an expression may pick a different list per item). */
export interface ListGroup<T> {
	reference: ListReference;
	members: T[];
}

export function groupByList<T>(groups: Map<string, ListGroup<T>>, reference: ListReference, member: T): void {
	const key = `${reference.mode}:${reference.value.trim()}`;
	const group = groups.get(key) ?? { reference, members: [] };
	group.members.push(member);
	groups.set(key, group);
}

/** The result of an item that could not be read: its own data (InvalidInputError) or a parameter (InvalidParameterError). */
export function unreadableItem(index: number, email: string, error: Error): ItemResult {
	// A malformed email is the shopper's data, not a failure: the item is reported and the run carries on.
	if (error instanceof InvalidInputError && error.reason === 'invalid-email') {
		return itemResult(index, email, null, 'skipped', { reason: 'invalid-email' });
	}
	return itemResult(index, email, null, 'failed', { error });
}

export interface PerListOptions {
	requestTimeoutSeconds: number;
	createListIfMissing: boolean;
}

/**
 * Runs `work` once per list with that list's members and records their outcomes in `results`; a list that cannot be
 * resolved fails its members. Without Continue On Fail, an item that could not be read ends the run before this.
 */
export async function forEachList<T extends { index: number; email: string }>(
	context: IExecuteFunctions,
	groups: Map<string, ListGroup<T>>,
	results: ItemResult[],
	options: PerListOptions,
	work: (api: ConstantContactApi, listId: string, members: T[]) => Promise<ItemResult[]>,
): Promise<void> {
	// An item that cannot even be read ends the run here, before anything changes in Constant Contact.
	if (!context.continueOnFail() && results.some((result) => result?.status === 'failed')) return;
	if (groups.size === 0) return;
	const api = await constantContactApi(context, { timeoutMs: options.requestTimeoutSeconds * 1000 });
	for (const { reference, members } of groups.values()) {
		const list = await attempt(resolveList(api, reference, options.createListIfMissing));
		const outcomes = list.ok
			? await work(api, list.value.list_id, members)
			: members.map((member) => itemResult(member.index, member.email, null, 'failed', { error: list.error }));
		for (const outcome of outcomes) results[outcome.index] = outcome;
	}
}
