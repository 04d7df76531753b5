/**
 * Reliability in real n8n (issue 9): the shipped PostgreSQL template under the heavy stand-in faults (quota
 * mid-batch, 401 mid-batch, dropped connections), an n8n process killed in the middle of a bulk add, and two n8n
 * processes refreshing one rotating refresh token at the same time. After each: every due shopper entered the
 * automation exactly once, nobody unsubscribed was touched, and n8n's logs hold none of the run's secrets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { THROTTLED_MAX_RETRIES } from '../../../nodes/ConstantContact/limits';
import { DEFAULT_CLIENT_SECRET, type FakeConstantContact } from '../../fake-constant-contact';
import type { TokenData } from '../../support/oauth';
import { assertReminderListState, assertReminderRows, expireClaims, SHOP_CARTS, type SeededAccount } from '../carts';
import { delay, freePort, nodeOutputs, type N8nInstance, type WorkflowJson } from '../n8n';
import { expect, type Scenario } from '../scenario';
import { testWorkflow, withManualTrigger } from '../workflows';
import { storedTokens } from './credential';
import { POSTGRES_TEMPLATE_TRIGGER, postgresTemplate, shopWithConnectedN8n } from './postgres-cli';

const SIGN_UP = { method: 'POST', path: '/v3/contacts/sign_up_form' };
const IMPORT = { method: 'POST', path: '/v3/activities/contacts_json_import' };
const TOKEN_PATH = '/oauth2/default/v1/token';

/** `n8n execute` that may fail (the template stops at the first failed item): exit code and n8n's error lines. */
async function executeMayFail(n8n: N8nInstance, id: string, env?: Record<string, string>): Promise<{ code: number | null; errors: string[] }> {
	const result = await n8n.cli(['execute', `--id=${id}`, '--rawOutput'], { allowFailure: true, env });
	return { code: result.code, errors: result.errors };
}

/** Every log n8n and the harness wrote for this instance: n8n's JSON log, the processes' output, the CLI notes. */
function logsOf(n8n: N8nInstance): Array<{ file: string; text: string }> {
	return readdirSync(n8n.userFolder)
		.filter((file) => /\.(log|out)$/.test(file))
		.map((file) => ({ file, text: readFileSync(join(n8n.userFolder, file), 'utf8') }));
}

/** The run's secrets: every token pair n8n held (before and after refreshes) and the client secret. */
async function assertNoSecretsInLogs(n8n: N8nInstance, credentialId: string, tokens: TokenData[]): Promise<number> {
	const pairs = [...tokens, await storedTokens(n8n, credentialId)];
	const secrets = [...new Set([...pairs.flatMap((t) => [t.access_token, t.refresh_token]), DEFAULT_CLIENT_SECRET].filter((s): s is string => !!s))];
	const logs = logsOf(n8n);
	for (const { file, text } of logs) {
		const leaked = secrets.filter((secret) => text.includes(secret));
		expect(leaked.length === 0, `${file} contains ${leaked.length} secret(s) of this run (token or client secret)`);
	}
	return logs.length;
}

function assertConsentKept(standIn: FakeConstantContact): void {
	const violations = standIn.control.consentViolations();
	expect(violations.length === 0, `consent violations: ${JSON.stringify(violations)}`);
}

/** The template in bulk mode (every due shopper through one import), for the crash scenario. */
function inBulk(workflow: WorkflowJson): WorkflowJson {
	const copy = structuredClone(workflow);
	const add = copy.nodes.find((node) => String(node.type).endsWith('.addToAutoresponderList'))!;
	add.parameters.options = { ...(add.parameters.options ?? {}), bulkThreshold: 1 };
	return copy;
}

function declareShopConsent(standIn: FakeConstantContact): void {
	standIn.control.declareConsent(SHOP_CARTS.map((cart) => ({ email: cart.email, explicit: cart.marketing_consent })));
}

function entriesPerShopper(standIn: FakeConstantContact, account: SeededAccount): string {
	return SHOP_CARTS.filter((c) => c.reachesList)
		.map((c) => `${c.email.split('@')[0]}=${standIn.control.automationEntries({ listId: account.reminderListId, email: c.email }).length}`)
		.join(' ');
}

