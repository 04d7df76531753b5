import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_FIELD_PATHS, FIELD_NAMES_LABELS, type FieldPaths } from './readCart';
import { DEFAULT_ATTRIBUTION_WINDOW_DAYS, DEFAULT_MAX_REMEMBERED_CARTS, DEFAULT_MEMORY_MODE, DEFAULT_MEMORY_NAME } from './settings';

/**
 * Field Names take field names, not values: dragging a field from the input panel inserts its name (n8n's
 * requiresDataPath; "multiple" because commas separate alternatives).
 */
const FIELD_PATH: INodeProperties['typeOptions'] = { requiresDataPath: 'multiple' };

const REMEMBERED_CARTS = DEFAULT_MAX_REMEMBERED_CARTS.toLocaleString('en-US');

/** The operation selector; each operation's own parameters are in operations/. */
export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Decide',
			value: 'decide',
			description: 'Route each cart to Send Reminder, Wait or Skip, with the reason',
			action: 'Decide which carts get a reminder',
		},
		{
			name: 'Forget Shopper',
			value: 'forget',
			description: 'Erase everything remembered about a shopper (privacy requests). All items leave through the first output.',
			action: 'Forget a shopper',
		},
		{
			name: 'Mark Reminders Sent',
			value: 'markSent',
			description: 'Place after Add to Autoresponder List: remember reminders of shoppers who reached the list. All items leave through the first output.',
			action: 'Mark reminders as sent',
		},
		{
			name: 'Record Order',
			value: 'recordOrder',
			description: 'Match each order to the reminders sent for its cart or shopper: was it recovered, by which step. All items leave through the first output.',
			action: 'Record an order and whether a reminder earned it',
		},
		{
			name: 'Recovery Report',
			value: 'recoveryReport',
			description: 'Turn the daily figures into one HTML page of what the reminders earned, for Respond to Webhook. One item leaves through the first output.',
			action: 'Build the recovery report page',
		},
	],
	default: 'decide',
};

/** Where sent reminders are remembered: shared by Decide and Mark Reminders Sent (Forget Shopper: the name). */
export const memoryProperties: INodeProperties[] = [
	{
		displayName:
			`"n8n Remembers" keeps the memory in the workflow's static data: n8n loads and saves all of it with every execution (about 0.8 s per 100,000 remembered carts, measured), manual test runs do not save it, and of two executions running at the same time (queue mode, several workers) the later save overwrites the other's reminders. For more than ${REMEMBERED_CARTS} carts or queue mode, use "My Data Source Tracks It" with a claim step, as the PostgreSQL and MySQL templates do.`,
		name: 'memoryNotice',
		type: 'notice',
		displayOptions: { show: { operation: ['decide', 'markSent'] }, hide: { memoryMode: ['dataSource'] } },
		default: '',
	},
	{
		displayName: 'Reminder Memory',
		name: 'memoryMode',
		type: 'options',
		displayOptions: { show: { operation: ['decide', 'markSent', 'recordOrder'] } },
		options: [
			{
				name: 'My Data Source Tracks It',
				value: 'dataSource',
				description:
					'Each cart row carries last_reminded_at and reminders_sent, which your workflow updates (and claims before the send). Scales to millions of carts and several workers.',
			},
			{
				name: 'N8n Remembers',
				value: 'n8n',
				description:
					`The node remembers sent reminders in the workflow's static data; wire Mark Reminders Sent after Add to Autoresponder List. For one n8n process and up to ${REMEMBERED_CARTS} carts.`,
			},
		],
		default: DEFAULT_MEMORY_MODE,
		description: 'Set the same value on Decide, its Mark Reminders Sent and Record Order',
	},
	{
		displayName: 'Memory Name',
		name: 'memoryName',
		type: 'string',
		default: DEFAULT_MEMORY_NAME,
		description:
			'The Decide node, its Mark Reminders Sent node and Record Order share the memory with this name; use another name for an unrelated flow in the same workflow',
	},
];

/**
 * What each Field Names entry holds, in the editor's (alphabetical) order; names and defaults come from readCart.ts.
 */
const FIELD_HOLDS: Record<keyof FieldPaths, string> = {
	cartId: 'The cart\'s ID.',
	completedAt: 'When the cart became an order; a cart with a time here is never reminded.',
	createdAt: 'When the cart was created; used when Updated At is empty.',
	email: 'The shopper\'s email address.',
	items: 'A list of line items or an item count.',
	lastRemindedAt: 'With "My Data Source Tracks It": when the last reminder went out.',
	consent: 'Whether the shopper opted in to marketing (true, yes, subscribed, ...).',
	orderId: 'An order created from the cart; a cart with an order is never reminded.',
	remindersSent: 'With "My Data Source Tracks It": how many reminders went out.',
	status: 'The cart\'s or order\'s status; see Purchased Statuses.',
	timeZone: 'The shopper\'s time zone (IANA name like Europe/Berlin), for quiet hours.',
	total: 'The cart\'s value.',
	updatedAt: 'The shopper\'s last activity on the cart.',
};

/** Attribution Window (Days): Record Order's and the Recovery Report's of cart rows, one rule in attribution.ts. */
export function attributionWindowProperty(displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Attribution Window (Days)',
		name: 'attributionWindowDays',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		displayOptions,
		default: DEFAULT_ATTRIBUTION_WINDOW_DAYS,
		description: 'An order counts as recovered when it comes at most this many days after the cart\'s last reminder',
	};
}

/** One entry of a field-names collection: Decide's Field Names, Record Order's Order Fields, the report's Cart Row Fields. */
export function fieldPathOption(name: string, displayName: string, holds: string, fallback: string): INodeProperties {
	const description = `${holds} Dot notation (customer.email); separate alternatives with commas.`;
	return { displayName, name, type: 'string', typeOptions: FIELD_PATH, default: fallback, description };
}

function fieldNameOption(key: keyof FieldPaths): INodeProperties {
	// Older workflows store the email path as emailField
	return fieldPathOption(key === 'email' ? 'emailField' : key, FIELD_NAMES_LABELS[key], FIELD_HOLDS[key], DEFAULT_FIELD_PATHS[key]);
}

/** Where each cart field is found: read by Decide and by Mark Reminders Sent. */
export const fieldNamesProperty: INodeProperties = {
	displayName: 'Field Names',
	name: 'fields',
	type: 'collection',
	placeholder: 'Change a field name',
	displayOptions: { show: { operation: ['decide', 'markSent'] } },
	default: {},
	description: 'Where each cart field is found in the incoming items. The defaults match common column names.',
	options: (Object.keys(FIELD_HOLDS) as Array<keyof FieldPaths>).map(fieldNameOption),
};
