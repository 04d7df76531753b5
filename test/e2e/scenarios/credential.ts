/**
 * The credential in real n8n: a token obtained by the authorization-code dance, imported with
 * `n8n import:credentials`, used by n8n's own HTTP Request node; and n8n's refresh after the stand-in
 * expires every access token, with a rotating refresh token.
 */
import type { FakeConstantContact, FakeConstantContactOptions } from '../../fake-constant-contact';
import { CREDENTIAL_TYPE, nodeOutputs, type N8nInstance } from '../n8n';
import { authorizationCodeDance, type TokenData } from '../../support/oauth';
import { credentialEntry } from '../oauth';
import { expect, type Scenario, type ScenarioContext } from '../scenario';
import { testWorkflow, type CredentialRef } from '../workflows';

const CONTACT_LISTS_WORKFLOW_ID = 'e2eContactList01';

export interface ConnectedN8n {
	n8n: N8nInstance;
	standIn: FakeConstantContact;
	credential: CredentialRef;
	tokens: TokenData;
}

/** An n8n instance with a stand-in and a connected Constant Contact credential imported. */
export async function connectedN8n(
	context: ScenarioContext,
	extraEnv: Record<string, string> = {},
	// Unlimited by default: each scenario checks its own behaviour; Constant Contact's 4 requests/s and its 429
	// answers are the subject of the rate-limit scenario, so one cause fails one line.
	standInOptions: FakeConstantContactOptions = { requestsPerSecond: null },
): Promise<ConnectedN8n> {
	const [standIn, n8n] = await Promise.all([context.standIn(standInOptions), context.n8n(extraEnv)]);
	const tokens = await authorizationCodeDance(standIn, `${n8n.baseUrl}/rest/oauth2-credential/callback`);
	const entry = credentialEntry(standIn, tokens);
	await n8n.importCredentials([entry]);
	return { n8n, standIn, credential: { id: entry.id, name: entry.name }, tokens };
}

async function importContactListsWorkflow(connected: ConnectedN8n): Promise<void> {
	await connected.n8n.importWorkflow(
		testWorkflow('contact-lists.json', CONTACT_LISTS_WORKFLOW_ID, {
			API_BASE_URL: connected.standIn.apiBaseUrl,
			CREDENTIAL_ID: connected.credential.id,
			CREDENTIAL_NAME: connected.credential.name,
		}),
	);
}

/** The credential's scope (contact_data) covers the lists endpoint; the stand-in answers 403 outside its scope. */
async function readListNames(n8n: N8nInstance): Promise<string[]> {
	const run = await n8n.execute(CONTACT_LISTS_WORKFLOW_ID);
	const [items] = nodeOutputs(run, 'Contact Lists');
	expect(items?.length === 1, `the HTTP Request node returned ${items?.length ?? 0} items instead of 1`);
	return (items[0].lists ?? []).map((list: { name: string }) => list.name);
}

export async function storedTokens(n8n: N8nInstance, credentialId: string): Promise<TokenData> {
	const exported = await n8n.exportCredentialsDecrypted();
	const stored = exported.find((c) => c.id === credentialId);
	expect(stored, `export:credentials has no credential ${credentialId}`);
	expect(stored.type === CREDENTIAL_TYPE, `the stored credential has type ${stored.type}, not ${CREDENTIAL_TYPE}`);
	for (const pinned of ['accessTokenUrl', 'authUrl']) {
		expect(!(pinned in stored.data), `the stored credential holds ${pinned}; only oauthBaseUrl may point it at the stand-in`);
	}
	return stored.data.oauthTokenData as TokenData;
}

export const credentialHttp: Scenario = {
	name: 'credential-http-request',
	async run(context) {
		const connected = await connectedN8n(context);
		await importContactListsWorkflow(connected);
		connected.standIn.control.seedList({ name: 'Abandoned cart - 1 hour', automation: true });
		const names = await readListNames(connected.n8n);
		expect(names.includes('Abandoned cart - 1 hour'), `n8n read the lists ${JSON.stringify(names)} without the seeded one`);
		const calls = connected.standIn.control.requestLog().filter((r) => r.path === '/v3/contact_lists');
		expect(calls.length === 1 && calls[0].status === 200, `the stand-in saw ${JSON.stringify(calls)} for /v3/contact_lists`);
		const violations = connected.standIn.control.contractViolations();
		expect(violations.length === 0, `contract violations: ${JSON.stringify(violations).slice(0, 300)}`);
		return `HTTP Request with the imported ${CREDENTIAL_TYPE} credential read the stand-in's lists`;
	},
};

export const tokenExpiry: Scenario = {
	name: 'token-expiry-refresh',
	async run(context) {
		const connected = await connectedN8n(context);
		const { standIn, n8n } = connected;
		await importContactListsWorkflow(connected);
		await readListNames(n8n);
		const before = await storedTokens(n8n, connected.credential.id);
		expect(before.access_token === connected.tokens.access_token, 'the first execution changed the access token although it was valid');

		standIn.control.expireAllAccessTokens();
		standIn.control.clearRequestLog();
		await readListNames(n8n);

		const log = standIn.control.requestLog();
		const rejected = log.filter((r) => r.path === '/v3/contact_lists' && r.status === 401);
		const refreshed = log.filter((r) => r.path.endsWith('/oauth2/default/v1/token') && r.status === 200);
		const retried = log.filter((r) => r.path === '/v3/contact_lists' && r.status === 200);
		expect(rejected.length === 1, `expected one 401 with the expired token, saw ${rejected.length}`);
		expect(refreshed.length === 1, `expected one successful refresh at the token endpoint, saw ${refreshed.length}`);
		expect(retried.length === 1, `expected the request retried once with the new token, saw ${retried.length}`);

		const after = await storedTokens(n8n, connected.credential.id);
		expect(after.access_token && after.access_token !== before.access_token, 'the stored access token did not change after the refresh');
		expect(after.refresh_token && after.refresh_token !== before.refresh_token, 'the stored refresh token did not rotate');

		// The old refresh token is spent (rotation); the stored new one still works for a third run.
		standIn.control.expireAllAccessTokens();
		await readListNames(n8n);
		const third = await storedTokens(n8n, connected.credential.id);
		expect(third.refresh_token !== after.refresh_token, 'the second refresh did not rotate the refresh token again');
		return 'expired token -> 401 -> refresh (rotating) -> retry ok; export:credentials holds the new pair; a second expiry refreshes again';
	},
};
