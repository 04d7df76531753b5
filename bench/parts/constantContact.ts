/**
 * Part 2: what putting abandoned carts on the list costs against Constant Contact's limits (the stand-in with its
 * real 4 requests/s and 10,000 requests/day): (a) Add to Autoresponder List, bulk from 50 items on, through the
 * harness; (b) one sign_up_form call per shopper through n8n's HTTP Request node on the provisioned n8n.
 */
import { startFakeConstantContact, type FakeConstantContact } from '../../test/fake-constant-contact';
import { createCredentialStore, createStandInCredential, runWorkflow } from '../../test/harness';
import { abandonedCarts } from '../carts';
import { runChild } from '../host/spawn';
import { progress } from '../stats';
import { addToListWorkflow, reminderRunWorkflow, removeFromListWorkflow } from '../workflows';

export interface ContactCost {
	carts: number;
	/** Carts actually sent through the workflow; the figures are scaled from it to `carts` when smaller. */
	measuredOn: number;
	requests: number;
	quotaUsed: number;
	throttled429: number;
	quota429: number;
	wallMs: number;
	contactsOnList: number;
	failedItems: number;
	requestsByEndpoint: Record<string, number>;
}

/** Contacts already in the account before the run, and how many of them are already on the reminder list. */
export interface ExistingAccount {
	contacts: number;
	onList: number;
}

async function withStandIn<T>(work: (cc: FakeConstantContact, listId: string) => Promise<T>, existing?: ExistingAccount): Promise<T> {
	// The real limits: 4 requests per second and 10,000 per day per application.
	const cc = await startFakeConstantContact({ requestsPerSecond: 4, dailyQuota: 10_000 });
	try {
		const list = cc.control.seedList({ name: 'Abandoned cart reminders', automation: true });
		const listId = String(list.list_id);
		for (let i = 0; i < (existing?.contacts ?? 0); i++) {
			const listIds = i < (existing?.onList ?? 0) ? [listId] : [];
			cc.control.seedContact({ email: `customer${i + 1}@example.org`, firstName: 'Kim', permission: 'implicit', listIds });
		}
		// The account's contacts were last changed before the run, not in the second it starts (what "changed since
		// the run's first activity" reads back depends on it).
		if (existing?.contacts) cc.control.advanceClock(60_000);
		return await work(cc, listId);
	} finally {
		await cc.stop();
	}
}

/** The requests Constant Contact's API saw (the token endpoint is not one of them). */
function apiRequests(cc: FakeConstantContact) {
	return cc.control.requestLog().filter((r) => r.path.startsWith('/v3'));
}

function costFromLog(cc: FakeConstantContact, listId: string, carts: number, measuredOn: number, wallMs: number, failedItems: number): ContactCost {
	const api = apiRequests(cc);
	const byEndpoint: Record<string, number> = {};
	for (const r of api) {
		const key = `${r.method} ${r.path.replace(/\/v3/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`;
		byEndpoint[key] = (byEndpoint[key] ?? 0) + 1;
	}
	const scale = carts / measuredOn;
	const throttled = api.filter((r) => r.errorKey === 'throttled').length;
	const quota = api.filter((r) => r.errorKey === 'quota_exceeded').length;
	return {
		carts,
		measuredOn,
		requests: Math.round(api.length * scale),
		quotaUsed: Math.round((api.length - throttled - quota) * scale),
		throttled429: Math.round(throttled * scale),
		quota429: Math.round(quota * scale),
		wallMs: wallMs * scale,
		contactsOnList: cc.control.automationEntries({ listId }).length,
		failedItems,
		requestsByEndpoint: byEndpoint,
	};
}

