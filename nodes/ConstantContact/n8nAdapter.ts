/** The n8n `send`: every request through httpRequestWithAuthentication, which refreshes the token on 401. */
import type {
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { CONSTANT_CONTACT_API_BASE_URL, CONSTANT_CONTACT_CREDENTIAL } from '../../credentials/ConstantContactOAuth2Api.credentials';
import { ConstantContactApi } from './api';
import { ConstantContactClient, type ConstantContactClientOptions, type Send, type TransportOutcome } from './httpClient';
import { ConstantContactError } from './errors';

// Re-exported so the nodes reach everything Constant Contact through the client layer.
export { CONSTANT_CONTACT_CREDENTIAL };

type N8nContext = IExecuteFunctions | ILoadOptionsFunctions;

const NETWORK_CODES = new Set([
	'ECONNABORTED',
	'ECONNREFUSED',
	'ECONNRESET',
	'EHOSTUNREACH',
	'ENETDOWN',
	'ENETUNREACH',
	'EPIPE',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EAI_AGAIN',
	'UND_ERR_BODY_TIMEOUT',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_SOCKET',
]);

interface ErrorLike {
	message?: string;
	/** n8n 1.x's NodeApiError: the original messages behind its own sentence. */
	messages?: unknown;
	code?: unknown;
	/** n8n's NodeApiError: the HTTP status, or a network code such as ECONNRESET. */
	httpCode?: unknown;
	context?: { data?: unknown };
	cause?: unknown;
	response?: { status?: unknown; data?: unknown; headers?: Record<string, unknown> };
}

/** n8n wraps the HTTP error in a NodeApiError; the answer (status and body) or the socket error is in its causes. */
export function normaliseN8nError(error: unknown): TransportOutcome {
	const chain: ErrorLike[] = [];
	let current: unknown = error;
	while (current && typeof current === 'object' && chain.length < 5) {
		chain.push(current as ErrorLike);
		current = (current as ErrorLike).cause;
	}
	const answered = chain.find((link) => typeof link.response?.status === 'number');
	if (answered?.response) {
		return {
			kind: 'response',
			status: answered.response.status as number,
			body: answered.response.data,
			headers: answered.response.headers,
		};
	}
	// A refused token refresh (n8n's OAuth2 client: "HTTP status 400", code ESTATUS) is the credential's problem,
	// whatever the status: it must not pass for Constant Contact's answer to the request.
	const refresh = chain
		.flatMap((link) => [link.code === 'ESTATUS' ? `HTTP status ${String(link.httpCode ?? '')}` : '', link.message ?? '', ...(Array.isArray(link.messages) ? link.messages.map(String) : [])])
		.map((text) => /^HTTP status (\d{3})$/.exec(text.trim()))
		.find(Boolean);
	if (refresh) {
		return { kind: 'failure', message: `Constant Contact refused to renew the connection (HTTP ${refresh[1]} from its token endpoint). Reconnect the Constant Contact credential.` };
	}
	for (const link of chain) {
		const text = [link.message ?? '', ...(Array.isArray(link.messages) ? link.messages.map(String) : [])].join(' ');
		for (const code of [link.code, link.httpCode].filter((c): c is string => typeof c === 'string')) {
			if (code === 'ECONNABORTED' && /timeout/i.test(text)) return { kind: 'network', code: 'TIMEOUT' };
			if (NETWORK_CODES.has(code)) return { kind: 'network', code };
		}
		if (/timeout of \d+ms exceeded|socket hang up|terminated/i.test(text)) {
			return { kind: 'network', code: /timeout/i.test(text) ? 'TIMEOUT' : 'ECONNRESET' };
		}
	}
	// n8n 1.x keeps neither the response nor the cause on its NodeApiError: only the status, and an object body.
	const coded = chain.find((link) => typeof link.httpCode === 'string' && /^[1-5]\d\d$/.test(link.httpCode));
	if (coded) return { kind: 'response', status: Number(coded.httpCode), body: coded.context?.data };
	const message = chain.find((link) => link.message)?.message ?? 'the request failed';
	return { kind: 'failure', message };
}

function n8nSend(context: N8nContext): Send {
	return async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			json: true,
			returnFullResponse: true,
			timeout: request.timeoutMs,
			headers: { Accept: 'application/json' },
		};
		if (request.body !== undefined) options.body = request.body as IHttpRequestOptions['body'];
		try {
			const response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				CONSTANT_CONTACT_CREDENTIAL,
				options,
			)) as IN8nHttpFullResponse;
			return {
				kind: 'response',
				status: response.statusCode,
				body: response.body,
				headers: response.headers as Record<string, unknown>,
			};
		} catch (error) {
			return normaliseN8nError(error);
		}
	};
}

async function readApiBaseUrl(context: N8nContext): Promise<string> {
	const credentials = await context.getCredentials(CONSTANT_CONTACT_CREDENTIAL);
	const apiBaseUrl = credentials.apiBaseUrl;
	return typeof apiBaseUrl === 'string' && apiBaseUrl.trim() !== '' ? apiBaseUrl.trim() : CONSTANT_CONTACT_API_BASE_URL;
}

/** The client and typed API for one node execution (or one list search). */
export async function constantContactApi(
	context: N8nContext,
	options: Partial<Omit<ConstantContactClientOptions, 'send' | 'apiBaseUrl'>> = {},
): Promise<ConstantContactApi> {
	const pause = options.sleep ?? (async (ms: number) => await sleep(ms));
	const client = new ConstantContactClient({
		...options,
		send: n8nSend(context),
		apiBaseUrl: await readApiBaseUrl(context),
		sleep: pause,
	});
	return new ConstantContactApi(client, pause, options.now);
}

/**
 * The error n8n shows (in the run, or in the editor's list picker): Constant Contact's answer or a failed connection
 * as a NodeApiError, anything else (a mistake in the node's parameters, a credential setting) as a NodeOperationError.
 */
export function toNodeError(node: INode, error: Error, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ConstantContactError && (error.status !== undefined || error.kind === 'network')) {
		const response: JsonObject = { message: error.message, errorKeys: error.errorKeys, details: error.details };
		const apiError = new NodeApiError(node, response, {
			message: error.message,
			description: error.details.length ? `Constant Contact said: ${error.details.join('; ')}` : undefined,
			httpCode: error.status !== undefined ? String(error.status) : undefined,
			itemIndex,
		});
		// n8n swaps a message naming a network code (ECONNRESET) for a generic one; ours also says what failed and how often.
		apiError.message = error.message;
		return apiError;
	}
	return new NodeOperationError(node, error, { itemIndex });
}
