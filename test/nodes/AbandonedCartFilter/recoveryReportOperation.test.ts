/**
 * Recovery Report through n8n's engine: the rows of recovery_daily come in as the Postgres node hands them on (one
 * item per day, or one empty item under "Always Output Data" when the table is empty) and one item leaves with the
 * page, its totals and its days.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runFilter } from './filterRun';

/** A week of the shop's figures, newest first as a careless query might return them; one day as a date-time. */
const week: IDataObject[] = [
	{ day: '2026-11-30', carts_seen: 31, reminded_step_1: 14, reminded_step_2: 6, reminded_step_3: 2, recovered_step_1: 2, recovered_step_2: 1, recovered_step_3: 0, recovered_revenue: '187.40' },
	{ day: '2026-11-29', carts_seen: 44, reminded_step_1: 19, reminded_step_2: 5, reminded_step_3: 3, recovered_step_1: 3, recovered_step_2: 0, recovered_step_3: 1, recovered_revenue: '302.15' },
	{ day: '2026-11-28T00:00:00.000Z', carts_seen: 27, reminded_step_1: 11, reminded_step_2: 7, reminded_step_3: 1, recovered_step_1: 1, recovered_step_2: 1, recovered_step_3: 0, recovered_revenue: '96.00' },
];

const report = (parameters: IDataObject = {}, items: IDataObject[] = week, run: { continueOnFail?: boolean } = {}) =>
	runFilter({ items, parameters: { operation: 'recoveryReport', reportCurrency: 'EUR', reportLocale: 'de-DE', ...parameters }, ...run });

const totalsOf = (item: INodeExecutionData) => item.json.totals as IDataObject;

describe('Recovery Report', () => {
	it('turns a week of daily rows into one page with exact totals, the days in order and every row paired', async () => {
		const [out] = await report({ reportTitle: 'Cart reminders, last 7 days' });
		expect(out).toHaveLength(1);
		const [page] = out;
		expect(totalsOf(page)).toEqual({
			cartsSeen: 102,
			reminded: 68,
			recovered: 9,
			recoveredRevenue: 585.55,
			rate: 9 / 68,
			steps: [
				{ step: 1, reminded: 44, recovered: 6, rate: 6 / 44 },
				{ step: 2, reminded: 18, recovered: 2, rate: 2 / 18 },
				{ step: 3, reminded: 6, recovered: 1, rate: 1 / 6 },
			],
		});
		expect((page.json.days as IDataObject[]).map((d) => d.day)).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
		expect(page.pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const html = String(page.json.html);
		expect(html).toContain('<title>Cart reminders, last 7 days</title>');
		expect(html).toContain('585,55');
		expect(html).toContain('2026-11-28 to 2026-11-30');
		expect(html).toContain('<td>Reminder 3</td><td>6</td><td>1</td><td>16.7 %</td>');
		expect(html).not.toContain('could not be read');
	});

	it('answers the one empty item of an empty table with a page that says there are no figures yet', async () => {
		const [out] = await report({}, [{}]);
		expect(out).toHaveLength(1);
		expect(out[0].json.error).toBeUndefined();
		expect(out[0].json.days).toEqual([]);
		expect(totalsOf(out[0])).toMatchObject({ cartsSeen: 0, reminded: 0, recovered: 0, recoveredRevenue: 0, steps: [] });
		expect(String(out[0].json.html)).toContain('No reminders recorded yet');
		expect(out[0].pairedItem).toEqual([{ item: 0 }]);
	});

	it("takes n8n 1.x Postgres' {success: true} for a query that found no rows (a WITH query) as no figures yet, not a bad row", async () => {
		const [out] = await report({}, [{ success: true }]);
		expect(out.map((item) => [item.json.days, item.json.unreadableRows])).toEqual([[[], 0]]);
		expect(String(out[0].json.html)).toContain('No reminders recorded yet');
	});

	it('stops at a row it cannot read, naming the item', async () => {
		const rows = [week[0], { ...week[1], recovered_revenue: '12,50' }];
		const failure = await report({}, rows).then(
			() => undefined,
			(error: Error & { context?: IDataObject }) => error,
		);
		expect(failure).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 1 } });
		expect(failure?.message).toContain('The report row for 2026-11-29 has recovered_revenue "12,50"');
	});

	it('with Continue On Fail, shows the rows it read, says one is left out, and passes the bad row on with its error', async () => {
		const rows = [week[0], { ...week[1], day: 'last sunday' }, week[2]];
		const [out] = await report({}, rows, { continueOnFail: true });
		expect(out).toHaveLength(2);
		const [page, failed] = out;
		expect(totalsOf(page)).toMatchObject({ cartsSeen: 58, recoveredRevenue: 283.4 });
		expect(String(page.json.html)).toContain('1 row(s) of figures could not be read and are left out');
		expect(page.json.unreadableRows).toBe(1);
		// n8n keeps the sentence in the item and the row it belongs to in pairedItem
		expect(failed.json.error).toBe('A report row\'s day must be a date such as 2026-11-30; got "last sunday".');
		expect(failed.pairedItem).toEqual({ item: 1 });
	});

	it('with On Error: Continue (using error output), sends the bad row to the error output and the page to the first', async () => {
		const rows = [week[0], { ...week[2], carts_seen: -4 }];
		const [ok, failed] = await runFilter({ items: rows, onError: 'continueErrorOutput', parameters: { operation: 'recoveryReport' } });
		expect(ok.map((item) => totalsOf(item).cartsSeen)).toEqual([31]);
		expect(failed.map((item) => [item.json.error, item.pairedItem])).toEqual([[expect.stringContaining('carts_seen -4'), { item: 1 }]]);
	});

	it('refuses a currency that is not a currency code before reading any row', async () => {
		await expect(report({ reportCurrency: 'euros' })).rejects.toThrow('Currency: "euros" is not a currency code such as EUR or USD.');
	});
});

