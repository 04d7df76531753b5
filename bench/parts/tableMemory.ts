/**
 * Part 3b: the reminder memory the PostgreSQL template keeps in the shop's own table ("My Data Source Tracks It"
 * with the Claim Reminders step), in real n8n 2.41.1. For each size the table holds that many remembered
 * (cart, step 1) entries (carts reminded over the last 8 days); each measured run adds fresh due carts and runs the
 * template with `n8n execute`: Select Open Carts, Decide, Claim Reminders, Mark Reminders Sent, Record Reminder.
 * Add to Autoresponder List is replaced by a No Op node (Constant Contact's cost is part 2 and part 4), so the
 * figures are the memory's. Times are n8n's own: execution start to end as n8n recorded them, per node too.
 */

import { buildAndPack } from '../../test/e2e/pack';
import type { ExecutionRun } from '../../test/e2e/n8n';
import type { TestDatabase } from '../../test/e2e/postgres';
import { ScenarioContext, type Scenario } from '../../test/e2e/scenario';
import { POSTGRES_TEMPLATE_TRIGGER, postgresTemplate } from '../../test/e2e/scenarios/postgres-cli';
import { withManualTrigger } from '../../test/e2e/workflows';
import { provisionedN8n } from '../host/spawn';
import { median, progress } from '../stats';

export interface TableMemoryRun {
	/** Execution start to end, as n8n recorded them (every node, its database queries included). */
	executionMs: number;
	nodeMs: Record<string, number>;
	due: number;
	claimed: number;
	recorded: number;
}

export interface TableMemory {
	entries: number;
	dueCartsPerRun: number;
	runs: TableMemoryRun[];
	medianMs: number;
	slowestMs: number;
	/** Table with its indexes (pg_total_relation_size) after the runs, and per remembered entry. */
	tableBytes: number;
	tableBytesPerEntry: number;
	/** What n8n loads and saves with the workflow for this memory: its static data, as JSON. */
	staticDataBytes: number;
	/** Due carts sent twice (reminders_sent counted per cart) or never recorded, over all runs. */
	duplicates: number;
	lost: number;
}

async function fillRemembered(db: TestDatabase, entries: number): Promise<void> {
	// One row per remembered (cart, step 1): reminded once, activity spread over the last 8 days
	await db.query(
		`INSERT INTO abandoned_carts (id, email, first_name, marketing_consent, status, item_count, total, recovery_url,
		   created_at, updated_at, last_reminded_at, reminders_sent)
		 SELECT 'remembered-' || i, 'old' || i || '@example.com', 'Old', true, 'open', 1, 10, 'https://shop.example.com/r/' || i,
		   now() - make_interval(secs => (i % 691200) + 7200), now() - make_interval(secs => (i % 691200) + 3600),
		   now() - make_interval(secs => (i % 691200)), 1
		 FROM generate_series(1, $1::int) AS i`,
		[entries],
	);
	await db.query('ANALYZE abandoned_carts');
}

async function addDueCarts(db: TestDatabase, run: number, count: number): Promise<void> {
	await db.query(
		`INSERT INTO abandoned_carts (id, email, first_name, marketing_consent, status, item_count, total, recovery_url, created_at, updated_at)
		 SELECT 'due-' || $1::int || '-' || i, 'due' || $1::int || '.' || i || '@example.com', 'Due', true, 'open', 2, 42, 'https://shop.example.com/d/' || i,
		   now() - interval '3 hours', now() - interval '2 hours'
		 FROM generate_series(1, $2::int) AS i`,
		[run, count],
	);
}

function timings(run: ExecutionRun): { executionMs: number; nodeMs: Record<string, number> } {
	const nodeMs: Record<string, number> = {};
	for (const [name, runs] of Object.entries(run.data.resultData.runData)) {
		nodeMs[name] = (runs as Array<{ executionTime?: number }>).reduce((sum, r) => sum + (r.executionTime ?? 0), 0);
	}
	return { executionMs: Date.parse(String(run.stoppedAt)) - Date.parse(String(run.startedAt)), nodeMs };
}

function itemCount(run: ExecutionRun, node: string): number {
	const runs = run.data.resultData.runData[node] ?? [];
	return runs.reduce((sum, r) => sum + (r.data?.main?.[0]?.length ?? 0), 0);
}

