import type { Zone } from 'luxon';

import { emailProblem, normalizeEmail } from '../ConstantContact/email';
import { MAX_EMAIL_LENGTH } from '../ConstantContact/limits';
import { compilePath, readPath, type CompiledPath } from '../shared/fieldPaths';
import { plainNumber, wholeNumber } from '../shared/numbers';
import type { ReasonCode, ReasonFacts } from './reasons';
import { parseTimestamp, resolveZone } from './time';

export type Consent = 'yes' | 'no' | 'opted_out';

export interface Cart {
	id: string;
	/** Trimmed and lower-cased, so one shopper's carts meet under one address. */
	email: string;
	lastActivityAt: number;
	completedAt: number | null;
	orderId: string | null;
	status: string | null;
	total: number | null;
	itemCount: number | null;
	consent: Consent;
	consentValue: string;
	zone: Zone | null;
	lastRemindedAt: number | null;
	remindersSent: number | null;
}

export interface Unreadable {
	reason: ReasonCode;
	facts: ReasonFacts;
}

/** Dot paths per cart field; each may list alternatives ("id, cart_id": the first one present wins). */
export interface FieldPaths {
	cartId: string;
	email: string;
	updatedAt: string;
	createdAt: string;
	completedAt: string;
	orderId: string;
	status: string;
	total: string;
	items: string;
	consent: string;
	timeZone: string;
	lastRemindedAt: string;
	remindersSent: string;
}

export const DEFAULT_FIELD_PATHS: FieldPaths = {
	cartId: 'id, cart_id',
	email: 'email',
	updatedAt: 'updated_at',
	createdAt: 'created_at',
	completedAt: 'completed_at',
	orderId: 'order_id',
	status: 'status',
	total: 'total',
	items: 'items, item_count',
	consent: 'marketing_consent',
	timeZone: 'timezone',
	lastRemindedAt: 'last_reminded_at',
	remindersSent: 'reminders_sent',
};

/** What the editor calls each path under Field Names. */
export const FIELD_NAMES_LABELS: Record<keyof FieldPaths, string> = {
	cartId: 'Cart ID',
	email: 'Email',
	updatedAt: 'Updated At',
	createdAt: 'Created At',
	completedAt: 'Completed At',
	orderId: 'Order ID',
	status: 'Status',
	total: 'Total',
	items: 'Items',
	consent: 'Marketing Consent',
	timeZone: 'Time Zone',
	lastRemindedAt: 'Last Reminded At',
	remindersSent: 'Reminders Sent',
};

/** How many input items are searched for a value typed (or dragged as an expression) where a field name belongs. */
const ITEMS_SEARCHED_FOR_VALUES = 20;

/**
 * A Field Names entry that holds one of the items' values instead of a field name: what dragging a field into it as
 * an expression (`{{ $json.updated_at }}`, which evaluates to the value) produces. Returns the sentence for the
 * user, or undefined when every given entry is a path or matches no value.
 */
export function valueInsteadOfPath<K extends string = keyof FieldPaths>(
	paths: Record<K, CompiledPath>,
	given: K[],
	items: unknown[],
	labels: Record<K, string> = FIELD_NAMES_LABELS as Record<K, string>,
	collection = 'Field Names',
): string | undefined {
	const sample = items.slice(0, ITEMS_SEARCHED_FOR_VALUES);
	for (const key of given) {
		const path = paths[key];
		if (sample.some((item) => readPath(item, path) !== undefined)) continue;
		for (const item of sample) {
			const field = fieldHoldingValue(item, path.label);
			if (field !== undefined) {
				return `${collection} → ${labels[key]} holds "${path.label}", which is the value of the input field "${field}", not a field name. An expression such as {{ $json.${field} }} gives the value; write the field's name (${field}) instead, or drag the field from the input panel into the box without an expression.`;
			}
		}
	}
	return undefined;
}

/** The name (dot notation) of a field of `item`, up to two levels deep, whose value as text is `text`. */
function fieldHoldingValue(item: unknown, text: string): string | undefined {
	if (item === null || typeof item !== 'object' || text === '') return undefined;
	for (const [name, value] of Object.entries(item)) {
		if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
			for (const [inner, innerValue] of Object.entries(value)) {
				if ((typeof innerValue === 'string' || typeof innerValue === 'number') && String(innerValue) === text) return `${name}.${inner}`;
			}
		} else if ((typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && String(value) === text) {
			return name;
		}
	}
	return undefined;
}

export type CompiledPaths = Record<keyof FieldPaths, CompiledPath>;

