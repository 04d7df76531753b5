/**
 * The shipped "Cart events by webhook" template in production mode (`n8n start`): the shop POSTs cart events,
 * n8n keeps the carts in its own Data table (both n8n versions have the Data table node v1; the table is created
 * through n8n's REST API as the editor does), the schedule finds due carts, and an order-placed event takes the
 * shopper off the list. The demo (`npm run demo`) runs the same flow, so the pieces are exported.
 */
import { randomBytes } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { cartEvent, cartRow } from '../../support/carts';
import { shopVerifiesLink, tamperedLink } from '../../support/shopVerifiesLink';
import { authorizationCodeDance } from '../../support/oauth';
import { customFieldsOf, listMemberships, permissionOf } from '../carts';
import { delay, type CredentialEntry, type N8nInstance, type WorkflowJson } from '../n8n';
import { credentialEntry } from '../oauth';
import { waitUntilReady } from '../readiness';
import { N8nRest } from '../rest';
import { expect, type Scenario, type ScenarioContext } from '../scenario';
import { newLinkSecret, newShopSecret, postSigned, withSignedRecoveryLinks, type ShopSecret } from '../signing';
import { template, useCredentials, withScheduleEverySeconds, type CredentialRef } from '../workflows';
import { connectedN8n } from './credential';
import { getPage, stepRowsOf, tilesOf, type Answer } from './recovery-report';

export const WEBHOOK_TEMPLATE = 'cart-events-webhook.json';
export const WEBHOOK_TEMPLATE_TRIGGER = 'Every 15 Minutes';
export const WEBHOOK_PATH = 'cart-events';
export const REMINDER_LIST = 'Abandoned cart reminders';
/** The template's second trigger: the password-protected report page (GET, Basic Auth). */
export const REPORT_PATH = 'abandoned-cart-report';
const REPORT_WEBHOOK_NODE = 'Report Page';
const DATA_TABLE_NODE = 'n8n-nodes-base.dataTable';

export const CARTS_TABLE = 'abandoned_carts';
/** The demo shop's coupon pool: more codes than shoppers due, so a code handed out twice would show. */
export const DEMO_COUPON_CODES = ['TEA10-ALDER', 'TEA10-BIRCH', 'TEA10-CEDAR', 'TEA10-DAHLIA', 'TEA10-ELM'];
/** The optional coupon pool (off as shipped): one row per code, `cart_id` and `claimed_at` written when claimed. */
export const COUPONS_TABLE = 'cart_coupons';

export interface DataTableSpec {
	name: string;
	columns: Array<{ name: string; type: string }>;
}

/** The Data tables the template names, each with the columns its nodes write and filter on (the template is the source). */
export function dataTableSpecs(): DataTableSpec[] {
	const workflow = template(WEBHOOK_TEMPLATE);
	const tables = new Map<string, Map<string, string>>();
	for (const node of workflow.nodes.filter((n) => n.type === DATA_TABLE_NODE)) {
		const name = String(node.parameters.dataTableId.value);
		const columns = tables.get(name) ?? new Map<string, string>();
		tables.set(name, columns);
		for (const column of node.parameters.columns?.schema ?? []) columns.set(column.id, column.type);
		for (const condition of node.parameters.filters?.conditions ?? []) if (!columns.has(condition.keyName)) columns.set(condition.keyName, 'string');
	}
	return [...tables].map(([name, columns]) => ({ name, columns: [...columns].map(([column, type]) => ({ name: column, type })) }));
}

/** Zones from west to east; the one whose local hour falls in `hours` is picked, so timing never depends on the clock. */
const ZONES = ['Pacific/Honolulu', 'America/Los_Angeles', 'America/Chicago', 'America/New_York', 'America/Sao_Paulo', 'Atlantic/Azores', 'Europe/London', 'Europe/Berlin', 'Europe/Athens', 'Asia/Dubai', 'Asia/Karachi', 'Asia/Dhaka', 'Asia/Bangkok', 'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Brisbane', 'Pacific/Noumea', 'Pacific/Auckland', 'Pacific/Tongatapu', 'Pacific/Kiritimati'];

export function zoneWithLocalHour(hours: number[], at = new Date()): string {
	for (const zone of ZONES) {
		const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(at));
		if (hours.includes(hour)) return zone;
	}
	throw new Error(`no time zone with a local hour in ${hours.join(',')}`);
}

export interface DemoCart {
	label: string;
	event: Record<string, unknown>;
	expected: { decision: 'send' | 'wait' | 'skip'; reason: string; reachesList: boolean; itemsSummary: string; cartTotal: string };
}

/** A small tea shop's line items, as the shop's cart event sends them. */
const item = (name: string, quantity: number, price: number, slug: string) => ({
	name,
	quantity,
	price,
	image_url: `https://shop.example.com/img/${slug}.jpg`,
	product_url: `https://shop.example.com/p/${slug}`,
});
const MUGS_AND_TOWEL = { item_count: 3, items: [item('Blue Mug', 2, 24.95, 'blue-mug'), item('Linen Tea Towel', 1, 40, 'tea-towel')] };
const MUGS_AND_TOWEL_SUMMARY = '2 × Blue Mug and Linen Tea Towel';