export async function bulkAdd(carts: number, existing?: ExistingAccount): Promise<ContactCost & { existing?: ExistingAccount }> {
	return withStandIn(async (cc, listId) => {
		const credentials = createCredentialStore({ constantContactOAuth2Api: createStandInCredential(cc) });
		const items = abandonedCarts(carts, Date.now());
		const started = Date.now();
		const run = await runWorkflow(addToListWorkflow(listId), { items, credentials });
		const wallMs = Date.now() - started;
		if (run.status !== 'success') throw new Error(`Add to Autoresponder List failed: ${run.error?.message}`);
		const failed = run.outputsOf('Add to Autoresponder List').filter((item) => item.error !== undefined).length;
		const cost = costFromLog(cc, listId, carts, carts, wallMs, failed);
		progress(`bulk add of ${carts} carts${existing ? ` into an account of ${existing.contacts} contacts` : ''}: ${cost.requests} requests in ${(wallMs / 1000).toFixed(1)} s`);
		return { ...cost, existing };
	}, existing);
}

export interface RemovalCost extends ContactCost {
	existing: ExistingAccount;
	byContactId: boolean;
	/** Bulk activities the account ran in the last 10 days before this run (Constant Contact lists them with ours). */
	activityHistory: number;
	/** Buyers still on the list after the run: must be 0. */
	stillOnList: number;
}

/**
 * (2e) Buyers taken off the list in one run: the first `buyers` customers on the list, removed by the contact ID the
 * shop kept, or looked up by email. With an activity history, the stand-in's GET /activities (oldest first) does not
 * show the run's own activities on its one page, and the node reads each of them instead.
 */
export async function bulkRemove(
	buyers: number,
	existing: ExistingAccount,
	options: { byContactId: boolean; activityHistory?: number },
): Promise<RemovalCost> {
	return withStandIn(async (cc, listId) => {
		const credentials = createCredentialStore({ constantContactOAuth2Api: createStandInCredential(cc) });
		const activityHistory = options.activityHistory ?? 0;
		if (activityHistory > 0) cc.control.seedActivities({ count: activityHistory });
		const items = Array.from({ length: buyers }, (_, n) => {
			const email = `customer${n + 1}@example.org`;
			return options.byContactId ? { email, contact_id: String(cc.control.findContactByEmail(email)!.contact_id) } : { email };
		});
		cc.control.clearRequestLog();
		const started = Date.now();
		const run = await runWorkflow(removeFromListWorkflow(listId, options.byContactId), { items, credentials });
		const wallMs = Date.now() - started;
		if (run.status !== 'success') throw new Error(`Remove Contact from List failed: ${run.error?.message}`);
		const failed = run.outputsOf('Remove Contact from List').filter((item) => item.error !== undefined || item.status !== 'removed').length;
		const stillOnList = items.filter(({ email }) => (cc.control.findContactByEmail(email)!.list_memberships as string[]).includes(listId)).length;
		const cost = costFromLog(cc, listId, buyers, buyers, wallMs, failed);
		progress(
			`bulk remove of ${buyers} buyers ${options.byContactId ? 'by contact ID' : 'by email'} from an account of ${existing.contacts} contacts${activityHistory ? ` with ${activityHistory} earlier activities` : ''}: ${cost.requests} requests in ${(wallMs / 1000).toFixed(1)} s`,
		);
		return { ...cost, existing, byContactId: options.byContactId, activityHistory, stillOnList };
	}, existing);
}

export interface IdleRunCost {
	carts: number;
	/** Carts the filter found due: 0 for an idle run. */
	due: number;
	requests: number;
	wallMs: number;
}

/**
 * A scheduled run with nothing due: the carts are all still active (updated in the last hour), the filter sends none,
 * and Constant Contact must see no request at all (list look-up included).
 */
export async function idleRun(carts: number, existing: ExistingAccount): Promise<IdleRunCost> {
	return withStandIn(async (cc, listId) => {
		const credentials = createCredentialStore({ constantContactOAuth2Api: createStandInCredential(cc) });
		const now = Date.now();
		const items = abandonedCarts(carts, now).map((cart, n) => ({ ...cart, updated_at: new Date(now - (n % 50) * 60_000).toISOString() }));
		cc.control.clearRequestLog();
		const started = Date.now();
		const run = await runWorkflow(reminderRunWorkflow(listId), { items, credentials });
		const wallMs = Date.now() - started;
		if (run.status !== 'success') throw new Error(`the idle run failed: ${run.error?.message}`);
		const due = run.outputsOf('Abandoned Cart Filter').length;
		const requests = apiRequests(cc).length;
		progress(`idle run over ${carts} carts: ${due} due, ${requests} Constant Contact requests`);
		return { carts, due, requests, wallMs };
	}, existing);
}

