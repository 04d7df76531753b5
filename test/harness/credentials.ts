import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';
import { getAdditionalKeys } from 'n8n-core';

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * n8n's base OAuth2 credential (nodes-base `oAuth2Api`, not installed here): the fields and
 * defaults requestOAuth2 reads. Fields marked doNotInherit in n8n are left out, as n8n drops
 * them from child credentials.
 */
const OAUTH2_API: ICredentialType = {
	name: 'oAuth2Api',
	displayName: 'OAuth2 API',
	genericAuth: true,
	properties: [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Client Credentials', value: 'clientCredentials' },
				{ name: 'PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '', required: true },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '', required: true },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', required: true },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'string', default: '' },
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Body', value: 'body' },
				{ name: 'Header', value: 'header' },
			],
			default: 'header',
		},
	],
};

function isExpression(value: unknown): value is string {
	return typeof value === 'string' && value.startsWith('=');
}

/** Credential types: the package's credentials/*.credentials.ts plus n8n's oAuth2Api parent. */
export class HarnessCredentialTypes {
	private types?: Map<string, ICredentialType>;

	private load(): Map<string, ICredentialType> {
		if (this.types) return this.types;
		this.types = new Map([[OAUTH2_API.name, OAUTH2_API]]);
		const dir = join(REPO_ROOT, 'credentials');
		for (const file of readdirSync(dir).filter((name) => name.endsWith('.credentials.ts'))) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(join(dir, file)) as Record<string, unknown>;
			for (const candidate of Object.values(exported)) {
				if (typeof candidate !== 'function') continue;
				const instance = new (candidate as new () => ICredentialType)();
				if (instance.name && Array.isArray(instance.properties)) this.types.set(instance.name, instance);
			}
		}
		return this.types;
	}

	get(name: string): ICredentialType {
		const type = this.load().get(name);
		if (!type) throw new Error(`Credential type "${name}" is not known to the harness`);
		return type;
	}

	/** All ancestors, nearest first, as n8n's CredentialTypes.getParentTypes returns them. */
	getParentTypes(name: string): string[] {
		const parents = this.get(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** Parent properties first, the type's own properties override them by name (as n8n merges them). */
	getProperties(name: string): INodeProperties[] {
		const type = this.get(name);
		const combined: INodeProperties[] = [];
		for (const parent of type.extends ?? []) {
			NodeHelpers.mergeNodeProperties(
				combined,
				this.getProperties(parent).filter((property) => !property.doNotInherit),
			);
		}
		NodeHelpers.mergeNodeProperties(combined, type.properties);
		return combined;
	}
}

/** Node types for the throwaway workflow n8n builds to resolve credential expressions. */
const NO_NODE_TYPES: INodeTypes = {
	getByName: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getKnownTypes: () => ({}),
};

export interface CredentialUpdate {
	type: string;
	credentialId: string | null;
	oauthTokenData: IDataObject;
}

/**
 * In-memory credential store behind n8n's ICredentialsHelper: getDecrypted resolves the type's
 * defaults (including `={{$self[...]}}` expressions) like n8n's CLI, and token refreshes made by
 * n8n-core's requestOAuth2 are stored and recorded in `updates`.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	/** Stored (undecorated) credential data by credential type. */
	private readonly stored = new Map<string, ICredentialDataDecryptedObject>();

	readonly updates: CredentialUpdate[] = [];

	constructor(
		private readonly types: HarnessCredentialTypes,
		credentials: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
		for (const [type, data] of Object.entries(credentials)) this.stored.set(type, structuredClone(data));
	}

	/** The credential data as stored now (after any refreshes), without defaults. */
	storedData(type: string): ICredentialDataDecryptedObject | undefined {
		const data = this.stored.get(type);
		return data && structuredClone(data);
	}

	/** What a node would get from getCredentials(type): stored data with the type's defaults resolved. */
	decrypted(type: string, mode: WorkflowExecuteMode = 'trigger'): ICredentialDataDecryptedObject {
		const additionalData = { variables: {}, webhookWaitingBaseUrl: '', formWaitingBaseUrl: '' };
		return this.applyDefaults(
			this.read({ id: null, name: type }, type),
			type,
			additionalData as unknown as IWorkflowExecuteAdditionalData,
			mode,
		);
	}

	getParentTypes(name: string): string[] {
		return this.types.getParentTypes(name);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.getProperties(type);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.types.get(typeName).authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate) throw new Error('Generic credential authentication is not supported by the harness');
		return requestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('The harness keeps credentials decrypted; use getDecrypted');
	}

	private read(nodeCredentials: INodeCredentialsDetails, type: string): ICredentialDataDecryptedObject {
		const data = this.stored.get(type);
		if (!data) {
			throw new Error(
				`No "${type}" credential given to the harness (node credential "${nodeCredentials.name}")`,
			);
		}
		return structuredClone(data);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		_executeData?: unknown,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		const original = this.read(nodeCredentials, type);
		if (raw) return original;
		return this.applyDefaults(original, type, additionalData, mode);
	}

	private applyDefaults(
		original: ICredentialDataDecryptedObject,
		type: string,
		additionalData: IWorkflowExecuteAdditionalData,
		mode: WorkflowExecuteMode,
	): ICredentialDataDecryptedObject {
		const properties = this.getCredentialsProperties(type);
		const values = { ...original };
		// Hidden fields derived by expression (authUrl, accessTokenUrl) always take their default.
		for (const property of properties) {
			if (property.type === 'hidden' && isExpression(property.default)) delete values[property.name];
		}
		const withDefaults =
			NodeHelpers.getNodeParameters(properties, values as INodeParameters, true, false, null, null) ?? {};
		const decrypted = { ...values, ...withDefaults } as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) decrypted.oauthTokenData = original.oauthTokenData;

		const mockNode: INode = {
			id: 'credential-expression-node',
			name: 'mock',
			type: 'mock',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({
			nodes: [mockNode],
			connections: {},
			active: false,
			nodeTypes: NO_NODE_TYPES,
		});
		return workflow.expression.getComplexParameterValue(
			mockNode,
			decrypted as never,
			mode,
			getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
			undefined,
			undefined,
			decrypted,
		) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.read(nodeCredentials, type);
		this.stored.set(type, structuredClone(data));
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const current = this.read(nodeCredentials, type);
		const oauthTokenData = structuredClone(data.oauthTokenData as IDataObject);
		this.stored.set(type, { ...current, oauthTokenData });
		this.updates.push({ type, credentialId: nodeCredentials.id, oauthTokenData });
	}
}
