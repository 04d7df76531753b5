/** Typed calls per Constant Contact endpoint, all through the one client. */
import type { ConstantContactClient } from './httpClient';
import { normalizeEmail } from './email';
import { ConstantContactError } from './errors';
import {
	ACTIVITIES_PAGE_SIZE,
	ACTIVITY_POLL_FIRST_DELAY_MS,
	ACTIVITY_POLL_MAX_DELAY_MS,
	ACTIVITY_POLL_MAX_WAIT_MS,
	CONTACTS_PAGE_SIZE,
	CUSTOM_FIELDS_PAGE_SIZE,
	LISTS_PAGE_SIZE,
	MAX_CONTACT_IDS_PER_ACTIVITY,
	MAX_CONTACTS_PER_IMPORT,
	MAX_IMPORT_BYTES,
} from './limits';
import type {
	Activity,
	Contact,
	ContactCreateBody,
	ContactInclude,
	ContactList,
	ContactListsPage,
	ContactsPage,
	ContactUpdateBody,
	CustomField,
	CustomFieldsPage,
	JsonImportContact,
	SignUpFormBody,
	SignUpFormResult,
} from './types';

export interface Page<T> {
	items: T[];
	/** `_links.next.href` of Constant Contact, to pass back as `cursor`; undefined on the last page. */
	nextHref?: string;
}

export interface ActivityWaitOptions {
	maxWaitMs?: number;
	firstDelayMs?: number;
	maxDelayMs?: number;
}

const FINAL_ACTIVITY_STATES = new Set(['completed', 'cancelled', 'failed', 'timed_out']);

export class ConstantContactApi {
	constructor(
		readonly client: ConstantContactClient,
		private readonly sleep: (ms: number) => Promise<void>,
		private readonly now: () => number = () => Date.now(),
	) {}

	// ---- lists ------------------------------------------------------------------------------------------
	async searchLists(options: { cursor?: string; limit?: number; name?: string } = {}): Promise<Page<ContactList>> {
		const page = await this.client.request<ContactListsPage>({
			method: 'GET',
			path: options.cursor ?? '/contact_lists',
			query: options.cursor ? undefined : { limit: options.limit ?? LISTS_PAGE_SIZE, name: options.name },
			action: 'read the contact lists',
		});
		return { items: page.lists ?? [], nextHref: page._links?.next?.href };
	}

	async getList(listId: string): Promise<ContactList> {
		return await this.client.request<ContactList>({
			method: 'GET',
			path: `/contact_lists/${encodeURIComponent(listId)}`,
			action: `find the list with ID ${listId}`,
		});
	}

	/** The list with this name: Constant Contact's exact-name filter first, then every page, ignoring case. */
	async findListByName(name: string): Promise<ContactList | undefined> {
		const wanted = name.trim().toLowerCase();
		const matches = (list: ContactList) => list.name.trim().toLowerCase() === wanted;
		const exact = (await this.searchLists({ name: name.trim() })).items.find(matches);
		if (exact) return exact;
		let cursor: string | undefined;
		do {
			const page = await this.searchLists({ cursor });
			const found = page.items.find(matches);
			if (found) return found;
			cursor = page.nextHref;
		} while (cursor);
		return undefined;
	}

	async createList(name: string, description?: string): Promise<ContactList> {
		return await this.client.request<ContactList>({
			method: 'POST',
			path: '/contact_lists',
			body: { name, description, favorite: false },
			action: `create the list "${name}"`,
		});
	}

	// ---- contacts ---------------------------------------------------------------------------------------
	/** Any status, deleted included, so an unsubscribed or deleted contact is never mistaken for a new one. */
	async getContactByEmail(email: string, include: ContactInclude[] = []): Promise<Contact | undefined> {
		const wanted = normalizeEmail(email);
		const page = await this.client.request<ContactsPage>({
			method: 'GET',
			path: '/contacts',
			query: { email: wanted, status: 'all', include: include.join(',') || undefined },
			action: `look up the contact ${wanted}`,
		});
		return (page.contacts ?? []).find((contact) => normalizeEmail(contact.email_address?.address ?? '') === wanted);
	}

	async getContact(contactId: string, include: ContactInclude[] = []): Promise<Contact> {
		return await this.client.request<Contact>({
			method: 'GET',
			path: `/contacts/${encodeURIComponent(contactId)}`,
			query: { include: include.join(',') || undefined },
			action: 'read a contact',
		});
	}

	/** One page of contacts (500 at most); pass `cursor` from the previous page to continue. */
	async listContacts(
		options: { cursor?: string; include?: ContactInclude[]; status?: string; listId?: string; updatedAfter?: string } = {},
	): Promise<Page<Contact>> {
		const page = await this.client.request<ContactsPage>({
			method: 'GET',
			path: options.cursor ?? '/contacts',
			query: options.cursor
				? undefined
				: {
						limit: CONTACTS_PAGE_SIZE,
						status: options.status ?? 'all',
						include: options.include?.join(',') || undefined,
						lists: options.listId,
						updated_after: options.updatedAfter,
					},
			action: 'read the contacts',
		});
		return { items: page.contacts ?? [], nextHref: page._links?.next?.href };
	}

