/**
 * CI: `npx tsx test/live/ci.ts`. Runs `npm run smoke:live` as a user would, against a freshly started stand-in,
 * once with rotating refresh tokens and the stand-in's default PUT (replaces) and exact email look-up, once with
 * long-lived refresh tokens and the kinder readings (PUT merges, look-up ignores case); refresh token from the
 * stand-in's OAuth dance. Exits non-zero unless both runs exit 0, report the right refresh-token kind and the
 * verdict lines of their stand-in (PUT custom_fields / lists, email look-up, data preserved: yes), leave the
 * stand-in's contract and consent checks clean and never meet a 429.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type FakeConstantContact, startFakeConstantContact } from '../fake-constant-contact';
import { authorizationCodeDance } from '../support/oauth';

type Mode = 'rotating' | 'long-lived';

/** Each refresh-token mode runs against one reading of Constant Contact, and must print its verdicts. */
const STAND_IN = {
	rotating: { putSemantics: 'replace', emailLookup: 'exact', verdicts: ['PUT custom_fields: replaced', 'PUT lists: replaced', 'email look-up: case-sensitive', 'data preserved: yes'] },
	'long-lived': { putSemantics: 'merge', emailLookup: 'case-insensitive', verdicts: ['PUT custom_fields: merged', 'PUT lists: merged', 'email look-up: case-insensitive', 'data preserved: yes'] },
} as const;

const REPOSITORY = path.resolve(__dirname, '../..');
const LIST_NAME = 'Abandoned cart reminders (CI)';
const TEST_EMAIL = 'owner+live-check@example-shop.test';
const RUN_TIMEOUT_MS = 120_000;

async function checkMode(mode: Mode): Promise<string[]> {
	const { putSemantics, emailLookup } = STAND_IN[mode];
	console.log(`== stand-in: PUT ${putSemantics}s included custom fields and lists; email look-up ${emailLookup}`);
	const cc = await startFakeConstantContact({ refreshTokenMode: mode, putSemantics, emailLookup });
	try {
		// The long-lived run meets an existing list and field (the "find" paths); the rotating run creates them.
		if (mode === 'long-lived') {
			cc.control.seedList({ name: LIST_NAME, automation: true });
			cc.control.seedCustomField({ label: 'ac_cart_total' });
		}
		const tokens = await authorizationCodeDance(cc, 'http://127.0.0.1:5679/live-check');
		const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CC_')));
		Object.assign(env, {
			CC_CLIENT_ID: DEFAULT_CLIENT_ID,
			CC_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
			CC_REFRESH_TOKEN: tokens.refresh_token,
			CC_LIST_NAME: LIST_NAME,
			CC_TEST_EMAIL: TEST_EMAIL,
			CC_OAUTH_BASE_URL: cc.oauthBaseUrl,
			CC_API_BASE_URL: cc.apiBaseUrl,
			CC_DELETE_TEST_CONTACT: mode === 'long-lived' ? '1' : '',
		});
		const { code, lines } = await runSmoke(env, mode);
		return problemsOf(mode, cc, code, lines);
	} finally {
		await cc.stop();
	}
}

function problemsOf(mode: Mode, cc: FakeConstantContact, code: number | null, lines: string[]): string[] {
	const problems: string[] = [];
	if (code !== 0) problems.push(`npm run smoke:live exited ${code}`);
	if (!lines.some((line) => line.includes(`refresh tokens: ${mode};`))) problems.push(`the summary does not report ${mode} refresh tokens`);
	for (const verdict of STAND_IN[mode].verdicts) {
		if (!lines.some((line) => line.trim() === verdict)) problems.push(`the summary does not say "${verdict}"`);
	}
	const consent = cc.control.consentViolations();
	if (consent.length) problems.push(`consent violations: ${JSON.stringify(consent)}`);
	const violations = cc.control.contractViolations();
	if (violations.length) problems.push(`the stand-in saw requests outside the contract: ${JSON.stringify(violations)}`);
	const throttled = cc.control.requestLog().filter((entry) => entry.status === 429).length;
	if (throttled) problems.push(`the stand-in answered ${throttled} requests with 429`);
	const contact = cc.control.findContactByEmail(TEST_EMAIL);
	if (!contact) problems.push('the test contact was never created');
	else if (mode === 'long-lived' && !contact.deleted_at) problems.push('CC_DELETE_TEST_CONTACT=1 did not delete the test contact');
	else if (mode === 'rotating' && ((contact.list_memberships as string[]) ?? []).length > 0) problems.push('the test contact is still on a list');
	return problems;
}

/** `npm run smoke:live` in its own process group, its lines printed as they come, prefixed with the mode. */
async function runSmoke(env: NodeJS.ProcessEnv, mode: Mode): Promise<{ code: number | null; lines: string[] }> {
	const child = spawn('npm', ['run', '--silent', 'smoke:live'], {
		cwd: REPOSITORY,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const lines: string[] = [];
	for (const stream of [child.stdout, child.stderr]) {
		createInterface({ input: stream }).on('line', (line) => {
			lines.push(line);
			console.log(`[${mode}] ${line}`);
		});
	}
	const timer = setTimeout(() => {
		console.log(`[${mode}] no result after ${RUN_TIMEOUT_MS / 1000} s; stopping it`);
		if (child.pid) process.kill(-child.pid, 'SIGTERM');
	}, RUN_TIMEOUT_MS);
	const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
	clearTimeout(timer);
	return { code, lines };
}

async function main(): Promise<number> {
	let failed = false;
	for (const mode of ['rotating', 'long-lived'] as const) {
		console.log(`== npm run smoke:live against the stand-in, ${mode} refresh tokens`);
		const problems = await checkMode(mode);
		console.log(problems.length ? `== ${mode}: FAILED\n  ${problems.join('\n  ')}` : `== ${mode}: passed`);
		failed ||= problems.length > 0;
	}
	console.log(failed ? 'Live check CI: FAILED' : 'Live check CI: both refresh-token modes passed');
	return failed ? 1 : 0;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: Error) => {
		console.error(`Live check CI stopped: ${error.stack ?? error.message}`);
		process.exitCode = 1;
	},
);
