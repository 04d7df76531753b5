/**
 * Runs the Add to Autoresponder List node the one way the tests run nodes: in a workflow (test trigger -> node) on
 * n8n's own engine (test/harness), against the stand-in. Parameters are what the editor stores, expressions included.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import {
	createCredentialStore,
	createStandInCredential,
	PACKAGE_NAME,
	runWorkflow,
	TEST_TRIGGER_TYPE,
	type CredentialStore,
	type WorkflowJson,
	type WorkflowRun,
} from '../../harness';
import { useStandIn } from '../../support/standIn';

export const CREDENTIAL = 'constantContactOAuth2Api';
export const ADD_NODE_TYPE = `${PACKAGE_NAME}.addToAutoresponderList`;
const NODE_NAME = 'Add to Autoresponder List';

export interface NodeRun {
	output: INodeExecutionData[];
	json: IDataObject[];
	/** Token refreshes n8n saved during the run. */
	refreshes: number;
	/** The credential as stored after the run. */
	credential: ICredentialDataDecryptedObject;
	workflowRun: WorkflowRun;
}

export interface RunOptions {
	/** The node's "On Error" set to continue (regular output). */
	continueOnFail?: boolean;
	/** Credentials that persist across runs; default a fresh connection to `fakeCc`. */
	credentials?: CredentialStore;
	/** Called before each Constant Contact request with its number (1, 2, …): lets a test expire tokens mid-batch. */
	beforeRequest?: (requestNumber: number) => void;
	/** More credentials the node has selected, by type (e.g. the Cart Link Secret), next to the Constant Contact one. */
	moreCredentials?: Record<string, ICredentialDataDecryptedObject>;
}

/** Parameters a user would set for the usual abandoned-cart flow (test/support/carts.ts rows); tests override what they are about. */
export function addParameters(listId: string, overrides: IDataObject = {}): IDataObject {
	return {
		operation: 'addContact',
		list: { __rl: true, mode: 'id', value: listId },
		email: '={{ $json.email }}',
		firstName: '={{ $json.first_name ?? "" }}',
		lastName: '',
		consent: '={{ $json.marketing_consent ?? false }}',
		consentPolicy: 'consented',
		repeatAbandoners: 'leave',
		cartFields: { field: [{ label: 'ac_cart_id', value: '={{ $json.id }}' }] },
		options: {},
		...overrides,
	};
}

export interface NodeUnderTest {
	type: string;
	name: string;
	parameters: IDataObject;
	/** The node's "On Error" set to continue (regular output). */
	continueOnFail?: boolean;
	/** Credential types selected on the node besides Constant Contact's. */
	moreCredentialTypes?: string[];
}

/** Remove Contact From List for the list `listId`, the email from the item; `options` are the node's Options. */
export function removeParameters(listId: string, options: IDataObject = {}, overrides: IDataObject = {}): IDataObject {
	return {
		operation: 'removeContact',
		list: { __rl: true, mode: 'id', value: listId },
		email: '={{ $json.email }}',
		options,
		...overrides,
	};
}

/** The workflow a test runs: the harness's trigger emits the items into the one node under test. */
export function oneNodeWorkflow({ type, name, parameters, continueOnFail = false, moreCredentialTypes = [] }: NodeUnderTest): WorkflowJson {
	const selected = Object.fromEntries([CREDENTIAL, ...moreCredentialTypes].map((credentialType) => [credentialType, { id: credentialType, name: credentialType }]));
	return {
		name: `${name} test`,
		nodes: [
			{ id: 'trigger', name: 'Items', type: TEST_TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'node-under-test',
				name,
				type,
				typeVersion: 1,
				position: [220, 0],
				parameters,
				...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
				credentials: { ...selected, [CREDENTIAL]: { id: '1', name: 'Constant Contact account' } },
			},
		],
		connections: { Items: { main: [[{ node: name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

export function standInCredentials(fakeCc: FakeConstantContact): CredentialStore {
	return createCredentialStore({ [CREDENTIAL]: createStandInCredential(fakeCc) });
}

/** Runs the node on `items`; when the workflow stops on an error, throws the node's error as n8n raised it. */
export async function runNode(
	fakeCc: FakeConstantContact,
	parameters: IDataObject,
	items: IDataObject[],
	options: RunOptions = {},
): Promise<NodeRun> {
	const more = options.moreCredentials ?? {};
	const credentials = options.credentials ?? createCredentialStore({ [CREDENTIAL]: createStandInCredential(fakeCc), ...more });
	if (options.beforeRequest) countRequests(fakeCc, credentials, options.beforeRequest);
	const workflow = oneNodeWorkflow({
		type: ADD_NODE_TYPE,
		name: NODE_NAME,
		parameters,
		continueOnFail: options.continueOnFail,
		moreCredentialTypes: Object.keys(more),
	});
	const workflowRun = await runWorkflow(workflow, { items, credentials });
	if (workflowRun.status !== 'success') throw workflowRun.run.data.resultData.error ?? new Error(`The run ended ${workflowRun.status}`);
	const [output = []] = workflowRun.itemsOf(NODE_NAME);
	return {
		output,
		json: output.map((item) => item.json),
		refreshes: workflowRun.credentialUpdates.length,
		credential: credentials.storedData(CREDENTIAL)!,
		workflowRun,
	};
}

/**
 * n8n reads the credential right before each authenticated request (and once when the node connects): there the hook
 * runs, once per request, numbered by the stand-in's own count of the requests it has answered.
 */
function countRequests(fakeCc: FakeConstantContact, credentials: CredentialStore, beforeRequest: (requestNumber: number) => void): void {
	const getDecrypted = credentials.getDecrypted.bind(credentials);
	let announced = 0;
	credentials.getDecrypted = async (...args: Parameters<CredentialStore['getDecrypted']>) => {
		const next = fakeCc.control.requestLog().length + 1;
		if (next > announced) beforeRequest((announced = next));
		return await getDecrypted(...args);
	};
}

function seedAutoresponderList(fakeCc: FakeConstantContact, name = 'Abandoned cart reminders'): string {
	return String(fakeCc.control.seedList({ name, automation: { name: `${name} path` } }).list_id);
}

/**
 * The stand-in for this node's suites (test/support/standIn.ts), seeded before each test with an autoresponder list
 * and, unless a suite brings its own fields, the ac_cart_id custom field.
 */
export function useAutoresponderStandIn(seedCartField = true) {
	return useStandIn({
		activityProcessingMs: 30,
		seed: (fakeCc) => {
			const listId = seedAutoresponderList(fakeCc);
			if (seedCartField) fakeCc.control.seedCustomField({ label: 'ac_cart_id' });
			return { listId };
		},
	});
}
