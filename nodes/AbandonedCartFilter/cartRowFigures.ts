/**
 * The Recovery Report's daily figures counted from the shop's cart rows themselves ("Figures From: Cart Rows"), for
 * workflows that keep no daily table, such as the "Cart events by webhook" template with its n8n Data table. Each row
 * is one cart: when it was first seen, how many reminders reached the list and when the last went out, and when it was
 * ordered and for how much. Plain TypeScript, no n8n here.
 */
import { DateTime, type Zone } from 'luxon';

import { readPath } from '../shared/fieldPaths';
import { attributeOrder, type RemindedCart } from './attribution';
import { isUnreadable, readReminderCount, readTime, readTotal, type Unreadable } from './readCart';
import { idText } from './readOrder';
import type { DailyFigures } from './recoveryReport';
import type { CartRowSettings } from './settings';

/** Daily figures added up one event at a time, on the calendar day of `zone`. */
class DailyFiguresTally {
	private readonly days = new Map<string, DailyFigures>();

	constructor(private readonly zone: Zone) {}

	private dayOf(ms: number): DailyFigures {
		const day = DateTime.fromMillis(ms, { zone: this.zone }).toISODate() as string;
		let figures = this.days.get(day);
		if (!figures) {
			figures = { day, cartsSeen: 0, remindedByStep: {}, recoveredByStep: {}, recoveredRevenue: 0 };
			this.days.set(day, figures);
		}
		return figures;
	}

	cartSeen(at: number): void {
		this.dayOf(at).cartsSeen += 1;
	}

	reminded(step: number, at: number): void {
		const figures = this.dayOf(at);
		figures.remindedByStep[step] = (figures.remindedByStep[step] ?? 0) + 1;
	}

	recovered(step: number, revenue: number, at: number): void {
		const figures = this.dayOf(at);
		figures.recoveredByStep[step] = (figures.recoveredByStep[step] ?? 0) + 1;
		// In cents, so a hundred 19.99 orders add up to 1999 and not 1998.9999999999998
		figures.recoveredRevenue = Math.round((figures.recoveredRevenue + revenue) * 100) / 100;
	}

	/** Oldest day first. */
	figures(): DailyFigures[] {
		return [...this.days.values()].sort((a, b) => a.day.localeCompare(b.day));
	}
}

/** One cart row's facts, or the sentence saying why the row cannot be counted. */
interface CartRowFacts {
	cartId: string;
	firstSeenAt: number;
	reminded?: RemindedCart;
	order?: { orderedAt: number; total: number | null };
}

/** `Cart c1's order total "12,50" in "order_total" is not a number.`: one unreadable column of a cart row. */
function unreadableColumn(what: string, { facts }: Unreadable): { problem: string } {
	return { problem: `${what} "${facts.value}" in "${facts.field}" ${facts.detail}.` };
}

export function readCartRow(row: unknown, settings: CartRowSettings): CartRowFacts | { problem: string } {
	if (row === null || typeof row !== 'object' || Array.isArray(row)) return { problem: 'The item is not a cart row (its JSON is not an object).' };
	const { paths, sourceZone } = settings;
	const cartId = idText(readPath(row, paths.cartId));
	if (cartId === null) return { problem: `The cart row has no cart ID (field "${paths.cartId.label}").` };
	const firstSeen = readTime(row, paths.firstSeenAt, sourceZone);
	if (isUnreadable(firstSeen)) return unreadableColumn(`Cart ${cartId}'s first-seen time`, firstSeen);
	if (firstSeen.value === null) return { problem: `Cart ${cartId} has no time it was first seen (field "${paths.firstSeenAt.label}").` };
	const facts: CartRowFacts = { cartId, firstSeenAt: firstSeen.value };

	const steps = readReminderCount(row, paths.remindersSent);
	if (isUnreadable(steps)) return { problem: `Cart ${cartId}'s reminder count "${steps.facts.value}" in "${steps.facts.field}" is not a whole number of 0 or more.` };
	const lastSent = readTime(row, paths.lastRemindedAt, sourceZone);
	if (isUnreadable(lastSent)) return unreadableColumn(`Cart ${cartId}'s last reminder time`, lastSent);
	if ((steps.value ?? 0) > 0) {
		if (lastSent.value === null) {
			return { problem: `Cart ${cartId} counts ${steps.value} reminder(s) but not when the last went out (field "${paths.lastRemindedAt.label}").` };
		}
		facts.reminded = { cartId, steps: steps.value as number, lastSentAt: lastSent.value };
	}

	const ordered = readTime(row, paths.orderedAt, sourceZone);
	if (isUnreadable(ordered)) return unreadableColumn(`Cart ${cartId}'s order time`, ordered);
	if (ordered.value !== null) {
		const total = readTotal(row, paths.orderTotal);
		if (isUnreadable(total)) return unreadableColumn(`Cart ${cartId}'s order total`, total);
		facts.order = { orderedAt: ordered.value, total: total.value };
	}
	return facts;
}

/**
 * A cart is seen on the day it was first seen. A row keeps only when its last reminder went out, so each of its
 * reminders (steps 1 to Reminders Sent) is counted on that day. An order counts as recovered, on its own day and
 * credited to the last reminder, by the same rule as Record Order: after the last reminder, within the window.
 */
export function cartRowFigures(rows: unknown[], settings: CartRowSettings): { days: DailyFigures[]; unreadable: Array<{ index: number; problem: string }> } {
	const tally = new DailyFiguresTally(settings.reportZone);
	const unreadable: Array<{ index: number; problem: string }> = [];
	rows.forEach((row, index) => {
		const facts = readCartRow(row, settings);
		if ('problem' in facts) {
			unreadable.push({ index, problem: facts.problem });
			return;
		}
		tally.cartSeen(facts.firstSeenAt);
		const { reminded, order } = facts;
		if (reminded) for (let step = 1; step <= reminded.steps; step++) tally.reminded(step, reminded.lastSentAt);
		if (!order) return;
		const attribution = attributeOrder({ cartId: facts.cartId, email: null, total: order.total, orderedAt: order.orderedAt }, reminded, settings.windowDays);
		if (attribution.recovered && attribution.step !== null) tally.recovered(attribution.step, order.total ?? 0, order.orderedAt);
	});
	return { days: tally.figures(), unreadable };
}