	/** Every contact of the account (or of one list), page by page: 500 per request. */
	async allContacts(options: { include?: ContactInclude[]; listId?: string; updatedAfter?: string } = {}): Promise<Contact[]> {
		const contacts: Contact[] = [];
		let cursor: string | undefined;
		do {
			const page = await this.listContacts({ ...options, cursor });
			contacts.push(...page.items);
			cursor = page.nextHref;
		} while (cursor);
		return contacts;
	}

	/** How many contacts the account holds, deleted ones included (one request). */
	async countContacts(): Promise<number> {
		const page = await this.client.request<ContactsPage>({
			method: 'GET',
			path: '/contacts',
			query: { limit: 1, status: 'all', include_count: true },
			action: 'count the contacts',
		});
		return page.contacts_count ?? 0;
	}

	/**
	 * The contacts with these email addresses, keyed by lower-cased email, at the lowest request cost: one look-up
	 * per address, or one read of the whole account (500 per request) when that is cheaper. Reading the account
	 * regardless would spend a large account's daily quota on a handful of shoppers. With `readAccountWhenCheaper`
	 * false, always one look-up per address: for callers whose cost must not depend on the account at all.
	 */
	async contactsByEmail(
		emails: Iterable<string>,
		include: ContactInclude[] = [],
		options: { readAccountWhenCheaper?: boolean } = {},
	): Promise<Map<string, Contact>> {
		const wanted = new Set([...emails].map(normalizeEmail));
		const byEmail = new Map<string, Contact>();
		if (wanted.size === 0) return byEmail;
		if ((options.readAccountWhenCheaper ?? true) && Math.ceil((await this.countContacts()) / CONTACTS_PAGE_SIZE) < wanted.size) {
			for (const contact of await this.allContacts({ include })) {
				const email = normalizeEmail(contact.email_address?.address ?? '');
				if (email && wanted.has(email)) byEmail.set(email, contact);
			}
			return byEmail;
		}
		for (const email of wanted) {
			const contact = await this.getContactByEmail(email, include);
			if (contact) byEmail.set(email, contact);
		}
		return byEmail;
	}

	async createContact(body: ContactCreateBody): Promise<Contact> {
		return await this.client.request<Contact>({
			method: 'POST',
			path: '/contacts',
			body,
			action: `create the contact ${body.email_address.address}`,
		});
	}

	async updateContact(contactId: string, body: ContactUpdateBody): Promise<Contact> {
		return await this.client.request<Contact>({
			method: 'PUT',
			path: `/contacts/${encodeURIComponent(contactId)}`,
			body,
			action: `update the contact ${body.email_address.address}`,
		});
	}

	/** Create-or-update by email. Sets permission to explicit: only for shoppers who gave explicit consent. */
	async signUpForm(body: SignUpFormBody): Promise<SignUpFormResult> {
		return await this.client.request<SignUpFormResult>({
			method: 'POST',
			path: '/contacts/sign_up_form',
			body,
			action: `sign up ${body.email_address}`,
			retryConflict: true,
		});
	}

	// ---- custom fields ----------------------------------------------------------------------------------
	async listCustomFields(): Promise<CustomField[]> {
		const fields: CustomField[] = [];
		let cursor: string | undefined;
		do {
			const page = await this.client.request<CustomFieldsPage>({
				method: 'GET',
				path: cursor ?? '/contact_custom_fields',
				query: cursor ? undefined : { limit: CUSTOM_FIELDS_PAGE_SIZE },
				action: 'read the custom fields',
			});
			fields.push(...(page.custom_fields ?? []));
			cursor = page._links?.next?.href;
		} while (cursor);
		return fields;
	}

	async createCustomField(label: string, type = 'string'): Promise<CustomField> {
		return await this.client.request<CustomField>({
			method: 'POST',
			path: '/contact_custom_fields',
			body: { label, type },
			action: `create the custom field "${label}"`,
		});
	}

	// ---- bulk activities --------------------------------------------------------------------------------
	async addListMemberships(contactIds: string[], listIds: string[]): Promise<Activity> {
		return await this.membershipActivity('add_list_memberships', contactIds, listIds, 'add contacts to the list');
	}

	async removeListMemberships(contactIds: string[], listIds: string[]): Promise<Activity> {
		return await this.membershipActivity('remove_list_memberships', contactIds, listIds, 'remove contacts from the list');
	}

	private async membershipActivity(
		endpoint: string,
		contactIds: string[],
		listIds: string[],
		action: string,
	): Promise<Activity> {
		contactIds = [...new Set(contactIds)];
		if (contactIds.length > MAX_CONTACT_IDS_PER_ACTIVITY) {
			throw new ConstantContactError(
				`Could not ${action}: at most ${MAX_CONTACT_IDS_PER_ACTIVITY} contacts fit in one request (got ${contactIds.length}).`,
				'api',
			);
		}
		return await this.client.request<Activity>({
			method: 'POST',
			path: `/activities/${endpoint}`,
			body: { source: { contact_ids: contactIds }, list_ids: listIds },
			action,
		});
	}

