/**
 * The live check: every Constant Contact call the nodes depend on, in eight steps, through the package's own
 * client (nodes/ConstantContact). One line per step; a summary of what Constant Contact did, to compare with the
 * stand-in. Never prints a token or the client secret.
 */
import { ConstantContactApi } from '../../nodes/ConstantContact/api';
import { ConstantContactClient, type Send } from '../../nodes/ConstantContact/httpClient';
import { ConstantContactError } from '../../nodes/ConstantContact/errors';
import { MAX_CUSTOM_FIELD_VALUE_LENGTH } from '../../nodes/ConstantContact/limits';
import type { Activity, Contact, ContactList, ContactsPage, ContactUpdateBody, CustomField } from '../../nodes/ConstantContact/types';
import { addShoppersToList } from '../../nodes/AddToAutoresponderList/addToList';
import { completeContactUpdate, unchangedContact } from '../../nodes/AddToAutoresponderList/contactUpdate';
import { resolveCustomFields } from '../../nodes/AddToAutoresponderList/customFields';
import { removeShoppersFromList } from '../../nodes/AddToAutoresponderList/removeFromList';
import type { ItemResult } from '../../nodes/AddToAutoresponderList/results';
import { DEFAULT_REENTRY_FIELD, writeListEntry } from '../../nodes/AddToAutoresponderList/reentry';
import { readShopper, type Shopper } from '../../nodes/AddToAutoresponderList/shopper';
import { getAccountSummary } from '../support/account';
import { createFetchSend } from '../support/fetchTransport';
import { authorizeUrl, exchangeCode, newState, readPastedRedirect, refreshAccessToken, type TokenSet } from '../support/oauth';
import type { LiveConfig } from './config';

export interface LiveCheckOptions {
	/** Where lines go; default console.log. */
	output?: (line: string) => void;
	/** Shows nothing itself: returns what the user pasted after opening `url`. Absent when there is no terminal. */
	askForRedirect?: (url: string) => Promise<string>;
	/** Every refresh token Constant Contact issues, so a rotated one can be kept (e.g. in CC_TOKEN_FILE). */
	onRefreshToken?: (refreshToken: string) => void | Promise<void>;
	/** Called before each step (tests inject faults here). */
	beforeStep?: (step: number) => void | Promise<void>;
	/** Default: real time. Used for the client's throttle and retries and for activity polling. */
	sleep?: (ms: number) => Promise<void>;
	/** The client's throttle; default Constant Contact's 4 per second. Tests against an unlimited stand-in raise it. */
	requestsPerSecond?: number;
	/** The node's write functions step 7 runs; default the package's own. Tests swap in a faulty one to see it caught. */
	writePaths?: WritePaths;
}

export interface WritePaths {
	addShoppersToList: typeof addShoppersToList;
	removeShoppersFromList: typeof removeShoppersFromList;
}

export type StepStatus = 'ok' | 'failed' | 'skipped';

export interface StepResult {
	number: number;
	name: string;
	status: StepStatus;
	durationMs: number;
	/** What was seen, or on failure what Constant Contact answered. */
	detail: string;
	line: string;
}

export interface ActivityTiming {
	kind: string;
	state: string;
	/** From queuing to the final state, as polled. */
	ms: number;
	polls: number;
	/** created_at to completed_at as Constant Contact states them, when it does. */
	statedMs?: number;
}

export interface Observations {
	refreshTokens?: 'rotating' | 'long-lived' | 'not returned';
	accessTokenLifetimeSeconds?: number;
	grantedScope?: string;
	signUpFormActions: string[];
	permissionAfterSignUp?: string;
	activities: ActivityTiming[];
	requests: number;
	throttledAnswers: number;
	/** What a PUT did with a custom_fields / list_memberships array that left one item out. */
	putCustomFields?: 'replaced' | 'merged';
	putLists?: 'replaced' | 'merged';
	/** Whether GET /contacts?email= found the test contact with its address in upper case. */
	emailLookup?: 'case-sensitive' | 'case-insensitive';
	/** Whether the merchant's data on the test contact survived every write path of the nodes; with what was lost. */
	dataPreserved?: 'yes' | 'no';
	dataLost: string[];
}

export interface LiveCheckResult {
	ok: boolean;
	steps: StepResult[];
	observed: Observations;
}

