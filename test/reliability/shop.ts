/**
 * The reminder workflow the reliability suites break on purpose: Filter Decide -> Add to Autoresponder List ->
 * Mark Reminders Sent, run in-process through n8n's engine (test/harness) against the stand-in, and the
 * invariants every fault must leave intact.
 */
import { randomBytes } from 'node:crypto';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { CONSTANT_CONTACT_CREDENTIAL } from '../../credentials/ConstantContactOAuth2Api.credentials';
import type { FakeConstantContact } from '../fake-constant-contact';
import { cartRow, type CartRow } from '../support/carts';
import {
	clearProcessedItems,
	createCredentialStore,
	createStandInCredential,
	runWorkflow,
	TEST_TRIGGER_TYPE,
	type CredentialStore,
	type WorkflowJson,
	type WorkflowRun,
} from '../harness';

export const CREDENTIAL = CONSTANT_CONTACT_CREDENTIAL;
export const LIST_NAME = 'Abandoned cart reminders';
export const FILTER = 'Abandoned Cart Filter';
export const ADD = 'Add to Autoresponder List';
export const MARK = 'Mark Reminders Sent';
const PACKAGE = 'n8n-nodes-constant-contact-abandoned-cart';
const ADD_STATUSES_ON_LIST = new Set(['created', 'added', 're-added', 'already-on-list']);

export interface WorkflowOptions {
	/** Add to Autoresponder List's bulk threshold; default 50 (one by one for small sets). */
	bulkThreshold?: number;
	/** Seconds. */
	requestTimeout?: number;
	/** 'errorOutput' (failed items to the error output) or 'stop' (n8n's default: the run stops at the first failure). */
	onError?: 'errorOutput' | 'stop';
	/** Decide's options, e.g. { evaluateAt }. */
	filterOptions?: IDataObject;
	/** Custom fields beyond ac_cart_id, label -> expression. */
	extraCartFields?: Record<string, string>;
}

