/**
 * A small stand-in for n8n's IExecuteFunctions: parameters per item, Continue On Fail, and an
 * httpRequestWithAuthentication that does real HTTP (axios, as n8n does) with a bearer token, refreshes once on a
 * 401 with the refresh token (HTTP Basic client authentication) and wraps failures in NodeApiError like n8n-core.
 */
import axios, { type AxiosRequestConfig } from 'axios';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { FakeConstantContact } from '../../fake-constant-contact';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../fake-constant-contact';

/** A parameter value, or a function of the item for what an n8n expression would compute. */
export type ParameterValue = unknown | ((item: IDataObject, itemIndex: number) => unknown);

export interface StoredCredential {
	apiBaseUrl: string;
	accessTokenUrl: string;
	clientId: string;
	clientSecret: string;
	oauthTokenData: { access_token: string; refresh_token?: string; [key: string]: unknown };
}

export interface FakeContextOptions {
	parameters: Record<string, ParameterValue>;
	items?: IDataObject[];
	continueOnFail?: boolean;
	credential: StoredCredential;
	/** Called before each API request with its number (1, 2, …): lets a test expire tokens mid-batch. */
	beforeRequest?: (requestNumber: number) => void;
}

export interface FakeContext {
	context: IExecuteFunctions & ILoadOptionsFunctions;
	/** Token refreshes done through the credential. */
	refreshes: () => number;
}

const NODE: INode = {
	id: 'add-to-autoresponder-list',
	name: 'Add to Autoresponder List',
	type: 'n8n-nodes-constant-contact-abandoned-cart.addToAutoresponderList',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { constantContactOAuth2Api: { id: '1', name: 'Constant Contact account' } },
};

export function standInCredential(fakeCc: FakeConstantContact): StoredCredential {
	const tokens = fakeCc.control.issueTokens();
	return {
		apiBaseUrl: fakeCc.apiBaseUrl,
		accessTokenUrl: `${fakeCc.oauthBaseUrl}/token`,
		clientId: DEFAULT_CLIENT_ID,
		clientSecret: DEFAULT_CLIENT_SECRET,
		oauthTokenData: { access_token: tokens.access_token, refresh_token: tokens.refresh_token },
	};
}

function readPath(source: Record<string, unknown>, path: string): unknown {
	if (path in source) return source[path];
	return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], source);
}

export function fakeExecuteFunctions(options: FakeContextOptions): FakeContext {
	const items: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
	const credential = options.credential;
	let refreshes = 0;
	let requests = 0;

	const refresh = async (): Promise<void> => {
		const response = await axios.post(
			credential.accessTokenUrl,
			new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.oauthTokenData.refresh_token ?? '' }).toString(),
			{
				auth: { username: credential.clientId, password: credential.clientSecret },
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			},
		);
		credential.oauthTokenData = { ...credential.oauthTokenData, ...(response.data as StoredCredential['oauthTokenData']) };
		refreshes++;
	};

	const send = async (request: IHttpRequestOptions) => {
		const config: AxiosRequestConfig = {
			method: request.method,
			url: request.url,
			data: request.body,
			timeout: request.timeout,
			headers: { ...(request.headers as Record<string, string>), Authorization: `Bearer ${credential.oauthTokenData.access_token}` },
		};
		const response = await axios.request(config);
		return request.returnFullResponse
			? { body: response.data, headers: response.headers, statusCode: response.status, statusMessage: response.statusText }
			: response.data;
	};

	const context = {
		getInputData: () => items,
		getNode: () => NODE,
		continueOnFail: () => options.continueOnFail ?? false,
		getCredentials: async () => ({ ...credential }),
		getNodeParameter: (name: string, itemIndex = 0, fallback?: unknown) => {
			const raw = readPath(options.parameters, name);
			const value = typeof raw === 'function' ? (raw as (item: IDataObject, index: number) => unknown)(items[itemIndex]?.json ?? {}, itemIndex) : raw;
			return value === undefined ? fallback : value;
		},
		getCurrentNodeParameter: (name: string) => readPath(options.parameters, name),
		helpers: {
			// Like n8n-core's requestOAuth2 with isN8nRequest: refresh once when the request throws with status 401.
			httpRequestWithAuthentication: async (_credentialType: string, request: IHttpRequestOptions) => {
				options.beforeRequest?.(++requests);
				try {
					return await send(request).catch(async (error) => {
						if (axios.isAxiosError(error) && error.response?.status === 401) {
							await refresh();
							return await send(request);
						}
						throw error;
					});
				} catch (error) {
					throw new NodeApiError(NODE, error as never);
				}
			},
		},
	};
	return { context: context as unknown as IExecuteFunctions & ILoadOptionsFunctions, refreshes: () => refreshes };
}
