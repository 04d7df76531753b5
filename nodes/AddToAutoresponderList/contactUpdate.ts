/**
 * PUT bodies that lose nothing. Constant Contact's PUT nulls every core property left out and replaces every
 * sub-resource it includes (reference §3.3): the body carries the contact's complete current custom field set and
 * list set, read right before the write, merged with the changes. Sub-resources the package never changes (phone
 * numbers, addresses, notes, tags) are left out, so Constant Contact keeps them.
 */
import { ConstantContactError } from '../ConstantContact/errors';
import { MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE } from '../ConstantContact/limits';
import type { Contact, ContactCustomFieldValue, ContactUpdateBody } from '../ConstantContact/types';

export function unchangedContact(existing: Contact, fallbackEmail: string): ContactUpdateBody {
	return {
		email_address: {
			address: existing.email_address?.address ?? fallbackEmail,
			// Sent back unchanged: a PUT must never change a contact's permission.
			permission_to_send: existing.email_address?.permission_to_send,
		},
		first_name: existing.first_name,
		last_name: existing.last_name,
		job_title: existing.job_title,
		company_name: existing.company_name,
		birthday_month: existing.birthday_month,
		birthday_day: existing.birthday_day,
		anniversary: existing.anniversary,
		update_source: 'Account',
	};
}

export interface ContactChanges {
	firstName?: string;
	lastName?: string;
	/** Values to set; every other value the contact holds is sent back unchanged. */
	customFields?: ContactCustomFieldValue[];
	/** A list to join; every list the contact is on is sent back too. */
	joinListId?: string;
}

/**
 * The PUT body for `current` (read with custom_fields and list_memberships right before) with `changes` applied.
 * Throws a ConstantContactError with reason too-many-custom-fields when the merged set exceeds the 25 a PUT carries:
 * any smaller set would erase the values left out.
 */
export function completeContactUpdate(current: Contact, fallbackEmail: string, changes: ContactChanges): ContactUpdateBody {
	const body: ContactUpdateBody = {
		...unchangedContact(current, fallbackEmail),
		first_name: changes.firstName ?? current.first_name,
		last_name: changes.lastName ?? current.last_name,
	};
	if (changes.customFields?.length) {
		const merged = new Map((current.custom_fields ?? []).map((field) => [field.custom_field_id, field.value]));
		for (const { custom_field_id, value } of changes.customFields) merged.set(custom_field_id, value);
		if (merged.size > MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE) throw tooManyCustomFields(body.email_address.address, merged.size);
		body.custom_fields = [...merged].map(([custom_field_id, value]) => ({ custom_field_id, value }));
	}
	if (changes.joinListId) {
		if (!current.list_memberships) throw new Error('completeContactUpdate needs the contact read with its list_memberships.');
		body.list_memberships = [...new Set([...current.list_memberships, changes.joinListId])];
	}
	return body;
}

function tooManyCustomFields(email: string, count: number): ConstantContactError {
	const error = new ConstantContactError(
		`Nothing was written for ${email}: the contact would hold ${count} custom field values, and Constant Contact's update (PUT) carries at most ${MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE} and erases every value it does not carry. Remove unused custom field values from this contact in Constant Contact, or map fewer cart fields.`,
		'api',
	);
	return Object.assign(error, { reason: 'too-many-custom-fields' });
}
