/**
 * Which reminder of the sequence an item is: one setting of Add Contact to List, read once per item, that Cart Items
 * (ac_step), the signed recovery link (utm_content) and the coupon (From Step) all use.
 */
import type { INodeProperties } from 'n8n-workflow';

import { InvalidInputError } from './results';

/** The filter's Decide output carries the step in decision.step; an item without one is the first reminder. */
export const DEFAULT_STEP_EXPRESSION = '={{ $json.decision?.step ?? 1 }}';
export const INVALID_STEP_REASON = 'invalid-step';

export const reminderStepOption: INodeProperties = {
	displayName: 'Reminder Step',
	name: 'reminderStep',
	type: 'string',
	default: DEFAULT_STEP_EXPRESSION,
	description:
		'Which reminder this is (1, 2, …): written to ac_step by Cart Items, put in the signed link\'s utm_content=step-N, compared with the coupon\'s From Step. Abandoned Cart Filter\'s Decide gives it in decision.step.',
};

/** A reminder step as the filter's Decide gives it; empty means the first reminder, anything else but 1, 2, … fails the item. */
export function reminderStep(value: unknown): number {
	if (value === undefined || value === null || value === '') return 1;
	const step = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) {
		throw new InvalidInputError(
			`The reminder step ${JSON.stringify(value)} is not a whole number from 1 on. Check Options → Reminder Step (Abandoned Cart Filter's Decide gives it in decision.step).`,
			INVALID_STEP_REASON,
		);
	}
	return step;
}

/** The step as the option's default expression reads it, for a node whose Options do not list Reminder Step. */
export function defaultReminderStepOf(json: unknown): unknown {
	const decision = (json as { decision?: unknown } | undefined)?.decision;
	return decision !== null && typeof decision === 'object' ? (decision as { step?: unknown }).step : undefined;
}