export const STEP_NAMES = [
	'Refresh the access token',
	'Account, lists and the test list',
	'Custom fields',
	'Upsert the test contact',
	'Remove and re-add (repeat abandoner)',
	'Bulk import and membership activity',
	'Merchant data through every write path',
	'Clean up',
] as const;

const CLEANUP_STEP = 8;
/** The merchant's own data the check gives the test contact, which no write of the nodes may erase. */
const MERCHANT_FIELD_LABEL = 'live_check_merchant_field';
const MERCHANT_PHONE = { phone_number: '+1 555 010 0199', kind: 'home' };
const SECOND_LIST_SUFFIX = ' (second list, live check)';
const ALL_INCLUDES = ['custom_fields', 'list_memberships', 'phone_numbers', 'street_addresses', 'taggings', 'notes'] as const;
const ACTIVITY_MAX_WAIT_MS = 5 * 60 * 1000;
const CONTACT_INCLUDE = ['custom_fields', 'list_memberships'] as const;

/** A read-back that differs from what the nodes expect. */
class Mismatch extends Error {}

interface Run {
	config: LiveConfig;
	options: LiveCheckOptions;
	observed: Observations;
	secrets: Set<string>;
	tokens?: TokenSet;
	api?: ConstantContactApi;
	list?: ContactList;
	fields: Map<string, CustomField>;
	contactId?: string;
	/** Label -> value as written (after the node's truncation). */
	written: Record<string, string>;
	/** Core properties and permission of the contact after step 4, which later writes must keep. */
	kept?: Contact;
}

export async function runLiveCheck(config: LiveConfig, options: LiveCheckOptions = {}): Promise<LiveCheckResult> {
	const print = options.output ?? ((line: string) => console.log(line));
	const run: Run = {
		config,
		options,
		observed: { signUpFormActions: [], activities: [], requests: 0, throttledAnswers: 0, dataLost: [] },
		secrets: new Set([config.clientSecret, config.refreshToken ?? ''].filter((secret) => secret.length >= 4)),
		fields: new Map(),
		written: {},
	};
	const output = (line: string) => print(redact(line, run.secrets));
	run.options = { ...options, output };

	output(`Constant Contact live check: API ${config.apiBaseUrl}, OAuth ${config.oauthBaseUrl}`);
	output(`Test list "${config.listName}", test contact ${config.testEmail}`);
	const steps: Array<(run: Run) => Promise<string>> = [
		refreshStep,
		listStep,
		customFieldStep,
		upsertStep,
		reAddStep,
		bulkStep,
		merchantDataStep,
		cleanUpStep,
	];
	const results: StepResult[] = [];
	let failedAt: number | undefined;
	for (const [index, body] of steps.entries()) {
		const number = index + 1;
		const cleanUpPossible = number === CLEANUP_STEP && run.api && run.list && run.contactId;
		let result: StepResult;
		if (failedAt !== undefined && !cleanUpPossible) {
			result = stepResult(number, 'skipped', 0, `not run: step ${failedAt} failed`);
		} else {
			await options.beforeStep?.(number);
			const started = performance.now();
			try {
				const detail = await body(run);
				result = stepResult(number, 'ok', performance.now() - started, detail);
			} catch (error) {
				result = stepResult(number, 'failed', performance.now() - started, describeFailure(error));
				failedAt ??= number;
			}
		}
		results.push(result);
		output(result.line);
	}
	run.observed.requests = run.api?.client.requestCount ?? 0;
	const ok = results.every((result) => result.status === 'ok');
	for (const line of summary(run.observed)) output(line);
	const failed = results.filter((result) => result.status === 'failed').map((result) => result.number);
	output(
		ok
			? `Result: all ${results.length} steps matched what the nodes expect.`
			: `Result: FAILED at step ${failed.join(', ')}; fix what the line says and run the check again.`,
	);
	return { ok, steps: results, observed: run.observed };
}

// ---- the steps ----------------------------------------------------------------------------------------------

