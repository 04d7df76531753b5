/** The live check's settings, read from environment variables only (see README.md in this folder). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import {
	CONSTANT_CONTACT_API_BASE_URL,
	CONSTANT_CONTACT_OAUTH_BASE_URL,
	CONSTANT_CONTACT_SCOPE,
} from '../../credentials/ConstantContactOAuth2Api.credentials';
import { MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT } from '../../nodes/ConstantContact/limits';
import { DEFAULT_REENTRY_FIELD } from '../../nodes/AddToAutoresponderList/reentry';
import { checkEmail } from '../../nodes/AddToAutoresponderList/shopper';

/** The credential's scopes, plus account_read so the check can show which account it is connected to. */
export const LIVE_CHECK_SCOPE = `${CONSTANT_CONTACT_SCOPE} account_read`;
export const LIVE_CHECK_REDIRECT_URI = 'https://localhost';
/** Used when no template maps custom fields. */
export const FALLBACK_FIELD_LABELS = ['ac_cart_id', 'ac_cart_url', 'ac_cart_total', 'ac_items_summary', 'ac_abandoned_at'];

export interface LiveConfig {
	clientId: string;
	clientSecret: string;
	/** Absent: the check asks for an authorization code interactively (when there is a terminal). */
	refreshToken?: string;
	redirectUri: string;
	scope: string;
	listName: string;
	testEmail: string;
	oauthBaseUrl: string;
	apiBaseUrl: string;
	/** Delete the test contact at the end (otherwise it is only taken off the list). */
	deleteContact: boolean;
	customFieldLabels: string[];
}

const YES = /^(1|true|yes|on)$/i;

/** Reads the settings; `problems` names every missing or unusable variable. */
export function readLiveConfig(
	env: NodeJS.ProcessEnv,
	argv: string[] = [],
	templateDir = path.resolve(__dirname, '../../workflows'),
): { config: LiveConfig; problems: string[] } {
	const text = (name: string) => (env[name] ?? '').trim();
	const problems: string[] = [];
	for (const name of ['CC_CLIENT_ID', 'CC_CLIENT_SECRET', 'CC_LIST_NAME', 'CC_TEST_EMAIL']) {
		if (!text(name)) problems.push(`${name} is not set.`);
	}
	const testEmail = text('CC_TEST_EMAIL');
	if (testEmail) {
		const checked = checkEmail(testEmail);
		if ('problem' in checked) problems.push(`CC_TEST_EMAIL: ${checked.problem}`);
		else if (testEmail.length > MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT) {
			problems.push(`CC_TEST_EMAIL has more than ${MAX_EMAIL_LENGTH_SIGN_UP_AND_IMPORT} characters, more than sign-up and import accept.`);
		}
	}
	const urls = {
		oauthBaseUrl: text('CC_OAUTH_BASE_URL') || CONSTANT_CONTACT_OAUTH_BASE_URL,
		apiBaseUrl: text('CC_API_BASE_URL') || CONSTANT_CONTACT_API_BASE_URL,
		redirectUri: text('CC_REDIRECT_URI') || LIVE_CHECK_REDIRECT_URI,
	};
	for (const [name, value] of [
		['CC_OAUTH_BASE_URL', urls.oauthBaseUrl],
		['CC_API_BASE_URL', urls.apiBaseUrl],
		['CC_REDIRECT_URI', urls.redirectUri],
	]) {
		if (!/^https?:\/\/[^/?#\s]+/i.test(value)) problems.push(`${name} is not an http(s) URL: ${value}`);
	}
	const labels = text('CC_CUSTOM_FIELDS')
		? [...new Set(text('CC_CUSTOM_FIELDS').split(',').map((label) => label.trim()).filter(Boolean))]
		: templateFieldLabels(templateDir);
	return {
		config: {
			clientId: text('CC_CLIENT_ID'),
			clientSecret: text('CC_CLIENT_SECRET'),
			refreshToken: text('CC_REFRESH_TOKEN') || undefined,
			scope: text('CC_SCOPE') || LIVE_CHECK_SCOPE,
			listName: text('CC_LIST_NAME'),
			testEmail,
			deleteContact: YES.test(text('CC_DELETE_TEST_CONTACT')) || argv.includes('--delete-contact'),
			customFieldLabels: labels,
			...urls,
		},
		problems,
	};
}

/** The custom field labels the shipped templates map (plain labels, not expressions), plus the node's re-entry field. */
export function templateFieldLabels(templateDir: string): string[] {
	const labels = new Set<string>();
	let files: string[] = [];
	try {
		files = readdirSync(templateDir).filter((file) => file.endsWith('.json'));
	} catch {
		// No templates next to this script (e.g. an installed package): the fallback set is used.
	}
	for (const file of files) {
		try {
			collectLabels(JSON.parse(readFileSync(path.join(templateDir, file), 'utf8')), labels);
		} catch {
			// A template that is not JSON is not ours to judge here.
		}
	}
	const found = [...labels].filter((label) => !label.startsWith('='));
	return [...(found.length ? found : FALLBACK_FIELD_LABELS), DEFAULT_REENTRY_FIELD].filter(
		(label, index, all) => all.indexOf(label) === index,
	);
}

function collectLabels(value: unknown, labels: Set<string>): void {
	if (Array.isArray(value)) {
		for (const entry of value) collectLabels(entry, labels);
		return;
	}
	if (!value || typeof value !== 'object') return;
	const record = value as Record<string, unknown>;
	const cartFields = record.cartFields as { field?: Array<{ label?: unknown }> } | undefined;
	for (const field of cartFields?.field ?? []) if (typeof field.label === 'string' && field.label.trim()) labels.add(field.label.trim());
	for (const child of Object.values(record)) collectLabels(child, labels);
}