export interface UnsubscribedRunsCost {
	shoppers: number;
	runs: number;
	/** Requests of each run. */
	requestsPerRun: number[];
	/** Look-ups by email of any one unsubscribed shopper over all runs: the most, and the total. */
	mostLookUpsOfOneShopper: number;
	lookUps: number;
	throttled429: number;
	wallMs: number;
	/** Unsubscribed shoppers who entered the automation or whose permission changed: must be 0. */
	consentViolations: number;
}

/**
 * Shoppers Constant Contact has as unsubscribed leave open carts: the same carts come to every scheduled run (the
 * reminder workflow with the filter remembering in static data). Add skips them; Mark Reminders Sent records each
 * step as handled without a reminder, so no later run asks Constant Contact about them again.
 */
export async function unsubscribedOverRuns(shoppers: number, runs: number): Promise<UnsubscribedRunsCost> {
	return withStandIn(async (cc, listId) => {
		const credentials = createCredentialStore({ constantContactOAuth2Api: createStandInCredential(cc) });
		const items = abandonedCarts(shoppers, Date.now());
		for (const cart of items) cc.control.seedContact({ email: String(cart.email), permission: 'unsubscribed' });
		cc.control.advanceClock(60_000);
		cc.control.clearRequestLog();
		const workflow = reminderRunWorkflow(listId);
		const requestsPerRun: number[] = [];
		const started = Date.now();
		for (let run = 0; run < runs; run++) {
			const before = apiRequests(cc).length;
			const result = await runWorkflow(workflow, { items, credentials });
			if (result.status !== 'success') throw new Error(`run ${run + 1} failed: ${result.error?.message}`);
			requestsPerRun.push(apiRequests(cc).length - before);
		}
		const wallMs = Date.now() - started;
		const log = apiRequests(cc);
		const lookUps = new Map<string, number>();
		for (const entry of log) if (entry.query.email) lookUps.set(entry.query.email, (lookUps.get(entry.query.email) ?? 0) + 1);
		const consentViolations =
			cc.control.automationEntries({ listId }).length + cc.control.permissionChanges().length + cc.control.consentViolations().length;
		const cost = {
			shoppers,
			runs,
			requestsPerRun,
			mostLookUpsOfOneShopper: Math.max(0, ...lookUps.values()),
			lookUps: [...lookUps.values()].reduce((sum, n) => sum + n, 0),
			throttled429: log.filter((r) => r.errorKey === 'throttled').length,
			wallMs,
			consentViolations,
		};
		progress(`${shoppers} unsubscribed shoppers over ${runs} runs: requests per run ${requestsPerRun.join(', ')}; at most ${cost.mostLookUpsOfOneShopper} look-up(s) of one shopper`);
		return cost;
	});
}

interface NaiveChildResult {
	ms: number;
	status: string;
	error?: string;
	items: number;
	errorItems: number;
	firstError?: unknown;
}

/** The naive pattern on `measured` carts, scaled to `carts`. */
export async function naiveSignUp(carts: number, measured: number): Promise<ContactCost> {
	return withStandIn(async (cc, listId) => {
		const input = { apiBaseUrl: cc.apiBaseUrl, listId, credential: createStandInCredential(cc), carts: measured };
		const result = await runChild<NaiveChildResult>('naive-child.ts', [], {
			env: { BENCH_NAIVE: JSON.stringify(input) },
			timeoutMs: measured * 1000 + 120_000,
		});
		if (result.status !== 'success') throw new Error(`the HTTP Request workflow failed: ${result.error}`);
		const cost = costFromLog(cc, listId, carts, measured, result.ms, result.errorItems);
		progress(`naive sign_up_form on ${measured} carts: ${(result.ms / 1000).toFixed(1)} s, ${result.errorItems} error items`);
		return cost;
	});
}
