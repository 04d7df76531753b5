/** The /v3 operations: what Constant Contact does with each request, given a parsed and contract-checked body. */
import {
	ALL_INCLUDES,
	AccountState,
	ContactRecord,
	JoinRoute,
	LIMITS,
	Permission,
	customFieldName,
	isActive,
} from './state';

export interface ApiRequest {
	method: string;
	/** Path below /v3, e.g. `/contacts/123`. */
	path: string;
	query: URLSearchParams;
	body: unknown;
	rawBodyBytes: number;
}

export interface ApiResult {
	status: number;
	body?: unknown;
}

/** A Constant Contact error answer; `rule` marks a broken request-body rule, which also counts as a contract violation. */
export class ApiFailure extends Error {
	constructor(
		readonly status: number,
		readonly errorKey: string,
		message: string,
		readonly rule = false,
	) {
		super(message);
	}
}

const VALIDATION = 'contacts.api.validation.error';
const PERMISSIONS: readonly Permission[] = ['explicit', 'implicit', 'not_set', 'pending_confirmation', 'temp_hold', 'unsubscribed'];
const CONTACT_STATUSES = new Set(['all', 'active', 'deleted', 'not_set', 'pending_confirmation', 'temp_hold', 'unsubscribed']);

export function invalid(message: string, rule = true): never {
	throw new ApiFailure(400, VALIDATION, message, rule);
}

function notFound(what: string): never {
	throw new ApiFailure(404, 'contacts.api.not_found', `${what} not found.`);
}

type Body = Record<string, unknown>;

export interface ActivityScheduler {
	/** Runs `work` when the activity completes (unless a fault makes it fail or time out). */
	schedule(activityId: string, work: () => void): void;
	/** Per-contact import errors a fault asks for. */
	importErrorsFor(emails: string[]): ImportErrors;
}

export interface ImportErrors {
	/** Emails whose whole row fails. */
	rows: Set<string>;
	/** Emails whose row imports but whose custom field values (these names, or all when undefined) are not stored. */
	fields: Map<string, string[] | undefined>;
}

export class ConstantContactApi {
	constructor(
		private readonly account: AccountState,
		private readonly activities: ActivityScheduler,
	) {}

	handle(req: ApiRequest): ApiResult {
		const { method, path } = req;
		const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
		const [resource, id, sub] = parts;
		const body = (req.body ?? {}) as Body;
		switch (`${method} ${resource}${id !== undefined ? '/:id' : ''}${sub !== undefined ? '/:sub' : ''}`) {
			case 'GET contact_lists':
				return this.getLists(req.query);
			case 'POST contact_lists':
				return this.createList(body);
			case 'GET contact_lists/:id':
				return this.getList(id, req.query);
			case 'GET contacts':
				return this.getContacts(req.query);
			case 'POST contacts':
				return this.createContact(body);
			case 'POST contacts/:id':
				if (id === 'sign_up_form') return this.signUpForm(body);
				break;
			case 'GET contacts/:id':
				return { status: 200, body: this.account.contactResource(this.contact(id), includes(req.query)) };
			case 'PUT contacts/:id':
				return this.updateContact(id, body);
			case 'DELETE contacts/:id':
				return this.deleteContact(id);
			case 'GET contact_custom_fields':
				return this.getCustomFields(req.query);
			case 'POST contact_custom_fields':
				return this.createCustomField(body);
			case 'GET contact_custom_fields/:id': {
				const field = this.account.customFields.get(id) ?? notFound('Custom field');
				return { status: 200, body: this.account.customFieldResource(field) };
			}
			case 'GET activities':
				return this.getActivities(req.query);
			case 'GET activities/:id':
				return { status: 200, body: this.account.activityResource(this.account.activities.get(id) ?? notFound('Activity')) };
			case 'POST activities/:id':
				if (id === 'add_list_memberships' || id === 'remove_list_memberships') return this.membershipActivity(id, body);
				if (id === 'contacts_json_import') return this.jsonImport(body, req.rawBodyBytes);
				break;
			case 'GET account/:id':
				if (id === 'summary') return { status: 200, body: accountSummary(req.query) };
				break;
		}
		throw new ApiFailure(404, 'not_found', `No operation ${method} /v3${path}.`);
	}