describe('Recovery Report from cart rows', () => {
	/** The webhook template's Data table after a morning: two carts reminded, one of them ordered, one never reminded. */
	const carts: IDataObject[] = [
		{ id: 1, cart_id: 'demo-1001', createdAt: '2026-12-01T08:00:00.000Z', reminders_sent: 1, last_reminded_at: '2026-12-01T10:00:00.000Z', completed_at: '2026-12-01T10:30:00.000Z', order_total: 89.9 },
		{ id: 2, cart_id: 'demo-1002', createdAt: '2026-12-02T02:05:00.000Z', reminders_sent: 0, last_reminded_at: '', completed_at: '', order_total: null },
		{ id: 3, cart_id: 'demo-1008', createdAt: '2026-12-01T08:10:00.000Z', reminders_sent: 1, last_reminded_at: '2026-12-01T10:00:00.000Z', completed_at: '', order_total: null },
	];
	const fromCarts = (items: IDataObject[], run: { continueOnFail?: boolean } = {}) =>
		runFilter({ items, parameters: { operation: 'recoveryReport', reportSource: 'cartRows' }, timezone: 'America/New_York', ...run });

	it('counts the carts into days of the workflow time zone, attributes the order, and pairs the page to every row', async () => {
		const [out] = await fromCarts(carts);
		expect(out).toHaveLength(1);
		expect(totalsOf(out[0])).toEqual({
			cartsSeen: 3,
			reminded: 2,
			recovered: 1,
			recoveredRevenue: 89.9,
			rate: 0.5,
			steps: [{ step: 1, reminded: 2, recovered: 1, rate: 0.5 }],
		});
		// demo-1002 came at 02:05 UTC on the 2nd: 21:05 on the 1st in New York
		expect((out[0].json.days as IDataObject[]).map((d) => d.day)).toEqual(['2026-12-01']);
		expect(out[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(String(out[0].json.html)).toContain('$89.90');
	});

	it('answers an empty Data table (one empty item under Always Output Data) with the "no figures yet" page', async () => {
		const [out] = await fromCarts([{}]);
		expect(out.map((item) => [item.json.days, item.json.unreadableRows, item.json.error])).toEqual([[[], 0, undefined]]);
		expect(String(out[0].json.html)).toContain('No reminders recorded yet');
	});

	it('with Continue On Fail, leaves out the cart it cannot read, naming its item, and counts the rest', async () => {
		const [out] = await fromCarts([carts[0], { ...carts[1], createdAt: 'soon' }, carts[2]], { continueOnFail: true });
		const [page, failed] = out;
		expect(totalsOf(page)).toMatchObject({ cartsSeen: 2, reminded: 2, recovered: 1 });
		expect(page.json.unreadableRows).toBe(1);
		expect(failed.json.error).toMatch(/^Cart demo-1002's first-seen time "soon"/);
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect(failed.error?.description).toContain('Each item must be one cart row');
	});

	it('stops without Continue On Fail, naming the item', async () => {
		await expect(fromCarts([carts[0], { cart_id: 'x' }])).rejects.toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 1 } });
	});
});