/** A realistic morning in a small shop; the template's quiet hours are 21:00-08:00 in the shopper's zone. */
export function demoCarts(now = new Date()): DemoCart[] {
	const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
	const day = zoneWithLocalHour([10, 11, 12, 13, 14, 15, 16], now);
	const night = zoneWithLocalHour([1, 2, 3, 4, 5], now);
	const cart = (id: string, email: string, firstName: string, fields: IDataObject) =>
		cartEvent(cartRow({ id, email, first_name: firstName, item_count: 2, total: '89.90', currency: 'USD', timezone: day }, { now: now.getTime() }), fields);
	const usual = { itemsSummary: MUGS_AND_TOWEL_SUMMARY, cartTotal: '$89.90' };
	return [
		{ label: 'abandoned 2 h ago', event: cart('demo-1001', 'alice.shopper@example.com', 'Alice', { updated_at: ago(120), ...MUGS_AND_TOWEL }), expected: { decision: 'send', reason: 'step_due', reachesList: true, ...usual } },
		{
			label: 'recent (10 min)',
			event: cart('demo-1002', 'bob.browser@example.com', 'Bob', { updated_at: ago(10), total: 19, item_count: 1, items: [item('Tea Sampler', 1, 19, 'tea-sampler')] }),
			expected: { decision: 'wait', reason: 'not_abandoned_yet', reachesList: false, itemsSummary: 'Tea Sampler', cartTotal: '$19.00' },
		},
		{
			label: 'purchased',
			event: cart('demo-1003', 'carol.buyer@example.com', 'Carol', { updated_at: ago(180), status: 'paid', total: 240, item_count: 1, items: [item('Cast Iron Teapot', 1, 240, 'cast-iron-teapot')] }),
			expected: { decision: 'skip', reason: 'purchase_status', reachesList: false, itemsSummary: 'Cast Iron Teapot', cartTotal: '$240.00' },
		},
		{ label: 'no consent', event: cart('demo-1004', 'dave.noconsent@example.com', 'Dave', { updated_at: ago(180), accepts_marketing: false, ...MUGS_AND_TOWEL }), expected: { decision: 'skip', reason: 'no_consent', reachesList: false, ...usual } },
		{ label: 'unsubscribed in CC', event: cart('demo-1005', 'erin.unsubscribed@example.com', 'Erin', { updated_at: ago(150), ...MUGS_AND_TOWEL }), expected: { decision: 'send', reason: 'step_due', reachesList: false, ...usual } },
		{ label: 'bad email', event: cart('demo-1006', 'not-an-email', 'Typo', { updated_at: ago(200), ...MUGS_AND_TOWEL }), expected: { decision: 'skip', reason: 'invalid_email', reachesList: false, ...usual } },
		{ label: `night in ${night}`, event: cart('demo-1007', 'kenji.night@example.com', 'Kenji', { updated_at: ago(180), timezone: night, ...MUGS_AND_TOWEL }), expected: { decision: 'wait', reason: 'quiet_hours', reachesList: false, ...usual } },
		{
			label: 'existing customer',
			event: cart('demo-1008', 'grace.customer@example.com', 'Grace', {
				updated_at: ago(300),
				total: 129.99,
				item_count: 4,
				items: [item('Ceramic Teapot', 1, 59.99, 'ceramic-teapot'), item('Blue Mug', 2, 24.95, 'blue-mug'), item('Matcha Whisk', 1, 20.1, 'matcha-whisk')],
			}),
			expected: { decision: 'send', reason: 'step_due', reachesList: true, itemsSummary: 'Ceramic Teapot, 2 × Blue Mug and Matcha Whisk', cartTotal: '$129.99' },
		},
	];
}

export interface DemoAccount {
	reminderListId: string;
	customersListId: string;
}

/** The Constant Contact side: the reminder list and its automation, an unsubscribed shopper, an existing customer. */
export function seedDemoAccount(standIn: FakeConstantContact): DemoAccount {
	const reminders = standIn.control.seedList({ name: REMINDER_LIST, automation: { name: 'Abandoned cart reminder email' } });
	const customers = standIn.control.seedList({ name: 'Customers' });
	standIn.control.seedContact({ email: 'erin.unsubscribed@example.com', firstName: 'Erin', permission: 'unsubscribed' });
	standIn.control.seedContact({ email: 'grace.customer@example.com', firstName: 'Grace', permission: 'implicit', listIds: [String(customers.list_id)] });
	return { reminderListId: String(reminders.list_id), customersListId: String(customers.list_id) };
}

