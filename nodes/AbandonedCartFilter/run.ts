import type { Zone } from 'luxon';
import {
	NodeOperationError,
	type DeduplicationItemTypes,
	type IDataObject,
	type IDeduplicationOutput,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import {
	decide,
	holdBack,
	nextStepCheck,
	oneReminderPerShopper,
	unreadableDecision,
	type Candidate,
	type Decision,
	type Policy,
} from './decide';
import {
	DEDUPLICATION_MAX_ENTRIES,
	DEDUPLICATION_PROBE_LIMIT,
	DEFAULT_MAX_REMEMBERED_CARTS,
	RememberedReminders,
	dataSourceMemory,
	hasRememberedReminders,
	leftoverMemory,
	migratingMemory,
	type MemoryView,
	type StaticData,
} from './memory';
import { normalizeEmail } from '../ConstantContact/email';
import { compilePath, readPath } from '../shared/fieldPaths';
import { compilePaths, isCart, readCart, valueInsteadOfPath, type Cart, type CompiledPaths, type FieldPaths } from './readCart';
import { DEFAULT_FINAL_SKIP_REASONS, markSentence, type MarkReason } from './reasons';
import { parseClock, parseDuration, parseTimestamp, resolveZone, MINUTE_MS } from './time';

type Outputs = INodeExecutionData[][];

/** Every status Add to Autoresponder List gives an item; other values in the field are not its answer. */
const ADD_STATUSES = new Set(['created', 'updated', 'added', 're-added', 'already-on-list', 'removed', 'skipped', 'failed']);

function fail(ctx: IExecuteFunctions, message: string): never {
	throw new NodeOperationError(ctx.getNode(), message);
}

function listOf(text: string): string[] {
	return text
		.split(',')
		.map((s) => s.trim().toLowerCase())
		.filter((s) => s !== '');
}

function durationParam(ctx: IExecuteFunctions, text: string, label: string): number {
	const minutes = parseDuration(String(text));
	if (minutes === undefined) fail(ctx, `${label} "${text}" is not a duration; write it like 90m, 24h or 7d.`);
	return minutes * MINUTE_MS;
}

function zoneParam(ctx: IExecuteFunctions, name: string, label: string): Zone {
	const zone = resolveZone(String(name || 'UTC'));
	if (!zone) fail(ctx, `${label} "${name}" is not a known time zone; use an IANA name like Europe/Berlin.`);
	return zone;
}

function pathsParam(ctx: IExecuteFunctions): CompiledPaths {
	try {
		const { emailField, ...given } = ctx.getNodeParameter('fields', 0, {}) as Partial<FieldPaths> & {
			emailField?: string;
		};
		const entered = { ...given, email: emailField };
		const paths = compilePaths(entered);
		const named = (Object.keys(entered) as Array<keyof FieldPaths>).filter((key) => typeof entered[key] === 'string' && entered[key]!.trim() !== '');
		const problem = valueInsteadOfPath(paths, named, ctx.getInputData().map((item) => item.json));
		if (problem) throw new Error(problem);
		return paths;
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), error as Error);
	}
}

/** The time a run acts at: the given option, else now. */
function instantParam(ctx: IExecuteFunctions, text: string, label: string): number {
	if (!text || String(text).trim() === '') return Date.now();
	const parsed = parseTimestamp(text, zoneParam(ctx, 'UTC', label));
	if (!parsed.ok || parsed.ms === null) fail(ctx, `${label} "${text}" is not a date and time the node can read.`);
	return parsed.ms;
}

interface DecideSettings {
	policy: Policy;
	paths: CompiledPaths;
	sourceZone: Zone;
	now: number;
	memoryMode: 'n8n' | 'dataSource';
	memoryName: string;
	maxCarts: number;
}

