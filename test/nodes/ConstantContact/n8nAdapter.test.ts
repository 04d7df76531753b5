/**
 * The n8n transport's reading of n8n's errors. n8n 2.x keeps the HTTP response in the error's causes; n8n 1.x's
 * NodeApiError keeps neither the response nor the cause, only the status (httpCode), its own sentence and the
 * original message in `messages`. Both must come out the same, or retries (429, 5xx, drops, timeouts) never happen.
 */
import { normaliseN8nError } from '../../../nodes/ConstantContact/n8nAdapter';

/** What n8n 1.123's httpRequestWithAuthentication throws: a NodeApiError without cause or response. */
function n8n1Error(httpCode: string, message: string, messages: string[] = []): object {
	return { name: 'NodeApiError', httpCode, message, messages, context: {} };
}

describe('Reading n8n 1.x errors in the transport', () => {
	it('reads a 429 as an answer with that status, so the client retries it instead of failing the item', () => {
		expect(normaliseN8nError(n8n1Error('429', 'The service is receiving too many requests from you', ['Request failed with status code 429']))).toEqual({
			kind: 'response',
			status: 429,
			body: undefined,
		});
	});

	it('reads a 503 and a 500 as answers with their status', () => {
		expect(normaliseN8nError(n8n1Error('503', 'Service unavailable - try again later or consider setting this node to retry automatically (in the node settings)'))).toMatchObject({ kind: 'response', status: 503 });
		expect(normaliseN8nError(n8n1Error('500', 'The service was not able to process your request'))).toMatchObject({ kind: 'response', status: 500 });
	});

	it('reads a dropped connection and a timeout from the code n8n 1.x puts in httpCode', () => {
		expect(normaliseN8nError(n8n1Error('ECONNRESET', 'The connection to the server was closed unexpectedly', ['socket hang up']))).toEqual({ kind: 'network', code: 'ECONNRESET' });
		expect(normaliseN8nError(n8n1Error('ECONNABORTED', 'The connection was aborted, perhaps the server is offline', ['timeout of 1000ms exceeded']))).toEqual({ kind: 'network', code: 'TIMEOUT' });
	});

	it('keeps the 401 body n8n 1.x does keep (an object), so the client can tell it is unauthorized', () => {
		const error = { ...n8n1Error('401', 'Authorization failed - please check your credentials'), context: { data: { error_key: 'unauthorized' } } };
		expect(normaliseN8nError(error)).toEqual({ kind: 'response', status: 401, body: { error_key: 'unauthorized' } });
	});

	it('still reads n8n 2.x errors from the response in their causes first', () => {
		const axiosError = { message: 'Request failed with status code 429', response: { status: 429, data: [{ error_key: 'quota_exceeded' }] } };
		expect(normaliseN8nError({ name: 'NodeApiError', httpCode: '429', message: 'x', cause: axiosError })).toMatchObject({
			kind: 'response',
			status: 429,
			body: [{ error_key: 'quota_exceeded' }],
		});
	});
});

describe('Reading a refused token refresh', () => {
	it('reads n8n 2.x\'s refresh error (an OAuth client error with code ESTATUS) as a credential failure, not as an answer to the request', () => {
		const refresh = { message: 'HTTP status 400', code: 'ESTATUS', status: 400, body: { error: 'invalid_grant' } };
		const error = { name: 'NodeApiError', message: 'Bad request - please check your parameters', messages: ['HTTP status 400'], httpCode: '400', cause: refresh };
		expect(normaliseN8nError(error)).toEqual({
			kind: 'failure',
			message: 'Constant Contact refused to renew the connection (HTTP 400 from its token endpoint). Reconnect the Constant Contact credential.',
		});
	});

	it('reads n8n 1.x\'s refresh error (only the original message survives) the same way', () => {
		expect(normaliseN8nError(n8n1Error('401', 'Authorization failed - please check your credentials', ['HTTP status 401']))).toMatchObject({
			kind: 'failure',
			message: expect.stringMatching(/HTTP 401 from its token endpoint/),
		});
	});
});
