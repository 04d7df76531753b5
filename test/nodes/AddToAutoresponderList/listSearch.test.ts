/** The editor's list picker: searchable and paginated through Constant Contact's next links. */
import { AddToAutoresponderList } from '../../../nodes/AddToAutoresponderList/AddToAutoresponderList.node';
import { startFakeConstantContact, type FakeConstantContact } from '../../fake-constant-contact';
import { fakeExecuteFunctions, standInCredential } from './fakeExecuteFunctions';

let fakeCc: FakeConstantContact;

beforeAll(async () => {
	fakeCc = await startFakeConstantContact();
	for (let n = 1; n <= 120; n++) fakeCc.control.seedList({ name: n === 77 ? 'Abandoned cart reminders' : `Newsletter ${n}` });
});
afterAll(async () => await fakeCc.stop());

describe('List search', () => {
	it('pages through every list with the pagination token and filters by name', async () => {
		const { context } = fakeExecuteFunctions({ parameters: {}, credential: standInCredential(fakeCc) });
		const search = new AddToAutoresponderList().methods.listSearch.searchLists;
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
