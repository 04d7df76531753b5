/**
 * Every reason a cart is sent, held or skipped, with the sentence a marketer reads. One place: docs/reason-codes.md
 * is checked against this table by a test.
 */
import { REFUSED_ADDRESS_REASON } from '../ConstantContact/errors';
import { MAX_EMAIL_LENGTH } from '../ConstantContact/limits';

export type DecisionKind = 'send' | 'wait' | 'skip';

export interface ReasonFacts {
	step?: number;
	stepCount?: number;
	detail?: string;
	field?: string;
	value?: string;
	at?: string | null;
	otherCart?: string;
}

interface ReasonEntry {
	decision: DecisionKind;
	sentence: (f: ReasonFacts) => string;
}

export const REASONS = {
	step_due: {
		decision: 'send',
		sentence: (f) => `Reminder step ${f.step} of ${f.stepCount} is due now.`,
	},
	not_abandoned_yet: {
		decision: 'wait',
		sentence: (f) => `The shopper was active recently; the cart counts as abandoned at ${f.at}.`,
	},
	step_not_due: {
		decision: 'wait',
		sentence: (f) => `Reminder step ${f.step} of ${f.stepCount} is due at ${f.at}.`,
	},
	quiet_hours: {
		decision: 'wait',
		sentence: (f) =>
			`Reminder step ${f.step} is due, but it is quiet hours in the shopper's time zone (${f.detail}) until ${f.at}.`,
	},
	email_cooldown: {
		decision: 'wait',
		sentence: (f) =>
			`This shopper was reminded about cart ${f.otherCart} recently; the next reminder may go out at ${f.at}.`,
	},
	same_shopper_in_batch: {
		decision: 'wait',
		sentence: (f) =>
			`Another cart of this shopper (${f.otherCart}) gets the reminder in this run; this one waits until ${f.at}.`,
	},
	step_already_sent: {
		decision: 'wait',
		sentence: (f) =>
			`Reminder step ${f.step} was already recorded as sent by another execution; the next step is checked at ${f.at}.`,
	},
	missing_cart_id: {
		decision: 'skip',
		sentence: (f) => `The cart has no id (field "${f.field}"), so its reminders cannot be tracked.`,
	},
	invalid_cart_id: {
		decision: 'skip',
		sentence: (f) => `The cart id in "${f.field}" ${f.detail}.`,
	},
	duplicate_cart: {
		decision: 'skip',
		sentence: (f) => `Cart ${f.value} appears more than once in this run; only its first row is used.`,
	},
	missing_email: {
		decision: 'skip',
		sentence: (f) => `The cart has no email address (field "${f.field}"), so nobody can be reminded.`,
	},
	invalid_email: {
		decision: 'skip',
		sentence: (f) => `The email address "${f.value}" ${f.detail}.`,
	},
	email_too_long: {
		decision: 'skip',
		sentence: () => `The email address is longer than ${MAX_EMAIL_LENGTH} characters, which Constant Contact does not accept.`,
	},
	missing_activity_time: {
		decision: 'skip',
		sentence: (f) => `The cart has no last-activity time (fields "${f.field}"), so its age is unknown.`,
	},
	invalid_timestamp: {
		decision: 'skip',
		sentence: (f) => `The value "${f.value}" in "${f.field}" ${f.detail}.`,
	},
	future_timestamp: {
		decision: 'skip',
		sentence: (f) =>
			`The time in "${f.field}" (${f.at}) is more than a day after the evaluation time; check the data source's clock or time zone setting.`,
	},
	invalid_total: {
		decision: 'skip',
		sentence: (f) => `The cart total "${f.value}" in "${f.field}" ${f.detail}.`,
	},
	missing_total: {
		decision: 'skip',
		sentence: (f) => `The cart has no total (field "${f.field}") and a minimum cart value is set.`,
	},
	below_minimum_value: {
		decision: 'skip',
		sentence: (f) => `The cart total ${f.value} is below the minimum cart value of ${f.detail}.`,
	},
	missing_items: {
		decision: 'skip',
		sentence: (f) =>
			`The cart has no items field ("${f.field}") and Require Items is on; set the Items field or turn the option off.`,
	},
	invalid_items: {
		decision: 'skip',
		sentence: (f) => `The items value "${f.value}" in "${f.field}" is neither a list nor a count.`,
	},
	no_items: {
		decision: 'skip',
		sentence: () => 'The cart is empty.',
	},
	purchase_completed: {
		decision: 'skip',
		sentence: (f) => `The cart was completed at ${f.at}: the shopper bought.`,
	},
	order_placed: {
		decision: 'skip',
		sentence: (f) => `The cart has an order (${f.value}): the shopper bought.`,
	},
	purchase_status: {
		decision: 'skip',
		sentence: (f) => `The cart's status is "${f.value}": the shopper bought.`,
	},
	no_consent: {
		decision: 'skip',
		sentence: (f) =>
			`The shopper has not opted in to marketing (consent value ${f.value}), and only opted-in shoppers are reminded.`,
	},
	opted_out: {
		decision: 'skip',
		sentence: (f) => `The shopper opted out of marketing (consent value ${f.value}).`,
	},
	unknown_time_zone: {
		decision: 'skip',
		sentence: (f) => `The time zone "${f.value}" in "${f.field}" is not a known time zone name.`,
	},
	invalid_reminder_count: {
		decision: 'skip',
		sentence: (f) => `The reminder count "${f.value}" in "${f.field}" is not a whole number of 0 or more.`,
	},
	gave_up: {
		decision: 'skip',
		sentence: (f) =>
			`No reminder can go out within the give-up window (${f.detail} after the shopper's last activity); any reminder would now be too late.`,
	},
	not_reachable: {
		decision: 'skip',
		sentence: (f) =>
			`Add to Autoresponder List skipped this shopper at step ${f.step} (${f.value}) and Mark Reminders Sent recorded it as final: the cart is not tried again, so Constant Contact is not asked about the shopper again.`,
	},
	sequence_complete: {
		decision: 'skip',
		sentence: (f) => `All ${f.stepCount} reminder step(s) were already sent for this cart.`,
	},
	not_an_object: {
		decision: 'skip',
		sentence: () => 'The item is not a cart record (its JSON is not an object).',
	},
	internal_error: {
		decision: 'skip',
		sentence: (f) => `The filter could not decide this cart (${f.detail}); Continue On Fail routed it here.`,
	},
} satisfies Record<string, ReasonEntry>;

