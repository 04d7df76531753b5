/** Record Order: match each order to the reminders remembered for its cart or shopper, and say whether they earned it. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { attributeOrders, type Attribution } from '../attribution';
import { attributionWindowProperty, fieldPathOption } from '../description';
import {
	dataSourceRemindersLookup,
	hasRememberedReminders,
	MEMORY_STATIC_DATA_SCOPE,
	RememberedReminders,
	rememberedRemindersLookup,
	type StaticData,
} from '../memory';
import { attributionSentence } from '../reasons';
import { readOrder, type OrderRow } from '../readOrder';
import {
	DEFAULT_ATTRIBUTION_WINDOW_DAYS,
	DEFAULT_MAX_REMEMBERED_CARTS,
	DEFAULT_MEMORY_MODE,
	DEFAULT_MEMORY_NAME,
	DEFAULT_ORDER_FIELD_PATHS,
	DEFAULT_TIME_ZONE,
	ORDER_FIELD_LABELS,
	orderSettingsOf,
	type OrderFieldPaths,
	type OrderSettings,
} from '../settings';
import { toIso } from '../time';

const RECORD_ORDER_ONLY = { show: { operation: ['recordOrder'] } };

/** What each Order Fields entry holds; names and defaults come from settings.ts. */
const ORDER_FIELD_HOLDS: Record<keyof OrderFieldPaths, string> = {
	cartId: 'The ID of the cart the order was placed from (not the order\'s own ID).',
	email: 'The shopper\'s email address; matches the shopper\'s most recently reminded cart when the cart ID is unknown.',
	lastRemindedAt: 'With "My Data Source Tracks It": when the cart\'s last reminder went out (your cart table\'s column).',
	orderedAt: 'When the order was placed.',
	recoveredAt: 'With "My Data Source Tracks It": when an earlier order of the cart was counted as recovered (write recovery.recoveredAt there).',
	remindersSent: 'With "My Data Source Tracks It": how many reminders went out for the cart.',
	total: 'The order\'s value.',
};

export const properties: INodeProperties[] = [
	{
		displayName:
			'Run Record Order in the workflow whose Decide and Mark Reminders Sent remember the reminders: with "n8n Remembers" the memory lives in that workflow\'s static data. Add a second trigger there for orders (for example a Webhook).',
		name: 'recordOrderNotice',
		type: 'notice',
		displayOptions: { show: { operation: ['recordOrder'] }, hide: { memoryMode: ['dataSource'] } },
		default: '',
	},
	attributionWindowProperty(RECORD_ORDER_ONLY),
	{
		displayName: 'Order Fields',
		name: 'orderFields',
		type: 'collection',
		placeholder: 'Change a field name',
		displayOptions: RECORD_ORDER_ONLY,
		default: {},
		description: 'Where each order field is found in the incoming items. Each order needs a cart ID or an email, and its time.',
		options: (Object.keys(ORDER_FIELD_HOLDS) as Array<keyof OrderFieldPaths>).map((key) =>
			fieldPathOption(key, ORDER_FIELD_LABELS[key], ORDER_FIELD_HOLDS[key], DEFAULT_ORDER_FIELD_PATHS[key]),
		),
	},
	{
		displayName: 'Options',
		name: 'orderOptions',
		type: 'collection',
		placeholder: 'Add option',
		displayOptions: RECORD_ORDER_ONLY,
		default: {},
		options: [
			{
				displayName: 'Timestamps Without Offset Are In',
				name: 'sourceTimeZone',
				type: 'string',
				default: DEFAULT_TIME_ZONE,
				description: 'The time zone of order times that carry no offset, such as SQL DATETIME columns',
			},
		],
	},
];

function settingsOf(ctx: IExecuteFunctions, items: INodeExecutionData[]): OrderSettings {
	const options = ctx.getNodeParameter('orderOptions', 0, {}) as IDataObject;
	try {
		return orderSettingsOf(
			{
				fields: ctx.getNodeParameter('orderFields', 0, {}) as Partial<OrderFieldPaths>,
				windowDays: ctx.getNodeParameter('attributionWindowDays', 0, DEFAULT_ATTRIBUTION_WINDOW_DAYS),
				sourceTimeZone: options.sourceTimeZone,
				memoryMode: ctx.getNodeParameter('memoryMode', 0, DEFAULT_MEMORY_MODE),
				memoryName: ctx.getNodeParameter('memoryName', 0, DEFAULT_MEMORY_NAME),
			},
			items.map((item) => item.json),
		);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: 0 });
	}
}

function recoveryOf(attribution: Attribution, orderedAt: number, windowDays: number): IDataObject {
	const { recovered, reason, cartId, step, hoursSinceReminder, orderTotal } = attribution;
	const hours = Math.abs(hoursSinceReminder ?? 0);
	return {
		recovered,
		reason,
		message: attributionSentence(reason, { hours, step: step ?? '', window: windowDays, cartId: cartId ?? '' }),
		cartId,
		step,
		hoursSinceReminder,
		orderTotal,
		orderedAt: toIso(orderedAt),
		// What a workflow with "My Data Source Tracks It" writes back to the cart row's Recovered At column
		recoveredAt: recovered ? toIso(orderedAt) : null,
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const settings = settingsOf(this, items);
	const fromDataSource = settings.memoryMode === 'dataSource';
	const reads = items.map((item) => readOrder(item.json, settings.paths, settings.sourceZone, fromDataSource));

	const rows: Array<OrderRow & { index: number }> = [];
	const out: INodeExecutionData[] = new Array<INodeExecutionData>(items.length);
	reads.forEach((read, i) => {
		if ('order' in read) {
			rows.push({ ...read, index: i });
			return;
		}
		const error = new NodeOperationError(this.getNode(), read.problem, { itemIndex: i });
		if (!this.continueOnFail()) throw error;
		out[i] = { json: { ...items[i].json, error: read.problem }, error, pairedItem: { item: i } };
	});

	const staticData = this.getWorkflowStaticData(MEMORY_STATIC_DATA_SCOPE) as StaticData;
	// Never creates an empty memory: a workflow without one remembers no reminders, and every order is not recovered
	const remembered =
		!fromDataSource && hasRememberedReminders(staticData, settings.memoryName)
			? new RememberedReminders(staticData, settings.memoryName, { maxCarts: DEFAULT_MAX_REMEMBERED_CARTS })
			: undefined;
	const lookup = fromDataSource ? dataSourceRemindersLookup(rows) : rememberedRemindersLookup(remembered);
	// Oldest first, so of two orders of one cart the earlier one is credited, whatever order they arrive in
	const chronological = [...rows].sort((a, b) => a.order.orderedAt - b.order.orderedAt);
	const attributions = attributeOrders(
		chronological.map((row) => row.order),
		lookup,
		settings.windowDays,
	);
	chronological.forEach((row, k) => {
		const recovery = recoveryOf(attributions[k], row.order.orderedAt, settings.windowDays);
		out[row.index] = { json: { ...items[row.index].json, recovery }, pairedItem: { item: row.index } };
	});
	return [out];
}
