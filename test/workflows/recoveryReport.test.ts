/**
 * The recovery report's query (workflows/sql/recovery_report.postgres.sql), run as shipped against a real PostgreSQL
 * on the table the reminder templates fill (recovery_daily.postgres.sql): the days of the window, oldest first, gaps
 * as zeros, the figures exact, and no row at all for an empty table. It is the very query the template runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readDailyFigures, reportTotals } from '../../nodes/AbandonedCartFilter/recoveryReport';
import { TestDatabase } from '../e2e/postgres';
import { writeRecoveryDays, type RecoveryDay } from '../e2e/scenarios/recovery-report';

const WORKFLOWS = join(__dirname, '..', '..', 'workflows');
const TABLE = readFileSync(join(WORKFLOWS, 'sql', 'recovery_daily.postgres.sql'), 'utf8');
const SELECT_DAILY_FIGURES = readFileSync(join(WORKFLOWS, 'sql', 'recovery_report.postgres.sql'), 'utf8');
const template = JSON.parse(readFileSync(join(WORKFLOWS, 'recovery-report-postgres.json'), 'utf8')) as {
	nodes: Array<{ name: string; parameters: { query?: string; options?: { queryReplacement?: string } } }>;
};

let db: TestDatabase;

const seed = (days: RecoveryDay[]) => writeRecoveryDays(db, days);

/** The database's date `daysAgo` days before its today, as the query writes days. */
async function dayAgo(daysAgo: number): Promise<string> {
	const [row] = await db.query<{ day: string }>(`SELECT to_char(current_date - $1::int, 'YYYY-MM-DD') AS day`, [daysAgo]);
	return row.day;
}

const selectDailyFigures = (days: number) => db.query(SELECT_DAILY_FIGURES, [days]);

beforeAll(async () => {
	db = await TestDatabase.create('jest_recovery_report', false);
	await db.query(TABLE);
});

afterAll(async () => {
	await db?.drop();
});

describe('Select Daily Figures (PostgreSQL)', () => {
	it('is the very query the report template runs, over the last 30 days', () => {
		const select = template.nodes.find((n) => n.name === 'Select Daily Figures');
		expect(select?.parameters.query).toBe(SELECT_DAILY_FIGURES);
		expect(select?.parameters.options?.queryReplacement).toBe('30');
	});

	it('returns the days of the window oldest first, the days between recorded ones as zeros, and the figures exact', async () => {
		await seed([
			{ daysAgo: 9, seen: 50, reminded: [20, 0, 0], recovered: [4, 0, 0], revenue: '400.00' }, // before the window
			{ daysAgo: 5, seen: 38, reminded: [15, 6, 2], recovered: [2, 1, 0], revenue: '187.40' },
			{ daysAgo: 3, seen: 41, reminded: [17, 5, 3], recovered: [3, 0, 1], revenue: '302.15' },
			{ daysAgo: 1, seen: 27, reminded: [11, 7, 1], recovered: [1, 1, 0], revenue: '96.00' },
		]);
		const rows = await selectDailyFigures(7);
		const days = await Promise.all([5, 4, 3, 2, 1, 0].map(dayAgo));
		expect(rows).toEqual([
			{ day: days[0], carts_seen: 38, reminded_step_1: 15, reminded_step_2: 6, reminded_step_3: 2, recovered_step_1: 2, recovered_step_2: 1, recovered_step_3: 0, recovered_revenue: '187.40' },
			{ day: days[1], carts_seen: 0, reminded_step_1: 0, reminded_step_2: 0, reminded_step_3: 0, recovered_step_1: 0, recovered_step_2: 0, recovered_step_3: 0, recovered_revenue: '0' },
			{ day: days[2], carts_seen: 41, reminded_step_1: 17, reminded_step_2: 5, reminded_step_3: 3, recovered_step_1: 3, recovered_step_2: 0, recovered_step_3: 1, recovered_revenue: '302.15' },
			{ day: days[3], carts_seen: 0, reminded_step_1: 0, reminded_step_2: 0, reminded_step_3: 0, recovered_step_1: 0, recovered_step_2: 0, recovered_step_3: 0, recovered_revenue: '0' },
			{ day: days[4], carts_seen: 27, reminded_step_1: 11, reminded_step_2: 7, reminded_step_3: 1, recovered_step_1: 1, recovered_step_2: 1, recovered_step_3: 0, recovered_revenue: '96.00' },
			{ day: days[5], carts_seen: 0, reminded_step_1: 0, reminded_step_2: 0, reminded_step_3: 0, recovered_step_1: 0, recovered_step_2: 0, recovered_step_3: 0, recovered_revenue: '0' },
		]);
		// What the report adds up from these rows: the day nine days ago is not in it
		expect(reportTotals(rows.map(readDailyFigures))).toMatchObject({ cartsSeen: 106, reminded: 67, recovered: 9, recoveredRevenue: 585.55 });
	});

	it('counts a day exactly N days back out of a window of N days, and today in', async () => {
		await seed([
			{ daysAgo: 7, seen: 9, reminded: [1, 0, 0], recovered: [0, 0, 0], revenue: '0' },
			{ daysAgo: 6, seen: 4, reminded: [2, 0, 0], recovered: [1, 0, 0], revenue: '19.99' },
			{ daysAgo: 0, seen: 3, reminded: [1, 1, 0], recovered: [0, 1, 0], revenue: '45.50' },
		]);
		const rows = await selectDailyFigures(7);
		expect(rows.map((r) => [r.day, r.carts_seen])).toEqual([
			[await dayAgo(6), 4],
			[await dayAgo(5), 0],
			[await dayAgo(4), 0],
			[await dayAgo(3), 0],
			[await dayAgo(2), 0],
			[await dayAgo(1), 0],
			[await dayAgo(0), 3],
		]);
	});

	it('gives no row at all for an empty table, or one with only older days', async () => {
		await seed([]);
		expect(await selectDailyFigures(30)).toEqual([]);
		await seed([{ daysAgo: 45, seen: 10, reminded: [3, 0, 0], recovered: [1, 0, 0], revenue: '20.00' }]);
		expect(await selectDailyFigures(30)).toEqual([]);
	});
});