/** Decide (one step after 1 h) -> Add (cart id in a custom field) -> Mark; the Add node's error output goes nowhere. */
export function reminderWorkflow(options: WorkflowOptions = {}): WorkflowJson {
	const addOptions: IDataObject = { bulkThreshold: options.bulkThreshold ?? 50 };
	if (options.requestTimeout !== undefined) addOptions.requestTimeout = options.requestTimeout;
	const add: IDataObject = {
		id: 'a1000000-0000-4000-8000-000000000002',
		name: ADD,
		type: `${PACKAGE}.addToAutoresponderList`,
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			operation: 'addContact',
			list: { __rl: true, mode: 'name', value: LIST_NAME },
			email: '={{ $json.email }}',
			firstName: '={{ $json.first_name }}',
			consent: '={{ $json.marketing_consent }}',
			lastName: '={{ $json.last_name }}',
			cartFields: {
				field: [
					{ label: 'ac_cart_id', value: '={{ $json.id }}' },
					...Object.entries(options.extraCartFields ?? {}).map(([label, value]) => ({ label, value })),
				],
			},
			options: addOptions,
		},
		credentials: { [CREDENTIAL]: { id: 'cc-reliability', name: 'Constant Contact (stand-in)' } },
	};
	if (options.onError !== 'stop') add.onError = 'continueErrorOutput';
	return {
		name: 'Abandoned cart reminders (reliability)',
		nodes: [
			{ id: 'a1000000-0000-4000-8000-000000000000', name: 'Shop Carts', type: TEST_TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'a1000000-0000-4000-8000-000000000001',
				name: FILTER,
				type: `${PACKAGE}.abandonedCartFilter`,
				typeVersion: 1,
				position: [220, 0],
				parameters: { operation: 'decide', memoryMode: 'n8n', inactivityMinutes: 60, steps: '1h', giveUpAfter: '7d', consentMode: 'optedIn', fields: {}, options: options.filterOptions ?? {} },
			},
			add,
			{
				id: 'a1000000-0000-4000-8000-000000000003',
				name: MARK,
				type: `${PACKAGE}.abandonedCartFilter`,
				typeVersion: 1,
				position: [660, 0],
				parameters: { operation: 'markSent' },
			},
		],
		connections: {
			'Shop Carts': { main: [[{ node: FILTER, type: 'main', index: 0 }]] },
			[FILTER]: { main: [[{ node: ADD, type: 'main', index: 0 }], [], []] },
			[ADD]: { main: [[{ node: MARK, type: 'main', index: 0 }], []] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** A shop's carts: `count` abandoned two hours ago by consenting new shoppers, plus the awkward ones. */
export interface Shop {
	carts: CartRow[];
	/** Emails whose reminder must go out exactly once. */
	due: string[];
	/** Emails that must never enter the automation (unsubscribed in Constant Contact, no consent). */
	never: string[];
	listId: string;
	credentials: CredentialStore;
	/** The credential as another n8n process loaded it from the database before anyone refreshed it. */
	anotherProcess(): CredentialStore;
	/** Access tokens, refresh tokens and the client secret of this shop's credential; none may appear anywhere. */
	secrets(): string[];
}

export interface ShopOptions {
	/** Consenting new shoppers; default 4. */
	newShoppers?: number;
	/** Add an existing contact (on another list), an unsubscribed contact and a shopper without consent; default true. */
	awkward?: boolean;
	prefix?: string;
}

/** A cart of this shop, on the real clock: the stand-in's tokens and n8n's engine run on it too. */
function cart(id: string, email: string, consent: boolean, idleMinutes: number): CartRow {
	return cartRow({ id, email, first_name: `Shopper ${id}`, marketing_consent: consent, total: '49.90', item_count: 2 }, { now: Date.now(), idleMinutes });
}

/**
 * Resets the stand-in and seeds the shop: the reminder list with its automation, the cart custom field, an OAuth app
 * with a secret of its own (so a leak is unmistakable) and a credential store that keeps refreshed tokens.
 */
export function openShop(fakeCc: FakeConstantContact, options: ShopOptions = {}): Shop {
	fakeCc.control.reset();
	clearProcessedItems();
	const prefix = options.prefix ?? 'r';
	const list = fakeCc.control.seedList({ name: LIST_NAME, automation: true });
	fakeCc.control.seedCustomField({ label: 'ac_cart_id' });
	const app = { clientId: `reliability-${randomBytes(4).toString('hex')}`, clientSecret: `secret-${randomBytes(16).toString('hex')}` };
	fakeCc.control.registerApp({ ...app, redirectUris: ['http://127.0.0.1/callback'] });
	const initial = createStandInCredential(fakeCc, app);
	const credentials = createCredentialStore({ [CREDENTIAL]: structuredClone(initial) });
	const stores = [credentials];

	const carts: CartRow[] = [];
	const due: string[] = [];
	const never: string[] = [];
	for (let n = 1; n <= (options.newShoppers ?? 4); n++) {
		carts.push(cart(`${prefix}-cart-${n}`, `${prefix}.shopper${n}@example.com`, true, 90 + n * 7));
		due.push(`${prefix}.shopper${n}@example.com`);
	}
	if (options.awkward !== false) {
		const other = fakeCc.control.seedList({ name: 'Customers' });
		fakeCc.control.seedContact({ email: `${prefix}.customer@example.com`, permission: 'implicit', listIds: [other.list_id as string] });
		carts.push(cart(`${prefix}-cart-customer`, `${prefix}.customer@example.com`, true, 200));
		due.push(`${prefix}.customer@example.com`);
		fakeCc.control.seedContact({ email: `${prefix}.gone@example.com`, permission: 'unsubscribed' });
		carts.push(cart(`${prefix}-cart-gone`, `${prefix}.gone@example.com`, true, 210));
		never.push(`${prefix}.gone@example.com`);
		carts.push(cart(`${prefix}-cart-quiet`, `${prefix}.quiet@example.com`, false, 220));
		never.push(`${prefix}.quiet@example.com`);
	}
	fakeCc.control.declareConsent(carts.map((c) => ({ email: c.email, explicit: c.marketing_consent })));
	return {
		carts,
		due,
		never,
		listId: list.list_id as string,
		credentials,
		anotherProcess() {
			const store = createCredentialStore({ [CREDENTIAL]: structuredClone(initial) });
			stores.push(store);
			return store;
		},
		secrets() {
			const updates = stores.flatMap((store) => store.updates.map((u) => u.oauthTokenData));
			const tokenData = [initial.oauthTokenData, ...updates] as IDataObject[];
			const tokens = tokenData.flatMap((data) => [data.access_token, data.refresh_token]).filter((t): t is string => typeof t === 'string');
			return [...new Set([...tokens, app.clientSecret])];
		},
	};
}

export async function runShop(shop: Shop, workflow: WorkflowJson): Promise<WorkflowRun> {
	return await runWorkflow(workflow, { items: shop.carts, credentials: shop.credentials });
}

// ---- invariants --------------------------------------------------------------------------------------------

export interface Observation {
	/** Input items that did not come out of a node exactly once (or came out paired with the wrong item). */
	lost: number;
	/** Shoppers who entered the automation more than once, counted per extra entry. */
	duplicates: number;
	/** Unsubscribed contacts whose permission changed, plus sign-ups of shoppers without consent. */
	resubscriptions: number;
	/** Occurrences of a token or the client secret in outputs, errors, descriptions or logs. */
	secretsLeaked: number;
	/** Reminders recorded as sent for a shopper who is not on the list. */
	recordedNotOnList: number;
	/** Add statuses of the first (faulty) run, e.g. { created: 3, failed: 1 }. */
	statuses: Record<string, number>;
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	const first = Array.isArray(paired) ? paired[0] : paired;
	return typeof first === 'number' ? first : (first?.item ?? -1);
}

/** Counts items that did not come out exactly once, or came out paired with another cart. */
function unpaired(inputs: IDataObject[], outputs: INodeExecutionData[]): number {
	const seen = new Map<number, number>();
	let wrong = 0;
	for (const item of outputs) {
		const index = pairedIndex(item);
		seen.set(index, (seen.get(index) ?? 0) + 1);
		if (inputs[index] === undefined || item.json.id !== inputs[index].id) wrong++;
	}
	let missingOrTwice = 0;
	for (let index = 0; index < inputs.length; index++) missingOrTwice += Math.abs((seen.get(index) ?? 0) - 1);
	return wrong + missingOrTwice;
}

function safeItemsOf(run: WorkflowRun, node: string): INodeExecutionData[][] {
	try {
		return run.itemsOf(node);
	} catch {
		return [];
	}
}

/** Every place a secret could leak to in one run: all node outputs, the workflow error, error descriptions, n8n's log. */
export function leakedSecrets(run: WorkflowRun, secrets: string[]): number {
	const text = JSON.stringify([run.runData, run.error ?? null, run.run.data.resultData.error ?? null, run.logs]);
	return secrets.reduce((count, secret) => count + (text.split(secret).length - 1), 0);
}

const RAW_EXCEPTION = /TypeError|ReferenceError|Cannot read prop|is not a function|is not iterable|undefined \(reading/;

/**
 * The per-run invariants: every item out of each node exactly once with the right pairedItem, a reminder recorded
 * only for a shopper Constant Contact has on the list, no raw exception as an error item or run error.
 */
export function checkRun(fakeCc: FakeConstantContact, shop: Shop, run: WorkflowRun): Omit<Observation, 'duplicates' | 'resubscriptions'> {
	const filterOut = safeItemsOf(run, FILTER);
	let lost = filterOut.length ? unpaired(shop.carts, filterOut.flat()) : shop.carts.length;
	const send = (filterOut[0] ?? []).map((item) => item.json);
	const addOut = safeItemsOf(run, ADD);
	const statuses: Record<string, number> = {};
	const problems: string[] = [];
	if (send.length > 0 && run.status === 'success') {
		lost += unpaired(send, addOut.flat());
		for (const item of addOut[0] ?? []) statuses[String(item.json.status)] = (statuses[String(item.json.status)] ?? 0) + 1;
		for (const item of addOut[1] ?? []) {
			const reason = String((item.json.details as IDataObject | undefined)?.reason ?? 'error');
			statuses[`error:${reason}`] = (statuses[`error:${reason}`] ?? 0) + 1;
			if (typeof item.json.error !== 'string' || RAW_EXCEPTION.test(item.json.error)) problems.push(String(item.json.error));
		}
		const reached = (addOut[0] ?? []).map((item) => item.json);
		if (reached.length > 0) lost += unpaired(reached, safeItemsOf(run, MARK).flat());
	}
	if (run.status !== 'success') {
		// n8n keeps the error as a plain object: its name says which class it was, context.itemIndex which item failed.
		const error = run.run.data.resultData.error as { name?: string; context?: { itemIndex?: unknown } } | undefined;
		const name = error?.name ?? '';
		if (!/^Node(Api|Operation)Error$/.test(name) || typeof error?.context?.itemIndex !== 'number' || RAW_EXCEPTION.test(run.error?.message ?? '')) {
			problems.push(`${name}: ${run.error?.message}`);
		}
		statuses[`stopped:${run.error?.node ?? '?'}`] = 1;
	}
	if (problems.length > 0) throw new Error(`An exception escaped the node: ${problems.join(' | ')}`);

	let recordedNotOnList = 0;
	for (const item of safeItemsOf(run, MARK).flat()) {
		const reminder = item.json.reminder as IDataObject;
		if (!reminder?.recorded) continue;
		const contact = fakeCc.control.findContactByEmail(String(item.json.email)) as
			| { list_memberships?: string[]; deleted_at?: string; email_address?: { permission_to_send?: string } }
			| undefined;
		if (reminder.reminderSent === false) {
			// Handled without a reminder: only right for a shopper Constant Contact has as unsubscribed or deleted.
			if (contact?.email_address?.permission_to_send !== 'unsubscribed' && !contact?.deleted_at) recordedNotOnList++;
			continue;
		}
		if (!contact?.list_memberships?.includes(shop.listId)) recordedNotOnList++;
		if (!ADD_STATUSES_ON_LIST.has(String(item.json.status))) recordedNotOnList++;
	}
	return { lost, recordedNotOnList, secretsLeaked: leakedSecrets(run, shop.secrets()), statuses };
}

/** After the fault and the re-runs: each due reminder went out exactly once, nobody else's, nobody re-subscribed. */
export function checkShop(fakeCc: FakeConstantContact, shop: Shop): Pick<Observation, 'lost' | 'duplicates' | 'resubscriptions'> {
	let lost = 0;
	let duplicates = 0;
	for (const email of shop.due) {
		const entries = fakeCc.control.automationEntries({ listId: shop.listId, email }).length;
		if (entries === 0) lost++;
		if (entries > 1) duplicates += entries - 1;
	}
	for (const email of shop.never) duplicates += fakeCc.control.automationEntries({ email }).length;
	const resubscriptions =
		fakeCc.control.permissionChanges().filter((change) => change.from === 'unsubscribed').length +
		fakeCc.control.consentViolations().length;
	return { lost, duplicates, resubscriptions };
}

export interface Scenario {
	/** Runs before the faulty run, after the shop is open (inject faults here). */
	inject(fakeCc: FakeConstantContact, shop: Shop): void;
	workflow?: WorkflowOptions;
	shop?: ShopOptions;
}

/**
 * Opens a shop, runs the workflow once with the fault, clears every fault, runs it again until nothing is due
 * (at most twice more), and returns what was observed across all runs.
 */
export async function observe(fakeCc: FakeConstantContact, scenario: Scenario): Promise<Observation & { runs: WorkflowRun[]; items: number; refreshes: number }> {
	const shop = openShop(fakeCc, scenario.shop);
	const workflow = reminderWorkflow(scenario.workflow);
	scenario.inject(fakeCc, shop);
	const first = await runShop(shop, workflow);
	const firstChecks = checkRun(fakeCc, shop, first);
	fakeCc.control.clearFaults();
	fakeCc.control.resetQuota();
	const runs = [first];
	let { lost, recordedNotOnList, secretsLeaked } = firstChecks;
	for (let rerun = 0; rerun < 2; rerun++) {
		const run = await runShop(shop, workflow);
		runs.push(run);
		const checks = checkRun(fakeCc, shop, run);
		lost += checks.lost;
		recordedNotOnList += checks.recordedNotOnList;
		secretsLeaked += checks.secretsLeaked;
		if (stillDue(shop, run) === 0) break;
	}
	// The last run must find nothing due: every reminder is remembered as sent.
	lost += stillDue(shop, runs[runs.length - 1]);
	const shopChecks = checkShop(fakeCc, shop);
	return {
		...shopChecks,
		lost: lost + shopChecks.lost,
		recordedNotOnList,
		secretsLeaked,
		statuses: firstChecks.statuses,
		runs,
		items: shop.carts.length,
		refreshes: shop.credentials.updates.length,
	};
}

/** Carts the run found due, except those of shoppers who must never be reminded (they stay due, and are skipped). */
export function stillDue(shop: Shop, run: WorkflowRun): number {
	return run.outputsOf(FILTER, 0).filter((json) => !shop.never.includes(String(json.email))).length;
}

/** "created 3, error:quota-exceeded 2": the first run's add outcomes, sorted, for the table. */
export function describeStatuses(statuses: Record<string, number>): string {
	return Object.entries(statuses)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([status, count]) => `${status} ${count}`)
		.join(', ');
}