/** Every Data table node pointed at its table by id (name -> id), as after picking it "From List" in the editor. */
export function withDataTablePicked(workflow: WorkflowJson, tableIds: Record<string, string>): WorkflowJson {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes.filter((n) => n.type === DATA_TABLE_NODE)) {
		const name = String(node.parameters.dataTableId.value);
		if (!tableIds[name]) throw new Error(`no Data table "${name}" was created for "${node.name}"`);
		node.parameters.dataTableId = { __rl: true, mode: 'list', value: tableIds[name], cachedResultName: name };
	}
	return copy;
}

/** The Coupon option of Add to Autoresponder List as the template's note says to set it. */
const COUPON_OPTION = { settings: { codeField: 'coupon_code', fromStep: 1, minimumCartTotal: 0 } };

/** Coupons on, as the note "Optional: a coupon code" says: its two Data table nodes enabled, the Coupon option set. */
export function withCouponsOn(workflow: WorkflowJson): WorkflowJson {
	const copy = structuredClone(workflow);
	for (const name of ['Find Free Coupons', 'Claim Coupon Codes']) {
		const node = copy.nodes.find((n) => n.name === name);
		if (!node) throw new Error(`${WEBHOOK_TEMPLATE} has no node named ${name}`);
		delete node.disabled;
	}
	for (const node of copy.nodes.filter((n) => String(n.type).endsWith('.addToAutoresponderList') && n.parameters.operation === 'addContact')) {
		node.parameters.options = { ...(node.parameters.options ?? {}), coupon: COUPON_OPTION };
	}
	return copy;
}

/** Loads codes into the coupon pool, as a shop does in Data tables (the REST call the editor's table view makes). */
export async function seedCoupons(shop: CartEventsShop, codes: string[]): Promise<void> {
	await shop.rest.json('POST', `/rest/projects/${shop.projectId}/data-tables/${shop.couponTableId}/insert`, { data: codes.map((code) => ({ code })), returnType: 'count' });
}

/** The pool's claimed codes: code -> the cart it was claimed for. */
export async function claimedCoupons(shop: CartEventsShop): Promise<Map<string, string>> {
	const page = await shop.rest.json<{ data: Array<Record<string, any>> }>('GET', `/rest/projects/${shop.projectId}/data-tables/${shop.couponTableId}/rows?take=1000`);
	return new Map(page.data.filter((row) => row.cart_id).map((row) => [String(row.code), String(row.cart_id)]));
}

/** Where the report page is and the Basic Auth login it asks for (the demo prints it for the user). */
export interface ReportLogin {
	url: string;
	user: string;
	password: string;
	/** The Authorization header of that login. */
	authorization: string;
}

/** A fresh Basic Auth credential for the report page, as a marketer would create it. */
function newReportLogin(): { entry: CredentialEntry; user: string; password: string } {
	const user = 'marketing';
	const password = randomBytes(18).toString('base64url');
	return { user, password, entry: { id: 'reportLoginE2e01', name: 'Report page login', type: 'httpBasicAuth', data: { user, password } } };
}

/** The Report Page webhook pointed at the Basic Auth credential (the template ships without credentials). */
function withReportLogin(workflow: WorkflowJson, credential: CredentialRef): WorkflowJson {
	const copy = structuredClone(workflow);
	const webhook = copy.nodes.find((n) => n.name === REPORT_WEBHOOK_NODE);
	if (!webhook) throw new Error(`${WEBHOOK_TEMPLATE} has no node named ${REPORT_WEBHOOK_NODE}`);
	webhook.credentials = { httpBasicAuth: { id: credential.id, name: credential.name } };
	return copy;
}

export interface CartEventsShop {
	rest: N8nRest;
	/** The report page and its login. */
	report: ReportLogin;
	/** The secret the shop signs its webhook requests with (also in n8n as the Shop Webhook Secret credential). */
	secret: string;
	workflowId: string;
	projectId: string;
	dataTableId: string;
	/** The coupon pool's table (created with the others; the template uses it only with coupons on). */
	couponTableId: string;
}

/**
 * Imports the template (schedule every `scheduleSeconds`), creates the owner and the Data table with n8n running,
 * then restarts n8n with the workflow active. Returns with the owner logged in, the cart-events webhook registered
 * and the schedule live (n8n activates published workflows only after it starts serving).
 */
