/**
 * The Recovery Report's daily figures counted from the shop's cart rows themselves ("Figures From: Cart Rows"), for
 * workflows that keep no daily table, such as the "Cart events by webhook" template with its n8n Data table. Each row
 * is one cart: when it was first seen, how many reminders reached the list and when the last went out, and when it was
 * ordered and for how much. Plain TypeScript, no n8n here.
 */
import { DateTime, type Zone } from 'luxon';

import { readPath, type CompiledPath } from '../shared/fieldPaths';
import { attributeOrder, type RemindedCart } from './attribution';
import { isUnreadable, readReminderCount, readTotal, shown } from './readCart';
import type { DailyFigures } from './recoveryReport';
import type { CartRowSettings } from './settings';
import { parseTimestamp } from './time';

/** Daily figures added up one event at a time, on the calendar day of `zone`. */
class DailyFiguresTally {
	private readonly days = new Map<string, DailyFigures>();

	constructor(private readonly zone: Zone) {}

	private dayOf(ms: number): DailyFigures {
		const day = DateTime.fromMillis(ms, {
			zone: this.zone,
		}).toISODate() as string;
		let figures = this.days.get(day);
		if (!figures) {
			figures = {
				day,
				cartsSeen: 0,
				remindedByStep: {},
				recoveredByStep: {},
				recoveredRevenue: 0,
			};
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

function timeOf(row: object, path: CompiledPath, settings: CartRowSettings, what: string): { ms: number | null } | { problem: string } {
	const raw = readPath(row, path);
	const parsed = parseTimestamp(raw, settings.sourceZone);
	if (!parsed.ok)
		return {
			problem: `${what} "${shown(raw)}" in "${path.label}" ${parsed.problem}.`,
		};
	return { ms: parsed.ms };
}

export function readCartRow(row: unknown, settings: CartRowSettings): CartRowFacts | { problem: string } {
	if (row === null || typeof row !== 'object' || Array.isArray(row))
		return {
			problem: 'The item is not a cart row (its JSON is not an object).',
		};
	const { paths } = settings;
	const rawId = readPath(row, paths.cartId);
	const cartId = typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId)) ? String(rawId).trim() : '';
	if (!cartId)
		return {
			problem: `The cart row has no cart ID (field "${paths.cartId.label}").`,
		};
	const firstSeen = timeOf(row, paths.firstSeenAt, settings, `Cart ${cartId}'s first-seen time`);
	if ('problem' in firstSeen) return firstSeen;
	if (firstSeen.ms === null)
		return {
			problem: `Cart ${cartId} has no time it was first seen (field "${paths.firstSeenAt.label}").`,
		};
	const facts: CartRowFacts = { cartId, firstSeenAt: firstSeen.ms };

	const steps = readReminderCount(row, paths.remindersSent);
	if (isUnreadable(steps))
		return {
			problem: `Cart ${cartId}'s reminder count "${steps.facts.value}" in "${steps.facts.field}" is not a whole number of 0 or more.`,
		};
	const lastSent = timeOf(row, paths.lastRemindedAt, settings, `Cart ${cartId}'s last reminder time`);
	if ('problem' in lastSent) return lastSent;
	if ((steps.value ?? 0) > 0) {
		if (lastSent.ms === null)
			return {
				problem: `Cart ${cartId} counts ${steps.value} reminder(s) but not when the last went out (field "${paths.lastRemindedAt.label}").`,
			};
		facts.reminded = {
			cartId,
			steps: steps.value as number,
			lastSentAt: lastSent.ms,
		};
	}

	const ordered = timeOf(row, paths.orderedAt, settings, `Cart ${cartId}'s order time`);
	if ('problem' in ordered) return ordered;
	if (ordered.ms !== null) {
		const total = readTotal(row, paths.orderTotal);
		if (isUnreadable(total))
			return {
				problem: `Cart ${cartId}'s order total "${total.facts.value}" in "${total.facts.field}" ${total.facts.detail}.`,
			};
		facts.order = { orderedAt: ordered.ms, total: total.value };
	}
	return facts;
}

/**
 * A cart is seen on the day it was first seen. A row keeps only when its last reminder went out, so each of its
 * reminders (steps 1 to Reminders Sent) is counted on that day. An order counts as recovered, on its own day and
 * credited to the last reminder, by the same rule as Record Order: after the last reminder, within the window.
 */
export function cartRowFigures(
	rows: unknown[],
	settings: CartRowSettings,
): {
	days: DailyFigures[];
	unreadable: Array<{ index: number; problem: string }>;
} {
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
		const attribution = attributeOrder(
			{
				cartId: facts.cartId,
				email: null,
				total: order.total,
				orderedAt: order.orderedAt,
			},
			reminded,
			settings.windowDays,
		);
		if (attribution.recovered && attribution.step !== null) tally.recovered(attribution.step, order.total ?? 0, order.orderedAt);
	});
	return { days: tally.figures(), unreadable };
}
