import type { Zone } from 'luxon';

import type { Cart } from './readCart';
import { REASONS, sentence, type DecisionKind, type ReasonCode, type ReasonFacts } from './reasons';
import { DAY_MS, MINUTE_MS, quietHoursEnd, toIso, type QuietHours } from './time';

/** What is known about reminders already sent for one cart. */
export interface CartState {
	sent: number;
	lastSentAt: number | null;
	/** Increases each time the sequence restarts, so (cart, step) keys of a new sequence are new keys. */
	sequence: number;
	/**
	 * Why the last step was handled without a reminder (Add to Autoresponder List's final skip reason, e.g.
	 * unsubscribed): the cart is not tried again unless its sequence restarts.
	 */
	handledWithoutReminder?: string;
}

/** The last reminder one shopper received, for the cooldown across carts. */
export interface EmailState {
	lastSentAt: number;
	cartId: string;
}

export interface MemoryView {
	cartState(cart: Cart): CartState | undefined;
	emailState(email: string): EmailState | undefined;
}

export interface Policy {
	inactivityMs: number;
	/** Delay of each reminder step after the shopper's last activity, ascending. */
	stepDelaysMs: number[];
	giveUpMs: number;
	minCartValue: number;
	requireItems: boolean;
	/** Lower-cased statuses that mean "paid"; pending or failed orders are not purchases. */
	purchaseStatuses: Set<string>;
	consentMode: 'optedIn' | 'everyone';
	cooldownMs: number;
	quietHours: QuietHours | null;
	defaultZone: Zone;
	restartOnUpdate: boolean;
	labels: { items: string; total: string; updatedAt: string };
}

export interface Decision {
	decision: DecisionKind;
	reason: ReasonCode;
	message: string;
	step: number | null;
	stepCount: number;
	/** Restart counter of the cart's reminder sequence (0 until "restart on update" restarts it). */
	sequence: number;
	dueAt: string | null;
	abandonedAt: string | null;
	cartAgeMinutes: number | null;
	nextCheckAt?: string | null;
}

/** A clock in the shop's data more than this far ahead of the evaluation time is wrong data, not a live cart. */
const FUTURE_TOLERANCE_MS = DAY_MS;

function humanDuration(ms: number): string {
	const minutes = Math.round(ms / MINUTE_MS);
	if (minutes % 1440 === 0) return `${minutes / 1440} day(s)`;
	if (minutes % 60 === 0) return `${minutes / 60} hour(s)`;
	return `${minutes} minute(s)`;
}

interface Timing {
	step: number | null;
	sequence: number;
	dueAt: number | null;
	abandonedAt: number | null;
	cartAgeMinutes: number | null;
}

function build(code: ReasonCode, facts: ReasonFacts, timing: Timing, stepCount: number, nextCheckAt?: number | null): Decision {
	const decision: Decision = {
		decision: REASONS[code].decision,
		reason: code,
		message: sentence(code, { stepCount, step: timing.step ?? undefined, ...facts }),
		step: timing.step,
		stepCount,
		sequence: timing.sequence,
		dueAt: toIso(timing.dueAt),
		abandonedAt: toIso(timing.abandonedAt),
		cartAgeMinutes: timing.cartAgeMinutes,
	};
	if (decision.decision === 'wait') decision.nextCheckAt = toIso(nextCheckAt ?? null);
	return decision;
}

/** A row that could not be read as a cart still gets a full decision object, so every output item has one shape. */
export function unreadableDecision(code: ReasonCode, facts: ReasonFacts, policy: Policy): Decision {
	const none: Timing = { step: null, sequence: 0, dueAt: null, abandonedAt: null, cartAgeMinutes: null };
	return build(code, facts, none, policy.stepDelaysMs.length);
}

/** Where the cart stands in its sequence: reminders sent, when the last went out, and whether it restarts. */
function sequenceState(cart: Cart, policy: Policy, known: CartState | undefined): CartState {
	if (!known) return { sent: 0, lastSentAt: null, sequence: 0 };
	if (policy.restartOnUpdate && known.lastSentAt !== null && cart.lastActivityAt > known.lastSentAt) {
		return { sent: 0, lastSentAt: null, sequence: known.sequence + 1 };
	}
	return known;
}

/**
 * The whole rule set for one cart at one instant. Pure: the clock (`now`) and the memory of sent reminders are
 * passed in, so any rule can be checked at any instant, daylight-saving days included.
 */
