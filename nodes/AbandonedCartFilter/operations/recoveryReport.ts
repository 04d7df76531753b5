/** Recovery Report: the daily figures in, one item out with the report page, its totals and its days. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type IPairedItemData,
} from 'n8n-workflow';

import { DEFAULT_LOCALE } from '../../shared/locale';
import { formatMoney, MoneyError } from '../../shared/money';
import { cartRowFigures } from '../cartRowFigures';
import { attributionWindowProperty, fieldPathOption } from '../description';
import { readDailyFigures, renderRecoveryReport, reportTotals, type DailyFigures } from '../recoveryReport';
import {
	CART_ROW_FIELD_LABELS,
	cartRowSettingsOf,
	DEFAULT_ATTRIBUTION_WINDOW_DAYS,
	DEFAULT_CART_ROW_FIELD_PATHS,
	type CartRowFieldPaths,
	type CartRowSettings,
} from '../settings';

const RECOVERY_REPORT_ONLY = { show: { operation: ['recoveryReport'] } };
const FROM_CART_ROWS = { show: { operation: ['recoveryReport'], reportSource: ['cartRows'] } };

export const DEFAULT_REPORT_TITLE = 'What the cart reminders earned';
export const DEFAULT_REPORT_CURRENCY = 'USD';

/** Where the figures come from; a new source is one entry here and one function in FIGURE_SOURCES. */
const FIGURE_SOURCE_OPTIONS = [
	{
		name: 'Daily Figure Rows',
		value: 'dailyRows',
		description:
			'One incoming item per day, as a SQL query or a Data table returns the recovery_daily table (day, carts_seen, reminded_step_1, …, recovered_revenue)',
	},
	{
		name: 'Cart Rows',
		value: 'cartRows',
		description:
			"One incoming item per cart, as your cart table returns it (the webhook template's Data table): the node counts each day itself, with no daily table to keep",
	},
];

/** What each Cart Row Fields entry holds; names and defaults come from settings.ts. */
const CART_ROW_FIELD_HOLDS: Record<keyof CartRowFieldPaths, string> = {
	cartId: "The cart's ID.",
	firstSeenAt: 'When the cart was first seen: the day it counts as a cart seen.',
	lastRemindedAt: "When the cart's last reminder went out; all its reminders count on that day.",
	orderedAt: 'When the cart became an order; empty while it is open.',
	orderTotal: "The order's value: the recovered revenue when the order counts as recovered.",
	remindersSent: 'How many reminders reached the list for the cart (0 or empty: none).',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Figures From',
		name: 'reportSource',
		type: 'options',
		noDataExpression: true,
		displayOptions: RECOVERY_REPORT_ONLY,
		options: FIGURE_SOURCE_OPTIONS,
		default: 'dailyRows',
		description: 'Where the daily figures come from. One item leaves the node: the page (html), the totals and the days.',
	},
	{
		displayName: 'Cart Row Fields',
		name: 'cartRowFields',
		type: 'collection',
		placeholder: 'Change a field name',
		displayOptions: FROM_CART_ROWS,
		default: {},
		description:
			'Where each cart row keeps its facts. The defaults are the columns of the "Cart events by webhook" template\'s Data table. Times without an offset are read as UTC; days are counted in the workflow\'s time zone.',
		options: (Object.keys(CART_ROW_FIELD_HOLDS) as Array<keyof CartRowFieldPaths>).map((key) =>
			fieldPathOption(key, CART_ROW_FIELD_LABELS[key], CART_ROW_FIELD_HOLDS[key], DEFAULT_CART_ROW_FIELD_PATHS[key]),
		),
	},
	attributionWindowProperty(FROM_CART_ROWS),
	{
		displayName: 'Title',
		name: 'reportTitle',
		type: 'string',
		displayOptions: RECOVERY_REPORT_ONLY,
		default: DEFAULT_REPORT_TITLE,
		description: 'The heading of the page and of the browser tab',
	},
	{
		displayName: 'Currency',
		name: 'reportCurrency',
		type: 'string',
		displayOptions: RECOVERY_REPORT_ONLY,
		default: DEFAULT_REPORT_CURRENCY,
		description: 'The ISO 4217 code of the recovered revenue, such as EUR or USD',
	},
	{
		displayName: 'Locale',
		name: 'reportLocale',
		type: 'string',
		displayOptions: RECOVERY_REPORT_ONLY,
		default: DEFAULT_LOCALE,
		description: 'How money is written on the page, e.g. de-DE writes 1.234,50 €',
	},
];

/** The days read from the input, and the items that could not be read (by index, with the sentence why). */
interface FiguresRead {
	days: DailyFigures[];
	unreadable: Array<{ index: number; problem: string }>;
}

