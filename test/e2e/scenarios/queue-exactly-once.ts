/**
 * Exactly once across workers (issue 16): the shipped PostgreSQL template, started by a webhook instead of its
 * schedule, in queue mode (a main process and two `n8n worker` processes over Redis, PostgreSQL as n8n's database).
 * 20 executions start at once over the same carts (same shoppers; two shoppers with two carts each), so every
 * execution decides every due cart "send". Its Claim Reminders step marks the carts in the shop's table in one
 * statement before the send: each cart reaches Add to Autoresponder List in exactly one execution, each due shopper
 * enters the automation once, none is lost, and every claim is released by Record Reminder.
 */
import { randomUUID } from 'node:crypto';

import { REMINDER_LIST, recoveryUrl } from '../carts';
import type { WorkflowJson } from '../n8n';
import type { TestDatabase } from '../postgres';
import { waitUntilReady } from '../readiness';
import { N8nRest } from '../rest';
import { expect, type Scenario } from '../scenario';
import { connectedN8n } from './credential';
import { POSTGRES_TEMPLATE_TRIGGER, postgresTemplate } from './postgres-cli';
import { queueModeEnv, startedExecutions, waitForExecutions } from './queue';

const EXECUTIONS = 20;
const WEBHOOK_PATH = 'e2e-exactly-once';

interface QueueCart {
	id: string;
	email: string;
	idleMinutes: number;
	/** Whether this cart's reminder is the one its shopper gets (a shopper's other cart waits out the cooldown). */
	due: boolean;
}

/** Ten shoppers; two of them left two carts, of which the more recently active one is reminded. */
export const QUEUE_CARTS: QueueCart[] = [
	...Array.from({ length: 10 }, (_, i) => ({ id: `cart-x${i + 1}`, email: `exactly.once${i + 1}@example.com`, idleMinutes: 90 + 10 * i, due: true })),
	{ id: 'cart-x1-older', email: 'exactly.once1@example.com', idleMinutes: 400, due: false },
	{ id: 'cart-x2-older', email: 'exactly.once2@example.com', idleMinutes: 500, due: false },
];

async function seedQueueCarts(db: TestDatabase): Promise<void> {
	for (const cart of QUEUE_CARTS) {
		await db.query(
			`INSERT INTO abandoned_carts (id, email, first_name, marketing_consent, status, item_count, total, recovery_url, created_at, updated_at)
			 VALUES ($1, $2, 'Queue', true, 'open', 2, '42.00', $3, now() - make_interval(mins => $4 + 30), now() - make_interval(mins => $4))`,
			[cart.id, cart.email, recoveryUrl(cart.id), cart.idleMinutes],
		);
	}
}

/** The template with its schedule replaced by a webhook that answers on receipt, so a test can start many at once. */
export function withWebhookTrigger(workflow: WorkflowJson, triggerName: string, path: string): WorkflowJson {
	const copy = structuredClone(workflow);
	const trigger = copy.nodes.find((n) => n.name === triggerName);
	if (!trigger) throw new Error(`workflow "${workflow.name}" has no node named "${triggerName}"`);
	const name = 'E2E Webhook';
	Object.assign(trigger, {
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	});
	copy.connections[name] = copy.connections[triggerName];
	delete copy.connections[triggerName];
	return copy;
}

