import { randomUUID } from 'node:crypto';
import { LoadOptionsContext } from 'n8n-core';
import type {
	INode,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import type { CredentialsOption } from './context';
import { buildAdditionalData, nodeTypes, toCredentialStore } from './context';
import { prepareN8nCore } from './engine';

export interface NodeMethodOptions {
	/** Credentials for every credential type the node declares (refreshes are stored in a store). */
	credentials?: CredentialsOption;
	/** The node's parameters as the editor holds them while the user picks a value. */
	parameters?: INodeParameters;
	/** Node type version; default the newest. */
	typeVersion?: number;
	/** Call this node type's method instead of the one loaded from the sources, e.g. the built one from dist/. */
	nodeType?: INodeType;
}

/**
 * The context n8n's editor backend gives a node's listSearch/loadOptions methods: a one-node
 * workflow, the node's credentials and the real request helpers (OAuth2 refresh included).
 */
function methodContext(nodeTypeName: string, options: NodeMethodOptions, parameterPath: string) {
	prepareN8nCore();
	const nodeType = nodeTypes.getByNameAndVersion(nodeTypeName, options.typeVersion);
	const { description } = nodeType;
	const versions = Array.isArray(description.version) ? description.version : [description.version];
	const node: INode = {
		id: randomUUID(),
		name: description.defaults.name ?? description.displayName,
		type: nodeTypeName,
		typeVersion: options.typeVersion ?? Math.max(...versions),
		position: [0, 0],
		parameters: options.parameters ?? {},
		credentials: Object.fromEntries(
			(description.credentials ?? []).map(({ name }) => [name, { id: `harness-${name}`, name }]),
		),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = buildAdditionalData(toCredentialStore(options.credentials));
	additionalData.currentNodeParameters = node.parameters;
	return {
		context: new LoadOptionsContext(workflow, node, additionalData, parameterPath),
		nodeType: options.nodeType ?? nodeType,
	};
}

function method<K extends 'listSearch' | 'loadOptions'>(nodeType: INodeType, kind: K, name: string) {
	const found = nodeType.methods?.[kind]?.[name];
	if (!found) throw new Error(`Node "${nodeType.description.name}" has no ${kind} method "${name}"`);
	return found as NonNullable<NonNullable<INodeType['methods']>[K]>[string];
}

/** Calls a resource-locator search method (methods.listSearch) as the editor does. */
export async function searchList(
	nodeTypeName: string,
	methodName: string,
	options: NodeMethodOptions & { filter?: string; paginationToken?: string } = {},
): Promise<INodeListSearchResult> {
	const { context, nodeType } = methodContext(nodeTypeName, options, `parameters.${methodName}`);
	const search = method(nodeType, 'listSearch', methodName);
	return await search.call(context, options.filter, options.paginationToken);
}

/** Calls an options method (methods.loadOptions) as the editor does. */
export async function loadOptions(
	nodeTypeName: string,
	methodName: string,
	options: NodeMethodOptions = {},
): Promise<INodePropertyOptions[]> {
	const { context, nodeType } = methodContext(nodeTypeName, options, `parameters.${methodName}`);
	const load = method(nodeType, 'loadOptions', methodName);
	return await load.call(context);
}
