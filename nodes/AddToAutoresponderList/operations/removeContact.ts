/** Remove Contact from List: "the shopper bought, stop the reminders". */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { attempt } from '../../ConstantContact/errors';
import { constantContactApi } from '../../ConstantContact/n8nAdapter';
import { resolveList } from '../lists';
import { removeShoppersFromList, type Removal } from '../removeFromList';
import { itemResult, type ItemResult } from '../results';
import { checkContactId, checkEmail, ShopperInputError } from '../shopper';
import { groupByList, invalidInput, readListReference, type ListGroup } from './addContact';
import { toOutput } from './output';

interface RemoveOptions {
	contactId?: string;
	clearCartFields?: string;
	keepInputFields?: boolean;
	requestTimeout?: number;
}

export async function removeContact(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
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
			if ('problem' in checked) throw new ShopperInputError(checked.problem, 'invalid-email');
			const id = checkContactId(this.getNodeParameter('options.contactId', itemIndex, ''));
			if ('problem' in id) throw new ShopperInputError(id.problem, 'invalid-contact-id');
			groupByList(groups, readListReference(this, itemIndex), { index: itemIndex, email: checked.email, ...id });
		} catch (error) {
			results[itemIndex] = invalidInput(itemIndex, email, error as Error);
		}
	}

	// As in Add: an item that cannot even be read ends the run here, before anything changes in Constant Contact.
	if (!this.continueOnFail() && results.some((result) => result?.status === 'failed')) groups.clear();
	if (groups.size > 0) {
		const api = await constantContactApi(this, { timeoutMs: (options.requestTimeout ?? 30) * 1000 });
		for (const { reference, members } of groups.values()) {
			const list = await attempt(resolveList(api, reference, false));
			const outcomes = list.ok
				? await removeShoppersFromList(api, members, list.value.list_id, clearFieldLabels)
				: members.map((removal) => itemResult(removal.index, removal.email, null, 'failed', { error: list.error }));
			for (const outcome of outcomes) results[outcome.index] = outcome;
		}
	}
	return toOutput(this, items, results, options.keepInputFields ?? true);
}