/**
 * What a query that found no rows hands on: nothing, which "Always Output Data" turns into one item without fields;
 * on n8n 1.x, for a query not starting with SELECT (WITH …), the Postgres node's `{ success: true }` instead.
 */
function isNoRowsItem(json: IDataObject): boolean {
	const keys = Object.keys(json);
	return keys.length === 0 || (keys.length === 1 && json.success === true);
}

/** Daily Figure Rows: one row per item; an item that says the query found no rows means "no figures yet". */
function figuresFromRows(this: IExecuteFunctions, items: INodeExecutionData[]): FiguresRead {
	const read: FiguresRead = { days: [], unreadable: [] };
	items.forEach((item, index) => {
		if (isNoRowsItem(item.json)) return;
		try {
			read.days.push(readDailyFigures(item.json));
		} catch (error) {
			read.unreadable.push({ index, problem: (error as Error).message });
		}
	});
	return read;
}

/** Cart Rows: one cart per item, counted into days here; an item that says the query found no rows means "no carts yet". */
function figuresFromCartRows(this: IExecuteFunctions, items: INodeExecutionData[]): FiguresRead {
	const rows = items.flatMap((item, index) => (isNoRowsItem(item.json) ? [] : [{ index, json: item.json }]));
	let settings: CartRowSettings;
	try {
		settings = cartRowSettingsOf(
			{
				fields: this.getNodeParameter('cartRowFields', 0, {}) as Partial<CartRowFieldPaths>,
				windowDays: this.getNodeParameter('attributionWindowDays', 0, DEFAULT_ATTRIBUTION_WINDOW_DAYS),
				sourceTimeZone: undefined,
				reportTimeZone: this.getTimezone(),
			},
			rows.map((row) => row.json),
		);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: 0 });
	}
	const read = cartRowFigures(rows.map((row) => row.json), settings);
	// Unreadable rows are named by their index among all the items, as their error items are paired
	return { days: read.days, unreadable: read.unreadable.map(({ index, problem }) => ({ index: rows[index].index, problem })) };
}

/** Each Figures From value; a source may read more than the items (the workflow's static data, a parameter). */
const FIGURE_SOURCES: Record<string, (this: IExecuteFunctions, items: INodeExecutionData[]) => FiguresRead> = {
	dailyRows: figuresFromRows,
	cartRows: figuresFromCartRows,
};

/** What the error of an unreadable item tells the user to give, per source. */
const EXPECTED_ITEM: Record<string, string> = {
	dailyRows:
		'Each item must be one day of the recovery_daily table: day (a date), carts_seen, reminded_step_1, …, recovered_revenue (counts and an amount, never negative).',
	cartRows: 'Each item must be one cart row: its cart ID, when it was first seen and, once reminded or ordered, the columns named in Cart Row Fields.',
};

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const source = String(this.getNodeParameter('reportSource', 0, 'dailyRows'));
	const title = String(this.getNodeParameter('reportTitle', 0, DEFAULT_REPORT_TITLE) || DEFAULT_REPORT_TITLE);
	const currency = String(this.getNodeParameter('reportCurrency', 0, DEFAULT_REPORT_CURRENCY));
	const locale = String(this.getNodeParameter('reportLocale', 0, DEFAULT_LOCALE));
	const readFigures = Object.hasOwn(FIGURE_SOURCES, source) ? FIGURE_SOURCES[source] : undefined;
	if (!readFigures) throw new NodeOperationError(this.getNode(), `Figures From "${source}" is not a source this node knows.`, { itemIndex: 0 });
	try {
		formatMoney(0, currency, locale);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `Currency: ${(error as MoneyError).message}`, { itemIndex: 0 });
	}

	const { days, unreadable } = readFigures.call(this, items);
	const failed: INodeExecutionData[] = unreadable.map(({ index, problem }) => {
		const error = new NodeOperationError(this.getNode(), problem, {
			itemIndex: index,
			description: EXPECTED_ITEM[source],
		});
		if (!this.continueOnFail()) throw error;
		return { json: { ...items[index].json, error: problem }, error, pairedItem: { item: index } };
	});

	const sorted = [...days].sort((a, b) => a.day.localeCompare(b.day));
	const html = renderRecoveryReport(sorted, { title, currency, locale, unreadableRows: unreadable.length });
	// The page speaks for every input: the days it shows and the rows it says it left out
	const pairedItem: IPairedItemData[] = items.map((_, item) => ({ item }));
	const report: IDataObject = { html, totals: reportTotals(sorted) as unknown as IDataObject, days: sorted as unknown as IDataObject[], unreadableRows: unreadable.length };
	return [[{ json: report, pairedItem }, ...failed]];
}
