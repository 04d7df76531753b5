/**
 * The OAuth2 authorization-code dance against the Constant Contact stand-in, as a browser and a server would
 * do it, and the credential entry `n8n import:credentials` takes. The entry stores only the stand-in's base
 * URLs: a stored accessTokenUrl/authUrl would win over the credential's expressions on n8n 1.x.
 */
import type { CredentialEntry } from './n8n';
import { CREDENTIAL_TYPE } from './n8n';

export const TEST_CLIENT_ID = 'test-client-id';
export const TEST_CLIENT_SECRET = 'test-client-secret';
export const CREDENTIAL_SCOPE = 'contact_data offline_access';

export interface StandInUrls {
	baseUrl: string;
	apiBaseUrl: string;
	oauthBaseUrl: string;
}

export interface TokenData {
	access_token: string;
	refresh_token?: string;
	expires_in?: number;
	token_type?: string;
	scope?: string;
	[key: string]: unknown;
}

/** Authorize (the stand-in approves at once and redirects with a code), then exchange the code with Basic auth. */
export async function authorizationCodeDance(standIn: StandInUrls, redirectUri = 'http://127.0.0.1:5678/rest/oauth2-credential/callback'): Promise<TokenData> {
	const state = Math.random().toString(36).slice(2);
	const authorize = new URL(`${standIn.oauthBaseUrl}/authorize`);
	authorize.search = new URLSearchParams({
		response_type: 'code',
		client_id: TEST_CLIENT_ID,
		redirect_uri: redirectUri,
		scope: CREDENTIAL_SCOPE,
		state,
	}).toString();
	const approval = await fetch(authorize, { redirect: 'manual' });
	const location = approval.headers.get('location');
	if (approval.status < 300 || approval.status >= 400 || !location) {
		throw new Error(`authorize answered ${approval.status} without a redirect: ${(await approval.text()).slice(0, 300)}`);
	}
	const back = new URL(location);
	const code = back.searchParams.get('code');
	if (back.searchParams.get('state') !== state) throw new Error('authorize redirect lost the state parameter');
	if (!code) throw new Error(`authorize redirected without a code: ${back.searchParams.get('error')} ${back.searchParams.get('error_description')}`);

	const tokenResponse = await fetch(`${standIn.oauthBaseUrl}/token`, {
		method: 'POST',
		headers: {
			authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
		},
		body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).toString(),
	});
	const body = (await tokenResponse.json()) as TokenData;
	if (!tokenResponse.ok || !body.access_token) throw new Error(`token exchange answered ${tokenResponse.status}: ${JSON.stringify(body).slice(0, 200)}`);
	if (!body.refresh_token) throw new Error('token exchange returned no refresh token although offline_access was asked for');
	return body;
}

/** The credential as n8n stores it after "Connect": client, token data and the stand-in's URLs (no token URLs). */
export function credentialEntry(standIn: StandInUrls, tokenData: TokenData | null, id = 'ccE2eCredential1', name = 'Constant Contact (stand-in)'): CredentialEntry {
	const data: Record<string, unknown> = {
		clientId: TEST_CLIENT_ID,
		clientSecret: TEST_CLIENT_SECRET,
		oauthBaseUrl: standIn.oauthBaseUrl,
		apiBaseUrl: standIn.apiBaseUrl,
	};
	if (tokenData) data.oauthTokenData = tokenData;
	return { id, name, type: CREDENTIAL_TYPE, data };
}
