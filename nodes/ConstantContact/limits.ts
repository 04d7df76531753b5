/** Constant Contact V3 limits (constant-contact-v3.md §4-§9). The one place these numbers live in node code. */

/** Requests per second per application (API key); every workflow using the same app shares it. */
export const REQUESTS_PER_SECOND = 4;
/** Requests per application per UTC day; the budget resets at 00:00 UTC. */
export const REQUESTS_PER_DAY = 10_000;

/** contact_ids per add_list_memberships / remove_list_memberships activity. */
export const MAX_CONTACT_IDS_PER_ACTIVITY = 500;

/** Contacts per contacts_json_import request. */
export const MAX_CONTACTS_PER_IMPORT = 40_000;
/** Payload of one contacts_json_import; Constant Contact silently drops data beyond it. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

/** Characters in one custom field value. */
export const MAX_CUSTOM_FIELD_VALUE_LENGTH = 255;
/** Custom fields one account can define. */
export const MAX_CUSTOM_FIELDS_PER_ACCOUNT = 100;
/** custom_fields items per contact in POST /contacts, PUT /contacts and the JSON import. */
export const MAX_CUSTOM_FIELDS_PER_CONTACT_WRITE = 25;
/** Characters in a custom field label. */
export const MAX_CUSTOM_FIELD_LABEL_LENGTH = 50;

/** Characters in email_address.address for POST and PUT /contacts. */
export const MAX_EMAIL_LENGTH = 80;
/** Characters in the email of sign_up_form and of the JSON import (the spec is stricter there). */
export const MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT = 50;
/** Characters in first_name, last_name, job_title, company_name. */
export const MAX_NAME_LENGTH = 50;
/** Characters in a list name. */
export const MAX_LIST_NAME_LENGTH = 255;

/** Constant Contact's IDs of lists, contacts and custom fields are UUIDs. */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID = new RegExp(UUID_PATTERN);

export function isUuid(value: string): boolean {
	return UUID.test(value);
}

/** Page sizes: the largest each endpoint accepts. */
export const CONTACTS_PAGE_SIZE = 500;
export const LISTS_PAGE_SIZE = 500;
export const CUSTOM_FIELDS_PAGE_SIZE = 100;
export const ACTIVITIES_PAGE_SIZE = 500;

/** Waiting for a bulk activity: first poll after this, then growing to the cap, giving up after the total. */
export const ACTIVITY_POLL_FIRST_DELAY_MS = 250;
export const ACTIVITY_POLL_MAX_DELAY_MS = 5_000;
export const ACTIVITY_POLL_MAX_WAIT_MS = 10 * 60 * 1000;

/**
 * Retries. A throttled 429 waits a growing moment plus a random share of a second, so executions that share the
 * application's 4 requests/s (queue-mode workers, overlapping runs) do not retry in lockstep; 5xx and dropped
 * connections back off exponentially.
 */
export const THROTTLED_MAX_RETRIES = 10;
/**
 * After a 429 throttled, a client halves the pace it allows itself (down to this many requests per second) and
 * regains this much per successful request, up to the 4 per second: executions that share the application's limit
 * (queue-mode workers, overlapping runs) settle on their share instead of retrying into each other.
 */
export const THROTTLED_MIN_PACE = 0.25;
export const PACE_REGAINED_PER_SUCCESS = 0.1;
export const THROTTLED_RETRY_DELAY_MS = 1_000;
export const THROTTLED_RETRY_JITTER_MS = 1_000;
export const SERVER_ERROR_MAX_RETRIES = 4;
export const SERVER_ERROR_FIRST_DELAY_MS = 500;
export const SIGN_UP_FORM_CONFLICT_MAX_RETRIES = 3;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Extra room in the 1-second window so network jitter cannot push a fifth request into a second. */
export const THROTTLE_WINDOW_MARGIN_MS = 100;
