/**
 * Parameter values -> the typed settings each operation runs with. Owns the defaults, which the description reads
 * too. Throws plain errors with a sentence for the user; the operation turns them into n8n errors. No n8n here.
 */
import type { Zone } from 'luxon';

import { compilePath, type CompiledPath } from '../shared/fieldPaths';
import type { Policy } from './decide';
import { compilePaths, valueInsteadOfPath, type CompiledPaths, type FieldPaths } from './readCart';
import { DEFAULT_FINAL_SKIP_REASONS } from './reasons';
import { MINUTE_MS, parseClock, parseDuration, parseTimestamp, resolveZone } from './time';

export type MemoryMode = 'n8n' | 'dataSource';
export const DEFAULT_MEMORY_MODE: MemoryMode = 'n8n';
export const DEFAULT_MEMORY_NAME = 'abandoned-cart-reminders';
export const DEFAULT_ABANDONED_AFTER_MINUTES = 60;
export const MIN_ABANDONED_AFTER_MINUTES = 1;
export const DEFAULT_REMINDER_STEPS = '1h';
export const DEFAULT_GIVE_UP_AFTER = '7d';
export const DEFAULT_CONSENT_MODE: Policy['consentMode'] = 'optedIn';
export const DEFAULT_COOLDOWN = '24h';
export const DEFAULT_TIME_ZONE = 'UTC';
/** Pending, failed or cancelled orders are not purchases, so they are not listed. */
export const DEFAULT_PURCHASE_STATUSES = 'completed, complete, paid, processing, purchased, succeeded, fulfilled';
export const DEFAULT_MAX_REMEMBERED_CARTS = 100_000;
/** How long a remembered reminder can change a decision under the defaults: Give Up After plus Shopper Cooldown. */
export const DEFAULT_RETENTION_MS = (parseDuration(DEFAULT_GIVE_UP_AFTER)! + parseDuration(DEFAULT_COOLDOWN)!) * MINUTE_MS;
/** Add to Autoresponder List's statuses that mean the shopper is on the list. */
export const DEFAULT_REACHED_LIST_STATUSES = 'created, added, re-added, already-on-list';
/** Where Mark Reminders Sent finds what Add to Autoresponder List and Decide put on each item. */
export const DEFAULT_STATUS_FIELD = 'status';
export const DEFAULT_REASON_FIELD = 'reason';
export const DEFAULT_DECISION_FIELD = 'decision';
export const DEFAULT_NOT_WRITTEN_FIELD = 'cartFieldsNotWritten';
export const DEFAULT_MISSING_CART_DETAILS = 'notReached';

export type Options = Record<string, unknown>;

/** Field Names as the editor stores them: the email path is `emailField`. */
export type FieldNames = Partial<Omit<FieldPaths, 'email'>> & { emailField?: string };

function listOf(text: string): string[] {
	return text
		.split(',')
		.map((s) => s.trim().toLowerCase())
		.filter((s) => s !== '');
}

function duration(text: string, label: string): number {
	const minutes = parseDuration(String(text));
	if (minutes === undefined) throw new Error(`${label} "${text}" is not a duration; write it like 90m, 24h or 7d.`);
	return minutes * MINUTE_MS;
}

function zone(name: string, label: string): Zone {
	const resolved = resolveZone(String(name || DEFAULT_TIME_ZONE));
	if (!resolved) throw new Error(`${label} "${name}" is not a known time zone; use an IANA name like Europe/Berlin.`);
	return resolved;
}

/** The time a run acts at: the given option, else now. */
function instant(text: string, label: string): number {
	if (!text || String(text).trim() === '') return Date.now();
	const parsed = parseTimestamp(text, zone(DEFAULT_TIME_ZONE, label));
	if (!parsed.ok || parsed.ms === null) throw new Error(`${label} "${text}" is not a date and time the node can read.`);
	return parsed.ms;
}

export function memoryModeOf(value: unknown): MemoryMode {
	return value === 'dataSource' ? 'dataSource' : 'n8n';
}

export function memoryNameOf(value: unknown): string {
	return String(value || DEFAULT_MEMORY_NAME);
}