async function refreshStep(run: Run): Promise<string> {
	const { config } = run;
	const app = { oauthBaseUrl: config.oauthBaseUrl, clientId: config.clientId, clientSecret: config.clientSecret };
	let refreshToken = config.refreshToken;
	let how = 'CC_REFRESH_TOKEN';
	if (!refreshToken) {
		if (!run.options.askForRedirect) {
			throw new Error(
				'No refresh token: set CC_REFRESH_TOKEN, or run the check in a terminal to authorize in the browser.',
			);
		}
		const state = newState();
		const url = authorizeUrl(app, config.redirectUri, config.scope, state);
		run.options.output?.(`Open this address, sign in to Constant Contact and allow access:\n  ${url}`);
		run.options.output?.(`Then paste the address your browser was sent to (it starts with ${config.redirectUri}):`);
		const pasted = readPastedRedirect(await run.options.askForRedirect(url), state);
		if ('problem' in pasted) throw new Error(pasted.problem);
		run.secrets.add(pasted.code);
		const exchanged = await exchangeCode(app, pasted.code, config.redirectUri);
		if (!exchanged.ok) throw tokenFailure('exchange the authorization code', exchanged.status, exchanged.said);
		keepTokens(run, exchanged.tokens);
		refreshToken = exchanged.tokens.refreshToken;
		how = 'the authorization code';
		if (!refreshToken) {
			throw new Error(
				'Constant Contact issued no refresh token: the app must request the offline_access scope (CC_SCOPE).',
			);
		}
		await run.options.onRefreshToken?.(refreshToken);
	}
	const refreshed = await refreshAccessToken(app, refreshToken);
	if (!refreshed.ok) throw tokenFailure('refresh the access token', refreshed.status, refreshed.said);
	keepTokens(run, refreshed.tokens);
	const next = refreshed.tokens.refreshToken;
	run.observed.refreshTokens = !next ? 'not returned' : next === refreshToken ? 'long-lived' : 'rotating';
	run.observed.accessTokenLifetimeSeconds = refreshed.tokens.expiresIn;
	run.observed.grantedScope = refreshed.tokens.scope;
	if (next && next !== refreshToken) await run.options.onRefreshToken?.(next);
	run.api = apiFor(run);

	const kind =
		run.observed.refreshTokens === 'rotating'
			? 'rotating refresh tokens: a new one came back and the old one no longer works'
			: run.observed.refreshTokens === 'long-lived'
				? 'long-lived refresh tokens: the same one came back'
				: 'no refresh token came back (the app may lack offline_access)';
	if (run.observed.refreshTokens === 'not returned') throw new Mismatch(`Refreshed with ${how}, but ${kind}.`);
	return `refreshed with ${how}; ${kind}; access token valid ${refreshed.tokens.expiresIn ?? '?'} s`;
}

async function listStep(run: Run): Promise<string> {
	const api = run.api!;
	const parts: string[] = [];
	const scope = run.observed.grantedScope?.split(/[\s+]+/);
	if (scope && !scope.includes('account_read') && !scope.includes('account_update')) {
		parts.push('account summary skipped (no account_read scope)');
	} else {
		const summary = await getAccountSummary(api).catch((error: ConstantContactError) => {
			// Without a scope list in the token answer, a 403 is how Constant Contact says account_read is missing.
			if (!scope && error.status === 403) return undefined;
			throw error;
		});
		parts.push(
			summary
				? `account "${summary.organization_name ?? summary.encoded_account_id ?? '?'}"`
				: 'account summary not allowed (no account_read scope)',
		);
	}
	let count = 0;
	let cursor: string | undefined;
	do {
		const page = await api.searchLists({ cursor });
		count += page.items.length;
		cursor = page.nextHref;
	} while (cursor);
	parts.push(plural(count, 'list'));
	const found = await api.findListByName(run.config.listName);
	run.list = found ?? (await api.createList(run.config.listName, 'Abandoned-cart reminders; used by the live check.'));
	parts.push(`list "${run.list.name}" ${found ? 'found' : 'created'} (${run.list.list_id})`);
	return parts.join('; ');
}

async function customFieldStep(run: Run): Promise<string> {
	const labels = run.config.customFieldLabels;
	const resolved = await resolveCustomFields(run.api!, labels, true);
	const problems = [...resolved.problems].map(([label, error]) => `${label}: ${error.message}`);
	if (problems.length) throw new Mismatch(problems.join('; '));
	for (const [label, field] of resolved.byLabel) run.fields.set(label, field);
	const created = resolved.created.length ? `created ${resolved.created.join(', ')}` : 'none created';
	return `${labels.length} custom fields ready (${labels.join(', ')}); ${created}`;
}

