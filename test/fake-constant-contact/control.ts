/** The in-process control and inspection API, and the same operations over HTTP at /__control/<operation>. */
import type { RefreshTokenMode, TokenResponse } from './oauth';
import { DEFAULT_CLIENT_ID } from './oauth';
import type { ConsentViolation } from './consent';
import type { ContractViolation, Fault, FakeServer, RequestLogEntry } from './server';
import {
	ALL_INCLUDES,
	AutomationEntry,
	EmailLookup,
	PutSemantics,
	LIMITS,
	Permission,
	PermissionChange,
	ReentryPolicy,
	customFieldName,
} from './state';

export interface FakeConstantContactControl {
	registerApp(app: { clientId: string; clientSecret: string; redirectUris: string[]; refreshTokenMode?: RefreshTokenMode }): void;
	issueTokens(options?: { clientId?: string; scope?: string }): TokenResponse;
	seedList(list: { name: string; listId?: string; automation?: boolean | { name: string } }): Record<string, unknown>;
	seedContact(contact: {
		email: string;
		firstName?: string;
		lastName?: string;
		permission?: Permission | 'not_set';
		listIds?: string[];
		customFields?: Record<string, string>;
		/** Merchant data the package must never erase (stored as given). */
		phoneNumbers?: Array<Record<string, unknown>>;
		streetAddresses?: Array<Record<string, unknown>>;
		notes?: Array<Record<string, unknown>>;
		taggings?: string[];
	}): Record<string, unknown>;
	seedCustomField(field: { label: string; type?: string }): Record<string, unknown>;
	/** Stand-in extra: puts an existing contact on a list now, as the merchant or another integration would. */
	joinList(membership: { email: string; listId: string }): void;
	/**
	 * Stand-in extra: bulk activities the account ran before (Constant Contact lists those of the last 10 days). The
	 * stand-in lists activities oldest first, the worse reading of an order the reference does not give: a client that
	 * hopes to find its own new activities on the first page of GET /activities does not.
	 */
	seedActivities(history: { count: number }): void;
	/**
	 * Stand-in extra: addresses Constant Contact refuses to store (its validation beyond syntax and length is not
	 * documented): 400 on sign_up_form and POST /contacts, an import row error. reset() forgets them.
	 */
	refuseAddresses(addresses: { emails: string[] }): void;
	snapshot(): {
		contacts: Array<Record<string, unknown>>;
		lists: Array<Record<string, unknown>>;
		customFields: Array<Record<string, unknown>>;
		activities: Array<Record<string, unknown>>;
		automationEntries: AutomationEntry[];
	};
	findContactByEmail(email: string): Record<string, unknown> | undefined;
	automationEntries(filter?: { listId?: string; email?: string }): AutomationEntry[];
	requestLog(): RequestLogEntry[];
	clearRequestLog(): void;
	contractViolations(): ContractViolation[];
	permissionChanges(): PermissionChange[];
	/** Declares which shoppers gave explicit consent in the shop; sign_up_form for one without is a consent violation. */
	declareConsent(shoppers: Array<{ email: string; explicit: boolean }>): void;
	/** Re-subscribed unsubscribed contacts and sign-ups without declared consent, since the stand-in started (reset keeps them). */
	consentViolations(): ConsentViolation[];
	/** For a test that causes a violation on purpose, after asserting it; stop() fails on any left. */
	clearConsentViolations(): void;
	injectFaults(faults: Fault[]): void;
	clearFaults(): void;
	expireAllAccessTokens(): void;
	/** Every access and refresh token issued since the last reset (in-process only: tests scan logs for them). */
	issuedTokens(): string[];
	setRefreshTokenMode(mode: RefreshTokenMode): void;
	setReentryPolicy(policy: ReentryPolicy): void;
	/** Switches PUT semantics (see PutSemantics); reset() restores the start option. */
	setPutSemantics(semantics: PutSemantics): void;
	/** Switches GET /contacts?email= matching (see EmailLookup); reset() restores the start option. */
	setEmailLookup(lookup: EmailLookup): void;
	resetQuota(): void;
	reset(): void;
	/** Stand-in extra: moves the server's clock (token expiry, code expiry, the UTC day of the quota). */
	advanceClock(ms: number): void;
}

