import { shopperCart } from '../support/carts';
import { clearProcessedItems, createCredentialStore, runWorkflow } from '.';
import countRuns from './workflows/count-runs.json';
import listContactLists from './workflows/list-contact-lists.json';
import packageNode from './workflows/package-node.json';
import skipSeenCarts from './workflows/skip-seen-carts.json';
import triggerThenEcho from './workflows/trigger-then-echo.json';

const cartRows = [shopperCart(1), shopperCart(2)];

describe('the workflow harness', () => {
	it('runs the cart rows from the test trigger through the next node, each item paired with its row', async () => {
		const run = await runWorkflow(structuredClone(triggerThenEcho), { items: cartRows });

		expect(run.status).toBe('success');
		expect(run.itemsOf('Echo')).toEqual([
			[
				{ json: { ...cartRows[0], seenBy: 'echo of cart-1001' }, pairedItem: { item: 0 } },
				{ json: { ...cartRows[1], seenBy: 'echo of cart-1002' }, pairedItem: { item: 1 } },
			],
		]);
	});

	it('runs a workflow tested by hand the same way', async () => {
		const run = await runWorkflow(structuredClone(triggerThenEcho), { items: cartRows, mode: 'manual' });

		expect(run.outputsOf('Echo').map((item) => item.seenBy)).toEqual(['echo of cart-1001', 'echo of cart-1002']);
	});

	it('shows the workflow the clock the test sets', async () => {
		const workflow = structuredClone(triggerThenEcho);
		workflow.nodes[1].parameters.label = "={{ $now.toUTC().toISO() }}";

		const run = await runWorkflow(workflow, { items: cartRows.slice(0, 1), now: '2026-03-29T01:30:00Z' });

		expect(run.outputsOf('Echo')[0].seenBy).toBe('2026-03-29T01:30:00.000Z');
	});

	it('plays an n8n trigger it does not have with the test trigger, so exported templates run unchanged', async () => {
		const workflow = structuredClone(triggerThenEcho);
		workflow.nodes[0].type = 'n8n-nodes-base.scheduleTrigger';

		const run = await runWorkflow(workflow, { items: cartRows });

		expect(run.outputsOf('Echo')).toHaveLength(2);
	});

	it("runs the package's own node from its TypeScript source under its installed-package type name", async () => {
		const carts = [
			{ id: 'cart-2001', email: 'ana@example.com', created_at: '2026-11-20T08:00:00Z', items: 2 },
			{ id: 'cart-2002', email: '', created_at: '2026-11-20T08:00:00Z', items: 1 },
		];

		const run = await runWorkflow(structuredClone(packageNode), { items: carts });

		expect(run.status).toBe('success');
		const pairedRows = run
			.itemsOf('Abandoned Cart Filter')
			.flat()
			.map((item) => item.pairedItem);
		expect(pairedRows).toEqual(expect.arrayContaining([{ item: 0 }, { item: 1 }]));
		expect(pairedRows).toHaveLength(2);
	});

	it('reports which node stopped the workflow and why', async () => {
		const run = await runWorkflow(structuredClone(listContactLists), { items: cartRows });

		expect(run.status).toBe('error');
		expect(run.error).toMatchObject({
			node: 'List Contact Lists',
			message: expect.stringContaining('No "constantContactOAuth2Api" credential given to the harness'),
		});
	});

	it('refuses a workflow with a node type it does not have, naming the type', async () => {
		const workflow = structuredClone(triggerThenEcho);
		workflow.nodes[1].type = 'harness.doesNotExist';

		await expect(runWorkflow(workflow, { items: cartRows })).rejects.toThrow(
			'Node type "harness.doesNotExist" is not known to the harness',
		);
	});

	it('keeps workflow static data from one production run to the next', async () => {
		const workflow = structuredClone(countRuns);

		const first = await runWorkflow(workflow, { mode: 'trigger' });
		const second = await runWorkflow(workflow, { mode: 'trigger' });

		expect(first.outputsOf('Count Runs')).toEqual([{ runs: 1 }]);
		expect(second.outputsOf('Count Runs')).toEqual([{ runs: 2 }]);
		expect(second.staticData).toEqual({ global: { runs: 2 } });
	});

	it('keeps static data from CLI runs too', async () => {
		const workflow = structuredClone(countRuns);

		await runWorkflow(workflow, { mode: 'cli' });
		const second = await runWorkflow(workflow, { mode: 'cli' });

		expect(second.outputsOf('Count Runs')).toEqual([{ runs: 2 }]);
	});

	it('forgets static data after manual runs, as n8n does when a workflow is tested in the editor', async () => {
		const workflow = structuredClone(countRuns);

		await runWorkflow(workflow, { mode: 'manual' });
		const second = await runWorkflow(workflow, { mode: 'manual' });

		expect(second.outputsOf('Count Runs')).toEqual([{ runs: 1 }]);
		expect(second.staticData).toEqual({});
	});

	it('starts from the static data a test gives, whatever earlier runs stored', async () => {
		const workflow = structuredClone(countRuns);
		await runWorkflow(workflow);

		const run = await runWorkflow(workflow, { staticData: { global: { runs: 41 } } });

		expect(run.outputsOf('Count Runs')).toEqual([{ runs: 42 }]);
	});

	it("backs n8n's checkProcessedAndRecord with memory that lasts across runs", async () => {
		clearProcessedItems();
		const workflow = structuredClone(skipSeenCarts);

		const first = await runWorkflow(workflow, { items: cartRows });
		const second = await runWorkflow(workflow, { items: [...cartRows, shopperCart(3)] });

		expect(first.outputsOf('Skip Seen Carts').map((item) => item.id)).toEqual(['cart-1001', 'cart-1002']);
		expect(second.outputsOf('Skip Seen Carts').map((item) => item.id)).toEqual(['cart-1003']);
	});

	it('resolves the credential URLs from the stored OAuth base URL, as n8n resolves the expression defaults', () => {
		const store = createCredentialStore({
			constantContactOAuth2Api: {
				clientId: 'test-client-id',
				clientSecret: 'test-client-secret',
				oauthBaseUrl: 'http://127.0.0.1:4010/oauth2/default/v1',
				apiBaseUrl: 'http://127.0.0.1:4010/v3',
			},
		});

		expect(store.decrypted('constantContactOAuth2Api')).toMatchObject({
			authUrl: 'http://127.0.0.1:4010/oauth2/default/v1/authorize',
			accessTokenUrl: 'http://127.0.0.1:4010/oauth2/default/v1/token',
			apiBaseUrl: 'http://127.0.0.1:4010/v3',
			grantType: 'authorizationCode',
			authentication: 'header',
			scope: 'contact_data offline_access',
		});
	});

	it('falls back to the production Constant Contact endpoints when the credential stores none', () => {
		const store = createCredentialStore({ constantContactOAuth2Api: { clientId: 'id', clientSecret: 'secret' } });

		expect(store.decrypted('constantContactOAuth2Api')).toMatchObject({
			accessTokenUrl: 'https://authz.constantcontact.com/oauth2/default/v1/token',
			apiBaseUrl: 'https://api.cc.email/v3',
		});
	});
});
