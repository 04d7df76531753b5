/** The node inside a workflow run by n8n's own engine and OAuth2 code (test/harness), against the stand-in. */
import { NodeApiError } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { runWorkflow, searchList, type WorkflowJson } from '../../harness';
import { shopperCart } from '../../support/carts';
import { ADD_NODE_TYPE, standInCredentials, useAutoresponderStandIn } from './setup';
import addAbandonedCarts from './workflows/add-abandoned-carts.json';

/** The template with each item's list name taken from the item, and the node's "On Error" setting. */
function withListFromItem(onError: string | undefined): WorkflowJson {
	const workflow = structuredClone(addAbandonedCarts) as WorkflowJson;
	const node = (workflow.nodes as Array<{ name: string; parameters: Record<string, unknown>; onError?: string }>).find(
		(candidate) => candidate.name === 'Add to Autoresponder List',
	)!;
	node.parameters.list = { __rl: true, mode: 'name', value: '={{ $json.listName }}' };
	if (onError) node.onError = onError;
	else delete node.onError;
	return workflow;
}

const standIn = useAutoresponderStandIn();
let fakeCc: FakeConstantContact;
beforeEach(() => ({ fakeCc } = standIn));

describe('Add to Autoresponder List in a workflow', () => {
	it('refreshes an expired token through n8n, stores the new pair and adds every shopper', async () => {
		const credentials = standInCredentials(fakeCc);
		fakeCc.control.expireAllAccessTokens();

		const run = await runWorkflow(structuredClone(addAbandonedCarts), { items: [shopperCart(1), shopperCart(2)], credentials });

		expect(run.status).toBe('success');
		expect(run.outputsOf('Add to Autoresponder List', 0).map((json) => json.status)).toEqual(['created', 'created']);
		expect(run.credentialUpdates).toHaveLength(1);
		expect(fakeCc.control.automationEntries()).toHaveLength(2);
		const secrets = [String(run.credentialUpdates[0].oauthTokenData.access_token), String(run.credentialUpdates[0].oauthTokenData.refresh_token)];
		const logged = JSON.stringify([run.logs, run.outputsOf('Add to Autoresponder List', 0)]);
		for (const secret of secrets) expect(logged).not.toContain(secret);
	});

	it('sends failed items to the error output when the node continues using the error output', async () => {
		const credentials = standInCredentials(fakeCc);
		fakeCc.control.injectFaults([{ kind: 'status', status: 400, count: 1, match: { method: 'POST', path: '/v3/contacts/sign_up_form' } }]);

		const run = await runWorkflow(structuredClone(addAbandonedCarts), { items: [shopperCart(3), shopperCart(4)], credentials });

		expect(run.status).toBe('success');
		expect(run.outputsOf('Add to Autoresponder List', 0)).toEqual([expect.objectContaining({ email: 'shopper4@example.com', status: 'created' })]);
		expect(run.outputsOf('Add to Autoresponder List', 1)).toEqual([
			// n8n's error output carries the input item, the error sentence and the result as details.
			expect.objectContaining({
				id: 'cart-1003',
				email: 'shopper3@example.com',
				error: expect.stringMatching(/^Could not sign up/),
				details: expect.objectContaining({ status: 'failed', reason: 'constant-contact-api' }),
			}),
		]);
	});

	it('with Continue On Fail, outputs the item whose list name is too long with reason invalid-parameter and adds the others', async () => {
		const credentials = standInCredentials(fakeCc);
		const items = [shopperCart(5, { listName: 'Abandoned cart reminders' }), shopperCart(6, { listName: 'x'.repeat(256) })];

		const run = await runWorkflow(withListFromItem('continueRegularOutput'), { items, credentials });

		expect(run.status).toBe('success');
		expect(run.outputsOf('Add to Autoresponder List', 0)).toEqual([
			expect.objectContaining({ email: 'shopper5@example.com', status: 'created' }),
			expect.objectContaining({
				email: 'shopper6@example.com',
				status: 'failed',
				reason: 'invalid-parameter',
				error: expect.stringMatching(/^The list name in "List" has 256 characters; a Constant Contact list name has at most 255/),
			}),
		]);
	});

	it('sends an item whose list is wrong to the error output with reason invalid-parameter', async () => {
		const credentials = standInCredentials(fakeCc);

		const run = await runWorkflow(withListFromItem('continueErrorOutput'), { items: [shopperCart(7, { listName: '' })], credentials });

		expect(run.outputsOf('Add to Autoresponder List', 1)).toEqual([
			expect.objectContaining({ error: expect.stringMatching(/^No list name is entered/), details: expect.objectContaining({ reason: 'invalid-parameter' }) }),
		]);
		expect(fakeCc.control.requestLog()).toEqual([]);
	});

	it('without Continue On Fail, stops the workflow with a NodeOperationError naming the item, not an API error', async () => {
		const credentials = standInCredentials(fakeCc);
		const items = [shopperCart(8, { listName: 'Abandoned cart reminders' }), shopperCart(9, { listName: ' ' })];

		const run = await runWorkflow(withListFromItem(undefined), { items, credentials });

		expect(run.status).toBe('error');
		// The run's error as n8n stores it with the execution (a plain copy of the NodeOperationError).
		expect(run.run.data.resultData.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 1 } });
		expect(run.error?.message).toMatch(/^No list name is entered/);
		expect(fakeCc.control.findContactByEmail('shopper8@example.com')).toBeUndefined();
	});

	it('shows the editor a NodeApiError when Constant Contact refuses the list search', async () => {
		fakeCc.control.injectFaults([{ kind: 'status', status: 403, count: 5, match: { path: '/v3/contact_lists' } }]);
		const error = await searchList(ADD_NODE_TYPE, 'searchLists', { credentials: standInCredentials(fakeCc) }).catch(
			(thrown: unknown) => thrown,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toMatch(/^Could not read the contact lists: the connected Constant Contact user or app is not allowed/);
		expect((error as NodeApiError).httpCode).toBe('403');
	});

	it('offers the lists to the editor through listSearch with the stored credential', async () => {
		const result = await searchList(ADD_NODE_TYPE, 'searchLists', {
			credentials: standInCredentials(fakeCc),
			filter: 'cart',
		});
		expect(result.results.map((list) => list.name)).toEqual(['Abandoned cart reminders']);
	});
});
