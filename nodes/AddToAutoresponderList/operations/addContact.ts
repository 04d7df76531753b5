/** Add Contact to List: reads the parameters per item, runs the plain logic, returns one item per input item. */
import type { IExecuteFunctions, INodeExecutionData, INodeParameterResourceLocator } from 'n8n-workflow';

import { attempt } from '../../ConstantContact/errors';
import { constantContactApi } from '../../ConstantContact/n8nAdapter';
import { addShoppersToList } from '../addToList';
import type { ConsentPolicy, RepeatPolicy } from '../decide';
import { cartLinkProblem, parseAllowedLinkHosts, type AllowedLinkHosts } from '../links';
import { checkListReference, resolveList, type ListReference } from '../lists';
import { DEFAULT_REENTRY_FIELD } from '../reentry';
import { itemResult, type ItemResult } from '../results';
import { readShopper, ShopperInputError, type LongValuePolicy, type Shopper } from '../shopper';
import { toOutput } from './output';

interface AddOptions {
	allowedLinkHosts?: string;
	bulkThreshold?: number;
	createListIfMissing?: boolean;
	createMissingFields?: boolean;
	keepInputFields?: boolean;
	reentryField?: string;
	requestTimeout?: number;
	longValues?: LongValuePolicy;
}

const DAY_MS = 24 * 60 * 60 * 1000;

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

export function invalidInput(index: number, email: string, error: Error): ItemResult {
	// A malformed email is the shopper's data, not a failure: the item is reported and the run carries on.
	if (error instanceof ShopperInputError && error.reason === 'invalid-email') {
		return itemResult(index, email, null, 'skipped', { reason: 'invalid-email' });
	}
	return itemResult(index, email, null, 'failed', { error });
}

export async function addContact(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as AddOptions;
	const consentPolicy = this.getNodeParameter('consentPolicy', 0, 'consented') as ConsentPolicy;
	const repeatAbandoners = this.getNodeParameter('repeatAbandoners', 0, 'leave') as RepeatPolicy;
	const cooldownDays =
		repeatAbandoners === 'retrigger' ? (this.getNodeParameter('cooldownDays', 0, 7) as number) : 0;
	const longValues = options.longValues ?? 'truncate';
	// Not set (workflows made before the option existed): any web link passes; set, even empty: only these hosts.
	const allowedLinkHosts: AllowedLinkHosts = options.allowedLinkHosts === undefined ? undefined : parseAllowedLinkHosts(options.allowedLinkHosts);

	const results: ItemResult[] = [];
	const groups = new Map<string, ListGroup<Shopper>>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let email = '';
		try {
			email = String(this.getNodeParameter('email', itemIndex, '') ?? '').trim();
			const cartFields = this.getNodeParameter('cartFields.field', itemIndex, []) as Array<{ label: unknown; value: unknown }>;
			const shopper = readShopper(
				{
					index: itemIndex,
					email,
					firstName: this.getNodeParameter('firstName', itemIndex, ''),
					lastName: this.getNodeParameter('lastName', itemIndex, ''),
					consent: this.getNodeParameter('consent', itemIndex, false),
					cartValues: cartFields,
				},
				longValues,
			);
			const linkProblem = cartLinkProblem(shopper.cartValues, allowedLinkHosts);
			if (linkProblem) {
				// A hijacked or scripted link is the data's problem, not a failure: nothing is written for this shopper.
				results[itemIndex] = itemResult(itemIndex, shopper.email, null, 'skipped', { reason: linkProblem.reason });
				continue;
			}
			groupByList(groups, readListReference(this, itemIndex), shopper);
		} catch (error) {
			results[itemIndex] = invalidInput(itemIndex, email, error as Error);
		}
	}

	const stopAtFirstFailure = !this.continueOnFail();
	// An item that cannot even be read ends the run here, before anything changes in Constant Contact.
	if (stopAtFirstFailure && results.some((result) => result?.status === 'failed')) groups.clear();
	if (groups.size > 0) {
		const api = await constantContactApi(this, { timeoutMs: (options.requestTimeout ?? 30) * 1000 });
		for (const { reference, members } of groups.values()) {
			const list = await attempt(resolveList(api, reference, options.createListIfMissing ?? false));
			const outcomes = list.ok
				? await addShoppersToList(api, members, {
						listId: list.value.list_id,
						consentPolicy,
						repeatAbandoners,
						cooldownMs: cooldownDays * DAY_MS,
						reentryFieldLabel: options.reentryField?.trim() || DEFAULT_REENTRY_FIELD,
						createMissingFields: options.createMissingFields ?? false,
						bulkThreshold: options.bulkThreshold ?? 50,
						now: Date.now(),
						stopAtFirstFailure,
					})
				: members.map((shopper) => itemResult(shopper.index, shopper.email, null, 'failed', { error: list.error }));
			for (const outcome of outcomes) results[outcome.index] = outcome;
		}
	}
	return toOutput(this, items, results, options.keepInputFields ?? true);
}