async function upsertStep(run: Run): Promise<string> {
	const api = run.api!;
	const listId = run.list!.list_id;
	const shopper = testShopper(run);
	const body = {
		email_address: shopper.email,
		first_name: shopper.firstName,
		last_name: shopper.lastName,
		list_memberships: [listId],
		custom_fields: shopper.cartValues.map(({ label, value }) => ({
			custom_field_id: run.fields.get(label)!.custom_field_id,
			value,
		})),
	};
	for (const { label, value } of shopper.cartValues) run.written[label] = value;
	// sign_up_form re-subscribes an unsubscribed contact (reference §3.4): never for one.
	const existing = await api.getContactByEmail(shopper.email);
	if (existing?.email_address?.permission_to_send === 'unsubscribed') {
		throw new Mismatch(
			`The test contact ${shopper.email} is unsubscribed; the check never signs an unsubscribed address up again. Use another CC_TEST_EMAIL.`,
		);
	}
	const first = await api.signUpForm(body);
	run.contactId = first.contact_id;
	// The same request again is what a repeat abandoner's sign-up looks like: it must say "updated".
	const again = await api.signUpForm(body);
	run.observed.signUpFormActions.push(String(first.action), String(again.action));

	const contact = await api.getContact(first.contact_id, [...CONTACT_INCLUDE]);
	run.kept = contact;
	run.observed.permissionAfterSignUp = contact.email_address?.permission_to_send;
	const differences = compareContact(run, contact, shopper);
	if (again.contact_id !== first.contact_id) differences.push(`the repeat sign-up answered another contact (${again.contact_id})`);
	if (!['created', 'updated'].includes(String(first.action))) differences.push(`sign_up_form action "${first.action}" is neither created nor updated`);
	if (again.action !== 'updated') differences.push(`the repeat sign_up_form said action "${again.action}", the node expects "updated"`);
	if (differences.length) throw new Mismatch(`Read back differs: ${differences.join('; ')}`);
	const cut = shopper.truncated.map((label) => `${label} cut to ${MAX_CUSTOM_FIELD_VALUE_LENGTH} characters`).join(', ');
	return `sign_up_form ${first.action} then ${again.action}; read back ${Object.keys(run.written).length} custom fields, names, list membership: all match${cut ? `; ${cut}` : ''}; permission ${run.observed.permissionAfterSignUp}`;
}

async function reAddStep(run: Run): Promise<string> {
	const api = run.api!;
	const { removal, listsLeft } = await takeOffList(run);

	// The node's re-add of a repeat abandoner: PUT with every core property sent back and the list added.
	const kept = run.kept!;
	await api.updateContact(run.contactId!, {
		email_address: { address: kept.email_address!.address, permission_to_send: kept.email_address?.permission_to_send },
		first_name: kept.first_name,
		last_name: kept.last_name,
		job_title: kept.job_title,
		company_name: kept.company_name,
		birthday_month: kept.birthday_month,
		birthday_day: kept.birthday_day,
		anniversary: kept.anniversary,
		update_source: 'Account',
		list_memberships: [...listsLeft, run.list!.list_id],
	});
	await expectReadBackToMatch(run, 'After the re-add');
	return `removed (activity ${removal.state} in ${seconds(removal.ms)}), off the list; re-added with PUT, on the list; names, permission and custom fields unchanged`;
}

async function bulkStep(run: Run): Promise<string> {
	const api = run.api!;
	const listId = run.list!.list_id;
	const contactId = run.contactId!;
	// The node's bulk path writes custom fields as `cf:<name>` import columns; change one value to see it land.
	const [label, field] =
		[...run.fields].find(([name]) => name !== DEFAULT_REENTRY_FIELD && (run.written[name] ?? '').length < MAX_CUSTOM_FIELD_VALUE_LENGTH) ??
		[...run.fields][0];
	const value = `bulk ${new Date().toISOString()}`;
	const column = `cf:${field.name ?? field.label.trim().replace(/\s+/g, '_')}`;
	const row = { email: run.config.testEmail, first_name: run.kept?.first_name, [column]: value };
	const imported = await runActivity(run, 'contacts_json_import', () => api.importContacts([row], [listId]));
	const importErrors = [...(imported.activity.activity_errors ?? [])];
	if (imported.activity.status?.error_count) importErrors.unshift(`${imported.activity.status.error_count} row errors`);
	if (importErrors.length) throw new Mismatch(`the import completed with errors: ${importErrors.join('; ')}`);
	run.written[label] = value;
	const added = await runActivity(run, 'add_list_memberships', () => api.addListMemberships([contactId], [listId]));
	await expectReadBackToMatch(run, 'After the import and the add');
	return `import ${imported.state} in ${seconds(imported.ms)} (${label} updated through ${column}); add_list_memberships ${added.state} in ${seconds(added.ms)}; on the list`;
}