function decideSettings(ctx: IExecuteFunctions): DecideSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const paths = pathsParam(ctx);
	const stepDelaysMs = String(ctx.getNodeParameter('steps', 0, '1h'))
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '')
		.map((s) => durationParam(ctx, s, 'Reminder step'));
	if (stepDelaysMs.length === 0) fail(ctx, 'Reminder Steps is empty; give at least one step, for example 1h.');
	for (let i = 1; i < stepDelaysMs.length; i++) {
		if (stepDelaysMs[i] <= stepDelaysMs[i - 1]) {
			fail(ctx, 'Reminder Steps must grow from one step to the next, for example 1h, 24h, 72h.');
		}
	}
	const quietStart = String(options.quietHoursStart ?? '').trim();
	const quietEnd = String(options.quietHoursEnd ?? '').trim();
	let quietHours: Policy['quietHours'] = null;
	if (quietStart !== '' || quietEnd !== '') {
		const startMinute = parseClock(quietStart);
		const endMinute = parseClock(quietEnd);
		if (startMinute === undefined || endMinute === undefined) {
			fail(ctx, `Quiet hours need a start and an end written as HH:MM (got "${quietStart}" to "${quietEnd}").`);
		}
		quietHours = { startMinute, endMinute };
	}
	const inactivityMinutes = Number(ctx.getNodeParameter('inactivityMinutes', 0, 60));
	if (!Number.isFinite(inactivityMinutes) || inactivityMinutes < 0) fail(ctx, 'Abandoned After must be 0 minutes or more.');
	const minCartValue = Number(options.minCartValue ?? 0);
	const policy: Policy = {
		inactivityMs: inactivityMinutes * MINUTE_MS,
		stepDelaysMs,
		giveUpMs: durationParam(ctx, String(ctx.getNodeParameter('giveUpAfter', 0, '7d')), 'Give Up After'),
		minCartValue: Number.isFinite(minCartValue) ? minCartValue : 0,
		requireItems: options.requireItems !== false,
		purchaseStatuses: new Set(
			listOf(String(options.purchaseStatuses ?? 'completed, complete, paid, processing, purchased, succeeded, fulfilled')),
		),
		consentMode: ctx.getNodeParameter('consentMode', 0, 'optedIn') === 'everyone' ? 'everyone' : 'optedIn',
		cooldownMs: durationParam(ctx, String(options.cooldown ?? '24h'), 'Shopper Cooldown'),
		quietHours,
		defaultZone: zoneParam(ctx, String(options.defaultTimeZone ?? 'UTC'), 'Default Time Zone'),
		restartOnUpdate: options.restartOnUpdate === true,
		labels: { items: paths.items.label, total: paths.total.label, updatedAt: paths.updatedAt.label },
	};
	return {
		policy,
		paths,
		sourceZone: zoneParam(ctx, String(options.sourceTimeZone ?? 'UTC'), 'Timestamps Without Offset Are In'),
		now: instantParam(ctx, String(options.evaluateAt ?? ''), 'Evaluate At'),
		memoryMode: memoryModeParam(ctx),
		memoryName: String(ctx.getNodeParameter('memoryName', 0, 'abandoned-cart-reminders') || 'abandoned-cart-reminders'),
		maxCarts: Number(options.maxRememberedCarts ?? DEFAULT_MAX_REMEMBERED_CARTS) || DEFAULT_MAX_REMEMBERED_CARTS,
	};
}

function memoryModeParam(ctx: IExecuteFunctions): 'dataSource' | 'n8n' {
	return ctx.getNodeParameter('memoryMode', 0, 'n8n') === 'dataSource' ? 'dataSource' : 'n8n';
}

/** n8n's database-backed deduplication store; absent on some n8n versions and in unsaved workflows. */
interface DeduplicationHelpers {
	checkProcessed?: (
		items: DeduplicationItemTypes[],
		scope: 'workflow',
		options: { mode: 'entries' },
	) => Promise<IDeduplicationOutput>;
	checkProcessedAndRecord?: (
		items: DeduplicationItemTypes[],
		scope: 'workflow',
		options: { mode: 'entries'; maxEntries?: number },
	) => Promise<IDeduplicationOutput>;
	removeProcessed?: (items: DeduplicationItemTypes[], scope: 'workflow', options: { mode: 'entries' }) => Promise<void>;
}

function deduplication(ctx: IExecuteFunctions): DeduplicationHelpers {
	return (ctx.helpers ?? {}) as unknown as DeduplicationHelpers;
}

function warn(ctx: IExecuteFunctions, message: string, error: unknown): void {
	ctx.logger?.warn(`Abandoned Cart Filter: ${message}: ${(error as Error)?.message ?? String(error)}`);
}

/**
 * Which (cart, sequence, step) keys another execution already recorded in n8n's database. n8n 2.x exposes no
 * read-only check to nodes, so without `checkProcessed` the keys are recorded and the new ones removed again.
 */
