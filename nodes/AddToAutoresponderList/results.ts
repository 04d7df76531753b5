/** One result per input item, whatever happened to it. */
export type ItemStatus =
	| 'created'
	| 'added'
	| 're-added'
	| 'already-on-list'
	| 'removed'
	| 'skipped'
	| 'failed';

export interface ItemResult {
	index: number;
	email: string;
	contactId: string | null;
	listId: string | null;
	status: ItemStatus;
	/** Why: e.g. unsubscribed, no-consent, cooldown, not-found, not-on-list, invalid-email, quota-exceeded. */
	reason: string | null;
	/** Custom field label -> value written to Constant Contact. */
	customFields: Record<string, string>;
	/** Labels whose values were cut to fit Constant Contact's limits. */
	truncated: string[];
	/** Cart field labels whose values Constant Contact did not store (read back after a bulk import). */
	notWritten: string[];
	/** A sentence about what was not written, next to a status that is still true; null when everything was. */
	warning: string | null;
	/** Set when status is failed. */
	error?: Error;
	/** With Cart Items: the custom fields this node writes (of the account's 100), and all the account has. */
	customFieldsUsed?: number;
	customFieldsInAccount?: number;
}

export function itemResult(
	index: number,
	email: string,
	listId: string | null,
	status: ItemStatus,
	fields: Partial<
		Pick<ItemResult, 'contactId' | 'reason' | 'customFields' | 'truncated' | 'notWritten' | 'warning' | 'error' | 'customFieldsUsed' | 'customFieldsInAccount'>
	> = {},
): ItemResult {
	return {
		index,
		email,
		contactId: fields.contactId ?? null,
		listId,
		status,
		reason: fields.reason ?? null,
		customFields: fields.customFields ?? {},
		truncated: fields.truncated ?? [],
		notWritten: fields.notWritten ?? [],
		warning: fields.warning ?? null,
		error: fields.error,
		...(fields.customFieldsUsed === undefined ? {} : { customFieldsUsed: fields.customFieldsUsed, customFieldsInAccount: fields.customFieldsInAccount }),
	};
}

/** A short code for why an item failed, next to the sentence in `error`. */
export function failureReason(error: Error): string {
	const kind = (error as { kind?: string }).kind;
	const reason = (error as { reason?: string }).reason;
	if (reason) return reason;
	if (kind === 'quota') return 'quota-exceeded';
	if (kind) return `constant-contact-${kind}`;
	return 'error';
}

/** The reason of an item failed by the node's own settings (no list picked, a malformed list ID), not by Constant Contact. */
export const INVALID_PARAMETER_REASON = 'invalid-parameter';

/** A mistake in the node's parameters: the sentence names the parameter and the fix; n8n shows it as a NodeOperationError. */
export class InvalidParameterError extends Error {
	readonly reason = INVALID_PARAMETER_REASON;

	constructor(message: string) {
		super(message);
		this.name = 'InvalidParameterError';
	}
}

/** A mistake in one item's own data (an email no contact can have, a value too long): the item is reported, the others carry on. */
export class InvalidInputError extends Error {
	constructor(
		message: string,
		/** The short code shown as the item's reason, e.g. invalid-email, value-too-long. */
		readonly reason: string,
	) {
		super(message);
		this.name = 'InvalidInputError';
	}
}