/**
 * Gives the test contact data of the merchant's own (a custom field value, a second list, a phone number), asks
 * Constant Contact what a PUT does with arrays that leave items out and whether the email look-up ignores case, then
 * runs the nodes' own write functions (remove, join, stay with new values, re-trigger, bulk re-trigger, remove with
 * Clear Cart Fields) and reads the contact back after each: the merchant's data must still be there.
 */
async function merchantDataStep(run: Run): Promise<string> {
	const api = run.api!;
	const [contactId, listId, email] = [run.contactId!, run.list!.list_id, run.config.testEmail];
	const write = run.options.writePaths ?? { addShoppersToList, removeShoppersFromList };
	const before = await api.getContact(contactId, [...ALL_INCLUDES]);
	if (before.email_address?.permission_to_send === 'unsubscribed') throw new Mismatch(`The test contact ${email} is unsubscribed; nothing was written.`);
	const merchantField = (await resolveCustomFields(api, [MERCHANT_FIELD_LABEL], true)).byLabel.get(MERCHANT_FIELD_LABEL);
	if (!merchantField) throw new Mismatch(`could not find or create the custom field ${MERCHANT_FIELD_LABEL}`);
	const secondListName = `${run.list!.name}${SECOND_LIST_SUFFIX}`;
	const secondList = (await api.findListByName(secondListName)) ?? (await api.createList(secondListName, 'The live check\'s stand-in for a merchant\'s other list.'));
	const merchantValue = `merchant value ${new Date().toISOString()}`;
	const withMerchantData = (contact: Contact): ContactUpdateBody =>
		({
			...completeContactUpdate(contact, email, {
				customFields: [{ custom_field_id: merchantField.custom_field_id, value: merchantValue }],
				joinListId: secondList.list_id,
			}),
			phone_numbers: [...(contact.phone_numbers ?? []).filter((phone) => phone.phone_number !== MERCHANT_PHONE.phone_number), MERCHANT_PHONE],
		}) as ContactUpdateBody;
	await api.updateContact(contactId, withMerchantData(before));

	// The probe: a PUT whose arrays leave out only the check's own merchant value and second list.
	const current = await api.getContact(contactId, [...CONTACT_INCLUDE]);
	await api.updateContact(contactId, {
		...unchangedContact(current, email),
		custom_fields: (current.custom_fields ?? []).filter((field) => field.custom_field_id !== merchantField.custom_field_id),
		list_memberships: (current.list_memberships ?? []).filter((id) => id !== secondList.list_id),
	});
	const probed = await api.getContact(contactId, [...ALL_INCLUDES]);
	const kept = (contact: Contact) => ({
		field: contact.custom_fields?.some((field) => field.custom_field_id === merchantField.custom_field_id && field.value === merchantValue) ?? false,
		list: contact.list_memberships?.includes(secondList.list_id) ?? false,
		phone: contact.phone_numbers?.some((phone) => phone.phone_number === MERCHANT_PHONE.phone_number) ?? false,
	});
	run.observed.putCustomFields = kept(probed).field ? 'merged' : 'replaced';
	run.observed.putLists = kept(probed).list ? 'merged' : 'replaced';
	await api.updateContact(contactId, withMerchantData(probed));

	const upperCase = email.toUpperCase();
	const found = await api.client.request<ContactsPage>({
		method: 'GET',
		path: '/contacts',
		query: { email: upperCase, status: 'all' },
		action: 'look up the test contact with its address in upper case',
	});
	const foundIt = (found.contacts ?? []).some((contact) => contact.contact_id === contactId);
	run.observed.emailLookup = upperCase !== email.toLowerCase() && !foundIt ? 'case-sensitive' : 'case-insensitive';

	const shopper = (n: number) =>
		readShopper(
			{
				index: 0,
				email,
				consent: true,
				cartValues: [...run.fields.keys()]
					.filter((label) => label !== DEFAULT_REENTRY_FIELD)
					.map((label) => ({ label, value: /url/i.test(label) ? `https://shop.example/cart/recover?cart=live-check-${n}` : `live check ${n}` })),
			},
			'truncate',
		);
	const settings = (repeat: 'leave' | 'retrigger', bulkThreshold = 1000) => ({
		listId,
		consentPolicy: 'consented' as const,
		repeatAbandoners: repeat,
		cooldownMs: 0,
		reentryFieldLabel: DEFAULT_REENTRY_FIELD,
		createMissingFields: false,
		bulkThreshold,
		now: Date.now(),
	});
	const clearLabel = [...run.fields.keys()].find((label) => label !== DEFAULT_REENTRY_FIELD) ?? DEFAULT_REENTRY_FIELD;
	const paths: Array<[string, string, () => Promise<ItemResult[]>]> = [
		['remove', 'removed', () => write.removeShoppersFromList(api, [{ index: 0, email }], listId)],
		['join', 'added', () => write.addShoppersToList(api, [shopper(1)], settings('leave'))],
		['stay with new cart values', 'already-on-list', () => write.addShoppersToList(api, [shopper(2)], settings('leave'))],
		['re-trigger', 're-added', () => write.addShoppersToList(api, [shopper(3)], settings('retrigger'))],
		['bulk re-trigger', 're-added', () => write.addShoppersToList(api, [shopper(4)], settings('retrigger', 1))],
		['remove with Clear Cart Fields', 'removed', () => write.removeShoppersFromList(api, [{ index: 0, email }], listId, [clearLabel])],
	];
	const lost: string[] = [];
	for (const [name, expected, path] of paths) {
		const [result] = await path();
		if (result.status !== expected) {
			throw new Mismatch(`${name}: the node said "${result.status}"${result.error ? ` (${result.error.message})` : ''}, expected "${expected}"`);
		}
		const after = kept(await api.getContact(contactId, [...ALL_INCLUDES]));
		if (!after.field) lost.push(`${name} erased the custom field value`);
		if (!after.list) lost.push(`${name} took the contact off the second list`);
		if (!after.phone) lost.push(`${name} erased the phone number`);
	}
	// Leaves the test contact on no list of the check's (clean-up takes it off the reminder list).
	await runActivity(run, 'remove_list_memberships', () => api.removeListMemberships([contactId], [secondList.list_id]));
	run.observed.dataLost = lost;
	run.observed.dataPreserved = lost.length ? 'no' : 'yes';
	if (lost.length) throw new Mismatch(`The merchant's data was not preserved: ${lost.join('; ')}`);
	return `${paths.length} write paths of the nodes (${paths.map(([name]) => name).join(', ')}); custom field value, second list and phone number kept after each`;
}