	async importContacts(importData: JsonImportContact[], listIds: string[]): Promise<Activity> {
		return await this.client.request<Activity>({
			method: 'POST',
			path: '/activities/contacts_json_import',
			body: { import_data: importData, list_ids: listIds },
			action: `import ${importData.length} contacts`,
		});
	}

	async getActivity(activityId: string): Promise<Activity> {
		return await this.client.request<Activity>({
			method: 'GET',
			path: `/activities/${encodeURIComponent(activityId)}`,
			action: 'check the progress of a bulk activity',
		});
	}

	/** The first page (at most 500) of the account's activities of the last 10 days; Constant Contact does not document their order. */
	async recentActivities(): Promise<Activity[]> {
		const page = await this.client.request<{ activities?: Activity[] }>({
			method: 'GET',
			path: '/activities',
			query: { limit: ACTIVITIES_PAGE_SIZE },
			action: 'check the progress of bulk activities',
		});
		return page.activities ?? [];
	}

	/** Polls until the activity is completed, failed, cancelled or timed out; throws when it takes too long. */
	async waitForActivity(activity: Activity, options: ActivityWaitOptions = {}): Promise<Activity> {
		return (await this.waitForActivities([activity], options))[0];
	}

	/**
	 * Polls several activities until each is completed, failed, cancelled or timed out, and returns them in the given
	 * order; throws when one takes too long. While more than one is pending, a round reads the account's activity list
	 * (one request for all of them, GET /activities); Constant Contact does not document that list's order, so an
	 * activity missing from its one page is read on its own, and when none of ours is on it, every later round reads
	 * each pending activity on its own (GET /activities/{id}) instead of paging through the account's history.
	 */
	async waitForActivities(activities: Activity[], options: ActivityWaitOptions = {}): Promise<Activity[]> {
		const maxWaitMs = options.maxWaitMs ?? ACTIVITY_POLL_MAX_WAIT_MS;
		const maxDelayMs = options.maxDelayMs ?? ACTIVITY_POLL_MAX_DELAY_MS;
		let delay = options.firstDelayMs ?? ACTIVITY_POLL_FIRST_DELAY_MS;
		const started = this.now();
		const latest = new Map(activities.map((activity) => [activity.activity_id, activity]));
		const pending = () => [...latest.values()].filter((activity) => !FINAL_ACTIVITY_STATES.has(activity.state));
		let readTheList = true;
		while (pending().length > 0) {
			if (this.now() - started >= maxWaitMs) {
				throw new ConstantContactError(
					`Constant Contact is still processing bulk activity ${pending()[0].activity_id} after ${Math.round(maxWaitMs / 1000)} s; its result is unknown. Check the list in Constant Contact before running again.`,
					'activity',
				);
			}
			await this.sleep(delay);
			delay = Math.min(delay * 2, maxDelayMs);
			let unseen = pending();
			if (readTheList && unseen.length > 1) {
				const listed = (await this.recentActivities()).filter((activity) => latest.has(activity.activity_id));
				for (const activity of listed) latest.set(activity.activity_id, activity);
				readTheList = listed.length > 0;
				const seen = new Set(listed.map((activity) => activity.activity_id));
				unseen = unseen.filter((activity) => !seen.has(activity.activity_id));
			}
			for (const activity of unseen) latest.set(activity.activity_id, await this.getActivity(activity.activity_id));
		}
		return activities.map((activity) => latest.get(activity.activity_id)!);
	}
}

export function chunk<T>(values: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
	return chunks;
}

export function utf8ByteLength(text: string): number {
	let bytes = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x80) bytes += 1;
		else if (code < 0x800) bytes += 2;
		else if (code >= 0xd800 && code <= 0xdbff) {
			bytes += 4;
			index++;
		} else bytes += 3;
	}
	return bytes;
}

/** Splits import rows into requests of at most 40,000 contacts and under 4 MB of JSON each. */
export function chunkImportRows(
	rows: JsonImportContact[],
	listIds: string[],
	maxContacts = MAX_CONTACTS_PER_IMPORT,
	maxBytes = MAX_IMPORT_BYTES,
): JsonImportContact[][] {
	const envelope = utf8ByteLength(JSON.stringify({ import_data: [], list_ids: listIds }));
	const chunks: JsonImportContact[][] = [];
	let current: JsonImportContact[] = [];
	let bytes = envelope;
	for (const row of rows) {
		const rowBytes = utf8ByteLength(JSON.stringify(row)) + 1;
		if (current.length > 0 && (current.length >= maxContacts || bytes + rowBytes >= maxBytes)) {
			chunks.push(current);
			current = [];
			bytes = envelope;
		}
		current.push(row);
		bytes += rowBytes;
	}
	if (current.length > 0) chunks.push(current);
	return chunks;
}
