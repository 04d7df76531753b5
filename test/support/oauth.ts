/**
 * The one OAuth2 client of the tests, the live check, the end-to-end scenarios and the benchmarks: Constant Contact's
 * authorization-code and refresh-token grants, with HTTP Basic client authentication as n8n's credential sends them
 * (authentication: header). What an answer says never contains a token.
 */
import { randomBytes } from 'node:crypto';

import { CONSTANT_CONTACT_SCOPE } from '../../credentials/ConstantContactOAuth2Api.credentials';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fake-constant-contact';

export interface OAuthApp {
	/** e.g. https://authz.constantcontact.com/oauth2/default/v1, or the stand-in's oauthBaseUrl */
	oauthBaseUrl: string;
	clientId: string;
	clientSecret: string;
}

/** The token endpoint's answer as n8n stores it in the credential's oauthTokenData. */
export interface TokenData {
	access_token: string;
	refresh_token?: string;
	expires_in?: number;
	token_type?: string;
	scope?: string;
	[key: string]: unknown;
}

export interface TokenSet {
	accessToken: string;
	refreshToken?: string;
	expiresIn?: number;
	scope?: string;
}

/** New tokens, or what the token endpoint said (never containing a token). */
export type TokenAnswer = { ok: true; tokens: TokenSet; tokenData: TokenData } | { ok: false; status: number; said: string };


const trimSlash = (url: string) => url.trim().replace(/\/+$/, '');

/** The stand-in's own OAuth app (registered in every stand-in at start). */
export function standInApp(standIn: { oauthBaseUrl: string }): OAuthApp {
	return { oauthBaseUrl: standIn.oauthBaseUrl, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET };
}

export function newState(): string {
	return randomBytes(16).toString('base64url');
}

export function authorizeUrl(app: OAuthApp, redirectUri: string, scope: string, state: string): string {
	const query = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: redirectUri, scope, state });
	return `${trimSlash(app.oauthBaseUrl)}/authorize?${query.toString()}`;
}

/** What the user pasted: the whole redirect URL (code and state checked) or the bare code. */
export function readPastedRedirect(pasted: string, state: string): { code: string } | { problem: string } {
	const text = pasted.trim();
	if (text === '') return { problem: 'Nothing was pasted.' };
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !text.includes('?')) return { code: text };
	const query = new URL(text, 'https://localhost').searchParams;
	const error = query.get('error');
	if (error) return { problem: `Constant Contact refused the authorization: ${error} ${query.get('error_description') ?? ''}`.trim() };
	const code = query.get('code');
	if (!code) return { problem: 'The pasted address has no "code" parameter; paste the whole address the browser was sent to.' };
	if (query.has('state') && query.get('state') !== state) {
		return { problem: 'The pasted address belongs to another authorization (its "state" differs); open the new URL and try again.' };
	}
	return { code };
}

export async function exchangeCode(app: OAuthApp, code: string, redirectUri: string): Promise<TokenAnswer> {
	return await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
}

export async function refreshAccessToken(app: OAuthApp, refreshToken: string): Promise<TokenAnswer> {
	return await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** A refresh for createFetchSend: renews `tokens` in place (a rotating refresh token comes back new). */
export function refreshInPlace(app: OAuthApp, tokens: TokenSet): () => Promise<boolean> {
	return async () => {
		if (!tokens.refreshToken) return false;
		const answer = await refreshAccessToken(app, tokens.refreshToken);
		if (!answer.ok) return false;
		tokens.accessToken = answer.tokens.accessToken;
		if (answer.tokens.refreshToken) tokens.refreshToken = answer.tokens.refreshToken;
		return true;
	};
}

/**
 * The authorization-code flow against the stand-in, as a browser and a server do it: the stand-in approves at once
 * and redirects with a code, which is exchanged for tokens. Throws when any step goes wrong.
 */
export async function authorizationCodeDance(
	standIn: { oauthBaseUrl: string },
	redirectUri = 'http://127.0.0.1:5678/rest/oauth2-credential/callback',
	scope = CONSTANT_CONTACT_SCOPE,
): Promise<TokenData> {
	const app = standInApp(standIn);
	const state = newState();
	const approval = await fetch(authorizeUrl(app, redirectUri, scope, state), { redirect: 'manual' });
	const location = approval.headers.get('location');
	if (approval.status < 300 || approval.status >= 400 || !location) {
		throw new Error(`authorize answered ${approval.status} without a redirect: ${(await approval.text()).slice(0, 300)}`);
	}
	const back = new URL(location);
	const code = back.searchParams.get('code');
	if (back.searchParams.get('state') !== state) throw new Error('authorize redirect lost the state parameter');
	if (!code) throw new Error(`authorize redirected without a code: ${back.searchParams.get('error')} ${back.searchParams.get('error_description')}`);
	const answer = await exchangeCode(app, code, redirectUri);
	if (!answer.ok) throw new Error(`token exchange answered ${answer.status}: ${answer.said}`);
	if (!answer.tokenData.refresh_token) throw new Error('token exchange returned no refresh token although offline_access was asked for');
	return answer.tokenData;
}

async function tokenRequest(app: OAuthApp, params: Record<string, string>): Promise<TokenAnswer> {
	let response: Response;
	try {
		response = await fetch(`${trimSlash(app.oauthBaseUrl)}/token`, {
			method: 'POST',
			headers: {
				Authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
				'Content-Type': 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			},
			body: new URLSearchParams(params).toString(),
			signal: AbortSignal.timeout(30_000),
		});
	} catch (error) {
		const cause = (error as { cause?: { code?: string } }).cause?.code;
		return { ok: false, status: 0, said: `no answer from the token endpoint (${cause ?? (error as Error).message})` };
	}
	const text = await response.text();
	let body: Record<string, unknown> = {};
	try {
		body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
	} catch {
		// Not JSON (a proxy's error page, say): reported by status only.
	}
	if (!response.ok || typeof body.access_token !== 'string') {
		const said = [body.error, body.error_description].filter((part) => typeof part === 'string').join(': ');
		return { ok: false, status: response.status, said: said || 'no access token in the answer' };
	}
	return {
		ok: true,
		tokenData: body as TokenData,
		tokens: {
			accessToken: body.access_token,
			refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
			expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
			scope: typeof body.scope === 'string' ? body.scope : undefined,
		},
	};
}