async function recordedElsewhere(ctx: IExecuteFunctions, keys: string[]): Promise<Set<string>> {
	const helpers = deduplication(ctx);
	if (keys.length === 0) return new Set();
	try {
		if (typeof helpers.checkProcessed === 'function') {
			const result = await helpers.checkProcessed(keys, 'workflow', { mode: 'entries' });
			return new Set(result.processed.map(String));
		}
		if (typeof helpers.checkProcessedAndRecord === 'function' && typeof helpers.removeProcessed === 'function') {
			const result = await helpers.checkProcessedAndRecord(keys, 'workflow', { mode: 'entries' });
			if (result.new.length > 0) await helpers.removeProcessed(result.new, 'workflow', { mode: 'entries' });
			return new Set(result.processed.map(String));
		}
	} catch (error) {
		warn(ctx, 'n8n\'s deduplication store is not available, using workflow memory only', error);
	}
	return new Set();
}

function memoryStaticData(ctx: IExecuteFunctions): StaticData {
	// 'global', not 'node': the Decide node and its Mark Reminders Sent node are two nodes sharing one memory
	return ctx.getWorkflowStaticData('global') as StaticData;
}

export async function runDecide(ctx: IExecuteFunctions): Promise<Outputs> {
	const items = ctx.getInputData();
	const settings = decideSettings(ctx);
	const { policy, paths, sourceZone, now } = settings;
	const send: INodeExecutionData[] = [];
	const wait: INodeExecutionData[] = [];
	const skip: INodeExecutionData[] = [];
	const decisions: Decision[] = new Array<Decision>(items.length);
	const carts: Array<Cart | undefined> = new Array<Cart | undefined>(items.length);
	const seenIds = new Set<string>();

	for (let i = 0; i < items.length; i++) {
		const read = readCart(items[i].json, paths, sourceZone);
		if (!isCart(read)) {
			decisions[i] = unreadableDecision(read.reason, read.facts, policy);
		} else if (seenIds.has(read.id)) {
			decisions[i] = unreadableDecision('duplicate_cart', { value: read.id }, policy);
		} else {
			seenIds.add(read.id);
			carts[i] = read;
		}
	}

	let memory: MemoryView;
	let remembered: RememberedReminders | undefined;
	if (settings.memoryMode === 'dataSource') {
		memory = dataSourceMemory(carts.filter((c): c is Cart => c !== undefined));
		// A workflow switched over from "n8n remembers": its old memory still counts until it has aged out
		const leftover = leftoverMemory(memoryStaticData(ctx), settings.memoryName, now);
		if (leftover) memory = migratingMemory(memory, leftover);
	} else {
		remembered = new RememberedReminders(memoryStaticData(ctx), settings.memoryName, {
			maxCarts: settings.maxCarts,
			retentionMs: policy.giveUpMs + policy.cooldownMs,
		});
		remembered.prune(now);
		memory = remembered;
	}

	const candidates: Candidate[] = [];
	for (let i = 0; i < items.length; i++) {
		const cart = carts[i];
		if (!cart) continue;
		try {
			decisions[i] = decide(cart, policy, now, memory);
		} catch (error) {
			if (!ctx.continueOnFail()) {
				throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: i });
			}
			decisions[i] = unreadableDecision('internal_error', { detail: (error as Error).message }, policy);
			continue;
		}
		if (decisions[i].decision === 'send') candidates.push({ index: i, cart, decision: decisions[i] });
	}

	if (remembered && candidates.length > 0 && candidates.length <= DEDUPLICATION_PROBE_LIMIT) {
		const keyOf = (c: Candidate) =>
			RememberedReminders.reminderKey(settings.memoryName, c.cart.id, c.decision.sequence, c.decision.step ?? 1);
		const elsewhere = await recordedElsewhere(ctx, candidates.map(keyOf));
		for (const candidate of candidates) {
			if (!elsewhere.has(keyOf(candidate))) continue;
			candidate.decision = holdBack(candidate.decision, 'step_already_sent', nextStepCheck(candidate.decision, policy, now));
			// Learn it, so the next run moves on to the next step instead of asking again
			remembered.recordSent(candidate.cart.id, candidate.cart.email, candidate.decision.step ?? 1, candidate.decision.sequence, now);
		}
	}
	oneReminderPerShopper(candidates, policy, now);
	for (const candidate of candidates) decisions[candidate.index] = candidate.decision;

	const outputs = { send, wait, skip };
	for (let i = 0; i < items.length; i++) {
		const decision = decisions[i];
		outputs[decision.decision].push({
			json: { ...items[i].json, decision: decision as unknown as IDataObject },
			pairedItem: { item: i },
		});
	}
	return [send, wait, skip];
}

