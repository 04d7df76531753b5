/** The stand-in's account: contacts, lists, custom fields, activities and automation entries, indexed for 10,000+ contacts. */
import { randomUUID } from 'node:crypto';

export type Permission =
	| 'explicit'
	| 'implicit'
	| 'unsubscribed'
	| 'pending_confirmation'
	| 'not_set'
	| 'temp_hold';
export type ReentryPolicy = 'once-per-contact' | 'after-removal';
/**
 * What PUT /contacts/{id} does with an included custom_fields or list_memberships array. 'replace' (default): the
 * array replaces the stored set, so values and lists left out are erased (reference §3.3 [P1][P2]). 'merge': the
 * array is added to the stored set, the kinder reading this stand-in used before; kept so the live check's verdict
 * lines can be shown to tell the two apart.
 */
export type PutSemantics = 'replace' | 'merge';
/**
 * How GET /contacts?email= matches. 'exact' (default): against the address as stored, in lower case, so a mixed-case
 * query finds nothing (reference §13: legacy docs say another case "will not work"; v3 unconfirmed).
 * 'case-insensitive': the kinder reading.
 */
export type EmailLookup = 'exact' | 'case-insensitive';
export type JoinRoute =
	| 'seed'
	| 'contacts'
	| 'contacts_put'
	| 'sign_up_form'
	| 'add_list_memberships'
	| 'contacts_json_import';

/** Constant Contact's limits, written down here independently of the client's constants (see STYLE.md). */
export const LIMITS = {
	listsPerContact: 50,
	listsPerAccount: 1000,
	customFieldsPerAccount: 100,
	customFieldValueLength: 255,
	customFieldLabelLength: 50,
	customFieldTypeLength: 20,
	listNameLength: 255,
	activityContactIds: 500,
	activityListIds: 50,
	importContacts: 40000,
	importBytes: 4 * 1024 * 1024,
	importCustomFieldsPerContact: 25,
} as const;

export interface ContactRecord {
	contact_id: string;
	address: string;
	permission: Permission;
	opt_in_source?: string;
	opt_in_date?: string;
	opt_out_source?: string;
	opt_out_date?: string;
	core: Record<string, unknown>; // first_name, last_name, job_title, company_name, birthday_*, anniversary
	create_source: string;
	update_source?: string;
	created_at: string;
	updated_at: string;
	deleted_at?: string;
	customFields: Map<string, string>; // custom_field_id -> value
	lists: Set<string>;
	phone_numbers: Array<Record<string, unknown>>;
	street_addresses: Array<Record<string, unknown>>;
	notes: Array<Record<string, unknown>>;
	taggings: string[];
}

export interface ListRecord {
	list_id: string;
	name: string;
	description?: string;
	favorite: boolean;
	created_at: string;
	updated_at: string;
	members: Set<string>;
	automation?: { name: string };
}

export interface CustomFieldRecord {
	custom_field_id: string;
	label: string;
	name: string;
	type: string;
	created_at: string;
	updated_at: string;
}

export type ActivityState = 'initialized' | 'processing' | 'completed' | 'cancelled' | 'failed' | 'timed_out';

export interface ActivityRecord {
	activity_id: string;
	kind: 'add_list_memberships' | 'remove_list_memberships' | 'contacts_json_import';
	state: ActivityState;
	created_at: string;
	updated_at: string;
	started_at?: string;
	completed_at?: string;
	percent_done: number;
	activity_errors: string[];
	status: Record<string, number>;
}

export interface AutomationEntry {
	listId: string;
	contactId: string;
	email: string;
	route: JoinRoute;
	at: string;
}

export interface PermissionChange {
	contactId: string;
	email: string;
	from: Permission;
	to: Permission;
	route: string;
}

export type AddToListResult = 'joined' | 'already_member' | 'list_limit';