async function cleanUpStep(run: Run): Promise<string> {
	const api = run.api!;
	const contactId = run.contactId!;
	const { removal } = await takeOffList(run);
	if (!run.config.deleteContact) {
		return `taken off the list (activity ${removal.state} in ${seconds(removal.ms)}); contact kept (set CC_DELETE_TEST_CONTACT=1 to delete it)`;
	}
	// api.ts has no delete call (the nodes never delete); the client's one request function is still used.
	await api.client.request({ method: 'DELETE', path: `/contacts/${encodeURIComponent(contactId)}`, action: 'delete the test contact' });
	const after = await api.getContactByEmail(run.config.testEmail);
	if (after && !after.deleted_at) throw new Mismatch('the contact is not marked deleted after DELETE answered');
	return `taken off the list (activity ${removal.state} in ${seconds(removal.ms)}); contact deleted`;
}

// ---- helpers ------------------------------------------------------------------------------------------------

/** Takes the test contact off the list with the bulk activity, as the node does, and checks it is off. */
async function takeOffList(run: Run): Promise<{ removal: ActivityTiming; listsLeft: string[] }> {
	const api = run.api!;
	const [contactId, listId] = [run.contactId!, run.list!.list_id];
	const removal = await runActivity(run, 'remove_list_memberships', () => api.removeListMemberships([contactId], [listId]));
	const listsLeft = (await api.getContact(contactId, ['list_memberships'])).list_memberships ?? [];
	if (listsLeft.includes(listId)) throw new Mismatch('the contact is still on the list after the removal completed');
	return { removal, listsLeft };
}

async function expectReadBackToMatch(run: Run, when: string): Promise<void> {
	const differences = compareContact(run, await run.api!.getContact(run.contactId!, [...CONTACT_INCLUDE]), undefined);
	if (differences.length) throw new Mismatch(`${when}: ${differences.join('; ')}`);
}