function positiveInteger(value: unknown): number | undefined {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

export async function runMarkSent(ctx: IExecuteFunctions): Promise<Outputs> {
	const items = ctx.getInputData();
	const paths = pathsParam(ctx);
	const memoryName = String(ctx.getNodeParameter('memoryName', 0, 'abandoned-cart-reminders') || 'abandoned-cart-reminders');
	let statusPath;
	let reasonPath;
	let decisionPath;
	let notWrittenPath;
	try {
		statusPath = compilePath(String(ctx.getNodeParameter('statusField', 0, 'status')), 'the add status');
		reasonPath = compilePath(String(ctx.getNodeParameter('reasonField', 0, 'reason')), 'the add reason');
		decisionPath = compilePath(String(ctx.getNodeParameter('decisionField', 0, 'decision')), 'the decision');
		notWrittenPath = compilePath(String(ctx.getNodeParameter('notWrittenField', 0, 'cartFieldsNotWritten')), 'the cart details not written');
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), error as Error);
	}
	const successStatuses = new Set(
		listOf(String(ctx.getNodeParameter('successStatuses', 0, 'created, updated, added, re-added, already-on-list'))),
	);
	const finalSkipReasons = new Set(listOf(String(ctx.getNodeParameter('finalSkipReasons', 0, DEFAULT_FINAL_SKIP_REASONS))).map((reason) => reason.toLowerCase()));
	const recordWithoutCartDetails = ctx.getNodeParameter('missingCartDetails', 0, 'notReached') === 'reached';
	const at = instantParam(ctx, String(ctx.getNodeParameter('recordAt', 0, '')), 'Record At');
	// With "my data source tracks it" the workflow's own store records the reminder (the templates' Record Reminder):
	// nothing is written to static data or n8n's deduplication store, so executions on several workers lose nothing
	const memory =
		memoryModeParam(ctx) === 'dataSource'
			? undefined
			: new RememberedReminders(memoryStaticData(ctx), memoryName, { maxCarts: DEFAULT_MAX_REMEMBERED_CARTS });

	const results: Array<{ reason: MarkReason; facts: Record<string, string | number>; cartId?: string; step?: number; key?: string }> = [];
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		const status = readPath(json, statusPath);
		const rawId = readPath(json, paths.cartId);
		const decision = readPath(json, decisionPath) as IDataObject | undefined;
		const step = positiveInteger(decision?.step);
		const sequence = positiveInteger(decision?.sequence) ?? 0;
		const statusText = status === undefined || status === null ? '' : String(status).trim().toLowerCase();
		// A cart's own status ("open") may travel through the add node: only the add node's statuses decide
		const addReason = String(readPath(json, reasonPath) ?? '').trim().toLowerCase();
		// Skipped for a reason the next run would find again (unsubscribed): recorded as handled, so it is not looked up again
		const finalSkip = json.error === undefined && statusText === 'skipped' && finalSkipReasons.has(addReason);
		const failedAdd = !finalSkip && (json.error !== undefined || (ADD_STATUSES.has(statusText) && !successStatuses.has(statusText)));
		const notWritten = readPath(json, notWrittenPath);
		const missingDetails = (Array.isArray(notWritten) ? notWritten : [notWritten]).filter((label) => typeof label === 'string' && label.trim() !== '');
		if (failedAdd) {
			results.push({ reason: 'not_on_list', facts: { status: statusText || 'error' } });
		} else if (missingDetails.length > 0 && !recordWithoutCartDetails) {
			results.push({ reason: 'cart_details_missing', facts: { fields: missingDetails.join(', ') } });
		} else if (rawId === undefined || rawId === '' || typeof rawId === 'object') {
			results.push({ reason: 'missing_cart_id', facts: { field: paths.cartId.label } });
		} else if (step === undefined || step < 1) {
			results.push({ reason: 'missing_step', facts: { field: `${decisionPath.label}.step` } });
		} else {
			const cartId = String(rawId).trim();
			const email = readPath(json, paths.email);
			const isNew = memory?.recordSent(cartId, typeof email === 'string' ? normalizeEmail(email) : null, step, sequence, at, finalSkip ? addReason : undefined) ?? true;
			results.push({
				reason: finalSkip ? 'handled_without_reminder' : isNew ? 'recorded' : 'already_recorded',
				facts: finalSkip ? { why: addReason } : {},
				cartId,
				step,
				key: RememberedReminders.reminderKey(memoryName, cartId, sequence, step),
			});
		}
	}

	// n8n keeps only the newest DEDUPLICATION_MAX_ENTRIES keys; sending more would only cost time
	const keys = results
		.filter((r) => r.key !== undefined)
		.map((r) => r.key as string)
		.slice(-DEDUPLICATION_MAX_ENTRIES);
	const helpers = deduplication(ctx);
	if (memory && keys.length > 0 && typeof helpers.checkProcessedAndRecord === 'function') {
		try {
			// Written at once in n8n's database, so a concurrent execution's Decide sees it before workflow memory is saved
			await helpers.checkProcessedAndRecord(keys, 'workflow', { mode: 'entries', maxEntries: DEDUPLICATION_MAX_ENTRIES });
		} catch (error) {
			warn(ctx, 'could not record reminders in n8n\'s deduplication store, workflow memory still has them', error);
		}
	}

	const out: INodeExecutionData[] = items.map((item, i) => {
		const result = results[i];
		return {
			json: {
				...item.json,
				reminder: {
					recorded: result.reason === 'recorded' || result.reason === 'already_recorded' || result.reason === 'handled_without_reminder',
					reminderSent: result.reason === 'recorded' || result.reason === 'already_recorded',
					reason: result.reason,
					message: markSentence(result.reason, result.facts),
					cartId: result.cartId ?? null,
					step: result.step ?? null,
					recordedAt: result.key ? new Date(at).toISOString() : null,
				},
			},
			pairedItem: { item: i },
		};
	});
	return [out];
}