const CORE_FIELDS = [
	'first_name',
	'last_name',
	'job_title',
	'company_name',
	'birthday_month',
	'birthday_day',
	'anniversary',
] as const;
export const CONTACT_CORE_FIELDS: readonly string[] = CORE_FIELDS;

export class AccountState {
	readonly contacts = new Map<string, ContactRecord>();
	readonly contactIdByEmail = new Map<string, string>();
	readonly lists = new Map<string, ListRecord>();
	readonly listIdByName = new Map<string, string>();
	readonly customFields = new Map<string, CustomFieldRecord>();
	readonly customFieldIdByName = new Map<string, string>();
	readonly activities = new Map<string, ActivityRecord>();
	readonly entries: AutomationEntry[] = [];
	readonly permissionLog: PermissionChange[] = [];
	/** Told about every permission change (the consent audit listens here; it outlives clear()). */
	onPermissionChange: (change: PermissionChange) => void = () => undefined;
	/** list_id|contact_id pairs that ever entered a list's automation, for the once-per-contact policy. */
	private readonly everEntered = new Set<string>();
	/**
	 * Addresses Constant Contact refuses to store (stand-in extra): its validation rules beyond syntax and length are
	 * not documented (reference §9), so a test names the addresses it refuses.
	 */
	readonly refusedAddresses = new Set<string>();

	constructor(
		readonly now: () => string,
		public reentryPolicy: ReentryPolicy,
		public putSemantics: PutSemantics = 'replace',
		public emailLookup: EmailLookup = 'exact',
	) {}

	clear(): void {
		this.contacts.clear();
		this.contactIdByEmail.clear();
		this.lists.clear();
		this.listIdByName.clear();
		this.customFields.clear();
		this.customFieldIdByName.clear();
		this.activities.clear();
		this.entries.length = 0;
		this.permissionLog.length = 0;
		this.everEntered.clear();
		this.refusedAddresses.clear();
	}

	/** Why Constant Contact refuses to store this address, or undefined when it takes it. */
	addressProblem(address: string): string | undefined {
		const normalized = address.trim().toLowerCase();
		if (this.refusedAddresses.has(normalized)) return `invalid email address ${normalized}`;
		return undefined;
	}

	// ---- lists -------------------------------------------------------------------------------------------
	createList(input: {
		name: string;
		listId?: string;
		description?: string;
		favorite?: boolean;
		automation?: boolean | { name: string };
	}): ListRecord {
		const at = this.now();
		const list: ListRecord = {
			list_id: input.listId ?? randomUUID(),
			name: input.name,
			description: input.description,
			favorite: input.favorite ?? false,
			created_at: at,
			updated_at: at,
			members: new Set(),
		};
		if (input.automation) {
			list.automation =
				typeof input.automation === 'object' ? { name: input.automation.name } : { name: `${input.name} automation` };
		}
		this.lists.set(list.list_id, list);
		this.listIdByName.set(list.name, list.list_id);
		return list;
	}

	listResource(list: ListRecord, membershipCount?: 'all' | 'active'): Record<string, unknown> {
		const resource: Record<string, unknown> = {
			list_id: list.list_id,
			name: list.name,
			favorite: list.favorite,
			created_at: list.created_at,
			updated_at: list.updated_at,
		};
		if (list.description !== undefined) resource.description = list.description;
		if (membershipCount === 'all') resource.membership_count = list.members.size;
		if (membershipCount === 'active') {
			let active = 0;
			for (const id of list.members) if (isActive(this.contacts.get(id))) active++;
			resource.membership_count = active;
		}
		return resource;
	}

	// ---- custom fields ----------------------------------------------------------------------------------
	createCustomField(label: string, type = 'string'): CustomFieldRecord {
		const at = this.now();
		const field: CustomFieldRecord = {
			custom_field_id: randomUUID(),
			label,
			name: customFieldName(label),
			type,
			created_at: at,
			updated_at: at,
		};
		this.customFields.set(field.custom_field_id, field);
		this.customFieldIdByName.set(field.name.toLowerCase(), field.custom_field_id);
		return field;
	}

