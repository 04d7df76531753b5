/**
 * The shipped "Cart events by webhook" template under attack and under load, in production mode (`n8n start`):
 *
 * - signed-webhooks: unsigned, wrongly signed, stale and tampered requests get 401 and change nothing (no row, no
 *   contact, no list change: a forged order does not take a real shopper off the list); signed ones get 200 at once
 *   and are stored; Constant Contact is called only inside scheduled runs; a signed cart whose recovery link points
 *   to another host is stored but skipped by Add to Autoresponder List with `link_not_allowed`.
 * - webhook-flood: 2,000 signed cart events within 60 s: every one answered 200 and stored, no Constant Contact
 *   request outside the scheduled runs, and the next scheduled run handles all of them in bulk. Prints the figures.
 *
 * Requests are signed with the README's Node.js snippet (test/e2e/signing.ts). The first request waits until n8n
 * has registered the production webhook (404 until then): a local wait, kept here on purpose.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { cartEvent, cartRow } from '../../support/carts';
import { listMemberships } from '../carts';
import { delay, type WorkflowJson } from '../n8n';
import { expect, type Scenario } from '../scenario';
import { postSigned, type WebhookAnswer } from '../signing';
import { connectedN8n } from './credential';
import {
	DATA_TABLE_SQLITE_ENV,
	dataTableRows,
	expectRunSucceeded,
	scheduledRunAfter,
	seedDemoAccount,
	startCartEventsShop,
	WEBHOOK_PATH,
	zoneWithLocalHour,
	type CartEventsShop,
} from './cart-events-webhook';

const SCHEDULE_SECONDS = 20;
const ATTACKER_HOST = 'evil.example.net';

/** A cart abandoned two hours ago by a consenting shopper in daytime: due at the next scheduled run. */
function dueCart(cartId: string, email: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
	const timezone = zoneWithLocalHour([9, 10, 11, 12, 13, 14, 15, 16, 17]);
	const cart = cartRow({ id: cartId, email, first_name: email.split('.')[0], item_count: 2, currency: 'USD', timezone }, { now: Date.now() });
	return cartEvent(cart, fields as IDataObject);
}

/** The first request, repeated while n8n answers 404 (production webhook not registered yet). */
async function firstAnswer(send: () => Promise<WebhookAnswer>, timeoutMs = 60_000): Promise<WebhookAnswer> {
	const deadline = Date.now() + timeoutMs;
	let answer = await send();
	while (answer.status === 404 && Date.now() < deadline) {
		await delay(500);
		answer = await send();
	}
	return answer;
}

interface Window {
	from: number;
	to: number;
}

/** The workflow's scheduled executions (mode trigger), as time windows; a run still going is open-ended. */
async function scheduledWindows(shop: CartEventsShop): Promise<Window[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: shop.workflowId, mode: 'trigger' }));
	const page = await shop.rest.json<{ results: Array<{ mode: string; startedAt: string; stoppedAt?: string | null }> }>('GET', `/rest/executions?filter=${filter}&limit=100`);
	return page.results
		.filter((e) => e.mode === 'trigger')
		.map((e) => ({ from: Date.parse(e.startedAt), to: e.stoppedAt ? Date.parse(e.stoppedAt) : Number.POSITIVE_INFINITY }));
}

/** Requests the stand-in received between `from` and `to` that no scheduled run made. */
async function constantContactRequestsOutsideScheduledRuns(shop: CartEventsShop, standIn: FakeConstantContact, window: Window): Promise<string[]> {
	const runs = await scheduledWindows(shop);
	return standIn.control
		.requestLog()
		.filter((entry) => {
			const at = Date.parse(entry.at);
			return at >= window.from && at <= window.to && !runs.some((run) => at >= run.from - 50 && at <= run.to + 50);
		})
		.map((entry) => `${entry.at} ${entry.method} ${entry.path}`);
}

