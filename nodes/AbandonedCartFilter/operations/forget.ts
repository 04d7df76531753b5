/** Forget Shopper: erase everything remembered about a shopper (privacy requests). */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { normalizeEmail } from '../../ConstantContact/email';
import { DeduplicationStore, reminderKey } from '../deduplicationStore';
import { hasRememberedReminders, MEMORY_STATIC_DATA_SCOPE, RememberedReminders, type StaticData } from '../memory';
import { markSentence, type MarkReason } from '../reasons';
import { DEFAULT_MAX_REMEMBERED_CARTS, DEFAULT_MEMORY_NAME, memoryNameOf } from '../settings';

export const properties: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'forgetEmail',
		type: 'string',
		placeholder: 'name@email.com',
		displayOptions: { show: { operation: ['forget'] } },
		default: '={{ $json.email }}',
		description: 'The shopper whose remembered reminders are erased',
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const memoryName = memoryNameOf(this.getNodeParameter('memoryName', 0, DEFAULT_MEMORY_NAME));
	// A workflow whose memory is its data source has no static-data memory to erase (unless one was left over)
	const staticData = this.getWorkflowStaticData(MEMORY_STATIC_DATA_SCOPE) as StaticData;
	const memory = hasRememberedReminders(staticData, memoryName)
		? new RememberedReminders(staticData, memoryName, { maxCarts: DEFAULT_MAX_REMEMBERED_CARTS })
		: undefined;
	const emails = items.map((_, i) => {
		const value = this.getNodeParameter('forgetEmail', i, '');
		return typeof value === 'string' ? normalizeEmail(value) : '';
	});
	const reminderKeys: string[] = [];
	const forgetCart = (cartId: string, stepsSent: number, sequence: number) => {
		for (let step = 1; step <= stepsSent; step++) reminderKeys.push(reminderKey(memoryName, cartId, sequence, step));
	};
	const forgotten = memory
		? memory.forgetEmails(emails.filter((e) => e !== ''), forgetCart)
		: new Map(emails.map((email) => [email, 0]));
	// Mark Reminders Sent also wrote these carts' keys to n8n's deduplication store; left there, Decide would learn
	// the erased carts (and the shopper's address hash) again from them.
	await new DeduplicationStore(this).remove(reminderKeys);
	const out: INodeExecutionData[] = items.map((item, i) => {
		const email = emails[i];
		const reason: MarkReason = email === '' ? 'missing_email' : 'forgotten';
		const count = forgotten.get(email) ?? 0;
		return {
			json: { ...item.json, forgotten: { email, carts: count, reason, message: markSentence(reason, { count }) } },
			pairedItem: { item: i },
		};
	});
	return [out];
}
