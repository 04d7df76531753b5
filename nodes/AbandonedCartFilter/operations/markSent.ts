/** Mark Reminders Sent: after Add to Autoresponder List, remember the reminders of shoppers who reached the list. */
import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { readAddResult, type MarkFacts } from '../addResult';
import { DeduplicationStore, reminderKey } from '../deduplicationStore';
import { MEMORY_STATIC_DATA_SCOPE, RememberedReminders, type StaticData } from '../memory';
import { DEFAULT_FINAL_SKIP_REASONS, markSentence, type MarkReason } from '../reasons';
import {
	DEFAULT_DECISION_FIELD,
	DEFAULT_NOT_WRITTEN_FIELD,
	DEFAULT_REASON_FIELD,
	DEFAULT_STATUS_FIELD,
	DEFAULT_MAX_REMEMBERED_CARTS,
	DEFAULT_MEMORY_MODE,
	DEFAULT_MEMORY_NAME,
	DEFAULT_MISSING_CART_DETAILS,
	DEFAULT_REACHED_LIST_STATUSES,
	markSettingsOf,
	type FieldNames,
	type MarkParameters,
	type MarkSettings,
} from '../settings';

const MARK_ONLY = { show: { operation: ['markSent'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Add Status Field',
		name: 'statusField',
		type: 'string',
		displayOptions: MARK_ONLY,
		default: DEFAULT_STATUS_FIELD,
		description:
			'Where Add to Autoresponder List put its status. Items whose status is not a Reached-the-List Status (failed, skipped, removed), or that carry an error, are not recorded and stay due. Items without an add status count as having reached the list.',
	},
	{
		displayName: 'Reached-the-List Statuses',
		name: 'successStatuses',
		type: 'string',
		displayOptions: MARK_ONLY,
		default: DEFAULT_REACHED_LIST_STATUSES,
		description: 'Statuses meaning the shopper is on the list, separated by commas',
	},
	{
		displayName: 'Final Skip Reasons',
		name: 'finalSkipReasons',
		type: 'string',
		displayOptions: MARK_ONLY,
		default: DEFAULT_FINAL_SKIP_REASONS,
		description:
			'Reasons (separated by commas) for which Add to Autoresponder List skipped a shopper and would skip them again: Constant Contact has them as unsubscribed or deleted, or refuses their address. Such an item is recorded as handled for its step, without a reminder, so no later run spends a request looking the shopper up again for it. Empty: skipped items stay due.',
	},
	{
		displayName: 'Add Reason Field',
		name: 'reasonField',
		type: 'string',
		displayOptions: MARK_ONLY,
		default: DEFAULT_REASON_FIELD,
		description: 'Where Add to Autoresponder List put the reason of its status (read for Final Skip Reasons)',
	},
	{
		displayName: 'Cart Details Not Written Field',
		name: 'notWrittenField',
		type: 'string',
		displayOptions: MARK_ONLY,
		default: DEFAULT_NOT_WRITTEN_FIELD,
		description: 'Where Add to Autoresponder List names the cart fields Constant Contact did not store (a bulk import can drop values for one contact)',
	},
	{
		displayName: 'When Cart Details Were Not Written',
		name: 'missingCartDetails',
		type: 'options',
		displayOptions: MARK_ONLY,
		default: DEFAULT_MISSING_CART_DETAILS,
		options: [
			{
				name: 'Not Reached the List With Cart Details',
				value: 'notReached',
				description: 'Do not record the reminder; the cart stays due (the email would lack the cart link)',
			},
			{
				name: 'Reached the List',
				value: 'reached',
				description: 'Record the reminder anyway',
			},
		],
		description: 'How to treat an item whose shopper is on the list but whose cart details Constant Contact did not store',
	},
	{
		displayName: 'Decision Field',
		name: 'decisionField',
		type: 'string',
		displayOptions: MARK_ONLY,
		default: DEFAULT_DECISION_FIELD,
		description: 'Where the filter\'s decision object (with step and sequence) is in the items',
	},
	{
		displayName: 'Record At',
		name: 'recordAt',
		type: 'string',
		displayOptions: MARK_ONLY,
		default: '',
		placeholder: '2026-03-08T12:00:00Z',
		description: 'The send time to remember (dry runs on history). Empty means now.',
	},
];

function parametersOf(ctx: IExecuteFunctions): MarkParameters {
	const text = (name: string, fallback: string) => String(ctx.getNodeParameter(name, 0, fallback));
	return {
		fields: ctx.getNodeParameter('fields', 0, {}) as FieldNames,
		memoryName: ctx.getNodeParameter('memoryName', 0, DEFAULT_MEMORY_NAME),
		statusField: text('statusField', DEFAULT_STATUS_FIELD),
		reasonField: text('reasonField', DEFAULT_REASON_FIELD),
		decisionField: text('decisionField', DEFAULT_DECISION_FIELD),
		notWrittenField: text('notWrittenField', DEFAULT_NOT_WRITTEN_FIELD),
		successStatuses: text('successStatuses', DEFAULT_REACHED_LIST_STATUSES),
		finalSkipReasons: text('finalSkipReasons', DEFAULT_FINAL_SKIP_REASONS),
		missingCartDetails: ctx.getNodeParameter('missingCartDetails', 0, DEFAULT_MISSING_CART_DETAILS),
		recordAt: text('recordAt', ''),
		memoryMode: ctx.getNodeParameter('memoryMode', 0, DEFAULT_MEMORY_MODE),
	};
}

interface Outcome {
	reason: MarkReason;
	facts: MarkFacts;
	cartId?: string;
	step?: number;
	key?: string;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	let settings: MarkSettings;
	try {
		settings = markSettingsOf(parametersOf(this), items.map((item) => item.json));
	} catch (error) {
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: 0 });
	}
	const { rules, memoryName, at } = settings;
	// With "my data source tracks it" the workflow's own store records the reminder (the templates' Record Reminder):
	// nothing is written to static data or n8n's deduplication store, so executions on several workers lose nothing
	const memory =
		settings.memoryMode === 'dataSource'
			? undefined
			: new RememberedReminders(this.getWorkflowStaticData(MEMORY_STATIC_DATA_SCOPE) as StaticData, memoryName, {
					maxCarts: DEFAULT_MAX_REMEMBERED_CARTS,
				});

	const outcomes = items.map((item): Outcome => {
		const result = readAddResult(item.json, rules);
		if (!('record' in result)) return result;
		const { cartId, email, step, sequence, handledWithoutReminder } = result.record;
		const isNew = memory?.recordSent(cartId, email, step, sequence, at, handledWithoutReminder) ?? true;
		return {
			reason: handledWithoutReminder ? 'handled_without_reminder' : isNew ? 'recorded' : 'already_recorded',
			facts: handledWithoutReminder ? { why: handledWithoutReminder } : {},
			cartId,
			step,
			key: reminderKey(memoryName, cartId, sequence, step),
		};
	});
	if (memory) {
		const keys = outcomes.filter((o) => o.key !== undefined).map((o) => o.key as string);
		await new DeduplicationStore(this).record(keys);
	}

	const out: INodeExecutionData[] = items.map((item, i) => {
		const { reason, facts, cartId, step, key } = outcomes[i];
		const reminderSent = reason === 'recorded' || reason === 'already_recorded';
		return {
			json: {
				...item.json,
				reminder: {
					recorded: reminderSent || reason === 'handled_without_reminder',
					reminderSent,
					reason,
					message: markSentence(reason, facts),
					cartId: cartId ?? null,
					step: step ?? null,
					recordedAt: key ? new Date(at).toISOString() : null,
				},
			},
			pairedItem: { item: i },
		};
	});
	return [out];
}