export async function startCartEventsShop(
	n8n: N8nInstance,
	credential: CredentialRef,
	scheduleSeconds: number,
	options: { workflowId?: string; owner?: (rest: N8nRest) => Promise<void>; shopSecret?: ShopSecret; adjust?: (workflow: WorkflowJson) => WorkflowJson } = {},
): Promise<CartEventsShop> {
	const workflowId = options.workflowId ?? 'cartEventsHook01';
	const shopSecret = options.shopSecret ?? newShopSecret();
	const setup = await n8n.start();
	const rest = new N8nRest(n8n);
	await (options.owner ?? ((r) => r.setUpOwner()))(rest);
	const project = await rest.json<{ id: string }>('GET', '/rest/projects/personal');
	const tableIds: Record<string, string> = {};
	for (const spec of dataTableSpecs()) tableIds[spec.name] = (await rest.json<{ id: string }>('POST', `/rest/projects/${project.id}/data-tables`, spec)).id;
	await n8n.stopProcess(setup);
	const login = newReportLogin();
	await n8n.importCredentials([shopSecret.entry, login.entry]);

	const credentials = { constantContactOAuth2Api: credential, shopWebhookSecretApi: shopSecret.credential };
	let workflow = withScheduleEverySeconds(useCredentials(template(WEBHOOK_TEMPLATE), credentials), WEBHOOK_TEMPLATE_TRIGGER, scheduleSeconds);
	workflow = withReportLogin(workflow, login.entry);
	// n8n 1.x finds a Data table only by id, as the editor stores it once the table is picked from the list.
	if (n8n.installation.major < 2) workflow = withDataTablePicked(workflow, tableIds);
	if (options.adjust) workflow = options.adjust(workflow);
	await n8n.importWorkflow({ ...workflow, id: workflowId });
	await n8n.activateWorkflow(workflowId);
	await n8n.start();
	await rest.login();
	await waitUntilReady(n8n, { webhooks: [WEBHOOK_PATH, { path: REPORT_PATH, method: 'GET' }], workflows: [workflowId] }, { rest });
	const report: ReportLogin = {
		url: `${n8n.baseUrl}/webhook/${REPORT_PATH}`,
		user: login.user,
		password: login.password,
		authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}`,
	};
	return { rest, report, secret: shopSecret.secret, workflowId, projectId: project.id, dataTableId: tableIds[CARTS_TABLE], couponTableId: tableIds[COUPONS_TABLE] };
}

export interface ReportView extends Answer {
	/** The page's tiles, label -> value ("Carts seen" -> "8"). */
	tiles: Record<string, string>;
	steps: Array<{ step: number; reminded: number; recovered: number }>;
}

/** The report page as a browser gets it, with the login or without. */
export async function reportPage(shop: CartEventsShop, withLogin = true): Promise<ReportView> {
	const answer = await getPage(shop.report.url, withLogin ? { authorization: shop.report.authorization } : {});
	return { ...answer, tiles: tilesOf(answer.body), steps: stepRowsOf(answer.body) };
}

/** Fails unless the page answered with these tiles (the others are not checked). */
export async function expectReport(shop: CartEventsShop, page: ReportView, tiles: Record<string, string>, when: string): Promise<void> {
	if (page.status !== 200) {
		const [last] = await shop.rest.executions(shop.workflowId);
		const why = last && last.status !== 'success' ? await shop.rest.failureOf(last.id).catch(() => '') : '';
		expect(false, `${when} the report page answered ${page.status}: ${page.body.slice(0, 300)} ${why}`);
	}
	expect(page.type.startsWith('text/html'), `${when} the report page came as "${page.type}", not text/html`);
	const wrong = Object.entries(tiles).filter(([label, value]) => page.tiles[label] !== value);
	expect(wrong.length === 0, `${when} the report page shows ${JSON.stringify(page.tiles)}; expected ${JSON.stringify(tiles)}`);
}

/** The report page's figures in one line: "Carts seen 8, reminders sent 2, recovered 1, revenue $89.90, rate 50.0 %". */
export function reportSummary(page: ReportView): string {
	if (page.status !== 200) return `the report page answered ${page.status}`;
	const t = page.tiles;
	return `Carts seen ${t['Carts seen']}, reminders sent ${t['Reminders sent']}, recovered ${t['Carts recovered']}, revenue ${t['Recovered revenue']}, rate ${t['Recovery rate']}`;
}

/**
 * The demo's line about the one order it places, from what n8n computed: the step the report page credits, and the
 * order's total and times as the template wrote them into the cart's row.
 */
export function recoveredLine(email: string, row: Record<string, any> | undefined, page: ReportView): { ok: boolean; line: string } {
	if (!row?.completed_at) return { ok: false, line: `${email}'s order is not in the Data table` };
	const amount = `${Number(row.order_total ?? row.total).toFixed(2)} ${row.currency}`;
	const credited = page.steps.filter((s) => s.recovered > 0);
	if (page.tiles['Carts recovered'] !== '1' || credited.length !== 1) return { ok: false, line: `${email} ordered ${amount}: NOT credited to a reminder (${reportSummary(page)})` };
	const minutes = (Date.parse(row.completed_at) - Date.parse(row.last_reminded_at)) / 60_000;
	const after = minutes < 1 ? `${Math.round(minutes * 60)} s` : minutes < 60 ? `${Math.round(minutes)} min` : `${(minutes / 60).toFixed(1)} h`;
	return { ok: true, line: `${email} ordered ${amount}: recovered, reminder ${credited[0].step}, ${after} after it (the report page: ${page.tiles['Recovered revenue']} recovered revenue)` };
}