export async function tableMemory(entries: number, dueCartsPerRun: number, runCount: number): Promise<TableMemory> {
	const installation = await provisionedN8n();
	const tarball = process.env.E2E_TARBALL || (await buildAndPack());
	const context = new ScenarioContext(installation, tarball, `bench-table-memory-${entries}`);
	try {
		// n8n prints each run to its log; the default 16 MB log file would rotate away a run of thousands of carts
		const [n8n, db] = await Promise.all([context.n8n({ N8N_LOG_FILE_SIZE_MAX: '1024' }), context.database()]);
		const pgCredential = db.credential();
		await n8n.importCredentials([pgCredential]);
		progress(`table memory: filling ${entries} remembered entries`);
		await fillRemembered(db, entries);

		const id = 'benchTableMem001';
		const workflow = withManualTrigger(
			postgresTemplate(id, {
				constantContactOAuth2Api: { id: 'unused', name: 'unused' },
				postgres: { id: pgCredential.id, name: pgCredential.name },
			}),
			POSTGRES_TEMPLATE_TRIGGER,
		);
		const add = workflow.nodes.find((n) => n.name === 'Add to Autoresponder List');
		if (!add) throw new Error('the template has no Add to Autoresponder List node');
		Object.assign(add, { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {}, credentials: undefined });
		await n8n.importWorkflow(workflow);

		const runs: TableMemoryRun[] = [];
		for (let i = 1; i <= runCount; i++) {
			await addDueCarts(db, i, dueCartsPerRun);
			const run = await n8n.execute(id);
			if (run.data.resultData.error) throw new Error(`run ${i} failed: ${run.data.resultData.error.message}`);
			runs.push({
				...timings(run),
				due: dueCartsPerRun,
				claimed: itemCount(run, 'Claim Reminders'),
				recorded: itemCount(run, 'Record Reminder'),
			});
			progress(`table memory ${entries}: run ${i} ${runs[runs.length - 1].executionMs} ms (${JSON.stringify(runs[runs.length - 1].nodeMs)})`);
		}
		const [size] = await db.query<{ bytes: string }>(`SELECT pg_total_relation_size('abandoned_carts') AS bytes`);
		const [counts] = await db.query<{ duplicates: string; lost: string }>(
			`SELECT count(*) FILTER (WHERE reminders_sent > 1) AS duplicates, count(*) FILTER (WHERE reminders_sent = 0) AS lost
			 FROM abandoned_carts WHERE id LIKE 'due-%'`,
		);
		const staticData = await n8n.exportedStaticData(id);
		const executionTimes = runs.map((r) => r.executionMs);
		const tableBytes = Number(size.bytes);
		return {
			entries,
			dueCartsPerRun,
			runs,
			medianMs: median(executionTimes),
			slowestMs: Math.max(...executionTimes),
			tableBytes,
			tableBytesPerEntry: tableBytes / entries,
			staticDataBytes: staticData === null ? 0 : Buffer.byteLength(JSON.stringify(staticData)),
			duplicates: Number(counts.duplicates),
			lost: Number(counts.lost),
		};
	} finally {
		const { problems } = await context.cleanUp(false);
		if (problems.length) progress(`table memory clean-up: ${problems.join('; ')}`);
	}
}

export interface QueueModeCheck {
	executions: number;
	/** The e2e scenario's own line when every check held (0 duplicates, 0 lost), else its failure. */
	passed: boolean;
	detail: string;
}

/** An e2e scenario run once on the provisioned n8n for the bench: its own result line when every check held, else its failure. */
async function scenarioOnProvisionedN8n(scenario: Scenario): Promise<{ passed: boolean; detail: string }> {
	const installation = await provisionedN8n();
	const tarball = process.env.E2E_TARBALL || (await buildAndPack());
	const context = new ScenarioContext(installation, tarball, `bench-${scenario.name}`);
	let check: { passed: boolean; detail: string };
	try {
		check = { passed: true, detail: await scenario.run(context) };
	} catch (error) {
		check = { passed: false, detail: (error as Error).message };
	}
	const { problems, failures } = await context.cleanUp(false);
	if (problems.length) progress(`${scenario.name} clean-up: ${problems.join('; ')}`);
	if (failures.length) check = { passed: false, detail: `${check.detail}; ${failures.join('; ')}` };
	return check;
}

/** The queue-mode duplicate count: test/e2e/scenarios/queue-exactly-once.ts, run on the provisioned n8n. */
export async function queueModeDuplicates(): Promise<QueueModeCheck> {
	const { queueExactlyOnce } = await import('../../test/e2e/scenarios/queue-exactly-once');
	return { executions: 20, ...(await scenarioOnProvisionedN8n(queueExactlyOnce)) };
}

export interface SharedRateLimitCheck {
	passed: boolean;
	detail: string;
	executions?: number;
	shoppers?: number;
	failedItems?: number;
	requests?: number;
	throttled429?: number;
	wallSeconds?: number;
}

/**
 * (2f) Several executions at once sharing one application's 4 requests/s: test/e2e/scenarios/queue.ts
 * (queue-shared-rate-limit: main + 2 workers at concurrency 5, 10 executions, 200 shoppers item by item, stand-in at
 * the real limit), run on the provisioned n8n; the figures are read from its result line.
 */
export async function sharedRateLimit(): Promise<SharedRateLimitCheck> {
	const { queueSharedRateLimit } = await import('../../test/e2e/scenarios/queue');
	const check = await scenarioOnProvisionedN8n(queueSharedRateLimit);
	const figure = (pattern: RegExp) => {
		const match = pattern.exec(check.detail);
		return match ? Number(match[1]) : undefined;
	};
	const result: SharedRateLimitCheck = {
		...check,
		executions: figure(/^(\d+) executions at once/),
		shoppers: figure(/(\d+) shoppers item by item/),
		failedItems: check.passed ? figure(/(\d+) failed items/) : figure(/^(\d+) of \d+ shoppers did not enter/),
		requests: figure(/(\d+) requests of which/),
		throttled429: figure(/of which (\d+) answered 429/),
		wallSeconds: figure(/([\d.]+) s from the first webhook call/),
	};
	progress(`several executions at once: ${check.passed ? 'passed' : 'FAILED'}: ${check.detail.slice(0, 300)}`);
	return result;
}
