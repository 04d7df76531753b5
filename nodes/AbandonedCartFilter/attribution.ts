/**
 * Did a reminder earn this order? An order counts as recovered when its cart (or, without a cart id, its shopper)
 * was reminded and the order came after the last reminder, within the attribution window, and the cart was not
 * already counted. Time is passed in; plain TypeScript, no n8n here.
 */
import type { AttributionReason } from './reasons';
import { DEFAULT_ATTRIBUTION_WINDOW_DAYS } from './settings';
import { DAY_MS, HOUR_MS } from './time';

export interface Order {
	cartId: string | null;
	email: string | null;
	total: number | null;
	orderedAt: number;
}

/** What the reminder memory knows about the cart the order belongs to. */
export interface RemindedCart {
	cartId: string;
	/** Reminders sent for the cart; the last one is the step credited with the order. */
	steps: number;
	lastSentAt: number;
	/** When an earlier order of this cart was counted as recovered. */
	recoveredAt?: number | null;
}


export interface Attribution {
	recovered: boolean;
	reason: AttributionReason;
	cartId: string | null;
	/** The reminder credited (the last one sent before the order), or null when none was sent. */
	step: number | null;
	hoursSinceReminder: number | null;
	orderTotal: number | null;
}

export function attributeOrder(order: Order, reminded: RemindedCart | undefined, windowDays = DEFAULT_ATTRIBUTION_WINDOW_DAYS): Attribution {
	const base = { cartId: reminded?.cartId ?? order.cartId, orderTotal: order.total };
	if (!reminded || reminded.steps < 1) return { ...base, recovered: false, reason: 'no_reminder', step: null, hoursSinceReminder: null };
	const sinceReminderMs = order.orderedAt - reminded.lastSentAt;
	const facts = { ...base, step: reminded.steps, hoursSinceReminder: Math.round((sinceReminderMs / HOUR_MS) * 10) / 10 };
	if (sinceReminderMs < 0) return { ...facts, recovered: false, reason: 'ordered_before_reminder' };
	if (sinceReminderMs > windowDays * DAY_MS) return { ...facts, recovered: false, reason: 'outside_window' };
	// Counted once per reminder: a recovery on or after the last reminder already took its credit
	if (reminded.recoveredAt !== undefined && reminded.recoveredAt !== null && reminded.recoveredAt >= reminded.lastSentAt) {
		return { ...facts, recovered: false, reason: 'already_recovered' };
	}
	return { ...facts, recovered: true, reason: 'recovered' };
}

/** Where attribution finds what was sent: the reminder memory, or the rows of the shop's own table. */
export interface ReminderLookup {
	byCartId(cartId: string): RemindedCart | undefined;
	/** The shopper's most recently reminded cart, for orders that carry no cart id. */
	byEmail(email: string): RemindedCart | undefined;
	markRecovered(cartId: string, at: number): void;
}

/**
 * Orders in the order given (oldest first, as they happened); a recovered cart is marked so a second order of
 * the same cart is not counted again.
 */
export function attributeOrders(orders: Order[], reminders: ReminderLookup, windowDays = DEFAULT_ATTRIBUTION_WINDOW_DAYS): Attribution[] {
	return orders.map((order) => {
		const reminded =
			(order.cartId ? reminders.byCartId(order.cartId) : undefined) ?? (order.email ? reminders.byEmail(order.email) : undefined);
		const attribution = attributeOrder(order, reminded, windowDays);
		if (attribution.recovered && reminded) reminders.markRecovered(reminded.cartId, order.orderedAt);
		return attribution;
	});
}