/** Field Names -> compiled paths; refuses an entry that holds one of the items' values instead of a field name. */
export function fieldPathsOf(fields: FieldNames, items: unknown[]): CompiledPaths {
	const { emailField, ...given } = fields;
	const entered: Partial<FieldPaths> = { ...given, email: emailField };
	const paths = compilePaths(entered);
	const named = (Object.keys(entered) as Array<keyof FieldPaths>).filter((key) => typeof entered[key] === 'string' && entered[key]!.trim() !== '');
	const problem = valueInsteadOfPath(paths, named, items);
	if (problem) throw new Error(problem);
	return paths;
}

export interface DecideParameters {
	fields: FieldNames;
	steps: string;
	inactivityMinutes: unknown;
	giveUpAfter: string;
	consentMode: unknown;
	options: Options;
	memoryMode: unknown;
	memoryName: unknown;
}

export interface DecideSettings {
	policy: Policy;
	paths: CompiledPaths;
	sourceZone: Zone;
	now: number;
	memoryMode: MemoryMode;
	memoryName: string;
	maxCarts: number;
}

function reminderSteps(text: string): number[] {
	const stepDelaysMs = String(text)
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '')
		.map((s) => duration(s, 'Reminder step'));
	if (stepDelaysMs.length === 0) throw new Error('Reminder Steps is empty; give at least one step, for example 1h.');
	for (let i = 1; i < stepDelaysMs.length; i++) {
		if (stepDelaysMs[i] <= stepDelaysMs[i - 1]) {
			throw new Error('Reminder Steps must grow from one step to the next, for example 1h, 24h, 72h.');
		}
	}
	return stepDelaysMs;
}

function quietHours(options: Options): Policy['quietHours'] {
	const start = String(options.quietHoursStart ?? '').trim();
	const end = String(options.quietHoursEnd ?? '').trim();
	if (start === '' && end === '') return null;
	const startMinute = parseClock(start);
	const endMinute = parseClock(end);
	if (startMinute === undefined || endMinute === undefined) {
		throw new Error(`Quiet hours need a start and an end written as HH:MM (got "${start}" to "${end}").`);
	}
	return { startMinute, endMinute };
}

/** Decide's parameters -> its policy and run settings; `items` are the input JSON, checked against Field Names. */
export function decideSettingsOf(parameters: DecideParameters, items: unknown[]): DecideSettings {
	const { options } = parameters;
	const paths = fieldPathsOf(parameters.fields, items);
	const stepDelaysMs = reminderSteps(parameters.steps);
	const quiet = quietHours(options);
	const inactivityMinutes = Number(parameters.inactivityMinutes);
	if (!Number.isFinite(inactivityMinutes) || inactivityMinutes < MIN_ABANDONED_AFTER_MINUTES) {
		throw new Error(`Abandoned After must be ${MIN_ABANDONED_AFTER_MINUTES} minute or more.`);
	}
	const minCartValue = Number(options.minCartValue ?? 0);
	const policy: Policy = {
		inactivityMs: inactivityMinutes * MINUTE_MS,
		stepDelaysMs,
		giveUpMs: duration(String(parameters.giveUpAfter), 'Give Up After'),
		minCartValue: Number.isFinite(minCartValue) ? minCartValue : 0,
		requireItems: options.requireItems !== false,
		purchaseStatuses: new Set(listOf(String(options.purchaseStatuses ?? DEFAULT_PURCHASE_STATUSES))),
		consentMode: parameters.consentMode === 'everyone' ? 'everyone' : 'optedIn',
		cooldownMs: duration(String(options.cooldown ?? DEFAULT_COOLDOWN), 'Shopper Cooldown'),
		quietHours: quiet,
		defaultZone: zone(String(options.defaultTimeZone ?? DEFAULT_TIME_ZONE), 'Default Time Zone'),
		restartOnUpdate: options.restartOnUpdate === true,
		labels: { items: paths.items.label, total: paths.total.label, updatedAt: paths.updatedAt.label },
	};
	return {
		policy,
		paths,
		sourceZone: zone(String(options.sourceTimeZone ?? DEFAULT_TIME_ZONE), 'Timestamps Without Offset Are In'),
		now: instant(String(options.evaluateAt ?? ''), 'Evaluate At'),
		memoryMode: memoryModeOf(parameters.memoryMode),
		memoryName: memoryNameOf(parameters.memoryName),
		maxCarts: Number(options.maxRememberedCarts ?? DEFAULT_MAX_REMEMBERED_CARTS) || DEFAULT_MAX_REMEMBERED_CARTS,
	};
}

