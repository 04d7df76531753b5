import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { SERVER_ERROR_MAX_RETRIES } from '../../nodes/ConstantContact/limits';
import type { Fault, FakeConstantContact } from '../fake-constant-contact';
import { useStandIn } from '../support/standIn';
import { addShoppersToList } from '../../nodes/AddToAutoresponderList/addToList';
import { unchangedContact } from '../../nodes/AddToAutoresponderList/contactUpdate';
import { removeShoppersFromList } from '../../nodes/AddToAutoresponderList/removeFromList';
import { runLiveCheck, type LiveCheckOptions, type LiveCheckResult, type WritePaths } from './check';
import { FALLBACK_FIELD_LABELS, readLiveConfig, type LiveConfig } from './config';

const SCOPE_WITH_ACCOUNT = 'contact_data offline_access account_read';
const TEST_EMAIL = 'owner+live-check@example-shop.test';
const LIST_NAME = 'Abandoned cart reminders';

function configFor(cc: FakeConstantContact, refreshToken: string | undefined, extra: Partial<LiveConfig> = {}): LiveConfig {
	return {
		clientId: 'test-client-id',
		clientSecret: 'test-client-secret',
		refreshToken,
		redirectUri: 'http://127.0.0.1:5679/callback',
		scope: SCOPE_WITH_ACCOUNT,
		listName: LIST_NAME,
		testEmail: TEST_EMAIL,
		oauthBaseUrl: cc.oauthBaseUrl,
		apiBaseUrl: cc.apiBaseUrl,
		deleteContact: false,
		customFieldLabels: ['ac_recovery_url', 'ac_cart_total', 'ac_item_count', 'ac_list_entries'],
		...extra,
	};
}

async function check(config: LiveConfig, options: LiveCheckOptions = {}): Promise<{ result: LiveCheckResult; lines: string[] }> {
	const lines: string[] = [];
	const result = await runLiveCheck(config, { output: (line) => lines.push(line), ...options });
	return { result, lines };
}

