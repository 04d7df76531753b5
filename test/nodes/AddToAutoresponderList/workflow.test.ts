/** The node inside a workflow run by n8n's own engine and OAuth2 code (test/harness), against the stand-in. */
import { createCredentialStore, createStandInCredential, runWorkflow, searchList } from '../../harness';
import { startFakeConstantContact, type FakeConstantContact } from '../../fake-constant-contact';
import addAbandonedCarts from './workflows/add-abandoned-carts.json';
import { cart } from './setup';

const CREDENTIAL = 'constantContactOAuth2Api';
let fakeCc: FakeConstantContact;

beforeAll(async () => {
	fakeCc = await startFakeConstantContact({ activityProcessingMs: 30 });
});
afterAll(async () => await fakeCc.stop());
beforeEach(() => {
	fakeCc.control.reset();
	fakeCc.control.seedList({ name: 'Abandoned cart reminders', automation: true });
	fakeCc.control.seedCustomField({ label: 'ac_cart_id' });
});
afterEach(() => {
	expect(fakeCc.control.contractViolations()).toEqual([]);
});

describe('Add to Autoresponder List in a workflow', () => {
	it('refreshes an expired token through n8n, stores the new pair and adds every shopper', async () => {
		const credentials = createCredentialStore({ [CREDENTIAL]: createStandInCredential(fakeCc) });
		fakeCc.control.expireAllAccessTokens();

		const run = await runWorkflow(structuredClone(addAbandonedCarts), { items: [cart(1), cart(2)], credentials });

		expect(run.status).toBe('success');
		expect(run.outputsOf('Add to Autoresponder List', 0).map((json) => json.status)).toEqual(['created', 'created']);
		expect(run.credentialUpdates).toHaveLength(1);
		expect(fakeCc.control.automationEntries()).toHaveLength(2);
		const secrets = [String(run.credentialUpdates[0].oauthTokenData.access_token), String(run.credentialUpdates[0].oauthTokenData.refresh_token)];
		const logged = JSON.stringify([run.logs, run.outputsOf('Add to Autoresponder List', 0)]);
		for (const secret of secrets) expect(logged).not.toContain(secret);
	});

	it('sends failed items to the error output when the node continues using the error output', async () => {
		const credentials = createCredentialStore({ [CREDENTIAL]: createStandInCredential(fakeCc) });
		fakeCc.control.injectFaults([{ kind: 'status', status: 400, count: 1, match: { method: 'POST', path: '/v3/contacts/sign_up_form' } }]);

		const run = await runWorkflow(structuredClone(addAbandonedCarts), { items: [cart(3), cart(4)], credentials });

		expect(run.status).toBe('success');
		expect(run.outputsOf('Add to Autoresponder List', 0)).toEqual([expect.objectContaining({ email: 'shopper4@example.com', status: 'created' })]);
		expect(run.outputsOf('Add to Autoresponder List', 1)).toEqual([
			// n8n's error output carries the input item, the error sentence and the result as details.
			expect.objectContaining({
				cartId: 'cart-1003',
				email: 'shopper3@example.com',
				error: expect.stringMatching(/^Could not sign up/),
				details: expect.objectContaining({ status: 'failed', reason: 'constant-contact-api' }),
			}),
		]);
	});

	it('offers the lists to the editor through listSearch with the stored credential', async () => {
		const result = await searchList('n8n-nodes-constant-contact-abandoned-cart.addToAutoresponderList', 'searchLists', {
			credentials: { [CREDENTIAL]: createStandInCredential(fakeCc) },
			filter: 'cart',
		});
		expect(result.results.map((list) => list.name)).toEqual(['Abandoned cart reminders']);
	});
});
