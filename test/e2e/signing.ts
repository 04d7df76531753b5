/**
 * The shop's side of a signed webhook, for the scenarios: the signing secret as an n8n credential, and requests
 * signed with the README's Node.js snippet (docs/webhook-signing/sign-request.js), so the snippet users copy is the
 * one the end-to-end tests run.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

import type { CredentialEntry, WorkflowJson } from './n8n';
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
	// node:http rather than fetch: no client-side timeout, so a slow answer under a flood is measured, not cut off.
	// A connection per request (agent: false): never one n8n closed while it sat idle (see NO_KEEP_ALIVE in rest.ts).
	const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
		const call = request(`${baseUrl}/webhook/${path}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(rawBody), ...headers } }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
			response.on('error', reject);
		});
		call.on('error', reject);
		call.end(rawBody);
	});
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		/* plain text answer */
	}
	return { status, body, ms: Date.now() - started };
}

export const LINK_SECRET_CREDENTIAL_TYPE = 'cartLinkSecretApi';
const ADD_NODE_TYPE_SUFFIX = '.addToAutoresponderList';

/** The secret the recovery links are signed with, as the Cart Link Secret credential; another value than the shop's webhook secret. */
export function newLinkSecret(id = 'linkSecretE2e01', name = 'Cart Link Secret (e2e)'): ShopSecret {
	const secret = randomBytes(32).toString('hex');
	return { secret, credential: { id, name }, entry: { id, name, type: LINK_SECRET_CREDENTIAL_TYPE, data: { secret } } };
}

/** Turns on Options → Signed Recovery Link (shipped off, with its URL Template filled in) in every Add Contact node, with this credential. */
export function withSignedRecoveryLinks(workflow: WorkflowJson, credential: CredentialRef): WorkflowJson {
	const copy = structuredClone(workflow);
	const adds = copy.nodes.filter((n) => String(n.type).endsWith(ADD_NODE_TYPE_SUFFIX) && (n.parameters.operation ?? 'addContact') === 'addContact');
	if (adds.length === 0) throw new Error(`workflow "${workflow.name}" has no Add Contact to List node to sign links in`);
	for (const node of adds) {
		if (!node.parameters.options?.signedRecoveryLinkSettings?.link?.urlTemplate) throw new Error(`"${node.name}" has no Signed Recovery Link URL Template`);
		node.parameters.options.signedRecoveryLink = true;
		node.credentials = { ...(node.credentials ?? {}), [LINK_SECRET_CREDENTIAL_TYPE]: credential };
	}
	return copy;
}
