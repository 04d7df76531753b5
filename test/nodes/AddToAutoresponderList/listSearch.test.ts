/** The editor's list picker: searchable and paginated through Constant Contact's next links. */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { AddToAutoresponderList } from '../../../nodes/AddToAutoresponderList/AddToAutoresponderList.node';
import { startFakeConstantContact, type FakeConstantContact } from '../../fake-constant-contact';
import { fakeExecuteFunctions, standInCredential } from './fakeExecuteFunctions';

let fakeCc: FakeConstantContact;

beforeAll(async () => {
	fakeCc = await startFakeConstantContact();
	for (let n = 1; n <= 120; n++) fakeCc.control.seedList({ name: n === 77 ? 'Abandoned cart reminders' : `Newsletter ${n}` });
});
afterAll(async () => await fakeCc.stop());
afterEach(() => fakeCc.control.clearFaults());

const search = new AddToAutoresponderList().methods.listSearch.searchLists;

describe('List search', () => {
	it('pages through every list with the pagination token and filters by name', async () => {
		const { context } = fakeExecuteFunctions({ parameters: {}, credential: standInCredential(fakeCc) });
		const names: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await search.call(context, undefined, token);
			names.push(...page.results.map((result) => result.name));
			token = page.paginationToken as string | undefined;
			pages++;
		} while (token);
		expect(pages).toBe(3);
		expect(new Set(names).size).toBe(120);

		const filtered = await search.call(context, 'abandoned');
		const second = await search.call(context, 'abandoned', filtered.paginationToken as string);
		expect([...filtered.results, ...second.results]).toEqual([
			{ name: 'Abandoned cart reminders', value: expect.stringMatching(/^[0-9a-f-]{36}$/) },
		]);
		expect(fakeCc.control.contractViolations()).toEqual([]);
	});
});

describe('List search when it cannot list', () => {
	// More answers than the client's retries, so every attempt fails.
	const always = { count: 20, match: { path: '/v3/contact_lists' } };

	it.each([
		['refuses the connection even after a refresh (401)', { ...always, kind: 'status' as const, status: 401 }, /^Could not read the contact lists: Constant Contact did not accept the connection.*Reconnect/],
		['refuses the app or user (403)', { ...always, kind: 'status' as const, status: 403 }, /^Could not read the contact lists: the connected Constant Contact user or app is not allowed/],
		['keeps failing on its side (500)', { ...always, kind: 'status' as const, status: 500 }, /^Could not read the contact lists: Constant Contact had a problem on its side \(HTTP 500\)/],
		['drops the connection', { ...always, kind: 'drop' as const }, /^Could not read the contact lists: the connection to Constant Contact failed/],
	])('shows the picker a NodeApiError when Constant Contact %s', async (_case, fault, sentence) => {
		fakeCc.control.injectFaults([fault]);
		const { context } = fakeExecuteFunctions({ parameters: {}, credential: standInCredential(fakeCc) });
		const error = await search.call(context, 'cart').catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toMatch(sentence);
	});

	it('shows the picker a NodeOperationError when the credential\'s API base URL is not a URL', async () => {
		const credential = { ...standInCredential(fakeCc), apiBaseUrl: 'api.cc.email without a scheme' };
		const { context } = fakeExecuteFunctions({ parameters: {}, credential });
		const error = await search.call(context).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('The API base URL "api.cc.email without a scheme" is not a valid URL.');
	});

	it('wraps any other failure in a NodeOperationError instead of letting a raw error reach the editor', async () => {
		const { context } = fakeExecuteFunctions({ parameters: {}, credential: standInCredential(fakeCc) });
		context.getCredentials = async () => {
			throw new TypeError('Cannot read the credential');
		};
		const error = await search.call(context).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('Cannot read the credential');
	});
});