export const signedWebhooks: Scenario = {
	name: 'signed-webhooks',
	timeoutSeconds: 480,
	async run(context) {
		const { n8n, standIn, credential } = await connectedN8n(context, DATA_TABLE_SQLITE_ENV);
		const account = seedDemoAccount(standIn);
		// Real shoppers already on the reminder list: one an attacker tries to take off, one who really orders.
		standIn.control.seedContact({ email: 'victor.onlist@example.com', firstName: 'Victor', permission: 'explicit', listIds: [account.reminderListId] });
		standIn.control.seedContact({ email: 'olga.orders@example.com', firstName: 'Olga', permission: 'explicit', listIds: [account.reminderListId] });
		const shop = await startCartEventsShop(n8n, credential, SCHEDULE_SECONDS, { workflowId: 'signedWebhooks01' });
		const base = shop.rest.baseUrl;
		const started = Date.now();

		// Rejected: none of these may leave a trace.
		const forgedCart = dueCart('sig-9001', 'mallory.unsigned@example.com', { recovery_url: `https://${ATTACKER_HOST}/login` });
		const unsigned = await firstAnswer(() => postSigned(base, WEBHOOK_PATH, forgedCart, shop.secret, { headers: {} }));
		const wrongSecret = await postSigned(base, WEBHOOK_PATH, dueCart('sig-9002', 'mallory.guess@example.com'), 'a-guessed-secret-that-is-long-enough-0000');
		const stale = await postSigned(base, WEBHOOK_PATH, dueCart('sig-9003', 'mallory.replay@example.com'), shop.secret, { now: Date.now() - 10 * 60_000 });
		const honest = dueCart('sig-9004', 'mallory.tamper@example.com');
		const tampered = await postSigned(base, WEBHOOK_PATH, { ...honest, recovery_url: `https://${ATTACKER_HOST}/c` }, shop.secret, { signedBody: JSON.stringify(honest) });
		const forgedOrder = await postSigned(base, WEBHOOK_PATH, { event: 'order_placed', cart_id: 'victor-cart', email: 'victor.onlist@example.com', order_id: 'fake' }, shop.secret, { headers: {} });
		const rejected = { unsigned, wrongSecret, stale, tampered, forgedOrder };
		for (const [what, answer] of Object.entries(rejected)) {
			expect(answer.status === 401, `the ${what} request answered ${answer.status}, expected 401: ${JSON.stringify(answer.body).slice(0, 200)}`);
		}
		expect(stale.body?.reason === 'stale_timestamp' && wrongSecret.body?.reason === 'bad_signature' && unsigned.body?.reason === 'missing_timestamp', `rejection reasons: ${JSON.stringify(Object.values(rejected).map((a) => a.body))}`);

		// Accepted at once and stored before the answer.
		const alice = dueCart('sig-1001', 'alice.signed@example.com');
		const phished = dueCart('sig-1002', 'bob.phished@example.com', { recovery_url: `https://${ATTACKER_HOST}/cart/sig-1002` });
		const accepted = {
			cart: await postSigned(base, WEBHOOK_PATH, alice, shop.secret),
			cartWithForeignLink: await postSigned(base, WEBHOOK_PATH, phished, shop.secret),
			order: await postSigned(base, WEBHOOK_PATH, { event: 'order_placed', cart_id: 'olga-cart', email: 'olga.orders@example.com', order_id: 'order-8001' }, shop.secret),
		};
		const answeredAt = new Date();
		for (const [what, answer] of Object.entries(accepted)) {
			expect(answer.status === 200 && answer.body?.received === true, `the signed ${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
		}
		const rows = await dataTableRows(shop);
		const stored = new Set(rows.map((r) => r.cart_id));
		expect(['sig-1001', 'sig-1002', 'olga-cart'].every((id) => stored.has(id)), `signed events were answered but not stored: rows ${[...stored].join(', ')}`);
		expect(rows.length === 3, `rejected requests left rows: ${rows.map((r) => r.cart_id).join(', ')}`);
		expect(listMemberships(standIn, 'olga.orders@example.com').includes(account.reminderListId), 'the order was processed inside the webhook call; it should wait for the scheduled run');

		// The scheduled run does the Constant Contact work.
		const run = await scheduledRunAfter(shop, answeredAt, (SCHEDULE_SECONDS + 60) * 1000);
		await expectRunSucceeded(shop, run, 'the scheduled run');
		const after = await dataTableRows(shop);
		const row = (cartId: string) => after.find((r) => r.cart_id === cartId) ?? {};
		expect(listMemberships(standIn, alice.email as string).includes(account.reminderListId), `${alice.email} did not reach the list`);
		expect(standIn.control.findContactByEmail(phished.email as string) === undefined, `${phished.email} was created although the recovery link points to ${ATTACKER_HOST}`);
		expect(row('sig-1002').contact_status === 'skipped (link_not_allowed)', `the cart with a foreign link has contact status ${row('sig-1002').contact_status}`);
		expect(!listMemberships(standIn, 'olga.orders@example.com').includes(account.reminderListId), 'the shopper who ordered is still on the list after the scheduled run');
		expect(Boolean(row('olga-cart').removed_from_list_at), `the order row does not record the removal: ${JSON.stringify(row('olga-cart'))}`);

		// Nothing from the rejected requests: no contact, no list change.
		for (const email of ['mallory.unsigned@example.com', 'mallory.guess@example.com', 'mallory.replay@example.com', 'mallory.tamper@example.com']) {
			expect(standIn.control.findContactByEmail(email) === undefined, `a rejected request created the contact ${email}`);
		}
		expect(listMemberships(standIn, 'victor.onlist@example.com').includes(account.reminderListId), 'a forged order took a real shopper off the list');
		const outside = await constantContactRequestsOutsideScheduledRuns(shop, standIn, { from: started, to: Date.now() });
		expect(outside.length === 0, `Constant Contact was called outside scheduled runs: ${outside.slice(0, 5).join('; ')}`);
		expect(standIn.control.permissionChanges().length === 0, `permissions changed: ${JSON.stringify(standIn.control.permissionChanges())}`);

		const log = join(n8n.userFolder, 'n8n.log');
		expect(existsSync(log) && !readFileSync(log, 'utf8').includes(shop.secret), `n8n's log is missing or holds the shop's signing secret (${log})`);

		const latencies = [...Object.values(rejected), ...Object.values(accepted)].map((a) => a.ms);
		return `5 bad requests (unsigned, wrong secret, stale, tampered, forged order) -> 401, 0 rows, 0 contacts, 0 list changes; 3 signed -> 200 and stored (answers ${Math.min(...latencies)}-${Math.max(...latencies)} ms); 0 Constant Contact requests outside scheduled runs; foreign recovery link -> skipped link_not_allowed; order removed by the scheduled run`;
	},
};

const FLOOD_EVENTS = 2_000;
const FLOOD_SECONDS = 60;
const FLOOD_SCHEDULE_MINUTES = 2;

function withScheduleEveryMinutes(workflow: WorkflowJson, triggerName: string, minutes: number): WorkflowJson {
	const copy = structuredClone(workflow);
	const trigger = copy.nodes.find((n) => n.name === triggerName);
	if (trigger?.type !== 'n8n-nodes-base.scheduleTrigger') throw new Error(`no Schedule Trigger named ${triggerName}`);
	trigger.parameters = { rule: { interval: [{ field: 'minutes', minutesInterval: minutes }] } };
	return copy;
}

async function rowCount(shop: CartEventsShop): Promise<number> {
	const page = await shop.rest.json<{ count: number }>('GET', `/rest/projects/${shop.projectId}/data-tables/${shop.dataTableId}/rows?take=1`);
	return page.count;
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * n8n settings for a shop with bursts (README, Securing your webhooks, Under load): PostgreSQL as n8n's database, as a
 * shop with this traffic runs it, a pool larger than the default 2 connections, and a cap on concurrent production
 * executions so a burst waits in n8n's queue instead of exhausting the pool. Without them, on this machine, 2.41.1
 * answered most of the flood 500 (SQLite: write-lock timeouts; PostgreSQL with defaults: pool connect timeouts).
 */
const BURST_SETTINGS = { DB_POSTGRESDB_POOL_SIZE: '10', DB_POSTGRESDB_CONNECTION_TIMEOUT: '60000', N8N_CONCURRENCY_PRODUCTION_LIMIT: '4' };

export const webhookFlood: Scenario = {
	name: 'webhook-flood',
	timeoutSeconds: 1500,
	// A load measurement: it passes on an idle 2-core machine, but n8n itself answers part of the flood with 500/503
	// when other work starves it (test/e2e/README.md, "Flood figures"), so it runs by name (--scenario=webhook-flood).
	onlyWhenNamed: 'a load measurement that needs an idle machine (test/e2e/README.md, "Flood figures")',
	async run(context) {
		const db = await context.database(false);
		const { n8n, standIn, credential } = await connectedN8n(context, { ...db.n8nDatabaseEnv(), ...BURST_SETTINGS });
		const account = seedDemoAccount(standIn);
		// The shipped schedule, every 15 minutes, shortened to 2 so the run after the flood comes within the test.
		const shop = await startCartEventsShop(n8n, credential, SCHEDULE_SECONDS, {
			workflowId: 'webhookFlood001',
			adjust: (workflow) => withScheduleEveryMinutes(workflow, 'Every 15 Minutes', FLOOD_SCHEDULE_MINUTES),
		});
		const base = shop.rest.baseUrl;
		const ready = await firstAnswer(() => postSigned(base, WEBHOOK_PATH, {}, '', { headers: {} }));
		expect(ready.status === 401, `the webhook answered ${ready.status} to an unsigned probe`);
		// Start right after a scheduled run, so the flood falls between two runs.
		const tick = await scheduledRunAfter(shop, new Date(0), FLOOD_SCHEDULE_MINUTES * 60_000 + 60_000);
		await expectRunSucceeded(shop, tick, 'the scheduled run before the flood');

		// Open loop, as a shop's platform fires its webhooks: one event every 28.5 ms, whatever n8n answers.
		const events = Array.from({ length: FLOOD_EVENTS }, (_, i) => dueCart(`flood-${String(i).padStart(4, '0')}`, `flood.shopper${i}@example.com`));
		const floodStart = Date.now();
		const spacingMs = (FLOOD_SECONDS * 1000 * 0.95) / FLOOD_EVENTS;
		let lastSent = floodStart;
		const answers = await Promise.all(
			events.map(async (event, i) => {
				await delay(Math.max(0, floodStart + i * spacingMs - Date.now()));
				lastSent = Math.max(lastSent, Date.now());
				const sentAt = Date.now();
				// A dropped connection is counted like any other failed answer, so the figures cover every event.
				return postSigned(base, WEBHOOK_PATH, event, shop.secret).catch((error: Error) => ({ status: 0, body: error.message, ms: Date.now() - sentAt }));
			}),
		);
		const floodEnd = Date.now();
		const notOk = answers.filter((a) => a.status !== 200);
		const statuses = Object.entries(answers.reduce<Record<string, number>>((count, a) => ({ ...count, [a.status]: (count[a.status] ?? 0) + 1 }), {}));
		const ms = answers.map((a) => a.ms);
		const stored = await rowCount(shop);
		const outsideDuringFlood = await constantContactRequestsOutsideScheduledRuns(shop, standIn, { from: floodStart, to: floodEnd });
		const figures = `${FLOOD_EVENTS} signed events sent in ${((lastSent - floodStart) / 1000).toFixed(1)} s, last answer after ${((floodEnd - floodStart) / 1000).toFixed(1)} s; answers ${statuses.map(([status, n]) => `${n}x${status}`).join(' ')}; answer time p50 ${percentile(ms, 50)} ms, p95 ${percentile(ms, 95)} ms, max ${Math.max(...ms)} ms; ${stored} stored; ${outsideDuringFlood.length} Constant Contact requests outside scheduled runs`;
		expect(notOk.length === 0, `${notOk.length} of ${FLOOD_EVENTS} signed events were not answered 200 (${figures}): ${JSON.stringify(notOk.slice(0, 3)).slice(0, 400)}`);
		expect(stored === FLOOD_EVENTS, `${stored} of ${FLOOD_EVENTS} events are in the Data table after their 200 (${figures})`);
		expect(outsideDuringFlood.length === 0, `the flood caused Constant Contact requests outside scheduled runs (${figures}): ${outsideDuringFlood.slice(0, 5).join('; ')}`);

		// The scheduled run that starts after the last answer finds every event; earlier runs may have taken some.
		const run = await scheduledRunAfter(shop, new Date(floodEnd), FLOOD_SCHEDULE_MINUTES * 60_000 + 900_000);
		await expectRunSucceeded(shop, run, 'the scheduled run after the flood');
		const runs = (await scheduledWindows(shop)).filter((w) => w.to >= floodStart && w.from <= Date.parse(run.startedAt) + 1);
		const inRuns = standIn.control.requestLog().filter((e) => runs.some((w) => Date.parse(e.at) >= w.from - 50 && Date.parse(e.at) <= w.to + 50));
		const imports = inRuns.filter((e) => e.method === 'POST' && e.path.includes('/activities/contacts_json_import'));
		const onList = events.filter((e) => listMemberships(standIn, String(e.email)).includes(account.reminderListId)).length;
		expect(onList === FLOOD_EVENTS, `after the scheduled run ${onList} of ${FLOOD_EVENTS} flood shoppers are on the list`);
		expect(imports.length >= 1, `the scheduled runs used no bulk import: ${inRuns.length} requests (${[...new Set(inRuns.map((e) => `${e.method} ${e.path}`))].slice(0, 6).join(', ')})`);
		const outsideAll = await constantContactRequestsOutsideScheduledRuns(shop, standIn, { from: floodStart, to: Date.now() });
		expect(outsideAll.length === 0, `Constant Contact requests outside scheduled runs: ${outsideAll.slice(0, 5).join('; ')}`);

		const runSeconds = runs.reduce((sum, w) => sum + (w.to - w.from) / 1000, 0);
		return `${figures}; ${runs.length} scheduled run(s) from the flood to the first after it (${runSeconds.toFixed(0)} s): ${inRuns.length} Constant Contact requests, ${imports.length} bulk import(s), ${onList} shoppers on the list`;
	},
};