export function compilePaths(paths: Partial<FieldPaths>): CompiledPaths {
	const compiled = {} as CompiledPaths;
	for (const key of Object.keys(DEFAULT_FIELD_PATHS) as Array<keyof FieldPaths>) {
		const given = paths[key];
		compiled[key] = compilePath(
			typeof given === 'string' && given.trim() !== '' ? given : DEFAULT_FIELD_PATHS[key],
			key,
		);
	}
	return compiled;
}

/** Text for a sentence: printable, short. */
export function shown(value: unknown): string {
	let text: string;
	if (typeof value === 'string') text = value;
	else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
	else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
	else {
		try {
			text = JSON.stringify(value) ?? String(value);
		} catch {
			text = '[unprintable]';
		}
	}
	// eslint-disable-next-line no-control-regex
	text = text.replace(/[\u0000-\u001f\u007f]/g, '?');
	return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

const MAX_CART_ID_LENGTH = 255;
/** No shop has a cart worth a trillion; such a value is a unit or parsing mistake upstream. */
const MAX_PLAUSIBLE_TOTAL = 1e12;
const CONSENT_YES = new Set([
	'true', 'yes', 'y', '1', 'on', 'opted_in', 'opted-in', 'optin', 'opt_in', 'opt-in', 'subscribed', 'explicit',
	'granted', 'confirmed', 'accepted', 'given',
]);
const CONSENT_OPTED_OUT = new Set([
	'unsubscribed', 'opted_out', 'opted-out', 'optout', 'opt_out', 'opt-out', 'revoked', 'withdrawn', 'declined',
	'denied', 'refused',
]);

export function readConsent(value: unknown): Consent {
	if (value === true || value === 1) return 'yes';
	if (typeof value === 'string') {
		const normalized = value.trim().toLowerCase();
		if (CONSENT_YES.has(normalized)) return 'yes';
		if (CONSENT_OPTED_OUT.has(normalized)) return 'opted_out';
	}
	return 'no';
}

export type Read<T> = { value: T } | Unreadable;

export function readTime(record: unknown, path: CompiledPath, sourceZone: Zone): Read<number | null> {
	const raw = readPath(record, path);
	const parsed = parseTimestamp(raw, sourceZone);
	if (!parsed.ok) {
		return { reason: 'invalid_timestamp', facts: { field: path.label, value: shown(raw), detail: parsed.problem } };
	}
	return { value: parsed.ms };
}

export function readTotal(record: unknown, path: CompiledPath): Read<number | null> {
	const raw = readPath(record, path);
	if (raw === undefined || raw === '') return { value: null };
	const total = typeof raw === 'number' ? raw : plainNumber(raw);
	if (total === null) return { reason: 'invalid_total', facts: { field: path.label, value: shown(raw), detail: 'is not a number' } };
	if (!Number.isFinite(total)) {
		return { reason: 'invalid_total', facts: { field: path.label, value: shown(raw), detail: 'is not a finite number' } };
	}
	if (total < 0) return { reason: 'invalid_total', facts: { field: path.label, value: shown(raw), detail: 'is negative' } };
	if (total > MAX_PLAUSIBLE_TOTAL) {
		return {
			reason: 'invalid_total',
			facts: { field: path.label, value: shown(raw), detail: 'is too large to be a real cart total' },
		};
	}
	return { value: total };
}

function readItemCount(record: unknown, path: CompiledPath): Read<number | null> {
	let raw = readPath(record, path);
	if (raw === undefined) return { value: null };
	if (typeof raw === 'string' && raw.trim().startsWith('[')) {
		try {
			raw = JSON.parse(raw) as unknown;
		} catch {
			return { reason: 'invalid_items', facts: { field: path.label, value: shown(raw) } };
		}
	}
	if (Array.isArray(raw)) return { value: raw.length };
	const count = wholeNumber(raw);
	if (count !== null) return { value: count };
	return { reason: 'invalid_items', facts: { field: path.label, value: shown(raw) } };
}

export function readReminderCount(record: unknown, path: CompiledPath): Read<number | null> {
	const raw = readPath(record, path);
	if (raw === undefined || raw === '') return { value: null };
	const count = wholeNumber(raw);
	if (count !== null) return { value: count };
	return { reason: 'invalid_reminder_count', facts: { field: path.label, value: shown(raw) } };
}

export function isUnreadable<T>(read: Read<T>): read is Unreadable {
	return 'reason' in read;
}

function scalarText(raw: unknown): string | null {
	if (raw === undefined || raw === '' || raw === 0 || raw === '0' || raw === false) return null;
	return typeof raw === 'string' ? raw.trim() || null : shown(raw);
}

/** One input row -> a Cart, or the reason the row cannot be a cart (the first problem found). */
export function readCart(record: unknown, paths: CompiledPaths, sourceZone: Zone): Cart | Unreadable {
	if (record === null || typeof record !== 'object' || Array.isArray(record)) {
		return { reason: 'not_an_object', facts: {} };
	}
	const rawId = readPath(record, paths.cartId);
	if (rawId === undefined || rawId === '') return { reason: 'missing_cart_id', facts: { field: paths.cartId.label } };
	if (typeof rawId !== 'string' && !(typeof rawId === 'number' && Number.isFinite(rawId))) {
		return { reason: 'invalid_cart_id', facts: { field: paths.cartId.label, detail: 'is neither text nor a number' } };
	}
	const id = String(rawId).trim();
	if (id === '') return { reason: 'missing_cart_id', facts: { field: paths.cartId.label } };
	if (id.length > MAX_CART_ID_LENGTH) {
		return { reason: 'invalid_cart_id', facts: { field: paths.cartId.label, detail: `is longer than ${MAX_CART_ID_LENGTH} characters` } };
	}

	const rawEmail = readPath(record, paths.email);
	if (rawEmail === undefined || (typeof rawEmail === 'string' && rawEmail.trim() === '')) {
		return { reason: 'missing_email', facts: { field: paths.email.label } };
	}
	if (typeof rawEmail !== 'string') {
		return { reason: 'invalid_email', facts: { value: shown(rawEmail), detail: 'is not text' } };
	}
	const email = normalizeEmail(rawEmail);
	if (email.length > MAX_EMAIL_LENGTH) return { reason: 'email_too_long', facts: {} };
	const problem = emailProblem(email);
	if (problem) return { reason: 'invalid_email', facts: { value: shown(rawEmail.trim()), detail: problem } };

	const rawZone = readPath(record, paths.timeZone);
	let zone: Zone | null = null;
	if (rawZone !== undefined && rawZone !== '') {
		zone = typeof rawZone === 'string' ? resolveZone(rawZone) : null;
		if (!zone) return { reason: 'unknown_time_zone', facts: { field: paths.timeZone.label, value: shown(rawZone) } };
	}

	const updatedAt = readTime(record, paths.updatedAt, sourceZone);
	if (isUnreadable(updatedAt)) return updatedAt;
	const createdAt = readTime(record, paths.createdAt, sourceZone);
	if (isUnreadable(createdAt)) return createdAt;
	const lastActivityAt = updatedAt.value ?? createdAt.value;
	if (lastActivityAt === null) {
		return {
			reason: 'missing_activity_time',
			facts: { field: `${paths.updatedAt.label}" or "${paths.createdAt.label}` },
		};
	}
	const completedAt = readTime(record, paths.completedAt, sourceZone);
	if (isUnreadable(completedAt)) return completedAt;
	const lastRemindedAt = readTime(record, paths.lastRemindedAt, sourceZone);
	if (isUnreadable(lastRemindedAt)) return lastRemindedAt;

	const total = readTotal(record, paths.total);
	if (isUnreadable(total)) return total;
	const itemCount = readItemCount(record, paths.items);
	if (isUnreadable(itemCount)) return itemCount;
	const remindersSent = readReminderCount(record, paths.remindersSent);
	if (isUnreadable(remindersSent)) return remindersSent;

	const rawStatus = readPath(record, paths.status);
	const rawConsent = readPath(record, paths.consent);
	return {
		id,
		email,
		lastActivityAt,
		completedAt: completedAt.value,
		orderId: scalarText(readPath(record, paths.orderId)),
		status: typeof rawStatus === 'string' ? rawStatus.trim().toLowerCase() : null,
		total: total.value,
		itemCount: itemCount.value,
		consent: readConsent(rawConsent),
		consentValue: rawConsent === undefined ? 'missing' : `"${shown(rawConsent)}"`,
		zone,
		lastRemindedAt: lastRemindedAt.value,
		remindersSent: remindersSent.value,
	};
}

export function isCart(read: Cart | Unreadable): read is Cart {
	return !('reason' in read);
}

/** A run's rows -> carts; a cart id seen before in the run is unreadable as a duplicate (its first row is used). */
export function readCarts(records: unknown[], paths: CompiledPaths, sourceZone: Zone): Array<Cart | Unreadable> {
	const seenIds = new Set<string>();
	return records.map((record) => {
		const read = readCart(record, paths, sourceZone);
		if (!isCart(read)) return read;
		if (seenIds.has(read.id)) return { reason: 'duplicate_cart', facts: { value: read.id } };
		seenIds.add(read.id);
		return read;
	});
}