const DEFAULT_SCOPE = 'contact_data offline_access';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createControl(
	server: FakeServer,
	defaults: { reentryPolicy: ReentryPolicy; refreshTokenMode: RefreshTokenMode; putSemantics: PutSemantics; emailLookup: EmailLookup },
): FakeConstantContactControl {
	const account = server.account;
	const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
	const fullContact = (id: string) => account.contactResource(account.contacts.get(id)!, ALL_INCLUDES);

	return {
		registerApp(app) {
			server.oauth.registerApp(app);
		},
		issueTokens(options = {}) {
			const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
			if (!server.oauth.hasApp(clientId)) throw new Error(`No OAuth app with client id ${clientId}; registerApp it first.`);
			return server.oauth.issue(clientId, options.scope ?? DEFAULT_SCOPE);
		},
		seedList({ name, listId, automation }) {
			if (account.listIdByName.has(name)) throw new Error(`A list named ${name} already exists.`);
			if (listId && account.lists.has(listId)) throw new Error(`A list with id ${listId} already exists.`);
			if (listId && !UUID.test(listId)) {
				throw new Error(`listId ${listId} is not a UUID; Constant Contact's list ids are UUIDs and request bodies are checked for that.`);
			}
			const list = account.createList({ name, listId, automation });
			return { ...account.listResource(list), automation: list.automation ?? null };
		},
		seedContact({ email, firstName, lastName, permission = 'implicit', listIds = [], customFields = {}, phoneNumbers, streetAddresses, notes, taggings }) {
			if (account.findContactIdByEmail(email)) throw new Error(`A contact with email ${email} already exists.`);
			if (listIds.length > LIMITS.listsPerContact) throw new Error(`A contact can be on at most ${LIMITS.listsPerContact} lists.`);
			const contact = account.createContact({ address: email, permission, createSource: 'Account' });
			account.setCore(contact, { first_name: firstName, last_name: lastName }, false);
			contact.phone_numbers = plain(phoneNumbers ?? []);
			contact.street_addresses = plain(streetAddresses ?? []);
			contact.notes = plain(notes ?? []);
			contact.taggings = [...(taggings ?? [])];
			for (const [label, value] of Object.entries(customFields)) {
				const id = account.customFieldIdByName.get(customFieldName(label).toLowerCase()) ?? account.createCustomField(label).custom_field_id;
				contact.customFields.set(id, value);
			}
			for (const listId of listIds) {
				if (!account.lists.has(listId)) throw new Error(`No list with id ${listId}; seedList it first.`);
				account.addToList(contact, listId, 'seed');
			}
			return fullContact(contact.contact_id);
		},
		joinList({ email, listId }) {
			const id = account.findContactIdByEmail(email);
			if (!id) throw new Error(`No contact with email ${email}.`);
			if (!account.lists.has(listId)) throw new Error(`No list with id ${listId}; seedList it first.`);
			account.addToList(account.contacts.get(id)!, listId, 'seed');
		},
		seedActivities({ count }) {
			for (let n = 0; n < count; n++) {
				const activity = account.createActivity('remove_list_memberships', { items_total_count: 1, items_completed_count: 1, list_count: 1 });
				Object.assign(activity, { state: 'completed', percent_done: 100, started_at: activity.created_at, completed_at: activity.created_at });
			}
		},
		refuseAddresses({ emails }) {
			for (const email of emails) account.refusedAddresses.add(email.trim().toLowerCase());
		},
		seedCustomField({ label, type = 'string' }) {
			if (account.customFieldIdByName.has(customFieldName(label).toLowerCase())) {
				throw new Error(`A custom field labelled ${label} already exists.`);
			}
			return account.customFieldResource(account.createCustomField(label, type));
		},
		snapshot() {
			return plain({
				contacts: [...account.contacts.keys()].map(fullContact),
				lists: [...account.lists.values()].map((l) => ({ ...account.listResource(l, 'all'), automation: l.automation ?? null })),
				customFields: [...account.customFields.values()].map((f) => account.customFieldResource(f)),
				activities: [...account.activities.values()].map((a) => account.activityResource(a)),
				automationEntries: account.entries,
			});
		},
		findContactByEmail(email) {
			const id = account.findContactIdByEmail(email);
			return id ? plain(fullContact(id)) : undefined;
		},
		automationEntries(filter = {}) {
			const email = filter.email?.toLowerCase();
			return plain(
				account.entries.filter(
					(e) => (!filter.listId || e.listId === filter.listId) && (!email || e.email.toLowerCase() === email),
				),
			);
		},
		requestLog: () => plain(server.log),
		clearRequestLog() {
			server.log.length = 0;
		},
		contractViolations: () => plain(server.violations),
		permissionChanges: () => plain(account.permissionLog),
		declareConsent: (shoppers) => server.consentAudit.declare(shoppers),
		consentViolations: () => plain(server.consentAudit.violations),
		clearConsentViolations() {
			server.consentAudit.violations.length = 0;
		},
		injectFaults: (faults) => server.injectFaults(faults),
		clearFaults: () => server.clearFaults(),
		expireAllAccessTokens: () => server.oauth.expireAllAccessTokens(),
		issuedTokens: () => server.oauth.issuedTokens(),
		setRefreshTokenMode: (mode) => server.oauth.setRefreshTokenMode(mode),
		setReentryPolicy(policy) {
			account.reentryPolicy = policy;
		},
		setPutSemantics(semantics) {
			account.putSemantics = semantics;
		},
		setEmailLookup(lookup) {
			account.emailLookup = lookup;
		},
		resetQuota: () => server.resetQuota(),
		reset() {
			server.cancelTimers();
			account.clear();
			account.reentryPolicy = defaults.reentryPolicy;
			account.putSemantics = defaults.putSemantics;
			account.emailLookup = defaults.emailLookup;
			server.oauth.reset();
			server.oauth.setRefreshTokenMode(defaults.refreshTokenMode);
			server.log.length = 0;
			server.violations.length = 0;
			server.clearFaults();
			server.resetQuota();
			server.consentAudit.forgetDeclarations();
			server.clockOffsetMs = 0;
		},
		advanceClock(ms) {
			server.clockOffsetMs += ms;
		},
	};
}

