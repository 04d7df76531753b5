import { randomUUID } from 'node:crypto';
import { Settings } from 'luxon';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IPinData,
	IRun,
	IRunData,
	ITaskData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import type { FakeConstantContact } from '../fake-constant-contact';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fake-constant-contact';
import type { CredentialsOption } from './context';
import { buildAdditionalData, nodeTypes, toCredentialStore, workflowRecord } from './context';
import type { CredentialUpdate } from './credentials';
import type { HarnessLogEntry } from './engine';
import { deduplicator, harnessLogger, prepareN8nCore } from './engine';
import { HARNESS_PREFIX } from './node-types';

export type { CredentialsOption } from './context';
export { CredentialStore, createCredentialStore } from './context';
export type { CredentialUpdate } from './credentials';
export type { HarnessLogEntry } from './engine';
export { PACKAGE_NAME } from './node-types';
export { loadOptions, searchList } from './methods';

/** Node type of the test-only trigger that emits the items given to runWorkflow. */
export const TEST_TRIGGER_TYPE = `${HARNESS_PREFIX}.testItemsTrigger`;

/**
 * An exported n8n workflow (the JSON a user downloads from the editor). Typed loosely so an
 * imported .json file fits; nodes and connections are n8n's INode[] and IConnections.
 */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: object[];
	connections: object;
	settings?: object;
	staticData?: object | null;
	pinData?: object;
}

export interface RunWorkflowOptions {
	/** Items the start node emits; each becomes `{ json }`. Default: one empty item. */
	items?: IDataObject[];
	/** Decrypted credential data by credential type, or a store that persists across runs. */
	credentials?: CredentialsOption;
	/** Execution mode; static data is kept for the next run unless it is 'manual'. Default 'trigger'. */
	mode?: WorkflowExecuteMode;
	/** Static data to start from, replacing what earlier runs of this workflow object stored. */
	staticData?: IDataObject;
	/** The clock the run sees through luxon (DateTime.now(), $now); Date.now() is not changed. */
	now?: Date | string | number;
	/** Name of the node to start from. Default: the test trigger, else the first node without inputs. */
	startNode?: string;
}

export interface WorkflowRun {
	status: IRun['status'];
	/** The error that stopped the workflow, without stack. */
	error?: { message: string; description?: string; node?: string };
	/** JSON of the items a node sent out of one output in its last run. */
	outputsOf(nodeName: string, outputIndex?: number): IDataObject[];
	/** All outputs of a node's last run, with pairedItem, one array per output. */
	itemsOf(nodeName: string): INodeExecutionData[][];
	/** Token data n8n-core saved through updateCredentialsOauthTokenData during this run. */
	credentialUpdates: CredentialUpdate[];
	/** Static data stored for the next run of this workflow object (unchanged in manual mode). */
	staticData: IDataObject;
	runData: IRunData;
	/** What n8n logged during this run (collected, never printed). */
	logs: HarnessLogEntry[];
	run: IRun;
}

let runsInProgress = 0;
const savedStaticData = new WeakMap<WorkflowJson, IDataObject>();
const workflowIds = new WeakMap<WorkflowJson, string>();

function plainCopy<T>(value: T): T {
	return JSON.parse(JSON.stringify(value ?? {})) as T;
}

function workflowIdOf(json: WorkflowJson): string {
	if (json.id) return json.id;
	let id = workflowIds.get(json);
	if (!id) {
		id = `harness-${randomUUID()}`;
		workflowIds.set(json, id);
	}
	return id;
}

function hasIncomingMain(json: WorkflowJson, nodeName: string): boolean {
	return Object.values(json.connections as IConnections).some((outputs) =>
		(outputs.main ?? []).some((targets) => (targets ?? []).some((target) => target.node === nodeName)),
	);
}

function pickStartNode(json: WorkflowJson, nodes: INode[], name?: string): INode {
	if (name !== undefined) {
		const named = nodes.find((node) => node.name === name);
		if (!named) throw new Error(`No node named "${name}" in the workflow`);
		return named;
	}
	const start =
		nodes.find((node) => node.type === TEST_TRIGGER_TYPE) ??
		nodes.find((node) => !node.disabled && !hasIncomingMain(json, node.name));
	if (!start) throw new Error('The workflow has no start node');
	return start;
}

/**
 * Nodes as the engine gets them. A start node whose type the harness does not have (n8n's
 * Schedule or Manual Trigger, a Postgres trigger) is played by the test trigger, so exported
 * templates run unchanged from "these cart rows".
 */
function prepareNodes(json: WorkflowJson, startNodeName?: string): { nodes: INode[]; start: INode } {
	const nodes = plainCopy(json.nodes) as INode[];
	const start = pickStartNode(json, nodes, startNodeName);
	if (!nodeTypes.has(start.type)) {
		start.type = TEST_TRIGGER_TYPE;
		start.typeVersion = 1;
		start.parameters = {};
	}
	return { nodes, start };
}

