/**
 * Queue mode (n8n 2.x): a main process and two `n8n worker` processes over Redis, with PostgreSQL as n8n's own
 * database. 20 cart events for 5 carts arrive at once; every shopper enters the reminder automation exactly
 * once, whichever worker ran which execution.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

import { REMINDER_LIST, listMemberships, recoveryUrl } from '../carts';
import { delay, NODE_TYPES, type WorkflowJson } from '../n8n';
import type { TestDatabase } from '../postgres';
import { waitUntilReady } from '../readiness';
import { N8nRest } from '../rest';
import { expect, type Scenario, type ScenarioContext } from '../scenario';
import { testWorkflow, useCredentials } from '../workflows';
import { connectedN8n } from './credential';

const CARTS = 5;
const EVENTS_PER_CART = 4;

export async function deleteRedisKeys(prefix: string): Promise<void> {
	const run = promisify(execFile);
	const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', '--scan', '--pattern', `${prefix}*`]);
	const keys = stdout.split('\n').filter(Boolean);
	for (let i = 0; i < keys.length; i += 200) await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'del', ...keys.slice(i, i + 200)]);
}

export function startedExecutions(logFile: string): number {
	try {
		return (readFileSync(logFile, 'utf8').match(/Worker started execution/g) ?? []).length;
	} catch {
		return 0;
	}
}

/** The human-readable error strings in an execution's stored data (n8n stores it flattened). */
function errorSentences(data: string): string {
	try {
		const strings = (JSON.parse(data) as unknown[]).filter((v): v is string => typeof v === 'string');
		return strings.filter((v) => /error|failed|constant contact|limit|timed out/i.test(v) && v.length < 400 && !v.includes('\n    at ')).slice(0, 4).join('; ');
	} catch {
		return data.slice(0, 300);
	}
}

/** n8n's settings for queue mode over Redis, with this scenario's schema as n8n's database; its Redis keys go afterwards. */
export function queueModeEnv(context: ScenarioContext, db: TestDatabase): Record<string, string> {
	const prefix = `e2e-${db.name}`;
	context.onCleanup(() => deleteRedisKeys(prefix));
	return {
		...db.n8nDatabaseEnv(),
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: '6379',
		QUEUE_BULL_PREFIX: prefix,
	};
}

/** Waits until `count` executions of the workflow finished; throws with the errors unless all of them succeeded. */
export async function waitForExecutions(db: TestDatabase, workflowId: string, count: number, timeoutMs: number): Promise<void> {
	let byStatus: Record<string, number> = {};
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const statuses = await db.adminQuery<{ status: string; count: string }>(
			'SELECT status, count(*) AS count FROM execution_entity WHERE "workflowId" = $1 GROUP BY status',
			[workflowId],
		);
		byStatus = Object.fromEntries(statuses.map((r) => [r.status, Number(r.count)]));
		const finished = (byStatus.success ?? 0) + (byStatus.error ?? 0) + (byStatus.crashed ?? 0);
		if (finished >= count || Date.now() > deadline) break;
		await delay(1000);
	}
	if (byStatus.success !== count) {
		const failures = await db.adminQuery<{ data: string }>(
			`SELECT d.data FROM execution_data d JOIN execution_entity e ON e.id = d."executionId" WHERE e."workflowId" = $1 AND e.status <> 'success'`,
			[workflowId],
		);
		throw new Error(`executions by status: ${JSON.stringify(byStatus)}; expected ${count} success; errors: ${[...new Set(failures.map((f) => errorSentences(f.data)))].join(' | ')}`);
	}
}

