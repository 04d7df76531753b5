import type {
	ICredentialDataDecryptedObject,
	INode,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import type { ExecutionLifecycleHooks } from 'n8n-core';

import { HarnessCredentialsHelper, HarnessCredentialTypes } from './credentials';
import { HarnessNodeTypes } from './node-types';

/** Credentials kept like n8n's database keeps them: token refreshes carry over to later runs. */
export class CredentialStore extends HarnessCredentialsHelper {}

/** Decrypted credential data by credential type (fresh for one call), or a store that persists. */
export type CredentialsOption = Record<string, ICredentialDataDecryptedObject> | CredentialStore;

export const credentialTypes = new HarnessCredentialTypes();
export const nodeTypes = new HarnessNodeTypes();

export function createCredentialStore(credentials: Record<string, ICredentialDataDecryptedObject>): CredentialStore {
	return new CredentialStore(credentialTypes, credentials);
}

export function toCredentialStore(credentials: CredentialsOption = {}): CredentialStore {
	return credentials instanceof CredentialStore ? credentials : createCredentialStore(credentials);
}

/** The saved-workflow record n8n's lifecycle hooks receive for an execution of `workflow`. */
export function workflowRecord(workflow: Workflow, nodes: INode[], name: string, active: boolean): IWorkflowBase {
	return {
		id: workflow.id,
		name,
		active,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		activeVersionId: null,
	} as IWorkflowBase;
}

/** What n8n's CLI hands the engine for one execution; features the harness lacks fail when used. */
export function buildAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	execution: { hooks?: ExecutionLifecycleHooks; executionId?: string; workflowId?: string } = {},
): IWorkflowExecuteAdditionalData {
	const notAvailable = (what: string) => async () => {
		throw new Error(`${what} is not available in the test harness`);
	};
	const baseUrl = 'http://localhost:5678';
	return {
		credentialsHelper,
		...execution,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: baseUrl,
		formBaseUrl: `${baseUrl}/form`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		formTestBaseUrl: `${baseUrl}/form-test`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		mcpBaseUrl: `${baseUrl}/mcp`,
		mcpTestBaseUrl: `${baseUrl}/mcp-test`,
		executeWorkflow: notAvailable('Executing sub-workflows'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: notAvailable('The Code node task runner'),
	} as unknown as IWorkflowExecuteAdditionalData;
}