	// ---- lists -------------------------------------------------------------------------------------------
	private getLists(query: URLSearchParams): ApiResult {
		const limit = limitParam(query, 50, 1000);
		const name = query.get('name');
		const membershipCount = query.get('include_membership_count');
		if (membershipCount !== null && membershipCount !== 'all' && membershipCount !== 'active') {
			invalid('include_membership_count must be one of all, active.', false);
		}
		let lists = [...this.account.lists.values()];
		if (name !== null) {
			const id = this.account.listIdByName.get(name);
			lists = id ? [this.account.lists.get(id)!] : [];
		}
		const page = paginate(lists, query, limit, '/v3/contact_lists');
		const body: Body = {
			lists: page.items.map((l) => this.account.listResource(l, (membershipCount ?? undefined) as 'all' | 'active' | undefined)),
		};
		if (query.get('include_count') === 'true') body.lists_count = lists.length;
		if (page.next) body._links = { next: { href: page.next } };
		return { status: 200, body };
	}

	private getList(id: string, query: URLSearchParams): ApiResult {
		const list = this.account.lists.get(id) ?? notFound('List');
		const count = query.get('include_membership_count');
		return { status: 200, body: this.account.listResource(list, (count ?? undefined) as 'all' | 'active' | undefined) };
	}

	private createList(body: Body): ApiResult {
		const name = requiredString(body, 'name');
		if (name.length > LIMITS.listNameLength) invalid(`name must be at most ${LIMITS.listNameLength} characters.`);
		if (this.account.listIdByName.has(name)) {
			throw new ApiFailure(409, 'contacts.api.conflict', `A list named ${name} already exists.`);
		}
		if (this.account.lists.size >= LIMITS.listsPerAccount) {
			invalid(`The account already has the maximum of ${LIMITS.listsPerAccount} lists.`, false);
		}
		const list = this.account.createList({
			name,
			description: typeof body.description === 'string' ? body.description : undefined,
			favorite: body.favorite === true,
		});
		return { status: 201, body: this.account.listResource(list) };
	}

	// ---- custom fields ----------------------------------------------------------------------------------
	private getCustomFields(query: URLSearchParams): ApiResult {
		const limit = limitParam(query, 50, 100);
		const page = paginate([...this.account.customFields.values()], query, limit, '/v3/contact_custom_fields');
		const body: Body = { custom_fields: page.items.map((f) => this.account.customFieldResource(f)) };
		if (page.next) body._links = { next: { href: page.next } };
		return { status: 200, body };
	}

	private createCustomField(body: Body): ApiResult {
		const label = requiredString(body, 'label');
		const type = requiredString(body, 'type');
		if (label.length > LIMITS.customFieldLabelLength) invalid(`label must be at most ${LIMITS.customFieldLabelLength} characters.`);
		if (type.length > LIMITS.customFieldTypeLength) invalid(`type must be at most ${LIMITS.customFieldTypeLength} characters.`);
		if (this.account.customFieldIdByName.has(customFieldName(label).toLowerCase())) {
			throw new ApiFailure(409, 'contacts.api.conflict', `A custom field labelled ${label} already exists.`);
		}
		if (this.account.customFields.size >= LIMITS.customFieldsPerAccount) {
			invalid(`The account already has the maximum of ${LIMITS.customFieldsPerAccount} custom fields.`, false);
		}
		return { status: 201, body: this.account.customFieldResource(this.account.createCustomField(label, type)) };
	}

	// ---- contacts ---------------------------------------------------------------------------------------
	private contact(id: string): ContactRecord {
		return this.account.contacts.get(id) ?? notFound('Contact');
	}