function apiFor(run: Run): ConstantContactApi {
	const pause = run.options.sleep ?? (async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms)));
	const app = { oauthBaseUrl: run.config.oauthBaseUrl, clientId: run.config.clientId, clientSecret: run.config.clientSecret };
	const fetchSend = createFetchSend({
		accessToken: () => run.tokens!.accessToken,
		// As n8n does: one refresh after a 401, then the request again.
		refresh: async () => {
			if (!run.tokens?.refreshToken) return false;
			const previous = run.tokens.refreshToken;
			const answer = await refreshAccessToken(app, previous);
			if (!answer.ok) return false;
			keepTokens(run, answer.tokens);
			if (run.tokens.refreshToken && run.tokens.refreshToken !== previous) await run.options.onRefreshToken?.(run.tokens.refreshToken);
			return true;
		},
	});
	const send: Send = async (request) => {
		const outcome = await fetchSend(request);
		if (outcome.kind === 'response' && outcome.status === 429) run.observed.throttledAnswers++;
		return outcome;
	};
	const client = new ConstantContactClient({
		send,
		apiBaseUrl: run.config.apiBaseUrl,
		sleep: pause,
		requestsPerSecond: run.options.requestsPerSecond,
	});
	return new ConstantContactApi(client, pause);
}

function keepTokens(run: Run, tokens: TokenSet): void {
	run.tokens = { ...tokens, refreshToken: tokens.refreshToken ?? run.tokens?.refreshToken };
	for (const secret of [tokens.accessToken, tokens.refreshToken]) if (secret) run.secrets.add(secret);
}

/** The test contact as the node would receive it, with one value too long for Constant Contact (the node cuts it). */
function testShopper(run: Run): Shopper {
	const runId = new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15);
	const labels = [...run.fields.keys()];
	const longLabel = labels.find((label) => /url|summary|items/i.test(label) && label !== DEFAULT_REENTRY_FIELD) ?? labels[0];
	const valueFor = (label: string): string => {
		if (label === longLabel) {
			const url = `https://shop.example/cart/recover?cart=live-check-${runId}&items=`;
			return url + 'blue-mug,green-teapot,oak-tray,'.repeat(10);
		}
		if (label === DEFAULT_REENTRY_FIELD) return writeListEntry(undefined, run.list!.list_id, Date.now());
		if (/url/i.test(label)) return `https://shop.example/cart/recover?cart=live-check-${runId}`;
		if (/total|amount|price/i.test(label)) return '42.50 USD';
		if (/count|qty|quantity/i.test(label)) return '3';
		if (/_at$|date|time/i.test(label)) return new Date().toISOString();
		if (/id$/i.test(label)) return `live-check-${runId}`;
		return `Live check ${runId}`;
	};
	return readShopper(
		{
			index: 0,
			email: run.config.testEmail,
			firstName: 'Live',
			lastName: 'Check',
			consent: true,
			cartValues: labels.map((label) => ({ label, value: valueFor(label) })),
		},
		'truncate',
	);
}

/** Every field the nodes wrote, read back (the contact must be on the list); names from `shopper` on the first read. */
function compareContact(run: Run, contact: Contact, shopper: Shopper | undefined): string[] {
	const differences: string[] = [];
	const email = contact.email_address?.address ?? '';
	if (email.toLowerCase() !== run.config.testEmail.toLowerCase()) differences.push(`email is "${email}"`);
	const names = shopper
		? { first_name: shopper.firstName, last_name: shopper.lastName }
		: { first_name: run.kept?.first_name, last_name: run.kept?.last_name };
	for (const [key, want] of Object.entries(names)) {
		const got = contact[key as 'first_name' | 'last_name'];
		if ((got ?? '') !== (want ?? '')) differences.push(`${key} is "${got ?? ''}", expected "${want ?? ''}"`);
	}
	if (!shopper && contact.email_address?.permission_to_send !== run.kept?.email_address?.permission_to_send) {
		differences.push(`permission changed from ${run.kept?.email_address?.permission_to_send} to ${contact.email_address?.permission_to_send}`);
	}
	for (const [label, want] of Object.entries(run.written)) {
		const id = run.fields.get(label)!.custom_field_id;
		const got = contact.custom_fields?.find((field) => field.custom_field_id === id)?.value;
		if (got === undefined) differences.push(`custom field ${label} is missing`);
		else if (got !== want) {
			differences.push(
				got.length !== want.length
					? `custom field ${label} has ${got.length} characters, ${want.length} were written`
					: `custom field ${label} is "${got}", expected "${want}"`,
			);
		}
	}
	if (!contact.list_memberships?.includes(run.list!.list_id)) differences.push('the contact is not on the list');
	return differences;
}