export const reliabilityFaults: Scenario = {
	name: 'reliability-heavy-faults',
	timeoutSeconds: 420,
	async run(context) {
		const shop = await shopWithConnectedN8n(context);
		const { n8n, standIn, account, db } = shop;
		declareShopConsent(standIn);
		const id = 'e2eRelFaults0001';
		await n8n.importWorkflow(withManualTrigger(postgresTemplate(id, shop.credentials), POSTGRES_TEMPLATE_TRIGGER));

		// Run 1: the daily quota runs out mid-batch (the existing customer is updated, the new shopper's sign-up is refused).
		// n8n 1.x passes no response body on, so the node cannot tell quota from throttling there: it retries
		// THROTTLED_MAX_RETRIES times (about a minute) before stopping. A real quota lasts until midnight: refuse them all.
		standIn.control.injectFaults([{ kind: 'quota_exceeded', match: SIGN_UP, count: THROTTLED_MAX_RETRIES + 1 }]);
		const quota = await executeMayFail(n8n, id);
		expect(quota.code !== 0, 'the execution succeeded although the daily quota ran out mid-batch');
		expect(quota.errors.some((e) => /daily limit/.test(e)), `n8n logged ${JSON.stringify(quota.errors)} instead of the daily-limit sentence`);
		const rowsAfterQuota = await db.query<{ reminders_sent: number }>('SELECT reminders_sent FROM abandoned_carts WHERE reminders_sent > 0');
		expect(rowsAfterQuota.length === 0, 'a reminder was recorded in the run the quota stopped');
		// The stopped run's claims hold its carts (no other execution sends them) until they expire
		expect((await expireClaims(db)) > 0, 'the run the quota stopped left no claim on its carts');
		const refreshesBefore = standIn.control.requestLog().filter((r) => r.path.endsWith('/token')).length;

		// Run 2: dropped connections on the look-ups and a 401 mid-batch (n8n refreshes the rotating token and retries).
		standIn.control.clearFaults();
		standIn.control.resetQuota();
		standIn.control.injectFaults([
			{ kind: 'drop', match: { method: 'GET', path: '/v3/contacts' }, count: 2 },
			{ kind: 'status', status: 401, match: SIGN_UP, count: 1 },
		]);
		const recovered = await n8n.execute(id);
		const added = nodeOutputs(recovered, 'Add to Autoresponder List')[0] ?? [];
		expect(added.length === 3, `Add to Autoresponder List put out ${added.length} items instead of 3 (one per due cart)`);
		const refreshes = standIn.control.requestLog().filter((r) => r.path.endsWith('/token') && r.status === 200).length - refreshesBefore;
		expect(refreshes === 1, `n8n refreshed the token ${refreshes} times after the 401 instead of once`);
		const drops = standIn.control.requestLog().filter((r) => r.status === 0).length;
		expect(drops === 2, `the stand-in dropped ${drops} connections instead of 2`);

		// Run 3: nothing more is sent; every due shopper entered the automation exactly once.
		standIn.control.clearFaults();
		await n8n.execute(id);
		assertReminderListState(standIn, account);
		await assertReminderRows(db);
		assertConsentKept(standIn);
		const logs = await assertNoSecretsInLogs(n8n, shop.credential.id, [shop.tokens]);
		return `quota mid-batch stopped run 1 with nothing recorded; drops + 401 (1 refresh) in run 2; entries ${entriesPerShopper(standIn, account)}; ${logs} log files free of secrets`;
	},
};

export const reliabilityCrash: Scenario = {
	name: 'reliability-crash-mid-bulk',
	timeoutSeconds: 420,
	async run(context) {
		const shop = await shopWithConnectedN8n(context);
		const { n8n, standIn, account, db } = shop;
		declareShopConsent(standIn);
		const id = 'e2eRelCrash00001';
		await n8n.importWorkflow(inBulk(withManualTrigger(postgresTemplate(id, shop.credentials), POSTGRES_TEMPLATE_TRIGGER)));

		// The import reaches Constant Contact and is answered only after 20 s: n8n is killed while it waits.
		standIn.control.injectFaults([{ kind: 'hang', ms: 20_000, match: IMPORT, count: 1 }]);
		const child = n8n.spawnProcess(['execute', `--id=${id}`, '--rawOutput']);
		const deadline = Date.now() + 120_000;
		while (!standIn.control.requestLog().some((r) => r.path === IMPORT.path)) {
			expect(Date.now() < deadline, 'the execution never reached the bulk import');
			expect(child.exitCode === null, `n8n execute exited with ${child.exitCode} before the bulk import`);
			await delay(200);
		}
		process.kill(-child.pid!, 'SIGKILL');
		await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
		// Constant Contact finishes the import the killed process never heard back from.
		const finished = Date.now() + 40_000;
		while (standIn.control.automationEntries({ listId: account.reminderListId }).length < 2) {
			expect(Date.now() < finished, 'the hung import never completed on the stand-in');
			await delay(500);
		}
		const rowsAfterCrash = await db.query('SELECT id FROM abandoned_carts WHERE reminders_sent > 0');
		expect(rowsAfterCrash.length === 0, 'the killed execution recorded reminders');
		expect((await expireClaims(db)) > 0, 'the killed execution left no claim on its carts');

		// Restart: the carts are due again (nothing was recorded); the shoppers are already on the list, so no second entry.
		standIn.control.clearFaults();
		const rerun = await n8n.execute(id);
		const statuses = (nodeOutputs(rerun, 'Add to Autoresponder List')[0] ?? []).map((item) => `${item.email.split('@')[0]}:${item.status}`);
		await n8n.execute(id);
		assertReminderListState(standIn, account);
		await assertReminderRows(db);
		assertConsentKept(standIn);
		const logs = await assertNoSecretsInLogs(n8n, shop.credential.id, [shop.tokens]);
		return `killed during the bulk import (SIGKILL), restarted: ${statuses.join(' ')}; entries ${entriesPerShopper(standIn, account)}; ${logs} log files free of secrets`;
	},
};