	private getContacts(query: URLSearchParams): ApiResult {
		const limit = limitParam(query, 50, 500);
		const include = includes(query);
		const statuses = new Set((query.get('status') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
		for (const status of statuses) if (!CONTACT_STATUSES.has(status)) invalid(`status ${status} is not a valid value.`, false);
		const email = query.get('email');
		let candidates: Iterable<ContactRecord>;
		if (email !== null) {
			const id = this.account.lookUpContactIdByEmail(email);
			candidates = id ? [this.account.contacts.get(id)!] : [];
		} else {
			candidates = this.account.contacts.values();
		}
		const listFilter = (query.get('lists') ?? '').split(',').filter(Boolean);
		if (listFilter.length > 25) invalid('lists accepts at most 25 list ids.', false);
		const inWindow = dateWindow(query);
		const contacts: ContactRecord[] = [];
		for (const contact of candidates) {
			if (!statusMatches(contact, statuses)) continue;
			if (listFilter.length && !listFilter.some((l) => contact.lists.has(l))) continue;
			if (!inWindow(contact)) continue;
			contacts.push(contact);
		}
		const page = paginate(contacts, query, limit, '/v3/contacts');
		const body: Body = { contacts: page.items.map((c) => this.account.contactResource(c, include)) };
		if (query.get('include_count') === 'true') body.contacts_count = contacts.length;
		if (page.next) body._links = { next: { href: page.next } };
		return { status: 200, body };
	}

	private createContact(body: Body): ApiResult {
		sourceRule(body, 'create_source');
		const email = body.email_address as Body | undefined;
		if (!email && body.first_name === undefined && body.last_name === undefined && body.sms_channel === undefined) {
			invalid('At least one of email_address, first_name, last_name or sms_channel is required.');
		}
		const address = email ? requiredString(email, 'address', 'email_address.address') : undefined;
		if (!address) invalid('email_address is required by this stand-in (it does not model SMS-only contacts).', false);
		refuseAddress(this.account, address);
		const existing = this.account.findContactIdByEmail(address);
		if (existing) throw new ApiFailure(409, 'contacts.api.conflict', `Email already exists for contact ${existing}`);
		const listIds = this.knownLists(body.list_memberships);
		const fields = this.knownCustomFields(body.custom_fields);
		const permission = permissionOf(email?.permission_to_send) ?? 'implicit';
		const contact = this.account.createContact({ address, permission, createSource: String(body.create_source) });
		this.account.setCore(contact, body, false);
		applySubResources(contact, body);
		for (const [id, value] of fields) contact.customFields.set(id, value);
		this.joinLists(contact, listIds, 'contacts');
		return { status: 201, body: this.account.contactResource(contact, ALL_INCLUDES) };
	}

	private updateContact(id: string, body: Body): ApiResult {
		const contact = this.contact(id);
		sourceRule(body, 'update_source');
		const email = body.email_address as Body | undefined;
		const listIds = this.knownLists(body.list_memberships);
		const fields = this.knownCustomFields(body.custom_fields);
		if (email) {
			const address = requiredString(email, 'address', 'email_address.address');
			const owner = this.account.findContactIdByEmail(address);
			if (owner && owner !== contact.contact_id) {
				throw new ApiFailure(409, 'contacts.api.conflict', `Email already exists for contact ${owner}`);
			}
			if (address.trim().toLowerCase() !== contact.address) this.account.changeAddress(contact, address);
			const permission = permissionOf(email.permission_to_send);
			if (permission) this.account.setPermission(contact, permission, 'contacts_put', String(body.update_source));
		}
		const replace = this.account.putSemantics === 'replace';
		const replacesLists = replace && Array.isArray(body.list_memberships);
		if (!replacesLists) checkListRoom(contact, listIds);
		// A PUT replaces core properties (omitted ones are cleared; the email is kept, as SMS-only contacts are not
		// modelled). An included sub-resource replaces the stored one (reference §3.3); excluded ones are kept.
		this.account.setCore(contact, body, true);
		applySubResources(contact, body);
		if (replace && Array.isArray(body.custom_fields)) contact.customFields = new Map(fields);
		else for (const [fieldId, value] of fields) contact.customFields.set(fieldId, value);
		// "list_memberships": [] takes the contact off every list [P2].
		if (replacesLists) for (const listId of [...contact.lists]) if (!listIds.includes(listId)) this.account.removeFromList(contact, listId);
		contact.update_source = String(body.update_source);
		contact.deleted_at = undefined;
		this.joinLists(contact, listIds, 'contacts_put');
		this.account.touch(contact);
		return { status: 200, body: this.account.contactResource(contact, ALL_INCLUDES) };
	}

	private deleteContact(id: string): ApiResult {
		const contact = this.contact(id);
		contact.deleted_at = contact.updated_at = this.account.now();
		return { status: 204 };
	}

	private signUpForm(body: Body): ApiResult {
		const address = typeof body.email_address === 'string' ? body.email_address.trim() : '';
		if (!address) invalid('email_address is required (this stand-in does not model SMS-only contacts).');
		refuseAddress(this.account, address);
		const listIds = this.knownLists(body.list_memberships);
		if (listIds.length === 0) invalid('list_memberships must contain at least one list_id.');
		const fields = this.knownCustomFields(body.custom_fields);
		const existingId = this.account.findContactIdByEmail(address);
		let contact: ContactRecord;
		let created = false;
		if (existingId) {
			contact = this.account.contacts.get(existingId)!;
			checkListRoom(contact, listIds);
			// Constant Contact sets explicit permission even for a contact who had unsubscribed.
			this.account.setPermission(contact, 'explicit', 'sign_up_form', 'Contact');
			contact.deleted_at = undefined;
			contact.update_source = 'Contact';
		} else {
			contact = this.account.createContact({ address, permission: 'explicit', createSource: 'Contact', optInSource: 'Contact' });
			created = true;
		}
		this.account.setCore(contact, body, false);
		if (typeof body.phone_number === 'string') contact.phone_numbers.push({ phone_number: body.phone_number, kind: 'other' });
		if (body.street_address && typeof body.street_address === 'object') contact.street_addresses.push(body.street_address as Body);
		for (const [id, value] of fields) contact.customFields.set(id, value);
		this.joinLists(contact, listIds, 'sign_up_form');
		this.account.touch(contact);
		return {
			status: created ? 201 : 200,
			body: { contact_id: contact.contact_id, action: created ? 'created' : 'updated' },
		};
	}

	private joinLists(contact: ContactRecord, listIds: string[], route: JoinRoute): void {
		for (const listId of listIds) this.account.addToList(contact, listId, route);
	}

	private knownLists(value: unknown): string[] {
		if (value === undefined) return [];
		if (!Array.isArray(value)) invalid('list_memberships must be an array of list ids.');
		if (value.length > LIMITS.listsPerContact) invalid(`list_memberships must have at most ${LIMITS.listsPerContact} items.`);
		for (const id of value) {
			if (!this.account.lists.has(String(id))) invalid(`list_memberships: list ${String(id)} does not exist.`, false);
		}
		return [...new Set(value.map(String))];
	}

	private knownCustomFields(value: unknown): Array<[string, string]> {
		if (value === undefined) return [];
		if (!Array.isArray(value)) invalid('custom_fields must be an array.');
		return value.map((item: Body, i) => {
			const id = String(item?.custom_field_id ?? '');
			const fieldValue = String(item?.value ?? '');
			if (!this.account.customFields.has(id)) invalid(`custom_fields[${i}].custom_field_id ${id} does not exist.`, false);
			if (fieldValue.length > LIMITS.customFieldValueLength) {
				invalid(`custom_fields[${i}].value must be at most ${LIMITS.customFieldValueLength} characters.`);
			}
			return [id, fieldValue];
		});
	}

	// ---- activities -------------------------------------------------------------------------------------
	private getActivities(query: URLSearchParams): ApiResult {
		const limit = limitParam(query, 50, 500);
		const state = query.get('state');
		const all = [...this.account.activities.values()].filter((a) => !state || a.state === state);
		const page = paginate(all, query, limit, '/v3/activities');
		const body: Body = { activities: page.items.map((a) => this.account.activityResource(a)) };
		if (page.next) body._links = { next: { href: page.next } };
		return { status: 200, body };
	}

	private membershipActivity(kind: 'add_list_memberships' | 'remove_list_memberships', body: Body): ApiResult {
		const source = (body.source ?? invalid('source is required.')) as Body;
		const sources = ['contact_ids', 'list_ids', 'all_active_contacts', 'segment_id', 'tag_ids', 'engagement_level'].filter(
			(k) => source[k] !== undefined && source[k] !== false,
		);
		if (sources.length !== 1) invalid('source must have exactly one of contact_ids, list_ids, all_active_contacts.');
		const targets = arrayOf(body.list_ids, 'list_ids');
		if (targets.length === 0) invalid('list_ids must contain at least one list_id.');
		if (targets.length > LIMITS.activityListIds) invalid(`list_ids must have at most ${LIMITS.activityListIds} items.`);
		for (const id of targets) if (!this.account.lists.has(id)) invalid(`list_ids: list ${id} does not exist.`, false);
		let contactIds: string[];
		if (source.contact_ids !== undefined) {
			contactIds = arrayOf(source.contact_ids, 'source.contact_ids');
			if (contactIds.length > LIMITS.activityContactIds) {
				invalid(`source.contact_ids must have at most ${LIMITS.activityContactIds} items.`);
			}
		} else if (source.list_ids !== undefined) {
			const from = arrayOf(source.list_ids, 'source.list_ids');
			if (from.length > LIMITS.activityListIds) invalid(`source.list_ids must have at most ${LIMITS.activityListIds} items.`);
			const members = new Set<string>();
			for (const id of from) for (const m of this.account.lists.get(id)?.members ?? notFound('List')) members.add(m);
			contactIds = [...members];
		} else if (source.all_active_contacts === true) {
			contactIds = [...this.account.contacts.values()].filter(isActive).map((c) => c.contact_id);
		} else {
			invalid('This stand-in supports source.contact_ids, source.list_ids and source.all_active_contacts.', false);
		}
		const excluded = new Set(arrayOf((body.exclude as Body | undefined)?.contact_ids ?? [], 'exclude.contact_ids'));
		if (source.contact_ids === undefined) contactIds = contactIds.filter((c) => !excluded.has(c));
		const activity = this.account.createActivity(kind, {
			items_total_count: contactIds.length,
			items_completed_count: 0,
			list_count: targets.length,
		});
		this.activities.schedule(activity.activity_id, () => {
			let completed = 0;
			for (const id of contactIds) {
				const contact = this.account.contacts.get(id);
				if (!contact) {
					activity.activity_errors.push(`Contact ${id} was not found.`);
					continue;
				}
				if (kind === 'remove_list_memberships') {
					for (const listId of targets) this.account.removeFromList(contact, listId);
					completed++;
					continue;
				}
				if (contact.permission === 'unsubscribed') {
					activity.activity_errors.push(`Contact ${id} is unsubscribed and cannot be added to a list.`);
					continue;
				}
				const results = targets.map((listId) => this.account.addToList(contact, listId, 'add_list_memberships'));
				if (results.includes('list_limit')) {
					activity.activity_errors.push(`Contact ${id} is already a member of ${LIMITS.listsPerContact} lists.`);
				} else completed++;
			}
			activity.status.items_completed_count = completed;
		});
		return { status: 201, body: this.account.activityResource(activity) };
	}

	private jsonImport(body: Body, rawBytes: number): ApiResult {
		if (rawBytes >= LIMITS.importBytes) {
			// Constant Contact silently drops data beyond 4 MB; refusing it here catches a client that sends too much.
			invalid('The import payload must be under 4 MB.');
		}
		const rows = body.import_data;
		if (!Array.isArray(rows) || rows.length === 0) invalid('import_data must contain at least one contact.');
		if (rows.length > LIMITS.importContacts) invalid(`import_data must have at most ${LIMITS.importContacts} contacts.`);
		const targets = arrayOf(body.list_ids, 'list_ids');
		if (targets.length === 0) invalid('list_ids must contain at least one list_id.');
		if (targets.length > LIMITS.activityListIds) invalid(`list_ids must have at most ${LIMITS.activityListIds} items.`);
		for (const id of targets) if (!this.account.lists.has(id)) invalid(`list_ids: list ${id} does not exist.`, false);
		const failing = this.activities.importErrorsFor(rows.map((r: Body) => String(r?.email ?? '')));
		const activity = this.account.createActivity('contacts_json_import', {
			items_total_count: rows.length,
			items_completed_count: 0,
			person_count: 0,
			error_count: 0,
			correctable_count: 0,
			cannot_add_to_list_count: 0,
		});
		this.activities.schedule(activity.activity_id, () => {
			const status = activity.status;
			rows.forEach((row: Body, index) => {
				const problem = failing.rows.has(String(row?.email ?? '')) ? 'rejected by an injected fault' : this.importProblem(row);
				if (problem) {
					status.error_count++;
					if (problem.startsWith('invalid email')) status.correctable_count++;
					activity.activity_errors.push(`import_data[${index}]: ${problem}`);
					return;
				}
				this.importRow(row, targets, activity.activity_errors, index, failing.fields);
				status.person_count++;
				status.items_completed_count++;
				if (this.account.contacts.get(this.account.findContactIdByEmail(String(row.email))!)!.permission === 'unsubscribed') {
					status.cannot_add_to_list_count++;
				}
			});
		});
		return { status: 201, body: this.account.activityResource(activity) };
	}

	private importProblem(row: Body): string | undefined {
		if (!row || typeof row !== 'object') return 'each contact must be an object';
		const email = row.email;
		if (typeof email !== 'string' || !email) return 'email is required (SMS-only contacts are not modelled)';
		if (email.length > 50) return 'email must be at most 50 characters';
		if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return `invalid email address ${email}`;
		const refused = this.account.addressProblem(email);
		if (refused) return refused;
		for (const key of ['first_name', 'last_name', 'job_title', 'company_name', 'phone', 'home_phone', 'work_phone', 'mobile_phone']) {
			if (typeof row[key] === 'string' && (row[key] as string).length > 50) return `${key} must be at most 50 characters`;
		}
		const customKeys = Object.keys(row).filter((k) => k.startsWith('cf:'));
		if (customKeys.length > LIMITS.importCustomFieldsPerContact) {
			return `at most ${LIMITS.importCustomFieldsPerContact} custom fields per contact`;
		}
		for (const key of customKeys) {
			if (String(row[key]).length > LIMITS.customFieldValueLength) {
				return `${key} must be at most ${LIMITS.customFieldValueLength} characters`;
			}
		}
		return undefined;
	}

	private importRow(row: Body, targets: string[], errors: string[], index: number, fieldFaults: ImportErrors['fields']): void {
		const address = String(row.email);
		const existingId = this.account.findContactIdByEmail(address);
		// New contacts get implicit permission; an existing contact's permission is left as it was.
		const contact = existingId
			? this.account.contacts.get(existingId)!
			: this.account.createContact({ address, permission: 'implicit', createSource: 'Account' });
		const before = JSON.stringify([contact.core, [...contact.customFields]]);
		const core: Body = {};
		for (const key of ['first_name', 'last_name', 'job_title', 'company_name', 'anniversary']) {
			if (typeof row[key] === 'string') core[key] = row[key];
		}
		if (row.birthday_month !== undefined) core.birthday_month = Number(row.birthday_month);
		if (row.birthday_day !== undefined) core.birthday_day = Number(row.birthday_day);
		this.account.setCore(contact, core, false);
		const refused = fieldFaults.has(address) ? (fieldFaults.get(address) ?? Object.keys(row).filter((k) => k.startsWith('cf:')).map((k) => k.slice(3))) : [];
		if (refused.length) errors.push(`Contact ${address}: values for ${refused.join(', ')} could not be saved (injected fault)`);
		for (const key of Object.keys(row)) {
			if (!key.startsWith('cf:') || refused.includes(key.slice(3))) continue;
			// Whether an empty value empties the field is undocumented (reference §6.4, §13): here it is ignored and the old value stays.
			if (String(row[key]) === '') continue;
			const fieldId = this.account.customFieldIdByName.get(customFieldName(key.slice(3)).toLowerCase());
			if (!fieldId) errors.push(`import_data[${index}]: custom field ${key.slice(3)} does not exist; value ignored`);
			else contact.customFields.set(fieldId, String(row[key]));
		}
		// Whether an import that changes nothing moves updated_at is not documented: here only a real change does
		// (the reading that makes "what changed since" reads miss the most contacts).
		let changed = JSON.stringify([contact.core, [...contact.customFields]]) !== before;
		if (contact.permission !== 'unsubscribed') {
			for (const listId of targets) {
				const joined = this.account.addToList(contact, listId, 'contacts_json_import');
				if (joined === 'list_limit') {
					errors.push(`import_data[${index}]: contact is already a member of ${LIMITS.listsPerContact} lists`);
					break;
				}
				if (joined === 'joined') changed = true;
			}
		}
		if (existingId && changed) this.account.touch(contact);
	}
}

// ---- helpers ------------------------------------------------------------------------------------------
/** A 400 for an address the account refuses (not a contract violation: the request itself was valid). */
function refuseAddress(account: AccountState, address: string): void {
	const problem = account.addressProblem(address);
	if (problem) invalid(`email_address.address: ${problem}.`, false);
}

function requiredString(body: Body, key: string, label = key): string {
	const value = body[key];
	if (typeof value !== 'string' || value.trim() === '') invalid(`${label} is required.`);
	return value;
}

function sourceRule(body: Body, key: 'create_source' | 'update_source'): void {
	if (body[key] !== 'Account' && body[key] !== 'Contact') {
		invalid(`${key} is missing, ${key} does not have a valid value (Account or Contact).`);
	}
}

function checkListRoom(contact: ContactRecord, listIds: string[]): void {
	if (contact.lists.size + listIds.filter((l) => !contact.lists.has(l)).length > LIMITS.listsPerContact) {
		invalid(`list_memberships: a contact can be a member of at most ${LIMITS.listsPerContact} lists.`, false);
	}
}

function arrayOf(value: unknown, label: string): string[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) invalid(`${label} must be an array.`);
	return value.map(String);
}

function permissionOf(value: unknown): Permission | undefined {
	if (value === undefined) return undefined;
	if (!PERMISSIONS.includes(value as Permission)) {
		invalid(`email_address.permission_to_send must be one of ${PERMISSIONS.join(', ')}.`);
	}
	return value as Permission;
}

function applySubResources(contact: ContactRecord, body: Body): void {
	if (Array.isArray(body.phone_numbers)) contact.phone_numbers = body.phone_numbers as Body[];
	if (Array.isArray(body.street_addresses)) contact.street_addresses = body.street_addresses as Body[];
	if (Array.isArray(body.notes)) contact.notes = body.notes as Body[];
	if (Array.isArray(body.taggings)) contact.taggings = body.taggings.map(String);
}

function includes(query: URLSearchParams): Set<string> {
	const wanted = (query.get('include') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
	for (const value of wanted) if (!ALL_INCLUDES.has(value)) invalid(`include value ${value} is not valid.`, false);
	return new Set(wanted);
}

function statusMatches(contact: ContactRecord, statuses: Set<string>): boolean {
	if (statuses.has('all')) return true;
	if (contact.deleted_at) return statuses.has('deleted');
	if (statuses.size === 0) return true;
	if (statuses.has('active') && isActive(contact)) return true;
	return statuses.has(contact.permission);
}

/** updated_after/before and created_after/before (ISO-8601), each optional. */
function dateWindow(query: URLSearchParams): (contact: ContactRecord) => boolean {
	const bounds: Array<[keyof ContactRecord, 'after' | 'before', number]> = [];
	for (const [param, field] of [['updated', 'updated_at'], ['created', 'created_at']] as const) {
		for (const side of ['after', 'before'] as const) {
			const raw = query.get(`${param}_${side}`);
			if (raw === null) continue;
			const at = Date.parse(raw);
			if (Number.isNaN(at)) invalid(`${param}_${side} must be an ISO-8601 date-time.`, false);
			bounds.push([field, side, at]);
		}
	}
	return (contact) =>
		bounds.every(([field, side, at]) => {
			const value = Date.parse(contact[field] as string);
			return side === 'after' ? value > at : value < at;
		});
}

function limitParam(query: URLSearchParams, fallback: number, max: number): number {
	const raw = query.get('limit');
	if (raw === null) return fallback;
	const limit = Number(raw);
	if (!Number.isInteger(limit) || limit < 1 || limit > max) invalid(`limit must be an integer from 1 to ${max}.`, false);
	return limit;
}

/** Cursor paging: the cursor carries the offset and the original query, as Constant Contact's opaque cursors do. */
function paginate<T>(all: T[], query: URLSearchParams, limit: number, basePath: string): { items: T[]; next?: string } {
	let offset = 0;
	const cursor = query.get('cursor');
	if (cursor) {
		const decoded = new URLSearchParams(Buffer.from(cursor, 'base64url').toString());
		offset = Number(decoded.get('next') ?? 0);
		if (!Number.isInteger(offset) || offset < 0) invalid('cursor is not valid.', false);
	}
	const items = all.slice(offset, offset + limit);
	if (offset + limit >= all.length) return { items };
	const nextCursor = Buffer.from(`limit=${limit}&next=${offset + limit}`).toString('base64url');
	const params = new URLSearchParams(query);
	params.delete('cursor');
	params.delete('limit');
	params.set('cursor', nextCursor);
	params.set('limit', String(limit));
	return { items, next: `${basePath}?${params.toString()}` };
}

function accountSummary(query: URLSearchParams): Body {
	const summary: Body = {
		contact_email: 'owner@example-shop.test',
		contact_phone: '5555551212',
		country_code: 'US',
		encoded_account_id: 'a07e1stand1n',
		first_name: 'Sam',
		last_name: 'Shopowner',
		organization_name: 'Example Shop (stand-in)',
		organization_phone: '5555551212',
		state_code: 'MA',
		time_zone_id: 'US/Eastern',
		website: 'https://example-shop.test',
	};
	const extra = (query.get('extra_fields') ?? '').split(',');
	if (extra.includes('physical_address')) {
		summary.physical_address = { address_line1: '1 Main St', city: 'Waltham', state_code: 'MA', postal_code: '02451', country_code: 'US' };
	}
	return summary;
}