describe('the live check against a freshly started stand-in', () => {
	let cc: FakeConstantContact;
	const standIn = useStandIn({ per: 'test' });

	it('passes all eight steps with rotating refresh tokens, reports them as rotating and hands over the new refresh token', async () => {
		cc = await standIn.restart({ refreshTokenMode: 'rotating' });
		const issued = cc.control.issueTokens({ scope: SCOPE_WITH_ACCOUNT });
		const kept: string[] = [];
		const { result, lines } = await check(configFor(cc, issued.refresh_token), { onRefreshToken: (token) => void kept.push(token) });

		expect(result.steps.map((step) => step.status)).toEqual(Array(8).fill('ok'));
		expect(result.ok).toBe(true);
		expect(result.observed.refreshTokens).toBe('rotating');
		expect(result.observed.signUpFormActions).toEqual(['created', 'updated']);
		expect(lines).toContain('Result: all 8 steps matched what the nodes expect.');
		expect(lines.find((line) => line.includes('4. Upsert the test contact'))).toMatch(/ac_recovery_url cut to 255 characters/);
		expect(kept).toHaveLength(1);
		expect(kept[0]).not.toBe(issued.refresh_token);

		const contact = cc.control.findContactByEmail(TEST_EMAIL)!;
		const list = cc.control.snapshot().lists.find((entry) => entry.name === LIST_NAME)!;
		expect(contact.list_memberships).not.toContain(list.list_id);
		expect(cc.control.snapshot().customFields.map((field) => field.label)).toEqual(
			expect.arrayContaining(['ac_recovery_url', 'ac_cart_total', 'ac_item_count', 'ac_list_entries']),
		);
		expect(cc.control.contractViolations()).toEqual([]);
		expect(cc.control.requestLog().filter((entry) => entry.status === 429)).toEqual([]);
	});

	it('passes with long-lived refresh tokens, finds the existing list and fields, and deletes the contact when asked', async () => {
		cc = await standIn.restart({ refreshTokenMode: 'long-lived' });
		cc.control.seedList({ name: LIST_NAME, automation: true });
		cc.control.seedCustomField({ label: 'ac_cart_total' });
		const issued = cc.control.issueTokens();
		const { result, lines } = await check(configFor(cc, issued.refresh_token, { deleteContact: true }));

		expect(result.ok).toBe(true);
		expect(result.observed.refreshTokens).toBe('long-lived');
		expect(lines.find((line) => line.includes('2. Account'))).toMatch(/account summary skipped.*list "Abandoned cart reminders" found/);
		expect(lines.find((line) => line.includes('3. Custom fields'))).toMatch(/created ac_recovery_url, ac_item_count, ac_list_entries$/);
		expect(lines.find((line) => line.includes('8. Clean up'))).toMatch(/contact deleted/);
		expect(cc.control.findContactByEmail(TEST_EMAIL)?.deleted_at).toBeTruthy();
		expect(cc.control.contractViolations()).toEqual([]);
	});

	it('authorizes with a pasted redirect address when no refresh token is set and a terminal is there', async () => {
		cc = await standIn.restart({ requestsPerSecond: null });
		const askForRedirect = async (url: string) => (await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '';
		const { result, lines } = await check(configFor(cc, undefined), { askForRedirect, requestsPerSecond: 1000 });

		expect(result.ok).toBe(true);
		expect(lines.some((line) => line.includes(`${cc.oauthBaseUrl}/authorize?`) && line.includes('client_id=test-client-id'))).toBe(true);
		expect(lines.find((line) => line.includes('1. Refresh'))).toMatch(/refreshed with the authorization code/);
	});

	it('never prints the client secret, a refresh token or an access token', async () => {
		cc = await standIn.restart({ requestsPerSecond: null });
		const issued = cc.control.issueTokens({ scope: SCOPE_WITH_ACCOUNT });
		const kept: string[] = [];
		const { lines } = await check(configFor(cc, issued.refresh_token), {
			onRefreshToken: (token) => void kept.push(token),
			requestsPerSecond: 1000,
		});
		const printed = lines.join('\n');

		for (const secret of ['test-client-secret', issued.refresh_token!, ...kept]) expect(printed).not.toContain(secret);
		expect(printed).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
	});
});

describe('what Constant Contact does with a PUT and an email look-up, and whether the merchant\'s data survives', () => {
	let cc: FakeConstantContact;
	const standIn = useStandIn({ per: 'test' });
	const quickly = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));

	it.each([
		['replace', 'exact', 'replaced', 'case-sensitive'],
		['merge', 'case-insensitive', 'merged', 'case-insensitive'],
	] as const)('prints the verdicts for a stand-in whose PUT does %s and whose look-up is %s, and keeps the data either way', async (putSemantics, emailLookup, put, lookup) => {
		cc = await standIn.restart({ requestsPerSecond: null, activityProcessingMs: 20, putSemantics, emailLookup });
		const issued = cc.control.issueTokens();
		const { result, lines } = await check(configFor(cc, issued.refresh_token), { sleep: quickly, requestsPerSecond: 1000 });

		expect(result.steps[6]).toMatchObject({ name: 'Merchant data through every write path', status: 'ok' });
		expect(result.ok).toBe(true);
		expect(lines).toEqual(
			expect.arrayContaining([`  PUT custom_fields: ${put}`, `  PUT lists: ${put}`, `  email look-up: ${lookup}`, '  data preserved: yes']),
		);
		const contact = cc.control.findContactByEmail(TEST_EMAIL)!;
		expect(contact.list_memberships).toEqual([]);
		expect(contact.phone_numbers).toEqual([{ phone_number: '+1 555 010 0199', kind: 'home' }]);
		expect(cc.control.contractViolations()).toEqual([]);
		expect(cc.control.consentViolations()).toEqual([]);
	});

	it('catches a write that erases the merchant\'s data: step 7 fails and says what was lost', async () => {
		cc = await standIn.restart({ requestsPerSecond: null, activityProcessingMs: 20 });
		const issued = cc.control.issueTokens();
		// The write this package used to make: a PUT carrying only the cart fields (its own) and the reminder list.
		const partialPut: WritePaths['addShoppersToList'] = async (api, shoppers, settings) => {
			const results = await addShoppersToList(api, shoppers, settings);
			const contact = (await api.getContactByEmail(shoppers[0].email, ['custom_fields', 'list_memberships']))!;
			const ownFields = new Set((await api.listCustomFields()).filter((field) => field.label.startsWith('ac_')).map((field) => field.custom_field_id));
			await api.updateContact(contact.contact_id, {
				...unchangedContact(contact, shoppers[0].email),
				custom_fields: contact.custom_fields!.filter((field) => ownFields.has(field.custom_field_id)),
				list_memberships: [settings.listId],
			});
			return results;
		};
		const { result, lines } = await check(configFor(cc, issued.refresh_token), {
			sleep: quickly,
			requestsPerSecond: 1000,
			writePaths: { addShoppersToList: partialPut, removeShoppersFromList },
		});

		expect(result.ok).toBe(false);
		expect(result.steps[6].status).toBe('failed');
		expect(lines.find((line) => line.startsWith('FAIL 7.'))).toMatch(/The merchant's data was not preserved: join erased the custom field value; join took the contact off the second list/);
		expect(lines.find((line) => line.startsWith('  data preserved: '))).toMatch(/^ {2}data preserved: no \(join erased the custom field value/);
		expect(result.steps[7].status).toBe('ok');
	});

	it('never signs up an unsubscribed test contact again: step 4 fails and says why', async () => {
		cc = await standIn.restart({ requestsPerSecond: null, activityProcessingMs: 20 });
		cc.control.seedContact({ email: TEST_EMAIL, permission: 'unsubscribed' });
		const issued = cc.control.issueTokens();
		const { result, lines } = await check(configFor(cc, issued.refresh_token), { sleep: quickly, requestsPerSecond: 1000 });

		expect(result.steps[3].status).toBe('failed');
		expect(lines.find((line) => line.startsWith('FAIL 4.'))).toMatch(/is unsubscribed; the check never signs an unsubscribed address up again/);
		expect(cc.control.requestLog().filter((entry) => entry.path === '/v3/contacts/sign_up_form')).toEqual([]);
		expect(cc.control.consentViolations()).toEqual([]);
	});
});

describe('a failure in each step', () => {
	const standIn = useStandIn({ requestsPerSecond: null, activityProcessingMs: 20 });

	// Retry back-offs and polls in a few milliseconds; the stand-in's rate limit is off for these runs.
	const quickly = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));
	const beatRetries = SERVER_ERROR_MAX_RETRIES + 1;
	const faults: Array<[number, string, Fault, RegExp]> = [
		[2, 'a 500 on reading the lists', { match: { method: 'GET', path: '/v3/contact_lists' }, kind: 'status', status: 500, count: beatRetries }, /HTTP 500.*Injected fault/],
		[3, 'a 503 on reading the custom fields', { match: { method: 'GET', path: '/v3/contact_custom_fields' }, kind: 'status', status: 503, count: beatRetries }, /HTTP 503.*service_unavailable/],
		[4, 'a 400 on sign_up_form', { match: { method: 'POST', path: '/v3/contacts/sign_up_form' }, kind: 'status', status: 400 }, /rejected the data as invalid.*HTTP 400/],
		[5, 'a failed removal activity', { match: { path: '/v3/activities/remove_list_memberships' }, kind: 'activity_failed' }, /remove_list_memberships activity .* ended "failed": The activity failed/],
		[6, 'an import that reports a row error', { match: { path: '/v3/activities/contacts_json_import' }, kind: 'import_contact_errors' }, /the import completed with errors/],
		[8, 'a removal activity that times out', { match: { path: '/v3/activities/remove_list_memberships' }, kind: 'activity_timed_out' }, /ended "timed_out"/],
	];

	it('step 1: an invalid refresh token is reported with the token endpoint\'s answer, and nothing else runs', async () => {
		const { result, lines } = await check(configFor(standIn.fakeCc, 'not-a-refresh-token'), { sleep: quickly, requestsPerSecond: 1000 });

		expect(result.ok).toBe(false);
		expect(result.steps[0].status).toBe('failed');
		expect(lines.find((line) => line.startsWith('FAIL 1.'))).toMatch(/HTTP 400 \(invalid_grant: The refresh token is invalid or expired\.\)/);
		expect(result.steps.slice(1).map((step) => step.status)).toEqual(Array(7).fill('skipped'));
		expect(lines).toContain('Result: FAILED at step 1; fix what the line says and run the check again.');
	});

	it('step 1: without a refresh token and without a terminal, it says how to get one', async () => {
		const { result, lines } = await check(configFor(standIn.fakeCc, undefined), { sleep: quickly, requestsPerSecond: 1000 });

		expect(result.ok).toBe(false);
		expect(lines.find((line) => line.startsWith('FAIL 1.'))).toMatch(/set CC_REFRESH_TOKEN, or run the check in a terminal/);
	});

	it.each(faults)('step %i: %s fails that step with Constant Contact\'s answer', async (step, _what, fault, answer) => {
		const issued = standIn.fakeCc.control.issueTokens({ scope: SCOPE_WITH_ACCOUNT });
		const { result, lines } = await check(configFor(standIn.fakeCc, issued.refresh_token), {
			sleep: quickly,
			requestsPerSecond: 1000,
			beforeStep: (number) => {
				if (number === step) standIn.fakeCc.control.injectFaults([fault]);
			},
		});

		expect(result.ok).toBe(false);
		expect(result.steps[step - 1].status).toBe('failed');
		expect(lines.find((line) => line.startsWith(`FAIL ${step}.`))).toMatch(answer);
		expect(result.steps.slice(0, step - 1).map((s) => s.status)).toEqual(Array(step - 1).fill('ok'));
		if (step >= 5 && step < 8) {
			// The contact exists: clean-up still takes it off the list.
			expect(result.steps[7].status).toBe('ok');
		}
		expect(lines).toContain(`Result: FAILED at step ${step}; fix what the line says and run the check again.`);
	});
});

