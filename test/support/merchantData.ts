/**
 * A merchant's account as the package meets it in real life: existing customers who carry the merchant's own custom
 * field values, lists, phone numbers, an address, a note and a tag. Used by the data-preservation tests (jest and
 * real-n8n e2e) to show that the package changes only its own fields (ac_*) and the reminder list membership.
 */
import type { FakeConstantContactControl } from '../fake-constant-contact';

/** Labels of the custom fields this package writes start with this (ac_cart_id, ac_recovery_url, ac_list_entries). */
export const PACKAGE_FIELD_PREFIX = 'ac_';

const MERCHANT_FIELDS = {
	loyalty_tier: 'gold',
	store_credit: '25.00',
	preferred_store: 'Leeds',
	referral_code: 'FRIEND-7781',
	wholesale_account: 'no',
};

export interface MerchantAccount {
	/** Customers already on the reminder list (with cart values of an earlier run). */
	onTheList: string[];
	/** Customers on the merchant's other lists only. */
	offTheList: string[];
	emails: string[];
	/** Each customer's merchant data as seeded, keyed by email. */
	before: Map<string, MerchantView>;
}

export interface MerchantView {
	first_name?: unknown;
	last_name?: unknown;
	permission?: unknown;
	customFields: Record<string, string>;
	lists: string[];
	phone_numbers: unknown;
	street_addresses: unknown;
	notes: unknown;
	taggings: unknown;
}

type Control = Pick<FakeConstantContactControl, 'seedList' | 'seedContact' | 'seedCustomField' | 'findContactByEmail' | 'snapshot'>;

/** Three other lists, five merchant custom fields and three customers: two on the reminder list, one not. */
export function seedMerchantAccount(control: Control, reminderListId: string, prefix = 'customer'): MerchantAccount {
	const lists = ['Newsletter', 'VIP customers', 'Spring sale 2026'].map((name) => String(control.seedList({ name: `${name} (${prefix})` }).list_id));
	const known = new Set(control.snapshot().customFields.map((field) => String(field.label)));
	for (const label of [...Object.keys(MERCHANT_FIELDS), 'ac_recovery_url']) if (!known.has(label)) control.seedCustomField({ label });
	const seed = (n: number, onReminderList: boolean) => {
		const email = `${prefix}.${n}@example.com`;
		control.seedContact({
			email,
			firstName: `Customer ${n}`,
			lastName: 'Merchant',
			permission: 'explicit',
			listIds: onReminderList ? [reminderListId, ...lists] : lists,
			customFields: onReminderList ? { ...MERCHANT_FIELDS, ac_cart_id: `cart-old-${n}` } : { ...MERCHANT_FIELDS },
			phoneNumbers: [
				{ phone_number: `+44 113 496 00${n}0`, kind: 'home' },
				{ phone_number: `+44 7700 900${n}00`, kind: 'mobile' },
			],
			streetAddresses: [{ kind: 'home', street: `${n} Briggate`, city: 'Leeds', state: 'West Yorkshire', postal_code: 'LS1 6HD', country: 'GB' }],
			notes: [{ note_id: `note-${n}`, content: 'Prefers phone orders', created_at: '2026-01-05T10:00:00Z' }],
			taggings: [`tag-wholesale-${n}`],
		});
		return email;
	};
	const onTheList = [seed(1, true), seed(2, true)];
	const offTheList = [seed(3, false)];
	const emails = [...onTheList, ...offTheList];
	return { onTheList, offTheList, emails, before: new Map(emails.map((email) => [email, merchantData(control, email, reminderListId)])) };
}

function fieldLabels(control: Control): Map<string, string> {
	return new Map(control.snapshot().customFields.map((field) => [String(field.custom_field_id), String(field.label)]));
}

/** The customer's data that belongs to the merchant: everything except this package's fields and the reminder list. */
export function merchantData(control: Control, email: string, reminderListId: string): MerchantView {
	const contact = control.findContactByEmail(email) as Record<string, any> | undefined;
	if (!contact) throw new Error(`The customer ${email} is gone from Constant Contact.`);
	const labels = fieldLabels(control);
	const customFields: Record<string, string> = {};
	for (const field of contact.custom_fields ?? []) {
		const label = labels.get(field.custom_field_id) ?? field.custom_field_id;
		if (!label.startsWith(PACKAGE_FIELD_PREFIX)) customFields[label] = field.value;
	}
	return {
		first_name: contact.first_name,
		last_name: contact.last_name,
		permission: contact.email_address?.permission_to_send,
		customFields,
		lists: (contact.list_memberships as string[]).filter((id) => id !== reminderListId).sort(),
		phone_numbers: contact.phone_numbers,
		street_addresses: contact.street_addresses,
		notes: contact.notes,
		taggings: contact.taggings,
	};
}

/** This package's own field values on the customer (label -> value). */
export function packageFieldValues(control: Control, email: string): Record<string, string> {
	const contact = control.findContactByEmail(email) as Record<string, any>;
	const labels = fieldLabels(control);
	const values: Record<string, string> = {};
	for (const field of contact.custom_fields ?? []) {
		const label = labels.get(field.custom_field_id) ?? '';
		if (label.startsWith(PACKAGE_FIELD_PREFIX)) values[label] = field.value;
	}
	return values;
}

/** Sentences naming every difference between the merchant's data before and now; empty when all of it is kept. */
export function merchantDataLost(control: Control, account: MerchantAccount, reminderListId: string): string[] {
	const problems: string[] = [];
	for (const email of account.emails) {
		const before = account.before.get(email)!;
		const now = merchantData(control, email, reminderListId);
		for (const key of Object.keys(before) as Array<keyof MerchantView>) {
			if (JSON.stringify(before[key]) !== JSON.stringify(now[key])) {
				problems.push(`${email}: ${key} was ${JSON.stringify(before[key])}, is ${JSON.stringify(now[key])}`);
			}
		}
	}
	return problems;
}