export interface MarkParameters {
	fields: FieldNames;
	memoryName: unknown;
	statusField: string;
	reasonField: string;
	decisionField: string;
	notWrittenField: string;
	successStatuses: string;
	finalSkipReasons: string;
	missingCartDetails: unknown;
	recordAt: string;
	memoryMode: unknown;
}

/** What Mark Reminders Sent reads from each item, and how it judges Add to Autoresponder List's answer. */
export interface MarkRules {
	paths: CompiledPaths;
	statusPath: CompiledPath;
	reasonPath: CompiledPath;
	decisionPath: CompiledPath;
	notWrittenPath: CompiledPath;
	successStatuses: Set<string>;
	finalSkipReasons: Set<string>;
	recordWithoutCartDetails: boolean;
}

export interface MarkSettings {
	rules: MarkRules;
	memoryName: string;
	memoryMode: MemoryMode;
	/** The send time remembered. */
	at: number;
}

export function markSettingsOf(parameters: MarkParameters, items: unknown[]): MarkSettings {
	const paths = fieldPathsOf(parameters.fields, items);
	const memoryName = memoryNameOf(parameters.memoryName);
	const rules: MarkRules = {
		paths,
		statusPath: compilePath(String(parameters.statusField), 'the add status'),
		reasonPath: compilePath(String(parameters.reasonField), 'the add reason'),
		decisionPath: compilePath(String(parameters.decisionField), 'the decision'),
		notWrittenPath: compilePath(String(parameters.notWrittenField), 'the cart details not written'),
		successStatuses: new Set(listOf(String(parameters.successStatuses))),
		finalSkipReasons: new Set(listOf(String(parameters.finalSkipReasons ?? DEFAULT_FINAL_SKIP_REASONS))),
		recordWithoutCartDetails: parameters.missingCartDetails === 'reached',
	};
	return { rules, memoryName, at: instant(String(parameters.recordAt), 'Record At'), memoryMode: memoryModeOf(parameters.memoryMode) };
}

/** Record Order credits a reminder with an order placed up to this many days after it. */
export const DEFAULT_ATTRIBUTION_WINDOW_DAYS = 7;

/** Where Record Order finds each order fact: dot paths, alternatives separated by commas. */
export interface OrderFieldPaths {
	cartId: string;
	email: string;
	total: string;
	orderedAt: string;
	lastRemindedAt: string;
	remindersSent: string;
	recoveredAt: string;
}

/** An order's own `id` is the order's, not the cart's, so the cart id is looked for in `cart_id` only. */
export const DEFAULT_ORDER_FIELD_PATHS: OrderFieldPaths = {
	cartId: 'cart_id',
	email: 'email',
	total: 'total',
	orderedAt: 'ordered_at, created_at',
	lastRemindedAt: 'last_reminded_at',
	remindersSent: 'reminders_sent',
	recoveredAt: 'recovered_at',
};

export const ORDER_FIELD_LABELS: Record<keyof OrderFieldPaths, string> = {
	cartId: 'Cart ID',
	email: 'Email',
	total: 'Order Total',
	orderedAt: 'Ordered At',
	lastRemindedAt: 'Last Reminded At',
	remindersSent: 'Reminders Sent',
	recoveredAt: 'Recovered At',
};

export type CompiledOrderPaths = Record<keyof OrderFieldPaths, CompiledPath>;

export interface OrderParameters {
	fields: Partial<OrderFieldPaths>;
	windowDays: unknown;
	sourceTimeZone: unknown;
	memoryMode: unknown;
	memoryName: unknown;
}

export interface OrderSettings {
	paths: CompiledOrderPaths;
	windowDays: number;
	sourceZone: Zone;
	memoryMode: MemoryMode;
	memoryName: string;
}

/**
 * One collection of field paths -> compiled paths, each entry left empty falling back to its default; refuses an
 * entry that holds one of the items' values instead of a field name (`collection` names it in the sentence).
 */
