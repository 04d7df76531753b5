/**
 * The shipped recovery report template in production mode (`n8n start`): a browser asks the Report Page webhook
 * (GET, Basic Auth), n8n's Postgres node reads recovery_daily from a real PostgreSQL schema, the filter's Recovery
 * Report builds the page and Respond to Webhook sends it.
 *
 * recovery-report-page: refused without the password (401) or with a wrong one (401 on 2.x, 403 on 1.x), no figures
 * in the answer; with it 200 text/html whose tiles and per-step table are the seeded rows added up here, independently
 * of the node; with a row the report cannot read, the page without that day and a sentence saying so; after the table
 * is emptied, 200 text/html saying there are no figures yet (n8n 1.x once answered an empty body there: its Postgres
 * node hands on {"success": true} for a query that returns nothing and does not start with SELECT).
 * The screenshot script (scripts/shots/report.ts) serves the same page with the same figures.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { formatMoney } from '../../../nodes/shared/money';
import type { N8nInstance, WorkflowJson } from '../n8n';
import type { TestDatabase } from '../postgres';
import { N8nRest } from '../rest';
import { waitUntilReady } from '../readiness';
import { expect, type Scenario, type ScenarioContext } from '../scenario';
import { TEMPLATES_DIR, template, useCredentials } from '../workflows';

export const REPORT_TEMPLATE = 'recovery-report-postgres.json';
export const REPORT_PATH = 'recovery-report';
const WEBHOOK_NODE = 'Report Page';
const RECOVERY_DAILY_SQL = join(TEMPLATES_DIR, 'sql', 'recovery_daily.postgres.sql');

/**
 * Two weeks of a small shop's figures, `daysAgo` before the database's today: weekends busier, the first reminder
 * doing most of the work. Days 12 and 5 have no row (the flow was paused): the page shows them as zeros.
 */
export const SEEDED_DAYS: readonly RecoveryDay[] = [
	{ daysAgo: 13, seen: 38, reminded: [14, 5, 2], recovered: [2, 1, 0], revenue: '164.80' },
	{ daysAgo: 11, seen: 41, reminded: [17, 6, 3], recovered: [3, 0, 1], revenue: '289.45' },
	{ daysAgo: 10, seen: 52, reminded: [22, 8, 3], recovered: [4, 1, 0], revenue: '402.10' },
	{ daysAgo: 9, seen: 61, reminded: [25, 9, 4], recovered: [5, 2, 1], revenue: '611.35' },
	{ daysAgo: 8, seen: 57, reminded: [24, 11, 4], recovered: [3, 2, 0], revenue: '377.90' },
	{ daysAgo: 7, seen: 35, reminded: [13, 10, 5], recovered: [2, 1, 1], revenue: '205.00' },
	{ daysAgo: 6, seen: 33, reminded: [12, 6, 4], recovered: [1, 1, 0], revenue: '129.99' },
	{ daysAgo: 4, seen: 44, reminded: [18, 5, 2], recovered: [3, 1, 0], revenue: '318.60' },
	{ daysAgo: 3, seen: 59, reminded: [26, 8, 3], recovered: [5, 1, 1], revenue: '544.25' },
	{ daysAgo: 2, seen: 63, reminded: [27, 11, 4], recovered: [4, 2, 1], revenue: '498.70' },
	{ daysAgo: 1, seen: 48, reminded: [20, 12, 5], recovered: [3, 2, 0], revenue: '342.15' },
	{ daysAgo: 0, seen: 21, reminded: [8, 4, 3], recovered: [1, 0, 0], revenue: '74.50' },
];

/** One day of recovery_daily, `daysAgo` days before the database's today: counts per reminder step 1..3, the revenue. */
export interface RecoveryDay {
	daysAgo: number;
	seen: number;
	reminded: readonly [number, number, number];
	recovered: readonly [number, number, number];
	revenue: string;
}

/** Empties recovery_daily and writes these days, as the reminder templates' counting steps would have. */
export async function writeRecoveryDays(db: TestDatabase, days: readonly RecoveryDay[]): Promise<void> {
	await db.query('TRUNCATE recovery_daily');
	for (const d of days) {
		await db.query(
			`INSERT INTO recovery_daily (day, carts_seen, reminded_step_1, reminded_step_2, reminded_step_3, recovered_step_1, recovered_step_2, recovered_step_3, recovered_revenue)
			 VALUES (current_date - $1::int, $2, $3, $4, $5, $6, $7, $8, $9)`,
			[d.daysAgo, d.seen, ...d.reminded, ...d.recovered, d.revenue],
		);
	}
}

