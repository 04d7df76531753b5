/** Constant Contact V3 shapes this package reads and writes (only the fields it uses). */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type PermissionToSend =
	| 'explicit'
	| 'implicit'
	| 'not_set'
	| 'pending_confirmation'
	| 'temp_hold'
	| 'unsubscribed';

export interface ApiErrorItem {
	error_key: string;
	error_message?: string;
}

export interface PagingLinks {
	next?: { href: string };
}

export interface ContactList {
	list_id: string;
	name: string;
	description?: string;
	favorite?: boolean;
	created_at?: string;
	updated_at?: string;
	membership_count?: number;
}

export interface ContactListsPage {
	lists?: ContactList[];
	lists_count?: number;
	_links?: PagingLinks;
}

export interface ContactCustomFieldValue {
	custom_field_id: string;
	value: string;
}

/** Core properties: a PUT replaces all of them (omitted ones become null). */
export interface ContactCore {
	first_name?: string;
	last_name?: string;
	job_title?: string;
	company_name?: string;
	birthday_month?: number;
	birthday_day?: number;
	anniversary?: string;
}

export interface Contact extends ContactCore {
	contact_id: string;
	email_address?: {
		address: string;
		permission_to_send?: PermissionToSend;
		opt_out_source?: string;
	};
	create_source?: string;
	created_at?: string;
	updated_at?: string;
	deleted_at?: string;
	custom_fields?: ContactCustomFieldValue[];
	list_memberships?: string[];
	/** Read only by the live check; the nodes never send phone numbers, so a PUT keeps them. */
	phone_numbers?: Array<{ phone_number?: string; kind?: string }>;
}

export interface ContactsPage {
	contacts?: Contact[];
	contacts_count?: number;
	_links?: PagingLinks;
}

export type ContactInclude =
	| 'custom_fields'
	| 'list_memberships'
	| 'phone_numbers'
	| 'street_addresses'
	| 'taggings'
	| 'notes';

/** POST /contacts body. */
export interface ContactCreateBody {
	email_address: { address: string; permission_to_send: PermissionToSend };
	first_name?: string;
	last_name?: string;
	create_source: 'Account' | 'Contact';
	list_memberships?: string[];
	custom_fields?: ContactCustomFieldValue[];
}

/** PUT /contacts/{id} body: core properties left out become null, sub-resources left out stay. */
export interface ContactUpdateBody extends ContactCore {
	email_address: { address: string; permission_to_send?: PermissionToSend };
	update_source: 'Account' | 'Contact';
	list_memberships?: string[];
	custom_fields?: ContactCustomFieldValue[];
}

/** POST /contacts/sign_up_form body (flat: email is a string). Sets permission to explicit. */
export interface SignUpFormBody {
	email_address: string;
	first_name?: string;
	last_name?: string;
	list_memberships: string[];
	custom_fields?: ContactCustomFieldValue[];
}

export interface SignUpFormResult {
	contact_id: string;
	action?: string;
}

export interface CustomField {
	custom_field_id: string;
	label: string;
	name?: string;
	type?: string;
}

export interface CustomFieldsPage {
	custom_fields?: CustomField[];
	_links?: PagingLinks;
}

export type ActivityState = 'initialized' | 'processing' | 'completed' | 'cancelled' | 'failed' | 'timed_out';

export interface Activity {
	activity_id: string;
	state: ActivityState;
	percent_done?: number;
	activity_errors?: string[];
	status?: {
		items_total_count?: number;
		items_completed_count?: number;
		person_count?: number;
		error_count?: number;
		correctable_count?: number;
		cannot_add_to_list_count?: number;
		list_count?: number;
	};
	created_at?: string;
	started_at?: string;
	completed_at?: string;
	_links?: { self?: { href: string } };
}

/** One row of contacts_json_import: `cf:<custom field name>` keys carry custom field values. */
export type JsonImportContact = { email: string; first_name?: string; last_name?: string } & Record<
	string,
	string | undefined
>;
