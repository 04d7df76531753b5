/** The recovery report page: daily rows as the template's query returns them, totals per step, a self-contained page. */
import { readDailyFigures, renderRecoveryReport, reportTotals } from '../../../nodes/AbandonedCartFilter/recoveryReport';

const rows = [
	{ day: '2026-11-29', carts_seen: 40, reminded_step_1: 12, reminded_step_2: 0, recovered_step_1: 2, recovered_step_2: 0, recovered_revenue: '150.50' },
	{ day: new Date(Date.UTC(2026, 10, 30)), carts_seen: '35', reminded_step_1: 10, reminded_step_2: 6, recovered_step_1: 1, recovered_step_2: 2, recovered_revenue: 210 },
	{ day: '2026-12-01T00:00:00.000Z', carts_seen: 20, reminded_step_1: 8, reminded_step_2: 4, recovered_step_1: 0, recovered_step_2: 1, recovered_revenue: null },
];

describe('readDailyFigures', () => {
	it('reads the flat columns of a SQL row or a Data table row, with the day as a date or a date-time', () => {
		expect(rows.map(readDailyFigures)[1]).toEqual({
			day: '2026-11-30',
			cartsSeen: 35,
			remindedByStep: { 1: 10, 2: 6 },
			recoveredByStep: { 1: 1, 2: 2 },
			recoveredRevenue: 210,
		});
		expect(readDailyFigures(rows[2]).recoveredRevenue).toBe(0);
	});

	it('refuses a row without a day, or with a count that is not one', () => {
		expect(() => readDailyFigures({ day: 'yesterday', carts_seen: 1 })).toThrow('must be a date');
		expect(() => readDailyFigures({ day: '2026-11-30', carts_seen: -3 })).toThrow('carts_seen -3');
		expect(() => readDailyFigures({ day: '2026-11-30', reminded_step_1: 'many' })).toThrow('reminded_step_1');
	});
});

describe('reportTotals', () => {
	it('adds up the days and gives the recovery rate per step', () => {
		const totals = reportTotals(rows.map(readDailyFigures));
		expect(totals).toMatchObject({ cartsSeen: 95, reminded: 40, recovered: 6, recoveredRevenue: 360.5 });
		expect(totals.rate).toBeCloseTo(6 / 40, 10);
		expect(totals.steps).toEqual([
			{ step: 1, reminded: 30, recovered: 3, rate: 0.1 },
			{ step: 2, reminded: 10, recovered: 3, rate: 0.3 },
		]);
	});
});

describe('renderRecoveryReport', () => {
	const page = renderRecoveryReport(rows.map(readDailyFigures), { title: 'Reminders <earned> & more', currency: 'EUR', locale: 'de-DE' });

	it('is one self-contained page: no script, no external file', () => {
		expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
		expect(page).not.toMatch(/<script|src=|href=|@import|url\(/i);
	});

	it('escapes what it shows', () => {
		expect(page).toContain('<title>Reminders &lt;earned&gt; &amp; more</title>');
	});

	it('shows the totals, the table per step and two bars per day', () => {
		expect(page).toContain('360,50');
		expect(page).toContain('<td>Reminder 2</td><td>10</td><td>3</td><td>30.0 %</td>');
		expect(page).toContain('2026-11-29 to 2026-12-01');
		expect(page.match(/<rect class="reminded"/g)).toHaveLength(3);
		expect(page.match(/<rect class="recovered"/g)).toHaveLength(3);
		expect(page).toContain('<title>2026-11-30: 16 reminded</title>');
	});

	it('says when there is nothing yet', () => {
		const empty = renderRecoveryReport([], { title: 'Report', currency: 'USD', locale: 'en-US' });
		expect(empty).toContain('No reminders recorded yet');
		expect(empty).not.toContain('<svg');
	});
});