/** Creates recovery_daily (the shipped statement) in the scenario's schema and fills it with SEEDED_DAYS. */
export async function seedRecoveryDaily(db: TestDatabase): Promise<void> {
	await db.query(readFileSync(RECOVERY_DAILY_SQL, 'utf8'));
	await writeRecoveryDays(db, SEEDED_DAYS);
}

export interface ReportPage {
	n8n: N8nInstance;
	url: string;
	/** The Authorization header of the Basic Auth credential the page asks for. */
	authorization: string;
}

/**
 * Imports the template pointed at the schema's Postgres credential and a fresh Basic Auth credential, publishes it and
 * starts n8n; returns once the page's webhook is registered.
 */
export async function startReportPage(n8n: N8nInstance, db: TestDatabase, workflowId: string, adjust: (workflow: WorkflowJson) => WorkflowJson = (w) => w): Promise<ReportPage> {
	const postgres = db.credential('e2eReportPg00001', 'Shop database (report)');
	const basicAuth = { id: 'e2eReportBasicAu', name: 'Report page login', type: 'httpBasicAuth', data: { user: 'marketing', password: randomBytes(18).toString('base64url') } };
	await n8n.importCredentials([postgres, basicAuth]);
	const workflow = adjust(useCredentials(template(REPORT_TEMPLATE), { postgres: { id: postgres.id, name: postgres.name } }));
	const webhook = workflow.nodes.find((n) => n.name === WEBHOOK_NODE);
	if (!webhook) throw new Error(`${REPORT_TEMPLATE} has no node named ${WEBHOOK_NODE}`);
	webhook.credentials = { httpBasicAuth: { id: basicAuth.id, name: basicAuth.name } };
	await n8n.importWorkflow({ ...workflow, id: workflowId });
	await n8n.activateWorkflow(workflowId);
	await n8n.start();
	const rest = new N8nRest(n8n);
	await rest.setUpOwner();
	await waitUntilReady(n8n, { webhooks: [{ path: REPORT_PATH, method: 'GET' }], workflows: [workflowId] }, { rest });
	const authorization = `Basic ${Buffer.from(`${basicAuth.data.user}:${basicAuth.data.password}`).toString('base64')}`;
	return { n8n, url: `${n8n.baseUrl}/webhook/${REPORT_PATH}`, authorization };
}

export interface Answer {
	status: number;
	type: string;
	cacheControl: string;
	body: string;
}