export const queueMode: Scenario = {
	name: 'queue-mode-two-workers',
	timeoutSeconds: 480,
	notApplicable: (installation) => (installation.major < 2 ? 'issue 6 asks for queue mode on n8n 2.x only' : undefined),
	async run(context) {
		const db = await context.database(false);
		const queueEnv = queueModeEnv(context, db);
		// Constant Contact's real 4 requests/s for the whole application: the 20 executions on two workers share it, and
		// the client's jittered, bounded retries of 429 throttled must carry every one of them to success.
		const { n8n, standIn, credential } = await connectedN8n(context, queueEnv, {});
		const list = standIn.control.seedList({ name: REMINDER_LIST, automation: { name: 'Abandoned cart reminder email' } });
		const listId = String(list.list_id);
		const workflowId = 'e2eQueueHook0001';
		await n8n.importWorkflow(
			useCredentials(testWorkflow('webhook-reminder.json', workflowId, { PATH: 'e2e-queue-cart', LIST_NAME: REMINDER_LIST }), { constantContactOAuth2Api: credential }),
		);
		await n8n.activateWorkflow(workflowId);

		await n8n.start();
		const workers = [await n8n.startWorker('worker-1'), await n8n.startWorker('worker-2')];
		const rest = new N8nRest(n8n);
		await rest.setUpOwner();
		// The main process registers the webhook after it starts serving; both workers have joined the queue.
		await waitUntilReady(n8n, { webhooks: ['e2e-queue-cart'], workflows: [workflowId], workers }, { rest });

		const carts = Array.from({ length: CARTS }, (_, i) => ({
			cart_id: `cart-q${i + 1}`,
			email: `queue.shopper${i + 1}@example.com`,
			first_name: `Shopper${i + 1}`,
			accepts_marketing: true,
			status: 'open',
			item_count: i + 1,
			total: `${(i + 1) * 25}.00`,
			recovery_url: recoveryUrl(`cart-q${i + 1}`),
			created_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
			updated_at: new Date(Date.now() - 2 * 3600_000).toISOString(),
			completed_at: null,
			order_id: null,
			timezone: 'America/New_York',
		}));
		// Interleaved so the same cart's events are in flight at the same time on different workers.
		const events = Array.from({ length: CARTS * EVENTS_PER_CART }, (_, i) => carts[i % CARTS]);
		const answers = await Promise.all(events.map((cart) => rest.postWebhook('e2e-queue-cart', cart)));
		const refused = answers.filter((a) => a.status !== 200);
		expect(refused.length === 0, `${refused.length} webhook calls failed: ${String(JSON.stringify(refused[0])).slice(0, 300)}`);

		// The webhook answers on receipt; the executions finish on the workers.
		await waitForExecutions(db, workflowId, events.length, 180_000);

		for (const cart of carts) {
			expect(listMemberships(standIn, cart.email).includes(listId), `${cart.email} is not on the reminder list`);
			const entries = standIn.control.automationEntries({ listId, email: cart.email });
			expect(entries.length === 1, `${cart.email} (${cart.cart_id}) entered the reminder automation ${entries.length} times instead of once`);
		}
		const violations = standIn.control.contractViolations();
		expect(violations.length === 0, `contract violations: ${JSON.stringify(violations).slice(0, 300)}`);
		const perWorker = workers.map((w) => startedExecutions(w.logFile));
		expect(perWorker.every((n) => n > 0), `not every worker ran executions: ${perWorker.join(' + ')}`);
		return `${events.length} concurrent webhook executions (${CARTS} carts x ${EVENTS_PER_CART}) on workers ${perWorker.join(' + ')}, all success; one automation entry per cart`;
	},
};

const SHARED_LIMIT_WORKERS = 2;
const SHARED_LIMIT_CONCURRENCY = 5;
const SHARED_LIMIT_SHOPPERS_PER_EXECUTION = 20;
const SHARED_LIMIT_PATH = 'e2e-shared-limit';

