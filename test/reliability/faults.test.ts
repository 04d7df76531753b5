/**
 * Transport faults through the whole reminder workflow (Decide -> Add to Autoresponder List -> Mark Reminders Sent),
 * in n8n's engine, shoppers added one by one. Each case: one run with the fault, then re-runs without it.
 */
import { faultMatrix, type Case } from './matrix';

const SIGN_UP = { method: 'POST', path: '/v3/contacts/sign_up_form' };
const PUT_CONTACT = { method: 'PUT', path: /^\/v3\/contacts\/[0-9a-f-]{36}$/ };

const cases: Case[] = [
	{
		kind: '429 throttled burst (2 in a row, any request)',
		inject: (cc) => cc.control.injectFaults([{ kind: 'throttled', count: 2 }]),
	},
	{
		kind: '429 quota_exceeded mid-batch (after 2 sign-ups), error output',
		inject: (cc) => cc.control.injectFaults([{ kind: 'quota_exceeded', count: 1, match: PUT_CONTACT }]),
	},
	{
		kind: '429 quota_exceeded mid-batch (after 2 sign-ups), no error output: n8n stops the run',
		workflow: { onError: 'stop' },
		inject: (cc) => cc.control.injectFaults([{ kind: 'quota_exceeded', count: 1, match: PUT_CONTACT }]),
	},
	{
		kind: 'HTTP 500 twice on sign_up_form',
		inject: (cc) => cc.control.injectFaults([{ kind: 'status', status: 500, count: 2, match: SIGN_UP }]),
	},
	{
		kind: 'HTTP 503 twice on the contact look-up',
		inject: (cc) => cc.control.injectFaults([{ kind: 'status', status: 503, count: 2, match: { method: 'GET', path: '/v3/contacts' } }]),
	},
	{
		kind: 'HTTP 503 five times on sign_up_form (past the retries)',
		inject: (cc) => cc.control.injectFaults([{ kind: 'status', status: 503, count: 5, match: SIGN_UP }]),
	},
	{
		kind: 'dropped connection twice (sign_up_form, PUT contact)',
		inject: (cc) => cc.control.injectFaults([{ kind: 'drop', count: 1, match: SIGN_UP }, { kind: 'drop', count: 1, match: PUT_CONTACT }]),
	},
	{
		kind: 'answer slower than the 1 s timeout (sign_up_form and PUT answered after 2.5 s, when the retry already succeeded)',
		workflow: { requestTimeout: 1 },
		inject: (cc) => cc.control.injectFaults([{ kind: 'hang', ms: 2500, count: 1, match: SIGN_UP }, { kind: 'hang', ms: 2500, count: 1, match: PUT_CONTACT }]),
	},
	{
		kind: '401 mid-batch (PUT of the existing customer after 2 sign-ups; n8n refreshes the rotating token)',
		inject: (cc) => cc.control.injectFaults([{ kind: 'status', status: 401, count: 1, match: PUT_CONTACT }]),
	},
];

faultMatrix({
	title: 'The reminder workflow under transport faults',
	table: 'faults',
	testFile: 'test/reliability/faults.test.ts',
	cases,
	shop: { newShoppers: 2 },
});
