/**
 * One order item -> the order Record Order attributes, or the sentence saying why it cannot be read. With
 * "My Data Source Tracks It" the item also carries its cart's reminder columns. Plain TypeScript, no n8n here.
 */
import type { Zone } from 'luxon';

import { normalizeEmail } from '../ConstantContact/email';
import { readPath, type CompiledPath } from '../shared/fieldPaths';
import type { Order, RemindedCart } from './attribution';
import { isUnreadable, readReminderCount, readTotal, shown } from './readCart';
import type { CompiledOrderPaths } from './settings';
import { parseTimestamp } from './time';

export interface OrderRow {
	order: Order;
	/** The cart's reminders as the row's own columns tell them ("My Data Source Tracks It" only). */
	reminded?: RemindedCart;
}

export type OrderRead = OrderRow | { problem: string };

function timeOf(record: unknown, path: CompiledPath, zone: Zone, what: string): { ms: number | null } | { problem: string } {
	const raw = readPath(record, path);
	const parsed = parseTimestamp(raw, zone);
	if (!parsed.ok) return { problem: `The ${what} "${shown(raw)}" in "${path.label}" ${parsed.problem}.` };
	return { ms: parsed.ms };
}

/** An id given as text or a number, trimmed; null when there is none. */
export function idText(raw: unknown): string | null {
	if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) return null;
	return String(raw).trim() || null;
}

/** `withReminderColumns`: the item is the order joined with its cart row (My Data Source Tracks It). */
export function readOrder(record: unknown, paths: CompiledOrderPaths, zone: Zone, withReminderColumns: boolean): OrderRead {
	if (record === null || typeof record !== 'object' || Array.isArray(record)) {
		return { problem: 'The item is not an order record (its JSON is not an object).' };
	}
	const cartId = idText(readPath(record, paths.cartId));
	const rawEmail = readPath(record, paths.email);
	const email = typeof rawEmail === 'string' && rawEmail.trim() !== '' ? normalizeEmail(rawEmail) : null;
	if (cartId === null && email === null) {
		return {
			problem: `The order has neither a cart id (field "${paths.cartId.label}") nor an email (field "${paths.email.label}"), so no reminder can be matched to it.`,
		};
	}
	if (withReminderColumns && cartId === null) {
		return {
			problem: `With "My Data Source Tracks It" each order must carry its cart id (field "${paths.cartId.label}") and the cart's reminder columns: join the order with your cart table.`,
		};
	}
	const orderedAt = timeOf(record, paths.orderedAt, zone, 'order time');
	if ('problem' in orderedAt) return orderedAt;
	if (orderedAt.ms === null) {
		return { problem: `The order has no time (field "${paths.orderedAt.label}"), so it cannot be matched to a reminder's window.` };
	}
	const total = readTotal(record, paths.total);
	if (isUnreadable(total)) return { problem: `The order total "${total.facts.value}" in "${total.facts.field}" ${total.facts.detail}.` };
	const order: Order = { cartId, email, total: total.value, orderedAt: orderedAt.ms };
	if (!withReminderColumns) return { order };

	const lastSent = timeOf(record, paths.lastRemindedAt, zone, 'last reminder time');
	if ('problem' in lastSent) return lastSent;
	const steps = readReminderCount(record, paths.remindersSent);
	if (isUnreadable(steps)) return { problem: `The reminder count "${steps.facts.value}" in "${steps.facts.field}" is not a whole number of 0 or more.` };
	const recoveredAt = timeOf(record, paths.recoveredAt, zone, 'recovery time');
	if ('problem' in recoveredAt) return recoveredAt;
	if (lastSent.ms === null) return { order };
	const reminded = { cartId: cartId as string, steps: Math.max(steps.value ?? 0, 1), lastSentAt: lastSent.ms, recoveredAt: recoveredAt.ms };
	return { order, reminded };
}