export type ReasonCode = keyof typeof REASONS;

export function sentence(code: ReasonCode, facts: ReasonFacts = {}): string {
	return (REASONS[code] as ReasonEntry).sentence(facts);
}

/**
 * Add to Autoresponder List's `skipped` reasons that the next run would find again: Constant Contact has the shopper
 * as unsubscribed or deleted, or refuses the address. Mark Reminders Sent's default *Final Skip Reasons*.
 */
export const DEFAULT_FINAL_SKIP_REASONS = ['unsubscribed', 'deleted', REFUSED_ADDRESS_REASON].join(', ');

/** Outcomes of "Mark Reminders Sent" and "Forget Shopper" for each item. */
export const MARK_REASONS = {
	recorded: 'The reminder was recorded; this step will not be sent again for this cart.',
	already_recorded: 'This reminder was already recorded (by this or another execution); nothing changed.',
	not_on_list: 'The shopper did not reach the list (status "{status}"), so the reminder was not recorded and the cart stays due.',
	handled_without_reminder:
		'No reminder goes out: Add to Autoresponder List skipped the shopper ({why}), which the next run would find again. This step is recorded as handled, so no later run looks the shopper up for it.',
	cart_details_missing: 'The shopper is on the list but Constant Contact did not store the cart details ({fields}), so the reminder was not recorded and the cart stays due.',
	missing_cart_id: 'The item has no cart id (field "{field}"), so no reminder could be recorded.',
	missing_step: 'The item has no reminder step (field "{field}"); wire this operation after the filter\'s Send Reminder output and the Add to Autoresponder List node.',
	forgotten: 'Everything remembered about this shopper was erased ({count} cart(s)).',
	missing_email: 'The item has no email address, so there was nothing to erase.',
} as const;

export type MarkReason = keyof typeof MARK_REASONS;

export function markSentence(code: MarkReason, facts: Record<string, string | number> = {}): string {
	return MARK_REASONS[code].replace(/\{(\w+)\}/g, (_, key: string) => String(facts[key] ?? ''));
}

export type AttributionReason = 'recovered' | 'no_reminder' | 'ordered_before_reminder' | 'outside_window' | 'already_recovered';

/** Outcomes of "Record Order" for each order: the `reason` of its `recovery` object. */
export const ATTRIBUTION_REASONS = {
	recovered: 'Recovered: the order came {hours} hour(s) after reminder step {step}, within the attribution window of {window} day(s).',
	no_reminder: 'Not recovered: no reminder is remembered for this cart or shopper.',
	ordered_before_reminder: 'Not recovered: the order came {hours} hour(s) before reminder step {step} went out.',
	outside_window: 'Not recovered: the order came {hours} hour(s) after reminder step {step}, after the attribution window of {window} day(s).',
	already_recovered: 'Not counted again: an earlier order of cart {cartId} was already counted as recovered for reminder step {step}.',
} as const satisfies Record<AttributionReason, string>;

export function attributionSentence(code: AttributionReason, facts: Record<string, string | number>): string {
	return ATTRIBUTION_REASONS[code].replace(/\{(\w+)\}/g, (_, key: string) => String(facts[key] ?? ''));
}
