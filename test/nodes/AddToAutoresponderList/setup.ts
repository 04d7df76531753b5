/** Runs the Add to Autoresponder List node against the stand-in through the fake IExecuteFunctions. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AddToAutoresponderList } from '../../../nodes/AddToAutoresponderList/AddToAutoresponderList.node';
import { startFakeConstantContact, type FakeConstantContact } from '../../fake-constant-contact';
import { fakeExecuteFunctions, standInCredential, type FakeContextOptions, type ParameterValue, type StoredCredential } from './fakeExecuteFunctions';

export interface NodeRun {
	output: INodeExecutionData[];
	json: IDataObject[];
	refreshes: number;
	credential: StoredCredential;
}

export interface RunOptions extends Partial<Omit<FakeContextOptions, 'parameters' | 'credential'>> {
	credential?: StoredCredential;
}

/** Parameters a user would set for the usual abandoned-cart flow; tests override what they are about. */
export function addParameters(listId: string, overrides: Record<string, ParameterValue> = {}): Record<string, ParameterValue> {
	return {
		operation: 'addContact',
		list: { __rl: true, mode: 'id', value: listId },
		email: (item: IDataObject) => item.email,
		firstName: (item: IDataObject) => item.firstName ?? '',
		lastName: '',
		consent: (item: IDataObject) => item.acceptsMarketing ?? false,
		consentPolicy: 'consented',
		repeatAbandoners: 'leave',
		cartFields: { field: [{ label: 'ac_cart_id', value: (item: IDataObject) => item.cartId }] },
		options: {},
		...overrides,
	};
}

/** Resolves per-item parameter functions inside nested structures such as cartFields. */
function perItem(parameters: Record<string, ParameterValue>): Record<string, ParameterValue> {
	const resolved: Record<string, ParameterValue> = {};
	for (const [name, value] of Object.entries(parameters)) {
		if (name === 'cartFields' && value && typeof value === 'object') {
			const fields = (value as { field?: Array<{ label: unknown; value: unknown }> }).field ?? [];
			resolved[name] = {
				field: (item: IDataObject, index: number) =>
					fields.map((field) => ({
						label: field.label,
						value: typeof field.value === 'function' ? (field.value as (i: IDataObject, n: number) => unknown)(item, index) : field.value,
					})),
			};
		} else resolved[name] = value;
	}
	return resolved;
}

export async function runNode(
	fakeCc: FakeConstantContact,
	parameters: Record<string, ParameterValue>,
	items: IDataObject[],
	options: RunOptions = {},
): Promise<NodeRun> {
	const credential = options.credential ?? standInCredential(fakeCc);
	const fake = fakeExecuteFunctions({ ...options, parameters: perItem(parameters), items, credential });
	const [output] = await new AddToAutoresponderList().execute.call(fake.context);
	return { output, json: output.map((item) => item.json), refreshes: fake.refreshes(), credential };
}

export function seedAutoresponderList(fakeCc: FakeConstantContact, name = 'Abandoned cart reminders'): string {
	return String(fakeCc.control.seedList({ name, automation: { name: `${name} path` } }).list_id);
}

export function cart(n: number, extra: IDataObject = {}): IDataObject {
	return { cartId: `cart-${1000 + n}`, email: `shopper${n}@example.com`, firstName: `Shopper ${n}`, acceptsMarketing: true, ...extra };
}

export interface StandInFixture {
	fakeCc: FakeConstantContact;
	listId: string;
}

/**
 * One stand-in per test file, reset before each test with an autoresponder list and the ac_cart_id custom field;
 * after each test, no contract violation may have been recorded.
 */
export function useStandIn(seedCartField = true): StandInFixture {
	const fixture = {} as StandInFixture;
	beforeAll(async () => {
		fixture.fakeCc = await startFakeConstantContact({ activityProcessingMs: 30 });
	});
	afterAll(async () => await fixture.fakeCc.stop());
	beforeEach(() => {
		fixture.fakeCc.control.reset();
		fixture.listId = seedAutoresponderList(fixture.fakeCc);
		if (seedCartField) fixture.fakeCc.control.seedCustomField({ label: 'ac_cart_id' });
	});
	afterEach(() => {
		expect(fixture.fakeCc.control.contractViolations()).toEqual([]);
	});
	return fixture;
}
