/** Remove Contact from List: "the shopper bought, stop the reminders". Its parameters, and the run per item. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MAX_CONTACT_IDS_PER_ACTIVITY } from '../../ConstantContact/limits';
import { forEachList, groupByList, readListReference, unreadableItem, type ListGroup } from '../items';
import { toOutput } from '../output';
import { DEFAULT_KEEP_INPUT_FIELDS, DEFAULT_REQUEST_TIMEOUT_SECONDS, listAndEmail, optionsCollection } from '../parameters';
import { removeShoppersFromList, type Removal } from '../removeFromList';
import { InvalidInputError, type ItemResult } from '../results';
import { checkContactId, checkEmail } from '../shopper';

export const operation: INodePropertyOptions = {
	name: 'Remove Contact From List',
	value: 'removeContact',
	action: 'Remove a contact from a list',
	description: 'The shopper bought: take them off the list so the reminders stop',
};

export const properties: INodeProperties[] = [
	...listAndEmail('removeContact'),
	optionsCollection('removeContact', [
		{
			displayName: 'Clear Cart Fields',
			name: 'clearCartFields',
			type: 'string',
			default: '',
			placeholder: 'e.g. ac_recovery_url, ac_cart_total, ac_item_count',
			description:
				'Custom fields (labels, comma-separated) to empty for each shopper taken off the list, so the recovered cart\'s details do not stay in Constant Contact',
		},
		{
			displayName: 'Contact ID',
			name: 'contactId',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.cc_contact_id }}',
			description:
				`The shopper's Constant Contact contact ID, as Add to Autoresponder List output it (keep it with the cart). With it the shopper is removed without a look-up: ${MAX_CONTACT_IDS_PER_ACTIVITY} shoppers per request whatever the size of the account. Empty: looked up by email.`,
		},
	]),
];

interface RemoveOptions {
	contactId?: string;
	clearCartFields?: string;
	keepInputFields?: boolean;
	requestTimeout?: number;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as RemoveOptions;
	const clearFieldLabels = String(options.clearCartFields ?? '')
		.split(',')
		.map((label) => label.trim())
		.filter((label) => label !== '');
	const results: ItemResult[] = [];
	const groups = new Map<string, ListGroup<Removal>>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let email = '';
		try {
			const raw = this.getNodeParameter('email', itemIndex, '');
			email = String(raw ?? '').trim();
			const checked = checkEmail(raw);
			if ('problem' in checked) throw new InvalidInputError(checked.problem, 'invalid-email');
			const id = checkContactId(this.getNodeParameter('options.contactId', itemIndex, ''));
			if ('problem' in id) throw new InvalidInputError(id.problem, 'invalid-contact-id');
			groupByList(groups, readListReference(this, itemIndex), { index: itemIndex, email: checked.email, ...id });
		} catch (error) {
			results[itemIndex] = unreadableItem(itemIndex, email, error as Error);
		}
	}

	const perList = {
		requestTimeoutSeconds: options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_SECONDS,
		createListIfMissing: false,
	};
	await forEachList(this, groups, results, perList, async (api, listId, removals) =>
		await removeShoppersFromList(api, removals, listId, clearFieldLabels),
	);
	return toOutput(this, items, results, options.keepInputFields ?? DEFAULT_KEEP_INPUT_FIELDS);
}