export function decide(cart: Cart, policy: Policy, now: number, memory: MemoryView): Decision {
	const stepCount = policy.stepDelaysMs.length;
	const abandonedAt = cart.lastActivityAt + policy.inactivityMs;
	const timing: Timing = {
		step: null,
		sequence: 0,
		dueAt: null,
		abandonedAt,
		cartAgeMinutes: Math.max(0, Math.floor((now - cart.lastActivityAt) / MINUTE_MS)),
	};
	const skip = (code: ReasonCode, facts: ReasonFacts = {}) => build(code, facts, timing, stepCount);

	if (cart.completedAt !== null && cart.completedAt <= now) {
		return skip('purchase_completed', { at: toIso(cart.completedAt) });
	}
	if (cart.orderId !== null) return skip('order_placed', { value: cart.orderId });
	if (cart.status !== null && policy.purchaseStatuses.has(cart.status)) {
		return skip('purchase_status', { value: cart.status });
	}
	if (cart.consent === 'opted_out') return skip('opted_out', { value: cart.consentValue });
	if (policy.consentMode === 'optedIn' && cart.consent !== 'yes') return skip('no_consent', { value: cart.consentValue });
	if (policy.requireItems) {
		if (cart.itemCount === null) return skip('missing_items', { field: policy.labels.items });
		if (cart.itemCount === 0) return skip('no_items');
	}
	if (policy.minCartValue > 0) {
		if (cart.total === null) return skip('missing_total', { field: policy.labels.total });
		if (cart.total < policy.minCartValue) {
			return skip('below_minimum_value', { value: String(cart.total), detail: String(policy.minCartValue) });
		}
	}
	if (cart.lastActivityAt > now + FUTURE_TOLERANCE_MS) {
		return skip('future_timestamp', { field: policy.labels.updatedAt, at: toIso(cart.lastActivityAt) });
	}

	const state = sequenceState(cart, policy, memory.cartState(cart));
	timing.sequence = state.sequence;
	if (state.handledWithoutReminder) {
		return skip('not_reachable', { step: state.sent, value: state.handledWithoutReminder });
	}
	if (state.sent >= stepCount) return skip('sequence_complete');

	const step = state.sent + 1;
	const delay = policy.stepDelaysMs[step - 1];
	const spacing = delay - (step > 1 ? policy.stepDelaysMs[step - 2] : 0);
	// A later step also keeps its distance from the previous send, so a backlog never fires two steps at once
	const dueAt = Math.max(
		cart.lastActivityAt + delay,
		abandonedAt,
		state.lastSentAt === null ? -Infinity : state.lastSentAt + spacing,
	);
	timing.step = step;
	timing.dueAt = dueAt;
	const giveUpAt = cart.lastActivityAt + policy.giveUpMs;
	const giveUp = { detail: humanDuration(policy.giveUpMs) };
	if (now > giveUpAt || dueAt > giveUpAt) return skip('gave_up', giveUp);

	if (now < abandonedAt) {
		return build('not_abandoned_yet', { at: toIso(abandonedAt) }, timing, stepCount, dueAt);
	}
	if (now < dueAt) return build('step_not_due', { at: toIso(dueAt) }, timing, stepCount, dueAt);

	const lastForShopper = memory.emailState(cart.email);
	if (lastForShopper && lastForShopper.cartId !== cart.id && now < lastForShopper.lastSentAt + policy.cooldownMs) {
		const until = lastForShopper.lastSentAt + policy.cooldownMs;
		return build('email_cooldown', { at: toIso(until), otherCart: lastForShopper.cartId }, timing, stepCount, until);
	}
	if (policy.quietHours) {
		const zone = cart.zone ?? policy.defaultZone;
		const quietUntil = quietHoursEnd(now, zone, policy.quietHours);
		if (quietUntil !== null) {
			return build('quiet_hours', { at: toIso(quietUntil), detail: zone.name }, timing, stepCount, quietUntil);
		}
	}
	return build('step_due', {}, timing, stepCount);
}

/** A "send" turned into "wait" after the run looked beyond one cart (another cart, another execution). */
export function holdBack(
	decision: Decision,
	code: 'same_shopper_in_batch' | 'step_already_sent',
	until: number,
	facts: ReasonFacts = {},
): Decision {
	return {
		...decision,
		decision: 'wait',
		reason: code,
		message: sentence(code, { step: decision.step ?? undefined, at: toIso(until), ...facts }),
		nextCheckAt: toIso(until),
	};
}

export interface Candidate {
	index: number;
	cart: Cart;
	decision: Decision;
}

/**
 * One reminder per shopper per run: when several carts of one email are due together, the most recently active
 * cart is sent and the others wait out the cooldown. Returns the candidates whose decision changed.
 */
export function oneReminderPerShopper(candidates: Candidate[], policy: Policy, now: number): Candidate[] {
	const winners = new Map<string, Candidate>();
	for (const candidate of candidates) {
		if (candidate.decision.decision !== 'send') continue;
		const current = winners.get(candidate.cart.email);
		if (!current || candidate.cart.lastActivityAt > current.cart.lastActivityAt) {
			winners.set(candidate.cart.email, candidate);
		}
	}
	const changed: Candidate[] = [];
	for (const candidate of candidates) {
		if (candidate.decision.decision !== 'send') continue;
		const winner = winners.get(candidate.cart.email);
		if (!winner || winner === candidate) continue;
		candidate.decision = holdBack(candidate.decision, 'same_shopper_in_batch', now + policy.cooldownMs, {
			otherCart: winner.cart.id,
		});
		changed.push(candidate);
	}
	return changed;
}

/**
 * Due carts whose step another execution already recorded (n8n's deduplication store) wait for the next step
 * instead. Returns the candidates whose decision changed.
 */
export function holdBackSentElsewhere(candidates: Candidate[], sentElsewhere: (candidate: Candidate) => boolean, policy: Policy, now: number): Candidate[] {
	const changed: Candidate[] = [];
	for (const candidate of candidates) {
		if (!sentElsewhere(candidate)) continue;
		candidate.decision = holdBack(candidate.decision, 'step_already_sent', nextStepCheck(candidate.decision, policy, now));
		changed.push(candidate);
	}
	return changed;
}

/** When the step after `decision.step` could be due, measured from a send now. */
export function nextStepCheck(decision: Decision, policy: Policy, now: number): number {
	const step = decision.step ?? 1;
	const next = policy.stepDelaysMs[step];
	return next === undefined ? now + policy.cooldownMs : now + (next - policy.stepDelaysMs[step - 1]);
}