export async function getPage(url: string, headers: Record<string, string> = {}): Promise<Answer> {
	const response = await fetch(url, { headers: { connection: 'close', ...headers } });
	const body = await response.text();
	return { status: response.status, type: response.headers.get('content-type') ?? '', cacheControl: response.headers.get('cache-control') ?? '', body };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** What the page must show for SEEDED_DAYS, added up here from the seed (not by the node's code). */
function expectedFigures() {
	const reminded = SEEDED_DAYS.map((d) => sum(d.reminded));
	const recovered = SEEDED_DAYS.map((d) => sum(d.recovered));
	const revenueCents = sum(SEEDED_DAYS.map((d) => Math.round(Number(d.revenue) * 100)));
	const steps = [0, 1, 2].map((s) => ({
		reminded: sum(SEEDED_DAYS.map((d) => d.reminded[s])),
		recovered: sum(SEEDED_DAYS.map((d) => d.recovered[s])),
	}));
	return {
		tiles: {
			'Carts seen': String(sum(SEEDED_DAYS.map((d) => d.seen))),
			'Reminders sent': String(sum(reminded)),
			'Carts recovered': String(sum(recovered)),
			'Recovered revenue': formatMoney(revenueCents / 100, 'USD', 'en-US'),
			'Recovery rate': `${((sum(recovered) / sum(reminded)) * 100).toFixed(1)} %`,
		},
		stepRows: steps.map((s, i) => `<tr><td>Reminder ${i + 1}</td><td>${s.reminded}</td><td>${s.recovered}</td><td>${((s.recovered / s.reminded) * 100).toFixed(1)} %</td></tr>`),
		// From the oldest seeded day to today, gaps included
		days: SEEDED_DAYS[0].daysAgo + 1,
	};
}

/** The page's tiles, label -> value, as a reader sees them. */
export function tilesOf(html: string): Record<string, string> {
	return Object.fromEntries([...html.matchAll(/<div class="tile"><b>([^<]*)<\/b><span>([^<]*)<\/span><\/div>/g)].map((m) => [m[2], m[1]]));
}

/** The page's per-step table, as [step, reminded, recovered] rows. */
export function stepRowsOf(html: string): Array<{ step: number; reminded: number; recovered: number }> {
	return [...html.matchAll(/<tr><td>Reminder (\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/g)].map((m) => ({ step: Number(m[1]), reminded: Number(m[2]), recovered: Number(m[3]) }));
}

/** Why the last execution of the workflow failed, when it did: said in the failure, so a run in CI explains itself. */
async function lastFailure(n8n: N8nInstance, workflowId: string): Promise<string> {
	const rest = new N8nRest(n8n);
	await rest.login();
	const [last] = await rest.executions(workflowId);
	if (!last) return 'no execution recorded';
	return last.status === 'success' ? `execution ${last.id} succeeded` : `execution ${last.id} ${last.status}: ${await rest.failureOf(last.id)}`;
}

export const recoveryReportPage: Scenario = {
	name: 'recovery-report-page',
	timeoutSeconds: 360,
	async run(context: ScenarioContext) {
		const db = await context.database(false);
		await seedRecoveryDaily(db);
		const workflowId = 'e2eRecoveryRep01';
		const page = await startReportPage(await context.n8n(), db, workflowId);

		const anonymous = await getPage(page.url);
		const wrongPassword = await getPage(page.url, { authorization: `Basic ${Buffer.from('marketing:guess').toString('base64')}` });
		expect(anonymous.status === 401, `the request without a password answered ${anonymous.status}, expected 401`);
		// n8n 2.x answers a wrong password 401, n8n 1.x 403: both refuse
		expect([401, 403].includes(wrongPassword.status), `the request with a wrong password answered ${wrongPassword.status}, expected 401 or 403`);
		for (const [what, answer] of Object.entries({ anonymous, wrongPassword })) {
			expect(!answer.body.includes('Carts seen'), `the ${what} request was refused but its answer shows figures`);
		}

		const report = await getPage(page.url, { authorization: page.authorization });
		expect(report.status === 200, `with the password the page answered ${report.status}: ${report.body.slice(0, 300)} (${await lastFailure(page.n8n, workflowId)})`);
		expect(report.type.startsWith('text/html'), `the page came as "${report.type}", not text/html`);
		expect(report.cacheControl === 'no-store', `the page came with Cache-Control "${report.cacheControl}"`);
		const expected = expectedFigures();
		const tiles = tilesOf(report.body);
		expect(JSON.stringify(tiles) === JSON.stringify(expected.tiles), `the page's figures ${JSON.stringify(tiles)} are not the seeded ones ${JSON.stringify(expected.tiles)}`);
		const missingRows = expected.stepRows.filter((row) => !report.body.includes(row));
		expect(missingRows.length === 0, `the page lacks the step rows ${missingRows.join(' ')}`);
		const bars = report.body.match(/<rect class="reminded"/g)?.length ?? 0;
		expect(bars === expected.days, `the chart has ${bars} days, expected ${expected.days} (the oldest seeded day to today)`);

		// A row the report cannot read (a negative count, which the table allows): the page shows the other days and says so
		await db.query('UPDATE recovery_daily SET carts_seen = -1 WHERE day = current_date');
		const withBadRow = await getPage(page.url, { authorization: page.authorization });
		const seenWithoutToday = String(Number(expected.tiles['Carts seen']) - SEEDED_DAYS[SEEDED_DAYS.length - 1].seen);
		expect(withBadRow.status === 200, `with a bad row the page answered ${withBadRow.status}: ${withBadRow.body.slice(0, 300)} (${await lastFailure(page.n8n, workflowId)})`);
		expect(withBadRow.body.includes('1 row(s) of figures could not be read'), 'with a bad row the page does not say a row is left out');
		expect(tilesOf(withBadRow.body)['Carts seen'] === seenWithoutToday, `with today's row unreadable the page shows ${tilesOf(withBadRow.body)['Carts seen']} carts seen, expected ${seenWithoutToday}`);

		await db.query('TRUNCATE recovery_daily');
		const empty = await getPage(page.url, { authorization: page.authorization });
		expect(empty.status === 200, `with an empty table the page answered ${empty.status}: ${empty.body.slice(0, 300)} (${await lastFailure(page.n8n, workflowId)})`);
		expect(empty.type.startsWith('text/html'), `with an empty table the page came as "${empty.type}"`);
		expect(empty.body.includes('No reminders recorded yet'), `with an empty table the page does not say there is no data yet (${empty.body.length} bytes: ${empty.body.slice(0, 200)}) (${await lastFailure(page.n8n, workflowId)})`);

		return `no password -> 401, wrong password -> ${wrongPassword.status}; with it 200 ${report.type}, ${report.body.length} bytes: ${Object.entries(tiles).map(([k, v]) => `${k} ${v}`).join(', ')}, ${bars} days in the chart; a bad row -> page without it and a warning; empty table -> 200 "No reminders recorded yet"`;
	},
};