/**
 * HTTP form of the control API: POST /__control/<operation> with the argument as a JSON body (GET for reads,
 * arguments in the query). A fault's `match.path` may be `{ "regex": "^/v3/contacts" }` over HTTP.
 */
export function controlOverHttp(control: FakeConstantContactControl): (operation: string, method: string, args: unknown) => unknown {
	return (operation, _method, args) => {
		const a = (args ?? {}) as Record<string, unknown>;
		switch (operation) {
			case 'findContactByEmail':
				return control.findContactByEmail(String(a.email ?? '')) ?? null;
			case 'setRefreshTokenMode':
				return control.setRefreshTokenMode(a.mode as RefreshTokenMode);
			case 'setReentryPolicy':
				return control.setReentryPolicy(a.policy as ReentryPolicy);
			case 'setPutSemantics':
				return control.setPutSemantics(a.semantics as PutSemantics);
			case 'setEmailLookup':
				return control.setEmailLookup(a.lookup as EmailLookup);
			case 'advanceClock':
				return control.advanceClock(Number(a.ms));
			case 'injectFaults': {
				const faults = (Array.isArray(args) ? args : (a.faults as Fault[])) ?? [];
				return control.injectFaults(faults.map(faultFromJson));
			}
			case 'automationEntries':
				return control.automationEntries(a as { listId?: string; email?: string });
			case 'declareConsent':
				return control.declareConsent((Array.isArray(args) ? args : (a.shoppers as Array<{ email: string; explicit: boolean }>)) ?? []);
			case 'issueTokens':
			case 'registerApp':
			case 'seedList':
			case 'seedContact':
			case 'seedCustomField':
			case 'seedActivities':
			case 'refuseAddresses':
			case 'joinList':
				return (control[operation] as (arg: unknown) => unknown)(a);
			case 'snapshot':
			case 'requestLog':
			case 'clearRequestLog':
			case 'contractViolations':
			case 'permissionChanges':
			case 'consentViolations':
			case 'clearConsentViolations':
			case 'clearFaults':
			case 'expireAllAccessTokens':
			case 'resetQuota':
			case 'reset':
				return (control[operation] as () => unknown)();
		}
		throw new Error(`Unknown control operation ${operation}.`);
	};
}

function faultFromJson(fault: Fault): Fault {
	const path = fault.match?.path as unknown;
	if (path && typeof path === 'object' && 'regex' in path) {
		return { ...fault, match: { ...fault.match, path: new RegExp(String((path as { regex: string }).regex)) } };
	}
	return fault;
}