/** Webhook → Split Out (one item per shopper in the body) → Add to Autoresponder List, item by item. */
function sharedLimitWorkflow(id: string, credential: { id: string; name: string }): WorkflowJson {
	const node = (name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, x: number, extra = {}) => ({
		id: randomUUID(),
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...extra,
	});
	return {
		id,
		name: 'E2E shared rate limit',
		nodes: [
			node('Cart Batch', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: SHARED_LIMIT_PATH, responseMode: 'onReceived', options: {} }, 0, { webhookId: randomUUID() }),
			node('Shoppers', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.shoppers', options: {} }, 220),
			node(
				'Add to Autoresponder List',
				NODE_TYPES.addToAutoresponderList,
				1,
				{
					operation: 'addContact',
					list: { __rl: true, mode: 'name', value: REMINDER_LIST },
					email: '={{ $json.email }}',
					consent: '={{ $json.accepts_marketing }}',
					cartFields: { field: [{ label: 'ac_cart_id', value: '={{ $json.cart_id }}' }] },
					options: {},
				},
				440,
				{ credentials: { constantContactOAuth2Api: credential }, onError: 'continueRegularOutput' },
			),
		],
		connections: {
			'Cart Batch': { main: [[{ node: 'Shoppers', type: 'main', index: 0 }]] },
			Shoppers: { main: [[{ node: 'Add to Autoresponder List', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Issue 15, part 3 (a measurement, run by name): two queue-mode workers running five executions each at once, every
 * execution adding 20 different shoppers item by item against the stand-in's real 4 requests/s for the whole
 * application. Each execution paces itself to 4 per second, so together they ask for ten times what Constant Contact
 * allows; the client's jittered, growing retries of 429 throttled must still bring every item onto the list.
 * Reports the 429s and the wall time.
 */
export const queueSharedRateLimit: Scenario = {
	name: 'queue-shared-rate-limit',
	timeoutSeconds: 900,
	onlyWhenNamed: 'a measurement of several executions sharing one application\'s 4 requests/s (README, "Rate limits")',
	notApplicable: (installation) => (installation.major < 2 ? 'queue mode is exercised on n8n 2.x' : undefined),
	async run(context) {
		const db = await context.database(false);
		const { n8n, standIn, credential } = await connectedN8n(context, queueModeEnv(context, db), {});
		const list = standIn.control.seedList({ name: REMINDER_LIST, automation: { name: 'Abandoned cart reminder email' } });
		const listId = String(list.list_id);
		standIn.control.seedCustomField({ label: 'ac_cart_id' });
		const workflowId = 'e2eSharedLimit01';
		await n8n.importWorkflow(sharedLimitWorkflow(workflowId, credential));
		await n8n.activateWorkflow(workflowId);

		await n8n.start();
		const workers = [];
		for (let i = 1; i <= SHARED_LIMIT_WORKERS; i++) workers.push(await n8n.startWorker(`worker-${i}`, SHARED_LIMIT_CONCURRENCY));
		const rest = new N8nRest(n8n);
		await rest.setUpOwner();
		await waitUntilReady(n8n, { webhooks: [SHARED_LIMIT_PATH], workflows: [workflowId], workers }, { rest });

		const executions = SHARED_LIMIT_WORKERS * SHARED_LIMIT_CONCURRENCY;
		const batches = Array.from({ length: executions }, (_, run) =>
			Array.from({ length: SHARED_LIMIT_SHOPPERS_PER_EXECUTION }, (_, n) => ({
				email: `shared.limit${run + 1}.${n + 1}@example.com`,
				accepts_marketing: true,
				cart_id: `cart-s${run + 1}-${n + 1}`,
			})),
		);
		standIn.control.declareConsent(batches.flat().map((shopper) => ({ email: shopper.email, explicit: true })));
		standIn.control.clearRequestLog();
		const started = Date.now();
		const answers = await Promise.all(batches.map((shoppers) => rest.postWebhook(SHARED_LIMIT_PATH, { shoppers })));
		const refused = answers.filter((a) => a.status !== 200);
		expect(refused.length === 0, `${refused.length} webhook calls failed: ${String(JSON.stringify(refused[0])).slice(0, 300)}`);
		await waitForExecutions(db, workflowId, executions, 780_000);
		const wallSeconds = (Date.now() - started) / 1000;

		const log = standIn.control.requestLog().filter((entry) => entry.path.startsWith('/v3'));
		const throttled = log.filter((entry) => entry.errorKey === 'throttled').length;
		const failedItems = batches.flat().filter((shopper) => standIn.control.automationEntries({ listId, email: shopper.email }).length !== 1);
		const perWorker = workers.map((w) => startedExecutions(w.logFile));
		if (failedItems.length > 0) {
			const [first] = await db.adminQuery<{ data: string }>(
				'SELECT d.data FROM execution_data d JOIN execution_entity e ON e.id = d."executionId" WHERE e."workflowId" = $1 LIMIT 1',
				[workflowId],
			);
			const byRoute = new Map<string, number>();
			for (const entry of log) byRoute.set(`${entry.method} ${entry.path.replace(/[0-9a-f-]{36}/g, ':id')} ${entry.status}`, (byRoute.get(`${entry.method} ${entry.path.replace(/[0-9a-f-]{36}/g, ':id')} ${entry.status}`) ?? 0) + 1);
			throw new Error(
				`${failedItems.length} of ${batches.flat().length} shoppers did not enter the automation exactly once, e.g. ${failedItems.slice(0, 3).map((s) => s.email).join(', ')}; requests: ${JSON.stringify(Object.fromEntries(byRoute))}; an execution's errors: ${first ? errorSentences(first.data) : 'none stored'}`,
			);
		}
		expect(standIn.control.consentViolations().length === 0, 'consent violations');
		expect(standIn.control.contractViolations().length === 0, 'the stand-in saw requests that break the API contract');
		return `${executions} executions at once (workers ${perWorker.join(' + ')}, concurrency ${SHARED_LIMIT_CONCURRENCY} each), ${batches.flat().length} shoppers item by item: 0 failed items, ${log.length} requests of which ${throttled} answered 429 throttled, ${wallSeconds.toFixed(1)} s from the first webhook call to the last execution's end (${(log.length / wallSeconds).toFixed(2)} requests/s)`;
	},
};