export const queueExactlyOnce: Scenario = {
	name: 'queue-exactly-once',
	timeoutSeconds: 600,
	async run(context) {
		const db = await context.database();
		const queueEnv = queueModeEnv(context, db);
		const { n8n, standIn, credential } = await connectedN8n(context, queueEnv);
		const postgres = db.credential();
		await n8n.importCredentials([postgres]);
		await seedQueueCarts(db);
		const list = standIn.control.seedList({ name: REMINDER_LIST, automation: { name: 'Abandoned cart reminder email' } });
		const listId = String(list.list_id);
		standIn.control.declareConsent(QUEUE_CARTS.map((c) => ({ email: c.email, explicit: true })));

		const workflowId = 'e2eExactlyOnce01';
		const credentials = { constantContactOAuth2Api: credential, postgres: { id: postgres.id, name: postgres.name } };
		await n8n.importWorkflow(withWebhookTrigger(postgresTemplate(workflowId, credentials), POSTGRES_TEMPLATE_TRIGGER, WEBHOOK_PATH));
		await n8n.activateWorkflow(workflowId);

		await n8n.start();
		const workers = [await n8n.startWorker('worker-1'), await n8n.startWorker('worker-2')];
		const rest = new N8nRest(n8n);
		await rest.setUpOwner();
		// The main process registers the webhook after it starts serving; both workers have joined the queue.
		await waitUntilReady(n8n, { webhooks: [WEBHOOK_PATH], workflows: [workflowId], workers }, { rest });

		const answers = await Promise.all(Array.from({ length: EXECUTIONS }, (_, i) => rest.postWebhook(WEBHOOK_PATH, { run: i + 1 })));
		const refused = answers.filter((a) => a.status !== 200);
		expect(refused.length === 0, `${refused.length} webhook calls failed: ${String(JSON.stringify(refused[0])).slice(0, 300)}`);
		await waitForExecutions(db, workflowId, EXECUTIONS, 240_000);

		// Each shopper reached Add to Autoresponder List in exactly one execution: Add looks a shopper up once per item
		const lookups = new Map<string, number>();
		for (const entry of standIn.control.requestLog()) {
			if (entry.method !== 'GET' || !entry.path.endsWith('/contacts') || !entry.query.email || entry.status !== 200) continue;
			const email = entry.query.email.toLowerCase();
			lookups.set(email, (lookups.get(email) ?? 0) + 1);
		}
		const emails = [...new Set(QUEUE_CARTS.map((c) => c.email))];
		const addedTwice = emails.filter((e) => (lookups.get(e) ?? 0) > 1).map((e) => `${e} x${lookups.get(e)}`);
		const neverAdded = emails.filter((e) => !lookups.has(e));
		const duplicates = emails.filter((e) => standIn.control.automationEntries({ listId, email: e }).length > 1);
		const lost = emails.filter((e) => standIn.control.automationEntries({ listId, email: e }).length === 0);
		expect(addedTwice.length === 0, `shoppers handed to Add to Autoresponder List by more than one execution: ${addedTwice.join(', ')}`);
		expect(neverAdded.length === 0, `due shoppers no execution handed to Add to Autoresponder List: ${neverAdded.join(', ')}`);
		expect(duplicates.length === 0, `shoppers who entered the automation more than once: ${duplicates.join(', ')}`);
		expect(lost.length === 0, `due shoppers who never entered the automation: ${lost.join(', ')}`);

		const rows = await db.query<{ id: string; reminders_sent: number; reminder_claimed_at: Date | null }>(
			'SELECT id, reminders_sent, reminder_claimed_at FROM abandoned_carts',
		);
		for (const cart of QUEUE_CARTS) {
			const row = rows.find((r) => r.id === cart.id);
			expect(row?.reminders_sent === (cart.due ? 1 : 0), `cart ${cart.id}: reminders_sent ${row?.reminders_sent}, expected ${cart.due ? 1 : 0}`);
		}
		const stillClaimed = rows.filter((r) => r.reminder_claimed_at !== null).map((r) => r.id);
		expect(stillClaimed.length === 0, `claims left after every execution finished: ${stillClaimed.join(', ')}`);
		expect(standIn.control.contractViolations().length === 0, 'the stand-in saw requests that break the API contract');

		const perWorker = workers.map((w) => startedExecutions(w.logFile));
		expect(perWorker.every((n) => n > 0), `not every worker ran executions: ${perWorker.join(' + ')}`);
		return `${EXECUTIONS} concurrent executions over ${QUEUE_CARTS.length} carts of ${emails.length} shoppers on workers ${perWorker.join(' + ')}: each shopper handed to Add once, 0 duplicates, 0 lost, 0 claims left`;
	},
};