export async function dataTableRows(shop: CartEventsShop): Promise<Array<Record<string, any>>> {
	const page = await shop.rest.json<{ data: Array<Record<string, any>> }>('GET', `/rest/projects/${shop.projectId}/data-tables/${shop.dataTableId}/rows?take=1000`);
	return page.data;
}

/**
 * POSTs the events, signed as the shop signs them, right after a schedule tick, so the next scheduled run sees all of them, and returns when they
 * are stored. n8n's "every N seconds" fires at wall-clock multiples of N; the events go out together, so a loaded
 * machine does not stretch the sending past the next tick, and a run that started while they arrived fails here
 * in words. The template answers after Save Cart, so a 200 means the row is there.
 */
export async function sendCartEvents(shop: CartEventsShop, events: Array<Record<string, unknown>>, scheduleSeconds: number): Promise<Date> {
	// Start in the first sixth of an interval: 8 signed events took 10 s at load 8-17 on 2 cores, and a run that
	// starts while they arrive sees only some of them.
	while (new Date().getUTCSeconds() % scheduleSeconds > scheduleSeconds / 6 || new Date().getUTCSeconds() % scheduleSeconds === 0) await delay(250);
	const started = new Date();
	const answers = await Promise.all(events.map((event) => postSigned(shop.rest.baseUrl, WEBHOOK_PATH, event, shop.secret)));
	answers.forEach((answer, index) => {
		const event = events[index];
		expect(answer.status === 200, `the cart-events webhook answered ${answer.status} to ${event.event} ${event.cart_id}: ${JSON.stringify(answer.body).slice(0, 300)}`);
	});
	const sent = new Date();
	const during = (await shop.rest.executions(shop.workflowId)).filter((e) => e.mode === 'trigger' && new Date(e.startedAt) >= started && new Date(e.startedAt) <= sent);
	expect(
		during.length === 0,
		`scheduled run ${during.map((e) => e.id).join(', ')} started while the ${events.length} cart events were arriving (${((sent.getTime() - started.getTime()) / 1000).toFixed(1)} s), so it saw only some of them`,
	);
	return sent;
}

/** Waits for the first scheduled execution that started after `after` to finish; returns it. */
export async function scheduledRunAfter(shop: CartEventsShop, after: Date, timeoutMs: number): Promise<{ id: string; status: string; startedAt: string }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const runs = (await shop.rest.executions(shop.workflowId)).filter((e) => e.mode === 'trigger' && new Date(e.startedAt) > after);
		const finished = runs.filter((e) => !['running', 'new', 'waiting'].includes(e.status)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
		if (finished.length) return finished[0];
		if (Date.now() > deadline) throw new Error(`no scheduled run started after ${after.toISOString()} finished within ${timeoutMs / 1000} s`);
		await delay(1000);
	}
}

/** Fails unless the execution succeeded, saying which node failed and why (read from the execution's data). */
export async function expectRunSucceeded(shop: CartEventsShop, run: { id: string; status: string }, what: string): Promise<void> {
	if (run.status === 'success') return;
	const why = await shop.rest.failureOf(run.id).catch((error: Error) => `could not read why: ${error.message}`);
	expect(false, `${what} (execution ${run.id}) ended with status ${run.status}: ${why}`);
}

/** The shop reports an order (signed); returns the answer and when it came, before any scheduled run removes anyone. */
export async function takeOrder(shop: CartEventsShop, order: Record<string, unknown>): Promise<{ answer: { status: number; body: any }; answeredAt: Date }> {
	const answer = await postSigned(shop.rest.baseUrl, WEBHOOK_PATH, { event: 'order_placed', ...order }, shop.secret);
	return { answer, answeredAt: new Date() };
}

export interface DemoMorning {
	standIn: FakeConstantContact;
	account: DemoAccount;
	shop: CartEventsShop;
	carts: DemoCart[];
	/** The first scheduled run after the carts arrived: the one that decided them. */
	run: { id: string; status: string; startedAt: string };
	/** The Cart Link Secret the links are signed with (the shop checks them with it). */
	linkSecret: ShopSecret;
}

/**
 * The demo's morning on a prepared n8n, for `npm run demo` and the README's pictures (scripts/screenshot.ts): the
 * stand-in with the demo account, a credential connected by the OAuth dance, the template active with its schedule
 * every `scheduleSeconds`, the demo carts sent, and the scheduled run that decided them finished.
 */
/** Runs one step of the demo morning; the demo wraps each in a progress line every few seconds. */
export type DemoStep = <T>(what: string, expected: string, work: () => Promise<T>) => Promise<T>;

