/** What one add run shares between its strategies (one by one, in bulk): settings, resolved fields, results. */
import type { ConstantContactApi } from '../ConstantContact/api';
import { REFUSED_ADDRESS_REASON, refusedAddress } from '../ConstantContact/errors';
import type { Contact, ContactCustomFieldValue } from '../ConstantContact/types';
import type { AddPolicy, ConsentPolicy, RepeatPolicy } from './decide';
import { writeListEntry } from './reentry';
import { itemResult, type ItemResult, type ItemStatus } from './results';
import type { Shopper } from './shopper';

export interface AddSettings {
	listId: string;
	consentPolicy: ConsentPolicy;
	repeatAbandoners: RepeatPolicy;
	cooldownMs: number;
	reentryFieldLabel: string;
	createMissingFields: boolean;
	/** At or above this many shoppers, use bulk import and membership activities. */
	bulkThreshold: number;
	/** Report on each item how many custom fields the node uses (Cart Items is on). */
	reportFieldBudget?: boolean;
	now: number;
	/** Without Continue On Fail the run ends at the first failure, so nothing after it should change. */
	stopAtFirstFailure?: boolean;
}

/** A contact read with what the decision and a complete PUT need. */
export const CONTACT_INCLUDE = ['custom_fields', 'list_memberships'] as const;

export interface Run {
	api: ConstantContactApi;
	settings: AddSettings;
	policy: AddPolicy;
	fieldIds: Map<string, string>;
	/** custom_field_id -> name, the key of `cf:<name>` in imports. */
	fieldNames: Map<string, string>;
	results: Map<number, ItemResult>;
	/** The custom fields this run writes, and all the account has: set when the settings ask to report them. */
	fieldBudget?: Pick<ItemResult, 'customFieldsUsed' | 'customFieldsInAccount'>;
}

export interface Written {
	customFields: ContactCustomFieldValue[];
	byLabel: Record<string, string>;
}

/** The custom field values to write; in re-trigger mode plus the list entry time when the contact joins. */
export function fieldsToWrite(run: Run, shopper: Shopper, contact: Contact | undefined, joins: boolean): Written {
	const written: Written = { customFields: [], byLabel: {} };
	for (const { label, value } of shopper.cartValues) {
		written.customFields.push({ custom_field_id: run.fieldIds.get(label)!, value });
		written.byLabel[label] = value;
	}
	for (const label of staleLabels(run, shopper, contact)) {
		written.customFields.push({ custom_field_id: run.fieldIds.get(label)!, value: '' });
		written.byLabel[label] = '';
	}
	const reentryFieldId = run.policy.reentryFieldId;
	if (joins && reentryFieldId) {
		const previous = contact?.custom_fields?.find((field) => field.custom_field_id === reentryFieldId)?.value;
		const value = writeListEntry(previous, run.settings.listId, run.settings.now);
		written.customFields.push({ custom_field_id: reentryFieldId, value });
		written.byLabel[run.settings.reentryFieldLabel] = value;
	}
	return written;
}

/** Labels this cart leaves empty whose field still holds a value on the contact (a longer, earlier cart's items). */
export function staleLabels(run: Run, shopper: Shopper, contact: Contact | undefined): string[] {
	const held = new Map((contact?.custom_fields ?? []).map((field) => [field.custom_field_id, field.value]));
	return (shopper.emptied ?? []).filter((label) => !!held.get(run.fieldIds.get(label) ?? ''));
}

export const JOIN_STATUS: Record<'create' | 'join' | 'rejoin' | 'stay', ItemStatus> = {
	create: 'created',
	join: 'added',
	rejoin: 're-added',
	stay: 'already-on-list',
};

/**
 * Constant Contact refused to store the shopper's address: the item is skipped with reason `rejected-email` (every
 * later run would be refused the same way, so Mark Reminders Sent records it as final). Any other error is thrown.
 */
export function recordRefusedAddress(run: Run, shopper: Shopper, error: Error): void {
	const said = refusedAddress(error);
	if (!said) throw error;
	record(run, shopper, 'skipped', { reason: REFUSED_ADDRESS_REASON, warning: refusedAddressWarning(shopper, said) });
}

export function refusedAddressWarning(shopper: Shopper, said: string): string {
	return `Constant Contact refused to store ${shopper.email} (${said}); nothing was written. Check the address with the shopper.`;
}

export function record(run: Run, shopper: Shopper, status: ItemStatus, fields: Parameters<typeof itemResult>[4] = {}): void {
	run.results.set(
		shopper.index,
		itemResult(shopper.index, shopper.email, run.settings.listId, status, { truncated: shopper.truncated, ...run.fieldBudget, ...fields }),
	);
}