function namedPathsOf<K extends string>(
	entered: Partial<Record<K, string>>,
	defaults: Record<K, string>,
	labels: Record<K, string>,
	items: unknown[],
	collection: string,
): Record<K, CompiledPath> {
	const paths = {} as Record<K, CompiledPath>;
	const given: K[] = [];
	for (const key of Object.keys(defaults) as K[]) {
		const value = entered[key];
		const named = typeof value === 'string' && value.trim() !== '';
		if (named) given.push(key);
		paths[key] = compilePath(named ? value : defaults[key], labels[key]);
	}
	const problem = valueInsteadOfPath(paths, given, items, labels, collection);
	if (problem) throw new Error(problem);
	return paths;
}

/** Attribution Window (Days): read by Record Order and by the Recovery Report of cart rows. */
function attributionWindowOf(value: unknown): number {
	const windowDays = Number(value ?? DEFAULT_ATTRIBUTION_WINDOW_DAYS);
	if (!Number.isFinite(windowDays) || windowDays <= 0) {
		throw new Error(`Attribution Window (Days) must be a number of days above 0, such as ${DEFAULT_ATTRIBUTION_WINDOW_DAYS}.`);
	}
	return windowDays;
}

/** Record Order's parameters -> its settings; `items` are the input JSON, checked against Order Fields. */
export function orderSettingsOf(parameters: OrderParameters, items: unknown[]): OrderSettings {
	return {
		paths: namedPathsOf(parameters.fields, DEFAULT_ORDER_FIELD_PATHS, ORDER_FIELD_LABELS, items, 'Order Fields'),
		windowDays: attributionWindowOf(parameters.windowDays),
		sourceZone: zone(String(parameters.sourceTimeZone ?? DEFAULT_TIME_ZONE), 'Timestamps Without Offset Are In'),
		memoryMode: memoryModeOf(parameters.memoryMode),
		memoryName: memoryNameOf(parameters.memoryName),
	};
}

/** Where the Recovery Report finds each cart row's facts ("Figures From: Cart Rows"). */
export interface CartRowFieldPaths {
	cartId: string;
	firstSeenAt: string;
	remindersSent: string;
	lastRemindedAt: string;
	orderedAt: string;
	orderTotal: string;
}

/**
 * The columns of the "Cart events by webhook" template's Data table; `createdAt` is the Data table's own column,
 * set when the cart's first event was saved.
 */
export const DEFAULT_CART_ROW_FIELD_PATHS: CartRowFieldPaths = {
	cartId: 'cart_id',
	firstSeenAt: 'createdAt, created_at, updated_at',
	remindersSent: 'reminders_sent',
	lastRemindedAt: 'last_reminded_at',
	orderedAt: 'completed_at, ordered_at',
	orderTotal: 'order_total',
};

export const CART_ROW_FIELD_LABELS: Record<keyof CartRowFieldPaths, string> = {
	cartId: 'Cart ID',
	firstSeenAt: 'First Seen At',
	remindersSent: 'Reminders Sent',
	lastRemindedAt: 'Last Reminded At',
	orderedAt: 'Ordered At',
	orderTotal: 'Order Total',
};

export type CompiledCartRowPaths = Record<keyof CartRowFieldPaths, CompiledPath>;

export interface CartRowSettings {
	paths: CompiledCartRowPaths;
	windowDays: number;
	sourceZone: Zone;
	/** The zone whose calendar days the report counts in: the workflow's. */
	reportZone: Zone;
}

export function cartRowSettingsOf(
	parameters: {
		fields: Partial<CartRowFieldPaths>;
		windowDays: unknown;
		sourceTimeZone: unknown;
		reportTimeZone: string;
	},
	items: unknown[],
): CartRowSettings {
	return {
		paths: namedPathsOf(parameters.fields, DEFAULT_CART_ROW_FIELD_PATHS, CART_ROW_FIELD_LABELS, items, 'Cart Row Fields'),
		windowDays: attributionWindowOf(parameters.windowDays),
		sourceZone: zone(String(parameters.sourceTimeZone ?? DEFAULT_TIME_ZONE), 'Timestamps Without Offset Are In'),
		reportZone: zone(parameters.reportTimeZone, "The workflow's time zone"),
	};
}
