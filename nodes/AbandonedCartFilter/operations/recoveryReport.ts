/** Recovery Report: the daily figures in, one item out with the report page, its totals and its days. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type IPairedItemData,
} from 'n8n-workflow';

import { DEFAULT_LOCALE, formatMoney, MoneyError } from '../../shared/money';
import { readDailyFigures, renderRecoveryReport, reportTotals, type DailyFigures } from '../recoveryReport';

const RECOVERY_REPORT_ONLY = { show: { operation: ['recoveryReport'] } };

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
];

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

/** Each Figures From value; a source may read more than the items (the workflow's static data, a parameter). */
const FIGURE_SOURCES: Record<string, (this: IExecuteFunctions, items: INodeExecutionData[]) => FiguresRead> = { dailyRows: figuresFromRows };

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
			description: 'Each item must be one day of the recovery_daily table: day (a date), carts_seen, reminded_step_1, …, recovered_revenue (counts and an amount, never negative).',
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