export async function runForget(ctx: IExecuteFunctions): Promise<Outputs> {
	const items = ctx.getInputData();
	const memoryName = String(ctx.getNodeParameter('memoryName', 0, 'abandoned-cart-reminders') || 'abandoned-cart-reminders');
	// A workflow whose memory is its data source has no static-data memory to erase (unless one was left over)
	const staticData = memoryStaticData(ctx);
	const memory = hasRememberedReminders(staticData, memoryName)
		? new RememberedReminders(staticData, memoryName, { maxCarts: DEFAULT_MAX_REMEMBERED_CARTS })
		: undefined;
	const emails: string[] = [];
	for (let i = 0; i < items.length; i++) {
		const value = ctx.getNodeParameter('forgetEmail', i, '');
		emails.push(typeof value === 'string' ? normalizeEmail(value) : '');
	}
	const reminderKeys: string[] = [];
	const forgetCart = (cartId: string, stepsSent: number, sequence: number) => {
		for (let step = 1; step <= stepsSent; step++) reminderKeys.push(RememberedReminders.reminderKey(memoryName, cartId, sequence, step));
	};
	const forgotten = memory
		? memory.forgetEmails(emails.filter((e) => e !== ''), forgetCart)
		: new Map(emails.map((email) => [email, 0]));
	// Mark Reminders Sent also wrote these carts' keys to n8n's deduplication store; left there, Decide would learn
	// the erased carts (and the shopper's address hash) again from them.
	const helpers = deduplication(ctx);
	if (reminderKeys.length > 0 && typeof helpers.removeProcessed === 'function') {
		try {
			await helpers.removeProcessed(reminderKeys, 'workflow', { mode: 'entries' });
		} catch (error) {
			warn(ctx, 'could not erase the shopper\'s carts from n8n\'s deduplication store', error);
		}
	}
	const out: INodeExecutionData[] = items.map((item, i) => {
		const email = emails[i];
		const reason: MarkReason = email === '' ? 'missing_email' : 'forgotten';
		const count = forgotten.get(email) ?? 0;
		return {
			json: { ...item.json, forgotten: { email, carts: count, reason, message: markSentence(reason, { count }) } },
			pairedItem: { item: i },
		};
	});
	return [out];
}