function withClock<T>(now: RunWorkflowOptions['now'], run: () => Promise<T>): Promise<T> {
	if (now === undefined) return run();
	const fixed = new Date(now).getTime();
	if (Number.isNaN(fixed)) throw new Error(`"now" is not a valid time: ${String(now)}`);
	const previous = Settings.now;
	Settings.now = () => fixed;
	return run().finally(() => {
		Settings.now = previous;
	});
}

/**
 * Runs an exported workflow through n8n's own engine (WorkflowExecute from n8n-core) in this
 * process, with the package's nodes loaded from source and credentials going through n8n-core's
 * real OAuth2 request path (Bearer signing, refresh on 401, token data saved).
 */
export async function runWorkflow(json: WorkflowJson, options: RunWorkflowOptions = {}): Promise<WorkflowRun> {
	prepareN8nCore();
	const mode = options.mode ?? 'trigger';
	const credentialsHelper = toCredentialStore(options.credentials);
	const updatesBefore = credentialsHelper.updates.length;
	const logsBefore = harnessLogger.entries.length;

	const workflowId = workflowIdOf(json);
	const { nodes, start } = prepareNodes(json, options.startNode);
	const staticDataBefore = plainCopy(
		options.staticData ?? savedStaticData.get(json) ?? (json.staticData as IDataObject | null) ?? {},
	);
	const workflow = new Workflow({
		id: workflowId,
		name: json.name,
		nodes,
		connections: json.connections as IConnections,
		active: mode !== 'manual',
		nodeTypes,
		staticData: plainCopy(staticDataBefore),
		settings: (json.settings as IWorkflowSettings | undefined) ?? { executionOrder: 'v1' },
	});

	const executionId = randomUUID();
	const workflowData = workflowRecord(workflow, nodes, json.name ?? 'Harness workflow', mode !== 'manual');
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	let staticDataAfter = staticDataBefore;
	hooks.addHandler('workflowExecuteAfter', (_run, newStaticData) => {
		// n8n saves changed static data after production runs only (never after manual ones).
		if (mode !== 'manual' && newStaticData) {
			const { __dataChanged: _changed, ...data } = plainCopy(newStaticData);
			staticDataAfter = data;
			savedStaticData.set(json, data);
		}
	});

	const additionalData = buildAdditionalData(credentialsHelper, { hooks, executionId, workflowId });
	const items = (options.items ?? [{}]).map((item) => ({ json: item }));
	runsInProgress++;
	let run: IRun;
	let logs: HarnessLogEntry[];
	try {
		run = await withClock(options.now, async () => {
			const execution = new WorkflowExecute(additionalData, mode);
			return await execution.run({
				workflow,
				startNode: start,
				pinData: mode === 'manual' ? (json.pinData as IPinData | undefined) : undefined,
				triggerToStartFrom: { name: start.name, data: { data: { main: [items] } } as unknown as ITaskData },
			});
		});
	} finally {
		runsInProgress--;
		logs = harnessLogger.entries.slice(logsBefore);
		// Long benchmark sessions must not pile up log entries nobody will read.
		if (runsInProgress === 0) harnessLogger.entries.length = 0;
	}

	return describeRun(run, {
		credentialUpdates: credentialsHelper.updates.slice(updatesBefore),
		staticData: staticDataAfter,
		logs,
	});
}

function describeRun(
	run: IRun,
	extra: Pick<WorkflowRun, 'credentialUpdates' | 'staticData' | 'logs'>,
): WorkflowRun {
	const runData = run.data.resultData.runData;
	const itemsOf = (nodeName: string): INodeExecutionData[][] => {
		const runs = runData[nodeName];
		if (!runs?.length) throw new Error(`Node "${nodeName}" did not run`);
		return (runs[runs.length - 1].data?.main ?? []).map((output) => output ?? []);
	};
	const failure = run.data.resultData.error as
		| (Error & { description?: string; node?: { name?: string } })
		| undefined;
	return {
		status: run.status,
		error: failure && {
			message: failure.message,
			description: failure.description ?? undefined,
			node: failure.node?.name ?? run.data.resultData.lastNodeExecuted,
		},
		itemsOf,
		outputsOf: (nodeName, outputIndex = 0) => (itemsOf(nodeName)[outputIndex] ?? []).map((item) => item.json),
		runData,
		run,
		...extra,
	};
}

/** Forgets what checkProcessedAndRecord remembered (it lives for the whole process otherwise). */
export function clearProcessedItems(): void {
	deduplicator.clear();
}

/**
 * Credential data for `constantContactOAuth2Api` pointing at the stand-in, with a freshly
 * issued token pair (the state after the user clicked "Connect" in n8n).
 */
export function createStandInCredential(
	fakeCc: Pick<FakeConstantContact, 'apiBaseUrl' | 'oauthBaseUrl' | 'control'>,
	app: { clientId: string; clientSecret: string } = { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET },
): ICredentialDataDecryptedObject {
	const oauthTokenData = { ...fakeCc.control.issueTokens({ clientId: app.clientId }) } as IDataObject;
	return {
		clientId: app.clientId,
		clientSecret: app.clientSecret,
		oauthBaseUrl: fakeCc.oauthBaseUrl,
		apiBaseUrl: fakeCc.apiBaseUrl,
		oauthTokenData,
	};
}