describe('the live check settings', () => {
	it('names every required environment variable that is missing', () => {
		const { problems } = readLiveConfig({}, [], mkdtempSync(path.join(tmpdir(), 'no-templates-')));
		expect(problems).toEqual([
			'CC_CLIENT_ID is not set.',
			'CC_CLIENT_SECRET is not set.',
			'CC_LIST_NAME is not set.',
			'CC_TEST_EMAIL is not set.',
		]);
	});

	it('defaults to Constant Contact\'s real URLs, and to the fallback custom fields plus the re-entry field without templates', () => {
		const env = { CC_CLIENT_ID: 'id', CC_CLIENT_SECRET: 'secret', CC_LIST_NAME: 'Carts', CC_TEST_EMAIL: 'me+cc@example.com' };
		const { config, problems } = readLiveConfig(env, [], mkdtempSync(path.join(tmpdir(), 'no-templates-')));
		expect(problems).toEqual([]);
		expect(config.oauthBaseUrl).toBe('https://authz.constantcontact.com/oauth2/default/v1');
		expect(config.apiBaseUrl).toBe('https://api.cc.email/v3');
		expect(config.customFieldLabels).toEqual([...FALLBACK_FIELD_LABELS, 'ac_list_entries']);
		expect(config.deleteContact).toBe(false);
	});

	it('takes custom field labels from CC_CUSTOM_FIELDS and deletion from the flag or CC_DELETE_TEST_CONTACT', () => {
		const env = { CC_CLIENT_ID: 'id', CC_CLIENT_SECRET: 'secret', CC_LIST_NAME: 'Carts', CC_TEST_EMAIL: 'me@example.com', CC_CUSTOM_FIELDS: 'cart url, total' };
		expect(readLiveConfig(env, ['--delete-contact']).config).toMatchObject({ customFieldLabels: ['cart url', 'total'], deleteContact: true });
		expect(readLiveConfig({ ...env, CC_DELETE_TEST_CONTACT: 'yes' }).config.deleteContact).toBe(true);
	});

	it('rejects a test email that sign-up and import would refuse', () => {
		const env = { CC_CLIENT_ID: 'id', CC_CLIENT_SECRET: 'secret', CC_LIST_NAME: 'Carts', CC_TEST_EMAIL: `${'a'.repeat(45)}@example.com` };
		expect(readLiveConfig(env).problems).toEqual(['CC_TEST_EMAIL has more than 50 characters, more than sign-up and import accept.']);
	});
});

