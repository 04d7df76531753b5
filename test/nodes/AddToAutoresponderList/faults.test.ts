/** Rate limits, the daily quota, server errors, token expiry and Continue On Fail, through the node. */
import type { IDataObject, NodeApiError } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { shopperCart } from '../../support/carts';
import { addParameters, runNode, useAutoresponderStandIn } from './setup';

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
let listId: string;
beforeEach(() => ({ fakeCc, listId } = standIn));

describe('Faults', () => {
	it('lets no 429 reach the output when two runs share the 4 requests per second of one app', async () => {
		const [first, second] = await Promise.all([
			runNode(fakeCc, addParameters(listId), [shopperCart(1), shopperCart(2), shopperCart(3)]),
			runNode(fakeCc, addParameters(listId), [shopperCart(4), shopperCart(5), shopperCart(6)]),
		]);
		expect([...first.json, ...second.json].map((json) => json.status)).toEqual(Array(6).fill('created'));
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(6);
	});

	it('keeps a single run under 4 requests per second so Constant Contact never throttles it', async () => {
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(7), shopperCart(8), shopperCart(9), shopperCart(10), shopperCart(11)]);
		expect(run.json.every((json) => json.status === 'created')).toBe(true);
		expect(fakeCc.control.requestLog().filter((entry) => entry.status === 429)).toEqual([]);
	});

	it('retries 500 and 503 answers and still adds the shopper', async () => {
		fakeCc.control.injectFaults([
			{ kind: 'status', status: 500, count: 1, match: { path: '/v3/contacts/sign_up_form' } },
			{ kind: 'status', status: 503, count: 1, match: { path: '/v3/contacts/sign_up_form' } },
		]);
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(12)]);
		expect(run.json[0]).toMatchObject({ status: 'created' });
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(1);
	});

	it('retries a dropped connection and an answer slower than the request timeout', async () => {
		fakeCc.control.injectFaults([
			{ kind: 'drop', count: 1, match: { path: '/v3/contacts/sign_up_form' } },
			{ kind: 'hang', ms: 3000, count: 1, match: { path: '/v3/contacts/sign_up_form' } },
		]);
		const run = await runNode(fakeCc, addParameters(listId, { options: { requestTimeout: 1 } }), [shopperCart(22)]);
		expect(run.json[0]).toMatchObject({ status: 'created' });
		expect(fakeCc.control.automationEntries({ listId })).toHaveLength(1);
	});

	it('refreshes the token once when it expires in the middle of a batch', async () => {
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(13), shopperCart(14), shopperCart(15)], {
			beforeRequest: (requestNumber) => {
				if (requestNumber === 4) fakeCc.control.expireAllAccessTokens();
			},
		});
		expect(run.json.map((json) => json.status)).toEqual(['created', 'created', 'created']);
		expect(run.refreshes).toBe(1);
		expect(fakeCc.control.requestLog().filter((entry) => entry.status === 401)).toHaveLength(1);
	});

	it('with Continue On Fail, outputs a failed item with its error and processes the others', async () => {
		fakeCc.control.injectFaults([
			{
				kind: 'status',
				status: 400,
				count: 1,
				match: { method: 'GET', path: '/v3/contacts' },
			},
		]);
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(16), shopperCart(17)], { continueOnFail: true });
		expect(run.json[0]).toMatchObject({ status: 'failed', email: 'shopper16@example.com', reason: 'constant-contact-api' });
		expect(String(run.json[0].error)).toMatch(/^Could not look up the contact shopper16@example.com: Constant Contact rejected the data as invalid/);
		expect(run.json[1]).toMatchObject({ status: 'created' });
		expect(run.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('without Continue On Fail, stops at the failing item with a NodeApiError naming it and changes nothing after it', async () => {
		fakeCc.control.injectFaults([{ kind: 'status', status: 400, count: 5, match: { method: 'POST', path: '/v3/contacts/sign_up_form' } }]);
		const error = await runNode(fakeCc, addParameters(listId), [shopperCart(18), shopperCart(19)]).catch((e: unknown) => e);
		expect(error).toMatchObject({ name: 'NodeApiError' });
		expect((error as NodeApiError).context.itemIndex).toBe(0);
		expect((error as NodeApiError).message).toMatch(/^Could not sign up shopper18@example.com/);
		expect(fakeCc.control.findContactByEmail('shopper19@example.com')).toBeUndefined();
	});

	it('never puts a token or the client secret into outputs or errors', async () => {
		fakeCc.control.injectFaults([{ kind: 'status', status: 401, count: 3 }]);
		const run = await runNode(fakeCc, addParameters(listId), [shopperCart(20), shopperCart(21)], { continueOnFail: true });
		const text = JSON.stringify(run.output);
		const tokens = run.credential.oauthTokenData as IDataObject;
		for (const secret of [tokens.access_token, tokens.refresh_token, run.credential.clientSecret]) {
			expect(text).not.toContain(String(secret));
		}
	});
});

describe('Daily quota', () => {
	it('fails the remaining items with the reset time once the 10,000 requests of the day are used up', async () => {
		// This test's own stand-in, with a day's budget of 6 requests; seeded like the others.
		const limited = await standIn.restart({ dailyQuota: 6 });
		const limitedList = standIn.listId;
		const run = await runNode(limited, addParameters(limitedList), [shopperCart(1), shopperCart(2), shopperCart(3), shopperCart(4)], { continueOnFail: true });
		expect(run.json.map((json) => json.status)).toEqual(['created', 'created', 'failed', 'failed']);
		expect(run.json[2].reason).toBe('quota-exceeded');
		expect(String(run.json[3].error)).toMatch(
			/^Constant Contact's daily limit of 10,000 requests is used up; it resets at 00:00 UTC \(in \d+ h \d+ min\)/,
		);
		// Stops asking once the quota is gone: one refused request, not one per remaining item.
		expect(limited.control.requestLog().filter((entry) => entry.errorKey === 'quota_exceeded')).toHaveLength(1);
		expect(limited.control.automationEntries({ listId: limitedList })).toHaveLength(2);
	});
});
