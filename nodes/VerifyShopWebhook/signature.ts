/// <reference types="node" />
/**
 * A shop's signed webhook request, checked the way Stripe, Shopify and WooCommerce check theirs: HMAC-SHA256 with a
 * shared secret over `<timestamp>.<raw body>`, a timestamp inside a tolerance window (so a captured request cannot
 * be replayed later), and a constant-time comparison. Plain TypeScript: no n8n here.
 */
import { createHmac, timingSafeEqual } from 'crypto';

import { secretProblem } from '../shared/secrets';

export { secretProblem };

export const DEFAULT_TIMESTAMP_HEADER = 'x-shop-timestamp';
export const DEFAULT_SIGNATURE_HEADER = 'x-shop-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type RejectionReason = 'missing_timestamp' | 'invalid_timestamp' | 'stale_timestamp' | 'missing_signature' | 'bad_signature';

export type SignatureCheck = { valid: true; timestamp: number } | { valid: false; reason: RejectionReason; message: string };

export interface SignedRequest {
	/** The request body exactly as it arrived, before any JSON parsing. */
	rawBody: Uint8Array;
	timestampHeader: unknown;
	signatureHeader: unknown;
}

export interface SignaturePolicy {
	secret: string;
	nowMs: number;
	toleranceSeconds: number;
}

/** The hex HMAC-SHA256 a shop sends for this body at this timestamp (what the README's snippets compute). */
export function expectedSignature(secret: string, timestamp: string, rawBody: Uint8Array): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

function headerText(value: unknown): string {
	// A header sent twice arrives as an array; only an unambiguous single value is accepted.
	if (Array.isArray(value)) return value.length === 1 ? headerText(value[0]) : '';
	return typeof value === 'string' ? value.trim() : '';
}

/** `sha256=<hex>` (GitHub's form) or bare hex; anything else never matches. */
function signatureHex(header: string): string {
	return header.toLowerCase().startsWith('sha256=') ? header.slice('sha256='.length) : header;
}

export function verifySignedRequest(request: SignedRequest, policy: SignaturePolicy): SignatureCheck {
	const timestampText = headerText(request.timestampHeader);
	if (timestampText === '') return { valid: false, reason: 'missing_timestamp', message: 'The request has no timestamp header.' };
	if (!/^\d{1,12}$/.test(timestampText)) {
		return { valid: false, reason: 'invalid_timestamp', message: 'The timestamp header is not a Unix time in seconds.' };
	}
	const timestamp = Number(timestampText);
	const skewSeconds = Math.abs(policy.nowMs / 1000 - timestamp);
	if (skewSeconds > policy.toleranceSeconds) {
		return {
			valid: false,
			reason: 'stale_timestamp',
			message: `The timestamp is ${Math.round(skewSeconds)} s away from this server's clock; at most ${policy.toleranceSeconds} s are accepted.`,
		};
	}
	const signatureText = headerText(request.signatureHeader);
	if (signatureText === '') return { valid: false, reason: 'missing_signature', message: 'The request has no signature header.' };
	const expected = Buffer.from(expectedSignature(policy.secret, timestampText, request.rawBody), 'utf8');
	const given = Buffer.from(signatureHex(signatureText).toLowerCase(), 'utf8');
	// timingSafeEqual needs equal lengths; the length of a hex SHA-256 is public, so checking it first leaks nothing.
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		return { valid: false, reason: 'bad_signature', message: 'The signature does not match the body and timestamp.' };
	}
	return { valid: true, timestamp };
}

