/// <reference types="node" />
/**
 * The link back to the cart, signed so the shop can trust the cart id in it without a database of issued links:
 * token = `v1.<cart id, base64url>.<expiry, Unix seconds>.<HMAC-SHA256 of the first three parts, base64url>`.
 * Only the shop and n8n hold the secret; the README's snippets verify a token in Node.js, PHP and Python.
 * Plain TypeScript: no n8n here.
 */
import { createHmac } from 'crypto';

import { MAX_CUSTOM_FIELD_VALUE_LENGTH } from '../ConstantContact/limits';
import { MIN_SECRET_LENGTH } from '../shared/secrets';
import { linkProblem, type AllowedLinkHosts } from './links';
import { InvalidParameterError } from './results';

export const CART_TOKEN_VERSION = 'v1';
export const DEFAULT_LINK_VALID_DAYS = 14;
export const TOKEN_PLACEHOLDER = '{token}';
export const DEFAULT_UTM_CAMPAIGN = 'abandoned-cart';
/** The custom field the reminder email's button links to; the signed link replaces the item's own URL there. */
export const RECOVERY_URL_FIELD = 'ac_recovery_url';
const DAY_SECONDS = 24 * 60 * 60;

export interface CartTokenInput {
	cartId: string;
	/** When the link stops working, in Unix seconds. */
	expiresAtSeconds: number;
	secret: string;
}

/** A mistake in the link settings or the secret: the item fails with invalid-parameter, and the message says what to change. */
export class RecoveryLinkError extends InvalidParameterError {}

function base64url(data: string | Buffer): string {
	return Buffer.from(data).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function signCartToken({ cartId, expiresAtSeconds, secret }: CartTokenInput): string {
	if (secret.length < MIN_SECRET_LENGTH) {
		throw new RecoveryLinkError(`The cart link secret has ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} random ones`);
	}
	if (cartId.trim() === '') throw new RecoveryLinkError('The cart has no cart id to put in its recovery link');
	if (!Number.isSafeInteger(expiresAtSeconds) || expiresAtSeconds <= 0) {
		throw new RecoveryLinkError(`The link expiry ${expiresAtSeconds} is not a time in Unix seconds`);
	}
	const signed = `${CART_TOKEN_VERSION}.${base64url(cartId)}.${expiresAtSeconds}`;
	return `${signed}.${base64url(createHmac('sha256', secret).update(signed).digest())}`;
}

export function linkExpirySeconds(nowMs: number, validDays: number): number {
	return Math.floor(nowMs / 1000) + Math.round(validDays * DAY_SECONDS);
}

export interface RecoveryUrlInput {
	/** The shop's restore address with `{token}` where the token goes, e.g. `https://shop.example.com/cart/restore?token={token}`. */
	urlTemplate: string;
	token: string;
	/** Which reminder of the sequence this link is in (1 for the first). */
	step: number;
	/** `utm_campaign`; empty: no UTM parameters at all. */
	utmCampaign: string;
}

function webAddress(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** The template with the token filled in and, per step, `utm_source/medium/campaign/content` added to its query. */
export function recoveryUrl({ urlTemplate, token, step, utmCampaign }: RecoveryUrlInput): string {
	const template = urlTemplate.trim();
	if (!template.includes(TOKEN_PLACEHOLDER)) {
		throw new RecoveryLinkError(`The recovery link template "${template}" has no ${TOKEN_PLACEHOLDER} to put the signed token in`);
	}
	const url = webAddress(template.split(TOKEN_PLACEHOLDER).join(encodeURIComponent(token)));
	if (!url) throw new RecoveryLinkError(`The recovery link template "${template}" is not a full web address (https://…)`);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new RecoveryLinkError(`The recovery link template "${template}" must start with https://`);
	}
	if (utmCampaign.trim() !== '') {
		url.searchParams.set('utm_source', 'constantcontact');
		url.searchParams.set('utm_medium', 'email');
		url.searchParams.set('utm_campaign', utmCampaign.trim());
		url.searchParams.set('utm_content', `step-${step}`);
	}
	return url.toString();
}

export interface SignedRecoveryLinkInput {
	urlTemplate: string;
	cartId: string;
	step: number;
	validDays: number;
	utmCampaign: string;
	/** undefined: no Cart Link Secret credential is selected. */
	secret: string | undefined;
	nowMs: number;
	/** Allowed Link Hosts: the template's host must be one of them, whatever the cart. */
	allowedHosts: AllowedLinkHosts;
	/** The custom field the link goes into, named in the messages. */
	fieldLabel: string;
}

export interface SignedRecoveryLink {
	url: string;
	token: string;
}

/** The signed, per-step link for one cart, checked against Allowed Link Hosts and Constant Contact's 255 characters. */
export function signedRecoveryLink(input: SignedRecoveryLinkInput): SignedRecoveryLink {
	if (input.secret === undefined) {
		throw new RecoveryLinkError(
			'"Signed Recovery Link" is on, but no Cart Link Secret credential is selected. Pick or create one under "Credential for Cart Link Secret API", or turn the option off.',
		);
	}
	if (input.urlTemplate.trim() === '') {
		throw new RecoveryLinkError(
			`"Signed Recovery Link" is on, but its URL Template is empty. Set it under "Signed Recovery Link Settings", e.g. https://shop.example.com/cart/restore?token=${TOKEN_PLACEHOLDER}`,
		);
	}
	if (!Number.isFinite(input.validDays) || input.validDays <= 0) {
		throw new RecoveryLinkError(`"Link Valid (Days)" is ${input.validDays}; give a number of days above 0`);
	}
	const token = signCartToken({ cartId: input.cartId.trim(), expiresAtSeconds: linkExpirySeconds(input.nowMs, input.validDays), secret: input.secret });
	const url = recoveryUrl({ urlTemplate: input.urlTemplate, token, step: input.step, utmCampaign: input.utmCampaign });
	const problem = linkProblem(input.fieldLabel, url, input.allowedHosts);
	if (problem) throw new RecoveryLinkError(`${problem.message} Change the signed recovery link's URL Template, or the allowed hosts`);
	if (url.length > MAX_CUSTOM_FIELD_VALUE_LENGTH) {
		// A cut link no longer verifies, so it is never truncated like other values.
		throw new RecoveryLinkError(
			`The signed recovery link has ${url.length} characters; Constant Contact keeps at most ${MAX_CUSTOM_FIELD_VALUE_LENGTH}. Shorten the URL Template or the UTM campaign`,
		);
	}
	return { url, token };
}

/** The cart values with these fields set: the signed link replaces whatever the item mapped to the same labels. */
export function withRecoveryLink(
	cartValues: ReadonlyArray<{ label: unknown; value: unknown }>,
	linkFields: ReadonlyArray<{ label: string; value: string }>,
): Array<{ label: unknown; value: unknown }> {
	const labels = new Set(linkFields.map((field) => field.label));
	return [...cartValues.filter((field) => !labels.has(String(field.label ?? '').trim())), ...linkFields];
}
