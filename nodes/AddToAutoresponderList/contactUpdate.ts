/** PUT bodies that change only what the caller adds: Constant Contact's PUT nulls every core property left out. */
import type { Contact, ContactUpdateBody } from '../ConstantContact/types';

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