export async function demoMorning(
	context: ScenarioContext,
	n8n: N8nInstance,
	options: { scheduleSeconds: number; workflowId: string; say?: (message: string) => void; step?: DemoStep },
): Promise<DemoMorning> {
	const say = options.say ?? (() => undefined);
	const step: DemoStep = options.step ?? ((what, _expected, work) => (say(what), work()));
	const seconds = options.scheduleSeconds;
	const standIn = await context.standIn();
	const account = seedDemoAccount(standIn);
	const tokens = await authorizationCodeDance(standIn, `${n8n.baseUrl}/rest/oauth2-credential/callback`);
	const credential = credentialEntry(standIn, tokens, 'demoConstantContact', 'Constant Contact (demo stand-in)');
	const linkSecret = newLinkSecret('demoLinkSecret01', 'Cart Link Secret (demo)');
	await step('importing the connected credential with n8n import:credentials', 'usually 10–30 s', () => n8n.importCredentials([credential, linkSecret.entry]));
	say(`Constant Contact stand-in at ${standIn.baseUrl}; credential connected by the OAuth dance; a Cart Link Secret credential turns on the signed recovery links`);

	say('n8n starts twice: first to create the owner account and the Data tables "abandoned_carts" and "cart_coupons", then with the "Cart events by webhook" template active');
	const shop = await step("starting n8n until the template's webhook and schedule are live", 'usually 30–90 s', () =>
		startCartEventsShop(n8n, { id: credential.id, name: credential.name }, seconds, {
			workflowId: options.workflowId,
			adjust: (workflow) => withCouponsOn(withSignedRecoveryLinks(workflow, linkSecret.credential)),
		}),
	);
	await seedCoupons(shop, DEMO_COUPON_CODES);
	say(`coupons on (the template ships them off): ${DEMO_COUPON_CODES.length} codes in the Data table "${COUPONS_TABLE}"`);
	const carts = demoCarts();
	const sent = await step(
		`waiting for the next ${seconds}-second schedule tick, then sending ${carts.length} cart events to ${n8n.baseUrl}/webhook/${WEBHOOK_PATH}`,
		`at most ${seconds} s`,
		() => sendCartEvents(shop, carts.map((c) => c.event), seconds),
	);
	say(`the reminder run is scheduled every ${seconds} s in the demo (the template ships with 15 minutes)`);
	const run = await step('waiting for the scheduled reminder run to finish', `usually under ${seconds + 10} s`, () =>
		scheduledRunAfter(shop, sent, (seconds + 90) * 1000),
	);
	return { standIn, account, shop, carts, run, linkSecret };
}

export interface CartOutcome {
	cart: string;
	label: string;
	decision: string;
	reason: string;
	constantContact: string;
	automationEntries: number;
}

/** One line per demo cart: the decision saved in the Data table and the contact's state in Constant Contact. */
export function outcomes(carts: DemoCart[], rows: Array<Record<string, any>>, standIn: FakeConstantContact, account: DemoAccount): CartOutcome[] {
	return carts.map(({ event, label }) => {
		const row = rows.find((r) => r.cart_id === event.cart_id) ?? {};
		const email = String(event.email);
		const contact = standIn.control.findContactByEmail(email);
		const onList = listMemberships(standIn, email).includes(account.reminderListId);
		const status = !contact ? 'no contact' : `${permissionOf(standIn, email)}${onList ? ', on list' : ', not on list'}`;
		return {
			cart: String(event.cart_id),
			label,
			decision: String(row.last_decision ?? '-'),
			reason: String(row.last_reason ?? '-'),
			constantContact: row.contact_status ? `${row.contact_status}; ${status}` : status,
			automationEntries: standIn.control.automationEntries({ listId: account.reminderListId, email }).length,
		};
	});
}

const SCHEDULE_SECONDS = 30;
/** What Alice's order comes to (the order event's total, the report's revenue). */
export const ALICE_ORDER_TOTAL = 89.9;
/** The template's Signed Recovery Link → URL Template, before the token. */
const SIGNED_LINK_PREFIX = 'https://shop.example.com/cart/restore?token=v1.';

/**
 * What workflows/README.md tells n8n 1.x users of the webhook template to set. n8n 1.x's default SQLite driver (one
 * shared connection, DB_SQLITE_POOL_SIZE=0) interleaves the savepoints of Data table writes made by concurrent
 * webhook executions: seen here on 1.123.81 as "SQLITE_ERROR: no such savepoint: typeorm_1" in two of eight
 * concurrent Save Cart executions (their rows were written), then "SAVEPOINT typeorm_-2" failing the next scheduled
 * run's Get New Orders (CI, and 1 of 4 runs on this machine). The pooled driver, n8n 2.x's default (pool size 3),
 * gives each transaction its own connection; on 2.x this setting is the default.
 */
export const DATA_TABLE_SQLITE_ENV = { DB_SQLITE_POOL_SIZE: '3' };

