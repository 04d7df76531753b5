/**
 * A `send` for the Constant Contact client outside n8n (tests, the live smoke check, benchmarks): fetch with a
 * bearer token, refreshing once on 401 when given a way to refresh (refreshInPlace of ./oauth). Never puts a token
 * into an error.
 */
import type { Send, TransportOutcome } from '../../nodes/ConstantContact/httpClient';

export interface FetchSendOptions {
	/** The current access token. */
	accessToken: () => string | Promise<string>;
	/** Called once after a 401; return true when a new access token is available (n8n refreshes the same way). */
	refresh?: () => Promise<boolean>;
}

const NETWORK_CODE = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_\w+|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN/;

function networkOutcome(error: unknown): TransportOutcome {
	const name = (error as Error)?.name;
	if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'network', code: 'TIMEOUT' };
	const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
	const text = `${cause?.code ?? ''} ${cause?.message ?? ''} ${(error as Error)?.message ?? ''}`;
	const code = NETWORK_CODE.exec(text)?.[0] ?? (/terminated|socket|other side closed/i.test(text) ? 'ECONNRESET' : 'NETWORK');
	return { kind: 'network', code };
}

function readHeaders(headers: Headers): Record<string, string> {
	const result: Record<string, string> = {};
	headers.forEach((value, key) => {
		result[key] = value;
	});
	return result;
}

export function createFetchSend(options: FetchSendOptions): Send {
	const once: Send = async (request) => {
		const headers: Record<string, string> = {
			Authorization: `Bearer ${await options.accessToken()}`,
			Accept: 'application/json',
		};
		if (request.body !== undefined) headers['Content-Type'] = 'application/json';
		try {
			const response = await fetch(request.url, {
				method: request.method,
				headers,
				body: request.body === undefined ? undefined : JSON.stringify(request.body),
				signal: AbortSignal.timeout(request.timeoutMs),
			});
			const text = await response.text();
			let body: unknown = text;
			try {
				body = text ? JSON.parse(text) : undefined;
			} catch {
				// Not JSON: keep the text.
			}
			return { kind: 'response', status: response.status, body, headers: readHeaders(response.headers) };
		} catch (error) {
			return networkOutcome(error);
		}
	};
	return async (request) => {
		const outcome = await once(request);
		if (outcome.kind === 'response' && outcome.status === 401 && options.refresh && (await options.refresh())) {
			return await once(request);
		}
		return outcome;
	};
}
