/**
 * Runs workflow JSON through n8n's own WorkflowExecute inside a bench child process on the provisioned
 * n8n 2.41.1 (started by ./spawn.ts, with provisioned-n8n.cjs preloaded): the package's nodes come from
 * the test harness, n8n's stock nodes (If, Code, HTTP Request) from that installation's n8n-nodes-base, and
 * the Code node's JavaScript runs in n8n's own task runner, started the way `n8n start` starts it.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeType,
	INodeTypes,
	IRun,
	ITaskData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import {
	buildAdditionalData,
	nodeTypes as packageNodeTypes,
	toCredentialStore,
	workflowRecord,
	type CredentialsOption,
} from '../../test/harness/context';
import { prepareN8nCore } from '../../test/harness/engine';
import { TEST_TRIGGER_TYPE } from '../../test/harness';

const N8N_MODULES = join(process.env.BENCH_N8N_DIR ?? '', 'node_modules');

/** Stock node types the bench workflows use, by exported type name -> file in n8n-nodes-base. */
const STOCK_NODES: Record<string, string> = {
	'n8n-nodes-base.if': 'dist/nodes/If/If.node.js',
	'n8n-nodes-base.code': 'dist/nodes/Code/Code.node.js',
	'n8n-nodes-base.httpRequest': 'dist/nodes/HttpRequest/HttpRequest.node.js',
	'n8n-nodes-base.noOp': 'dist/nodes/NoOp/NoOp.node.js',
};

type LoadedNodeType = INodeType | IVersionedNodeType;

class BenchNodeTypes implements INodeTypes {
	private readonly stock = new Map<string, LoadedNodeType>();

	getByName(type: string): LoadedNodeType {
		const file = STOCK_NODES[type];
		if (!file) return packageNodeTypes.getByName(type);
		let loaded = this.stock.get(type);
		if (!loaded) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(join(N8N_MODULES, 'n8n-nodes-base', file)) as Record<string, new () => LoadedNodeType>;
			const NodeClass = Object.values(exported).find((value) => typeof value === 'function');
			if (!NodeClass) throw new Error(`${file} exports no node class`);
			loaded = new NodeClass();
			this.stock.set(type, loaded);
		}
		return loaded;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return Object.fromEntries([...Object.keys(STOCK_NODES), ...Object.keys(packageNodeTypes.getKnownTypes())].map((t) => [t, {}]));
	}

	/** What n8n's task requester sends the runner when code asks for node type descriptions. */
	getNodeTypeDescriptions(wanted: Array<{ name: string; version: number }>) {
		return wanted.map(({ name, version }) => this.getByNameAndVersion(name, version).description);
	}
}

export const benchNodeTypes = new BenchNodeTypes();

let taskRunner: { stop(): Promise<void>; runnerPid(): number | undefined } | undefined;

/**
 * Starts n8n's task broker and an internal JavaScript task runner process, as `n8n start` does
 * (BaseCommand -> TaskRunnerModule.start()), so the Code node runs exactly as in n8n 2.x.
 */
export async function startTaskRunner(): Promise<void> {
	prepareN8nCore();
	const cliDist = join(N8N_MODULES, 'n8n', 'dist');
	/* eslint-disable @typescript-eslint/no-require-imports */
	const { NodeTypes } = require(join(cliDist, 'node-types.js'));
	const { CacheService } = require(join(cliDist, 'services', 'cache', 'cache.service.js'));
	const { TaskRunnerModule } = require(join(cliDist, 'task-runners', 'task-runner-module.js'));
	/* eslint-enable @typescript-eslint/no-require-imports */
	Container.set(NodeTypes, benchNodeTypes);
	await (Container.get(CacheService as new () => unknown) as { init(): Promise<void> }).init();
	const module = Container.get(TaskRunnerModule as new () => unknown) as {
		start(): Promise<void>;
		stop(): Promise<void>;
		jsRunnerProcess?: { process?: { pid?: number } };
	};
	await module.start();
	taskRunner = { stop: () => module.stop(), runnerPid: () => module.jsRunnerProcess?.process?.pid };
	await untilRunnerRegistered(cliDist);
}

/**
 * `TaskRunnerModule.start()` returns once the runner process is spawned, before it has connected to the broker:
 * wait for the broker to know it, so the first measured execution does not include the runner's start-up.
 */
async function untilRunnerRegistered(cliDist: string, timeoutMs = 120_000): Promise<void> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { TaskBroker } = require(join(cliDist, 'task-runners', 'task-broker', 'task-broker.service.js'));
	const broker = Container.get(TaskBroker as new () => unknown) as { knownRunners?: Map<string, unknown> };
	const deadline = Date.now() + timeoutMs;
	while (!broker.knownRunners?.size) {
		if (Date.now() > deadline) throw new Error(`n8n's task runner did not register with the broker within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

export async function stopTaskRunner(): Promise<void> {
	await taskRunner?.stop();
	taskRunner = undefined;
}

export function taskRunnerPid(): number | undefined {
	return taskRunner?.runnerPid();
}

function withTaskRunner(additionalData: IWorkflowExecuteAdditionalData): IWorkflowExecuteAdditionalData {
	if (!taskRunner) return additionalData;
	const cliDist = join(N8N_MODULES, 'n8n', 'dist');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { TaskRequester } = require(join(cliDist, 'task-runners', 'task-managers', 'task-requester.js'));
	const requester = Container.get(TaskRequester as new () => unknown) as {
		startTask: (...args: unknown[]) => Promise<unknown>;
		getRunnerStatus: (type: string) => unknown;
	};
	return {
		...additionalData,
		startRunnerTask: (...args: unknown[]) => requester.startTask(...args),
		getRunnerStatus: (type: string) => requester.getRunnerStatus(type),
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface EngineRunOptions {
	items: IDataObject[];
	credentials?: CredentialsOption;
	staticData?: IDataObject;
}

/** One production ('trigger' mode) execution of the workflow, started from its test trigger with `items`. */
export async function executeWorkflow(
	json: { nodes: object[]; connections: object },
	options: EngineRunOptions,
): Promise<IRun> {
	prepareN8nCore();
	const nodes = structuredClone(json.nodes) as INode[];
	const start = nodes.find((node) => node.type === TEST_TRIGGER_TYPE);
	if (!start) throw new Error('bench workflows start with the harness test trigger');
	const workflowId = `bench-${randomUUID()}`;
	const workflow = new Workflow({
		id: workflowId,
		nodes,
		connections: json.connections as IConnections,
		active: true,
		nodeTypes: benchNodeTypes,
		staticData: options.staticData ?? {},
		settings: { executionOrder: 'v1' },
	});
	const executionId = randomUUID();
	const workflowData = workflowRecord(workflow, nodes, 'bench', true);
	const hooks = new ExecutionLifecycleHooks('trigger', executionId, workflowData);
	const credentialsHelper = toCredentialStore(options.credentials);
	const additionalData = withTaskRunner(buildAdditionalData(credentialsHelper, { hooks, executionId, workflowId }));
	const items = options.items.map((json) => ({ json }));
	const execution = new WorkflowExecute(additionalData, 'trigger');
	return await execution.run({
		workflow,
		startNode: start,
		triggerToStartFrom: { name: start.name, data: { data: { main: [items] } } as unknown as ITaskData },
	});
}