export const cartEventsWebhook: Scenario = {
	name: 'cart-events-webhook-template',
	timeoutSeconds: 480,
	async run(context) {
		const { n8n, standIn, credential } = await connectedN8n(context, DATA_TABLE_SQLITE_ENV);
		const account = seedDemoAccount(standIn);
		// The template ships Signed Recovery Link off (it needs a Cart Link Secret credential); the shop turns it on
		const linkSecret = newLinkSecret();
		await n8n.importCredentials([linkSecret.entry]);
		// ... and so are coupons (two Data table nodes and the Coupon option), with a pool of codes
		const shop = await startCartEventsShop(n8n, credential, SCHEDULE_SECONDS, { adjust: (w) => withCouponsOn(withSignedRecoveryLinks(w, linkSecret.credential)) });
		await seedCoupons(shop, DEMO_COUPON_CODES);
		const carts = demoCarts();
		const sent = await sendCartEvents(shop, carts.map((c) => c.event), SCHEDULE_SECONDS);
		const first = await scheduledRunAfter(shop, sent, (SCHEDULE_SECONDS + 60) * 1000);
		await expectRunSucceeded(shop, first, 'the first scheduled run');

		const rows = await dataTableRows(shop);
		const table = outcomes(carts, rows, standIn, account);
		for (const [index, { expected, event }] of carts.entries()) {
			const got = table[index];
			expect(got.decision === expected.decision && got.reason === expected.reason, `cart ${event.cart_id} was decided ${got.decision}/${got.reason}, expected ${expected.decision}/${expected.reason}`);
			const onList = listMemberships(standIn, String(event.email)).includes(account.reminderListId);
			expect(onList === expected.reachesList, `${event.email} is ${onList ? '' : 'not '}on the reminder list`);
			expect(got.automationEntries === (expected.reachesList ? 1 : 0), `${event.email} entered the automation ${got.automationEntries} times`);
			if (expected.reachesList) {
				const fields = customFieldsOf(standIn, String(event.email));
				// The shop's restore page checks the link with the Node.js snippet of docs/recovery-links.md
				const link = String(fields.ac_recovery_url);
				const check = shopVerifiesLink(link, linkSecret.secret);
				expect(check.verified && check.cartId === event.cart_id, `${event.email}'s ac_recovery_url ${link} does not verify to ${event.cart_id}: ${JSON.stringify(check)}`);
				expect(link.startsWith(SIGNED_LINK_PREFIX) && new URL(link).searchParams.get('utm_content') === 'step-1', `${event.email}'s link is not the signed one of step 1: ${link}`);
				const forged = shopVerifiesLink(tamperedLink(link), linkSecret.secret);
				expect(!forged.verified, `a tampered copy of ${event.email}'s link verified: ${JSON.stringify(forged)}`);
				// Cart Items read the line items back from the row's items_json text (a Data table has no list type)
				expect(fields.ac_items_summary === expected.itemsSummary, `${event.email} has ac_items_summary ${JSON.stringify(fields.ac_items_summary)}, expected ${JSON.stringify(expected.itemsSummary)}`);
				expect(fields.ac_cart_total === expected.cartTotal, `${event.email} has ac_cart_total ${JSON.stringify(fields.ac_cart_total)}, expected ${expected.cartTotal}`);
				expect(fields.ac_item1_name === (event.items as Array<{ name: string }>)[0].name && fields.ac_step === '1', `${event.email} has ac_item1_name ${fields.ac_item1_name}, ac_step ${fields.ac_step}`);
				const row = rows.find((r) => r.cart_id === event.cart_id);
				expect(row?.reminders_sent === 1, `the Data table row of ${event.cart_id} records ${row?.reminders_sent} reminders`);
			}
		}
		expect(permissionOf(standIn, 'erin.unsubscribed@example.com') === 'unsubscribed', 'the unsubscribed shopper was resubscribed');
		// Each shopper on the list holds a code of the pool, none twice, and the pool records exactly those claims
		const claims = await claimedCoupons(shop);
		const onList = carts.filter((c) => c.expected.reachesList);
		for (const { event } of onList) {
			const code = customFieldsOf(standIn, String(event.email)).ac_coupon_code;
			expect(DEMO_COUPON_CODES.includes(code) && claims.get(code) === event.cart_id, `${event.email} has ac_coupon_code ${JSON.stringify(code)}, which the pool records as claimed by ${claims.get(code)}`);
		}
		expect(claims.size === onList.length, `the pool records ${claims.size} claims (${JSON.stringify([...claims])}); expected one per shopper on the list (${onList.length}): an unsubscribed shopper's code stays free`);
		// No reminder reached Erin, so her row counts none (the report reads reminders_sent); she has no consent from now on
		const erin = rows.find((r) => r.email === 'erin.unsubscribed@example.com');
		expect(erin?.reminders_sent === 0 && erin?.marketing_consent === false, `the unsubscribed shopper's row records reminders_sent ${erin?.reminders_sent}, marketing_consent ${erin?.marketing_consent}`);
		expect(standIn.control.permissionChanges().length === 0, `permissions changed: ${JSON.stringify(standIn.control.permissionChanges())}`);
		expect(listMemberships(standIn, 'grace.customer@example.com').includes(account.customersListId), 'the existing customer lost their other list');

		// The next scheduled run sends nothing twice (the reminder memory is the Data table: Save Reminder wrote reminders_sent and last_reminded_at).
		const second = await scheduledRunAfter(shop, new Date(), (SCHEDULE_SECONDS + 60) * 1000);
		await expectRunSucceeded(shop, second, 'the second scheduled run');
		const entries = standIn.control.automationEntries({ listId: account.reminderListId }).length;
		expect(entries === 2, `after two scheduled runs the automation has ${entries} entries instead of 2`);
		const claimsAfter = await claimedCoupons(shop);
		expect(claimsAfter.size === claims.size, `the second run claimed codes: ${JSON.stringify([...claimsAfter])}`);
		const erinAgain = (await dataTableRows(shop)).find((r) => r.email === 'erin.unsubscribed@example.com');
		expect(erinAgain?.last_reason === 'no_consent', `the second run decided the unsubscribed shopper's cart ${erinAgain?.last_decision}/${erinAgain?.last_reason}, expected skip/no_consent`);
		// ... and nothing of it in the workflow's static data, which n8n would load and save whole with every execution
		const staticData = JSON.stringify(await n8n.exportedStaticData(shop.workflowId));
		expect(!staticData.includes('abandonedCartFilter:'), `the workflow's static data holds a reminder memory: ${staticData.slice(0, 300)}`);

		// The report page: the marketer's login only; the figures the table holds (Erin reached no list, so 2 reminders)
		const anonymous = await reportPage(shop, false);
		expect(anonymous.status === 401 && !anonymous.body.includes('Carts seen'), `without the login the report page answered ${anonymous.status}: ${anonymous.body.slice(0, 200)}`);
		const before = await reportPage(shop);
		await expectReport(shop, before, { 'Carts seen': '8', 'Reminders sent': '2', 'Carts recovered': '0' }, 'before any order');

		// Alice orders: the webhook marks her cart ordered at once; the next scheduled run takes her off the list.
		const alice = carts[0].event;
		const order = await takeOrder(shop, { cart_id: alice.cart_id, email: alice.email, order_id: 'order-7001', total: ALICE_ORDER_TOTAL });
		expect(order.answer.status === 200, `the order-placed event answered ${order.answer.status}: ${JSON.stringify(order.answer.body).slice(0, 300)}`);
		const aliceRow = (await dataTableRows(shop)).find((r) => r.cart_id === alice.cart_id);
		expect(aliceRow?.order_id === 'order-7001' && aliceRow?.completed_at, `Alice's cart row was not marked ordered: ${JSON.stringify(aliceRow)}`);
		const removal = await scheduledRunAfter(shop, order.answeredAt, (SCHEDULE_SECONDS + 60) * 1000);
		await expectRunSucceeded(shop, removal, 'the scheduled run after the order');
		expect(!listMemberships(standIn, String(alice.email)).includes(account.reminderListId), `${alice.email} is still on the list after her order and a scheduled run`);
		const removedRow = (await dataTableRows(shop)).find((r) => r.cart_id === alice.cart_id);
		expect(Boolean(removedRow?.removed_from_list_at) && String(removedRow?.contact_status).startsWith('removed'), `Alice's cart row does not record the removal: ${JSON.stringify(removedRow)}`);
		// ... and the report page credits her order to the first reminder, with its total
		const after = await reportPage(shop);
		await expectReport(shop, after, { 'Carts seen': '8', 'Reminders sent': '2', 'Carts recovered': '1', 'Recovered revenue': '$89.90' }, "after Alice's order");
		expect(removedRow?.order_total === ALICE_ORDER_TOTAL, `Save Order wrote order_total ${removedRow?.order_total}, expected the order event's total ${ALICE_ORDER_TOTAL}`);
		const recovered = recoveredLine(String(alice.email), removedRow, after);
		expect(recovered.ok, recovered.line);
		const stepOne = after.steps.find((row) => row.step === 1);
		expect(stepOne?.reminded === 2 && stepOne?.recovered === 1, `the report page's step rows are ${JSON.stringify(after.steps)}; expected reminder 1: 2 reminded, 1 recovered`);
		const violations = standIn.control.contractViolations();
		expect(violations.length === 0, `contract violations: ${JSON.stringify(violations).slice(0, 300)}`);

		const summary = table.map((o) => `${o.cart.replace('demo-', '')}=${o.decision}:${o.reason}`).join(' ');
		return `Data table (node v1, created via REST; ${context.major < 2 ? 'picked by id: n8n 1.x does not find tables by name' : 'found by name as shipped'}): ${summary}; items summaries and signed links (verified by the docs' Node.js snippet, tampered one refused) for Alice and Grace; coupons ${[...claims.keys()].join(', ')} claimed once each by Alice and Grace; Erin counted no reminder and claimed no code; report page 401 without login, then ${Object.entries(before.tiles).map(([k, v]) => `${k} ${v}`).join(', ')}; 2nd run sent nothing twice; order_placed marked Alice's cart at once, the next scheduled run removed her; report page after: ${Object.entries(after.tiles).map(([k, v]) => `${k} ${v}`).join(', ')}`;
	},
};