	customFieldResource(field: CustomFieldRecord): Record<string, unknown> {
		return { ...field };
	}

	// ---- contacts ---------------------------------------------------------------------------------------
	/** Writes (POST, sign_up_form, imports) match an address whatever its case, as Constant Contact stores it in lower case. */
	findContactIdByEmail(email: string): string | undefined {
		return this.contactIdByEmail.get(email.trim().toLowerCase());
	}

	/** GET /contacts?email=: exact against the stored lower-case address unless emailLookup is 'case-insensitive'. */
	lookUpContactIdByEmail(email: string): string | undefined {
		return this.emailLookup === 'exact' ? this.contactIdByEmail.get(email) : this.findContactIdByEmail(email);
	}

	createContact(input: {
		address: string;
		permission: Permission;
		createSource: string;
		optInSource?: string;
	}): ContactRecord {
		const at = this.now();
		const contact: ContactRecord = {
			contact_id: randomUUID(),
			// Constant Contact stores addresses in lower case (reference §13).
			address: input.address.trim().toLowerCase(),
			permission: input.permission,
			core: {},
			create_source: input.createSource,
			created_at: at,
			updated_at: at,
			customFields: new Map(),
			lists: new Set(),
			phone_numbers: [],
			street_addresses: [],
			notes: [],
			taggings: [],
		};
		this.stampPermission(contact, input.permission, input.optInSource ?? input.createSource);
		this.contacts.set(contact.contact_id, contact);
		this.contactIdByEmail.set(contact.address, contact.contact_id);
		return contact;
	}

	changeAddress(contact: ContactRecord, address: string): void {
		this.contactIdByEmail.delete(contact.address);
		contact.address = address.trim().toLowerCase();
		this.contactIdByEmail.set(contact.address, contact.contact_id);
	}

	setPermission(contact: ContactRecord, to: Permission, route: string, source = 'Account'): void {
		const from = contact.permission;
		if (from === to) return;
		contact.permission = to;
		this.stampPermission(contact, to, source);
		const change = { contactId: contact.contact_id, email: contact.address, from, to, route };
		this.permissionLog.push(change);
		this.onPermissionChange(change);
	}

	private stampPermission(contact: ContactRecord, to: Permission, source: string): void {
		const at = this.now();
		if (to === 'unsubscribed') {
			contact.opt_out_source = source;
			contact.opt_out_date = at;
		} else if (to === 'explicit' || to === 'implicit') {
			contact.opt_in_source = source;
			contact.opt_in_date = at;
			contact.opt_out_source = undefined;
			contact.opt_out_date = undefined;
		}
	}

	setCore(contact: ContactRecord, values: Record<string, unknown>, clearOmitted: boolean): void {
		for (const field of CORE_FIELDS) {
			if (values[field] !== undefined && values[field] !== null) contact.core[field] = values[field];
			else if (clearOmitted) delete contact.core[field];
		}
	}

	touch(contact: ContactRecord): void {
		contact.updated_at = this.now();
	}

	/** Adds a membership; a contact that was not yet a member "joins", which is what fires a list-join automation. */
	addToList(contact: ContactRecord, listId: string, route: JoinRoute): AddToListResult {
		const list = this.lists.get(listId);
		if (!list) throw new Error(`unknown list ${listId}`);
		if (contact.lists.has(listId)) return 'already_member';
		if (contact.lists.size >= LIMITS.listsPerContact) return 'list_limit';
		contact.lists.add(listId);
		list.members.add(contact.contact_id);
		if (list.automation) this.recordAutomationEntry(list, contact, route);
		return 'joined';
	}

	removeFromList(contact: ContactRecord, listId: string): boolean {
		const list = this.lists.get(listId);
		if (!list || !contact.lists.delete(listId)) return false;
		list.members.delete(contact.contact_id);
		return true;
	}