describe('npm run smoke:live as a process', () => {
	const standIn = useStandIn();

	async function smokeLive(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
		const repository = path.resolve(__dirname, '../..');
		const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CC_')));
		const child = spawn(path.join(repository, 'node_modules/.bin/tsx'), ['test/live/smoke.ts'], {
			cwd: repository,
			env: { ...inherited, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
		return { code, output };
	}

	it('exits 1 and prints the failing step with Constant Contact\'s answer when a step fails', async () => {
		standIn.fakeCc.control.injectFaults([{ match: { method: 'POST', path: '/v3/contacts/sign_up_form' }, kind: 'status', status: 400 }]);
		const { refresh_token } = standIn.fakeCc.control.issueTokens();
		const { code, output } = await smokeLive({
			CC_CLIENT_ID: 'test-client-id',
			CC_CLIENT_SECRET: 'test-client-secret',
			CC_REFRESH_TOKEN: refresh_token!,
			CC_LIST_NAME: LIST_NAME,
			CC_TEST_EMAIL: TEST_EMAIL,
			CC_OAUTH_BASE_URL: standIn.fakeCc.oauthBaseUrl,
			CC_API_BASE_URL: standIn.fakeCc.apiBaseUrl,
		});

		expect(code).toBe(1);
		expect(output).toMatch(/^FAIL 4\. Upsert the test contact .*HTTP 400/m);
		expect(output).toMatch(/^skip 5\. /m);
	});

	it('exits 2 and names the missing settings when it is not configured', async () => {
		const { code, output } = await smokeLive({ CC_CLIENT_ID: 'test-client-id' });

		expect(code).toBe(2);
		expect(output).toMatch(/CC_CLIENT_SECRET is not set/);
	});
});
