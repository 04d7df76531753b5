/** Shared by the stand-in's own tests: a started stand-in with a token, and a small fetch wrapper for /v3. */
import { FakeConstantContact, FakeConstantContactOptions, startFakeConstantContact } from './index';

export interface Answer<T = any> {
	status: number;
	body: T;
}

export interface StandIn {
	fake: FakeConstantContact;
	token: string;
	/** One /v3 request with the bearer token; `path` is below /v3 (or a `/v3/...` link as returned in `_links`). */
	/** Empties the stand-in and issues a fresh token. */
	reset(): void;
	api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
}

export async function startStandIn(options: FakeConstantContactOptions = {}): Promise<StandIn> {
	const fake = await startFakeConstantContact({ requestsPerSecond: null, activityProcessingMs: 10, ...options });
	const standIn = { fake, token: fake.control.issueTokens().access_token } as StandIn;
	standIn.reset = () => {
		fake.control.reset();
		standIn.token = fake.control.issueTokens().access_token;
	};
	standIn.api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
		const url = path.startsWith('/v3') ? `${fake.baseUrl}${path}` : `${fake.apiBaseUrl}${path}`;
		const response = await fetch(url, {
			method,
			headers: {
				authorization: `Bearer ${standIn.token}`,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...headers,
			},
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		});
		const text = await response.text();
		return { status: response.status, body: text ? JSON.parse(text) : undefined };
	};
	return standIn;
}

/** Polls an activity until it leaves initialized/processing. */
export async function settled(standIn: StandIn, activityId: string): Promise<any> {
	for (;;) {
		const { body } = await standIn.api('GET', `/activities/${activityId}`);
		if (body.state !== 'initialized' && body.state !== 'processing') return body;
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

export function email(n: number | string): string {
	return `shopper${n}@example-shop.test`;
}
