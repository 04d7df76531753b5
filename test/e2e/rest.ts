/**
 * n8n's internal REST API as the editor uses it: owner set-up, the auth cookie, the type files the editor
 * loads (what n8n really loaded), credentials, and the OAuth2 "Connect" flow.
 */
import type { N8nInstance } from './n8n';

export const OWNER = {
	email: 'owner@e2e.example.com',
	firstName: 'Erin',
	lastName: 'Owner',
	password: 'E2e-owner-Passw0rd',
};

const BROWSER_ID = 'e2e-harness-browser';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt?: string | null;
}

export class N8nRest {
	private cookie = '';

	constructor(private readonly instance: N8nInstance) {}

	get baseUrl(): string {
		return this.instance.baseUrl;
	}

	/** Sets up the owner account (first start) and keeps its session cookie. */
	async setUpOwner(): Promise<void> {
		const response = await this.request('POST', '/rest/owner/setup', OWNER);
		if (response.status !== 200) throw new Error(`owner set-up answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
		this.keepCookie(response);
		if (!this.cookie) throw new Error('owner set-up returned no n8n-auth cookie');
	}

	async login(): Promise<void> {
		// The login body's field was `email` in 1.x and became `emailOrLdapLoginId` in 2.x; send both.
		const response = await this.request('POST', '/rest/login', { email: OWNER.email, emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		if (response.status !== 200) throw new Error(`login answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
		this.keepCookie(response);
	}

	async request(method: string, path: string, body?: unknown, redirect: RequestRedirect = 'manual'): Promise<Response> {
		const headers: Record<string, string> = { 'browser-id': BROWSER_ID, accept: 'application/json' };
		if (this.cookie) headers.cookie = this.cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		return fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect }).catch((error: Error) => {
			throw new Error(`${method} ${path} at n8n: ${error.message}`, { cause: error });
		});
	}

	async json<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await this.request(method, path, body);
		const text = await response.text();
		if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
		const parsed = JSON.parse(text);
		// /rest endpoints wrap their payload in { data }; the type files do not.
		return path.startsWith('/rest/') && parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	/** The node types the editor gets: every loaded node's `name` (package-qualified for community nodes). */
	async loadedNodeTypes(): Promise<string[]> {
		const nodes = await this.json<Array<{ name: string }>>('GET', '/types/nodes.json');
		return nodes.map((n) => n.name);
	}

	async loadedCredentialTypes(): Promise<string[]> {
		const credentials = await this.json<Array<{ name: string }>>('GET', '/types/credentials.json');
		return credentials.map((c) => c.name);
	}

	/** Executions of a workflow, newest first (the list endpoint's shape is the same on 1.x and 2.x). */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.json<{ results: ExecutionSummary[] }>('GET', `/rest/executions?filter=${filter}&limit=100`);
		return page.results;
	}

	/** POSTs JSON to a production webhook and returns the parsed answer. */
	async postWebhook(path: string, body: unknown): Promise<{ status: number; body: any }> {
		const response = await fetch(`${this.baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			/* plain text answer */
		}
		return { status: response.status, body: parsed };
	}

	private keepCookie(response: Response): void {
		const cookies = response.headers.getSetCookie();
		const auth = cookies.find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
	}
}