	private recordAutomationEntry(list: ListRecord, contact: ContactRecord, route: JoinRoute): void {
		const key = `${list.list_id}|${contact.contact_id}`;
		const enteredBefore = this.everEntered.has(key);
		this.everEntered.add(key);
		if (enteredBefore && this.reentryPolicy === 'once-per-contact') return;
		// Seeded members were on the list before the test began: they count as having entered, but record nothing.
		if (route === 'seed') return;
		this.entries.push({
			listId: list.list_id,
			contactId: contact.contact_id,
			email: contact.address,
			route,
			at: this.now(),
		});
	}

	contactResource(contact: ContactRecord, include: ReadonlySet<string>): Record<string, unknown> {
		const emailAddress: Record<string, unknown> = {
			address: contact.address,
			permission_to_send: contact.permission,
			created_at: contact.created_at,
			updated_at: contact.updated_at,
			confirm_status: contact.permission === 'pending_confirmation' ? 'pending' : 'off',
		};
		if (contact.opt_in_source) {
			emailAddress.opt_in_source = contact.opt_in_source;
			emailAddress.opt_in_date = contact.opt_in_date;
		}
		if (contact.opt_out_source) {
			emailAddress.opt_out_source = contact.opt_out_source;
			emailAddress.opt_out_date = contact.opt_out_date;
		}
		const resource: Record<string, unknown> = {
			contact_id: contact.contact_id,
			email_address: emailAddress,
			...contact.core,
			create_source: contact.create_source,
			created_at: contact.created_at,
			updated_at: contact.updated_at,
		};
		if (contact.update_source) resource.update_source = contact.update_source;
		if (contact.deleted_at) resource.deleted_at = contact.deleted_at;
		if (include.has('custom_fields')) {
			resource.custom_fields = [...contact.customFields].map(([custom_field_id, value]) => ({ custom_field_id, value }));
		}
		if (include.has('list_memberships')) resource.list_memberships = [...contact.lists];
		if (include.has('phone_numbers')) resource.phone_numbers = contact.phone_numbers;
		if (include.has('street_addresses')) resource.street_addresses = contact.street_addresses;
		if (include.has('taggings')) resource.taggings = contact.taggings;
		if (include.has('notes')) resource.notes = contact.notes;
		return resource;
	}

	// ---- activities -------------------------------------------------------------------------------------
	createActivity(kind: ActivityRecord['kind'], status: Record<string, number>): ActivityRecord {
		const at = this.now();
		const activity: ActivityRecord = {
			activity_id: randomUUID(),
			kind,
			state: 'initialized',
			created_at: at,
			updated_at: at,
			percent_done: 0,
			activity_errors: [],
			status,
		};
		this.activities.set(activity.activity_id, activity);
		return activity;
	}

	moveActivity(activity: ActivityRecord, state: ActivityState): void {
		const at = this.now();
		activity.state = state;
		activity.updated_at = at;
		if (state === 'processing') {
			activity.started_at = at;
			activity.percent_done = 50;
		} else if (state !== 'initialized') {
			activity.started_at ??= at;
			activity.completed_at = at;
			activity.percent_done = state === 'completed' ? 100 : activity.percent_done;
		}
	}

	activityResource(activity: ActivityRecord): Record<string, unknown> {
		const { kind: _kind, ...resource } = activity;
		return { ...resource, _links: { self: { href: `/v3/activities/${activity.activity_id}` } } };
	}
}

export const ALL_INCLUDES: ReadonlySet<string> = new Set([
	'custom_fields',
	'list_memberships',
	'phone_numbers',
	'street_addresses',
	'taggings',
	'notes',
]);

export function customFieldName(label: string): string {
	return label.trim().replace(/\s+/g, '_');
}

export function isActive(contact: ContactRecord | undefined): boolean {
	return !!contact && !contact.deleted_at && (contact.permission === 'explicit' || contact.permission === 'implicit');
}
