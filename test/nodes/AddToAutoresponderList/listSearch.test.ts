/** The editor's list picker: searchable and paginated through Constant Contact's next links. */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { createCredentialStore, createStandInCredential, searchList, type CredentialStore } from '../../harness';
import { useStandIn } from '../../support/standIn';
import { ADD_NODE_TYPE, CREDENTIAL, standInCredentials } from './setup';

// The 120 lists are seeded once: no test here changes them.
const standIn = useStandIn({
	reset: false,
	checkContract: false,
	seed: (fake) => {
		if (fake.control.snapshot().lists.length > 0) return {};
		for (let n = 1; n <= 120; n++) fake.control.seedList({ name: n === 77 ? 'Abandoned cart reminders' : `Newsletter ${n}` });
		return {};
	},
});
let fakeCc: FakeConstantContact;
beforeEach(() => ({ fakeCc } = standIn));
afterEach(() => fakeCc.control.clearFaults());

/** The editor's call of the node's listSearch method, through n8n-core with this credential. */
const search = async (credentials: CredentialStore, filter?: string, paginationToken?: string) =>
	await searchList(ADD_NODE_TYPE, 'searchLists', { credentials, filter, paginationToken });

describe('List search', () => {
	it('pages through every list with the pagination token and filters by name', async () => {
		const credentials = standInCredentials(fakeCc);
		const names: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await search(credentials, undefined, token);
			names.push(...page.results.map((result) => result.name));
			token = page.paginationToken as string | undefined;
			pages++;
		} while (token);
		expect(pages).toBe(3);
		expect(new Set(names).size).toBe(120);

		const filtered = await search(credentials, 'abandoned');
		const second = await search(credentials, 'abandoned', filtered.paginationToken as string);
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
		const error = await search(standInCredentials(fakeCc), 'cart').catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toMatch(sentence);
	});

	it('shows the picker a NodeOperationError when the credential\'s API base URL is not a URL', async () => {
		const credentials = createCredentialStore({ [CREDENTIAL]: { ...createStandInCredential(fakeCc), apiBaseUrl: 'api.cc.email without a scheme' } });
		const error = await search(credentials).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('The API base URL "api.cc.email without a scheme" is not a valid URL.');
	});

	it('wraps any other failure in a NodeOperationError instead of letting a raw error reach the editor', async () => {
		const credentials = standInCredentials(fakeCc);
		credentials.getDecrypted = async () => {
			throw new TypeError('Cannot read the credential');
		};
		const error = await search(credentials).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('Cannot read the credential');
	});
});
