/** Results -> n8n items: one per input item with pairedItem; failures as error items or thrown with itemIndex. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../ConstantContact/n8nAdapter';
import { failureReason, type ItemResult } from './results';

export function toOutput(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	results: ItemResult[],
	keepInputFields: boolean,
): INodeExecutionData[] {
	const continueOnFail = context.continueOnFail();
	// n8n sends an item to the error output when its JSON holds only error/message/details, and then adds the
	// input item's fields itself; an item.error would instead reduce the JSON to { error }.
	const toErrorOutput = context.getNode().onError === 'continueErrorOutput';
	return results.map((result, itemIndex) => {
		const json: INodeExecutionData['json'] = {
			...(keepInputFields ? items[itemIndex].json : {}),
			email: result.email,
			contactId: result.contactId,
			listId: result.listId,
			status: result.status,
			reason: result.status === 'failed' && result.error ? failureReason(result.error) : result.reason,
			customFields: result.customFields,
			truncated: result.truncated,
			// Mark Reminders Sent reads this: a reminder sent now would lack these cart details.
			cartFieldsNotWritten: result.notWritten,
			warning: result.warning,
			...(result.customFieldsUsed === undefined
				? {}
				: { customFieldsUsed: result.customFieldsUsed, customFieldsInAccount: result.customFieldsInAccount }),
		};
		if (result.status !== 'failed') return { json, pairedItem: { item: itemIndex } };
		const error = toNodeError(context.getNode(), result.error ?? new Error('The item failed for an unknown reason.'), itemIndex);
		if (!continueOnFail) throw error;
		if (toErrorOutput) {
			const { email, contactId, listId, status, reason, customFields, truncated, cartFieldsNotWritten, warning } = json;
			const details = { email, contactId, listId, status, reason, customFields, truncated, cartFieldsNotWritten, warning };
			return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
		}
		json.error = error.message;
		return { json, pairedItem: { item: itemIndex } };
	});
}
