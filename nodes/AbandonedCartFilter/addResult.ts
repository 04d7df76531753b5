/**
 * An item back from Add to Autoresponder List -> the reminder Mark Reminders Sent may record for it, or why not.
 * Plain TypeScript, no n8n here.
 */
import { normalizeEmail } from '../ConstantContact/email';
import { readPath } from '../shared/fieldPaths';
import { wholeNumber } from '../shared/numbers';
import type { MarkReason } from './reasons';
import type { MarkRules } from './settings';

/** Every status Add to Autoresponder List gives an item; other values in the field are not its answer. */
const ADD_STATUSES = new Set(['created', 'added', 're-added', 'already-on-list', 'removed', 'skipped', 'failed']);

export type MarkFacts = Record<string, string | number>;

/** A reminder to record: step `step` of sequence `sequence` reached the shopper, or was handled without one. */
export interface ReminderToRecord {
	cartId: string;
	email: string | null;
	step: number;
	sequence: number;
	/** Add's final skip reason (unsubscribed, ...) when the step was handled without a reminder. */
	handledWithoutReminder?: string;
}

export type AddResult = { record: ReminderToRecord } | { reason: MarkReason; facts: MarkFacts };

export function readAddResult(json: Record<string, unknown>, rules: MarkRules): AddResult {
	const status = readPath(json, rules.statusPath);
	const rawId = readPath(json, rules.paths.cartId);
	const decision = readPath(json, rules.decisionPath) as Record<string, unknown> | undefined;
	const step = wholeNumber(decision?.step);
	const sequence = wholeNumber(decision?.sequence) ?? 0;
	const statusText = status === undefined || status === null ? '' : String(status).trim().toLowerCase();
	// A cart's own status ("open") may travel through the add node: only the add node's statuses decide
	const addReason = String(readPath(json, rules.reasonPath) ?? '').trim().toLowerCase();
	// Skipped for a reason the next run would find again (unsubscribed): recorded as handled, so it is not looked up again
	const finalSkip = json.error === undefined && statusText === 'skipped' && rules.finalSkipReasons.has(addReason);
	const failedAdd = !finalSkip && (json.error !== undefined || (ADD_STATUSES.has(statusText) && !rules.successStatuses.has(statusText)));
	const notWritten = readPath(json, rules.notWrittenPath);
	const missingDetails = (Array.isArray(notWritten) ? notWritten : [notWritten]).filter((label) => typeof label === 'string' && label.trim() !== '');
	if (failedAdd) return { reason: 'not_on_list', facts: { status: statusText || 'error' } };
	if (missingDetails.length > 0 && !rules.recordWithoutCartDetails) {
		return { reason: 'cart_details_missing', facts: { fields: missingDetails.join(', ') } };
	}
	if (rawId === undefined || rawId === '' || typeof rawId === 'object') {
		return { reason: 'missing_cart_id', facts: { field: rules.paths.cartId.label } };
	}
	if (step === null || step < 1) return { reason: 'missing_step', facts: { field: `${rules.decisionPath.label}.step` } };
	const email = readPath(json, rules.paths.email);
	return {
		record: {
			cartId: String(rawId).trim(),
			email: typeof email === 'string' ? normalizeEmail(email) : null,
			step,
			sequence,
			...(finalSkip ? { handledWithoutReminder: addReason } : {}),
		},
	};
}
