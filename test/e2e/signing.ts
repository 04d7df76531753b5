/**
 * The shop's side of a signed webhook, for the scenarios: the signing secret as an n8n credential, and requests
 * signed with the README's Node.js snippet (docs/webhook-signing/sign-request.js), so the snippet users copy is the
 * one the end-to-end tests run.
 */
import { randomBytes } from 'node:crypto';

import type { CredentialEntry } from './n8n';
import type { CredentialRef } from './workflows';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const snippet = require('../../docs/webhook-signing/sign-request.js') as {
	signedHeaders: (secret: string, rawBody: string, now?: number) => Record<string, string>;
};

export const SHOP_SECRET_CREDENTIAL_TYPE = 'shopWebhookSecretApi';

export interface ShopSecret {
	secret: string;
	credential: CredentialRef;
	entry: CredentialEntry;
}

/** A fresh random secret per scenario, as `openssl rand -hex 32` would make it. */
export function newShopSecret(id = 'shopSecretE2e1', name = 'Shop Webhook Secret (e2e)'): ShopSecret {
	const secret = randomBytes(32).toString('hex');
	return { secret, credential: { id, name }, entry: { id, name, type: SHOP_SECRET_CREDENTIAL_TYPE, data: { secret } } };
}

export interface WebhookAnswer {
	status: number;
	body: any;
	/** Milliseconds from sending to the whole answer. */
	ms: number;
}

export interface SigningOptions {
	/** Sign as if at this time (a stale timestamp). */
	now?: number;
	/** Send these headers instead of the signed ones (unsigned: {}). */
	headers?: Record<string, string>;
	/** Sign this body but send `body` (tampering on the way). */
	signedBody?: string;
}

/** POSTs `event` as JSON to n8n's production webhook, signed with `secret` unless the options say otherwise. */
export async function postSigned(baseUrl: string, path: string, event: unknown, secret: string, options: SigningOptions = {}): Promise<WebhookAnswer> {
	const rawBody = JSON.stringify(event);
	const headers = options.headers ?? snippet.signedHeaders(secret, options.signedBody ?? rawBody, options.now ?? Date.now());
	const started = Date.now();
	const response = await fetch(`${baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: rawBody });
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		/* plain text answer */
	}
	return { status: response.status, body, ms: Date.now() - started };
}