async function runActivity(
	run: Run,
	kind: string,
	start: () => Promise<Activity>,
): Promise<ActivityTiming & { activity: Activity }> {
	const started = performance.now();
	const requestsBefore = run.api!.client.requestCount;
	const queued = await start();
	const activity = await run.api!.waitForActivity(queued, { maxWaitMs: ACTIVITY_MAX_WAIT_MS });
	const timing: ActivityTiming = {
		kind,
		state: activity.state,
		ms: performance.now() - started,
		polls: run.api!.client.requestCount - requestsBefore - 1,
	};
	const stated = Date.parse(activity.completed_at ?? '') - Date.parse(activity.created_at ?? '');
	if (Number.isFinite(stated)) timing.statedMs = stated;
	run.observed.activities.push(timing);
	if (activity.state !== 'completed') {
		const errors = activity.activity_errors?.length ? `: ${activity.activity_errors.join('; ')}` : '';
		throw new Mismatch(`Constant Contact's ${kind} activity ${activity.activity_id} ended "${activity.state}"${errors}`);
	}
	return { ...timing, activity };
}

function tokenFailure(what: string, status: number, said: string): Error {
	const hint =
		/invalid_grant/.test(said)
			? ' The refresh token is used up, expired or from another app: authorize again (unset CC_REFRESH_TOKEN and run in a terminal).'
			: /invalid_client/.test(said)
				? ' Check CC_CLIENT_ID and CC_CLIENT_SECRET (the API key and secret of your app in the Constant Contact developer portal).'
				: '';
	return new Error(`Could not ${what}: the token endpoint answered ${status ? `HTTP ${status}` : 'nothing'} (${said}).${hint}`);
}

function describeFailure(error: unknown): string {
	if (error instanceof ConstantContactError) {
		const answer = [error.status ? `HTTP ${error.status}` : '', ...error.errorKeys].filter(Boolean).join(', ');
		return `${error.message}${answer ? ` [Constant Contact: ${answer}]` : ''}`;
	}
	return (error as Error)?.message ?? String(error);
}

function stepResult(number: number, status: StepStatus, durationMs: number, detail: string): StepResult {
	const name = STEP_NAMES[number - 1];
	const mark = { ok: 'ok  ', failed: 'FAIL', skipped: 'skip' }[status];
	const time = status === 'skipped' ? '' : seconds(durationMs);
	return { number, name, status, durationMs, detail, line: `${mark} ${number}. ${name.padEnd(37)} ${time.padStart(7)}  ${detail}` };
}

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(2)} s`;
}

function summary(observed: Observations): string[] {
	const activities = observed.activities.map(
		(activity) =>
			`${activity.kind} ${activity.state} in ${seconds(activity.ms)} (${plural(activity.polls, 'poll')}${activity.statedMs === undefined ? '' : `; created_at to completed_at ${seconds(activity.statedMs)}`})`,
	);
	return [
		'Observed Constant Contact behaviour (include this when you report a problem):',
		`  refresh tokens: ${observed.refreshTokens ?? 'not reached'}; access token lifetime: ${observed.accessTokenLifetimeSeconds ?? '?'} s; granted scope: ${observed.grantedScope ?? '(not stated)'}`,
		`  sign_up_form action values: ${observed.signUpFormActions.length ? observed.signUpFormActions.map((action) => `"${action}"`).join(', then ') : 'not reached'}; permission afterwards: ${observed.permissionAfterSignUp ?? '?'}`,
		`  activities: ${activities.length ? activities.join('; ') : 'none ran'}`,
		`  requests to the API: ${observed.requests}; throttled answers (429): ${observed.throttledAnswers}`,
		`  PUT custom_fields: ${observed.putCustomFields ?? 'not reached'}`,
		`  PUT lists: ${observed.putLists ?? 'not reached'}`,
		`  email look-up: ${observed.emailLookup ?? 'not reached'}`,
		`  data preserved: ${observed.dataPreserved ?? 'not reached'}${observed.dataLost.length ? ` (${observed.dataLost.join('; ')})` : ''}`,
	];
}

function redact(line: string, secrets: Set<string>): string {
	let safe = line;
	for (const secret of secrets) if (secret) safe = safe.split(secret).join('[redacted]');
	return safe;
}