export const reliabilityConcurrentRefresh: Scenario = {
	name: 'reliability-concurrent-refresh',
	timeoutSeconds: 420,
	async run(context) {
		const shop = await shopWithConnectedN8n(context);
		const { n8n, standIn, account, db } = shop;
		declareShopConsent(standIn);
		const templateId = 'e2eRelRefresh001';
		const listsId = 'e2eRelLists00001';
		await n8n.importWorkflow(withManualTrigger(postgresTemplate(templateId, shop.credentials), POSTGRES_TEMPLATE_TRIGGER));
		await n8n.importWorkflow(
			testWorkflow('contact-lists.json', listsId, {
				API_BASE_URL: standIn.apiBaseUrl,
				CREDENTIAL_ID: shop.credential.id,
				CREDENTIAL_NAME: shop.credential.name,
			}),
		);
		const tokens: TokenData[] = [shop.tokens];
		// The first process's refresh is held at the token endpoint until a second process, started meanwhile, has
		// refreshed with the same refresh token and been answered: the interleaving two processes meet in production,
		// made certain however long the second process takes to start (no fixed wait that a busy machine outlasts).
		const race = async () => {
			standIn.control.expireAllAccessTokens();
			standIn.control.clearRequestLog();
			standIn.control.injectFaults([{ kind: 'hold', ms: 240_000, count: 1, match: { method: 'POST', path: TOKEN_PATH } }]);
			const template = executeMayFail(n8n, templateId);
			const deadline = Date.now() + 90_000;
			while (!standIn.control.requestLog().some((r) => r.path === TOKEN_PATH)) {
				expect(Date.now() < deadline, 'the template execution never refreshed the expired token');
				await delay(200);
			}
			// A second process beside the first needs a task-runner broker port of its own.
			const lists = await executeMayFail(n8n, listsId, { N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
			const results = [await template, lists];
			const calls = standIn.control.requestLog().filter((r) => r.path === TOKEN_PATH);
			tokens.push(await storedTokens(n8n, shop.credential.id));
			return {
				codes: results.map((r) => r.code),
				errors: results.flatMap((r) => r.errors),
				granted: calls.filter((c) => c.status === 200).length,
				refused: calls.filter((c) => c.errorKey === 'invalid_grant').length,
			};
		};

		// Rotating (Constant Contact's default): two processes refresh with the same token; one gets invalid_grant.
		const rotating = await race();
		expect(rotating.granted === 1 && rotating.refused === 1, `expected one refresh granted and one invalid_grant, saw ${JSON.stringify(rotating)}`);
		expect(rotating.codes[0] !== 0 && rotating.codes[1] === 0, `expected the held-back template execution to fail and the other to succeed: ${JSON.stringify(rotating)}`);
		const untouched = await db.query('SELECT id FROM abandoned_carts WHERE reminders_sent > 0');
		expect(untouched.length === 0, 'the execution whose refresh failed recorded reminders');
		expect((await expireClaims(db)) > 0, 'the execution whose refresh failed left no claim on its carts');
		// Whatever happened, the pair in the database still works: the next runs catch up.
		await n8n.execute(templateId);
		await n8n.execute(listsId);
		assertReminderListState(standIn, account);
		await assertReminderRows(db);

		// Long-lived (the app setting we recommend for more than one n8n process): both refreshes succeed. The catch-up
		// runs closed every due cart (the unsubscribed shopper's step is recorded as handled without a reminder), and a
		// run with nothing due calls Constant Contact not at all: make her cart due again, so the template execution
		// must call Constant Contact (and refresh) while nothing changes there.
		await db.query('UPDATE abandoned_carts SET reminders_sent = 0, last_reminded_at = NULL WHERE email = $1', ['erin.unsubscribed@example.com']);
		standIn.control.setRefreshTokenMode('long-lived');
		const longLived = await race();
		expect(longLived.refused === 0 && longLived.codes.every((code) => code === 0), `long-lived tokens still failed: ${JSON.stringify(longLived)}`);
		assertReminderListState(standIn, account);
		assertConsentKept(standIn);
		const logs = await assertNoSecretsInLogs(n8n, shop.credential.id, tokens);
		return `rotating: ${rotating.granted} granted, ${rotating.refused} invalid_grant, exit codes ${rotating.codes.join('/')}, next runs ok; long-lived: ${longLived.granted} granted, exit codes ${longLived.codes.join('/')}; ${logs} log files free of secrets`;
	},
};
