/**
 * The OAuth2 calls of the live check. The package's Constant Contact client covers the /v3 API only; tokens come
 * from Constant Contact's authorization server, with HTTP Basic client authentication as n8n's credential sends it.
 */
import { randomBytes } from 'node:crypto';

export interface OAuthApp {
	/** e.g. https://authz.constantcontact.com/oauth2/default/v1 */
	oauthBaseUrl: string;
	clientId: string;
	clientSecret: string;
}

export interface TokenSet {
	accessToken: string;
	refreshToken?: string;
	expiresIn?: number;
	scope?: string;
}

/** The token endpoint's answer: new tokens, or what it said (never containing a token). */
export type TokenAnswer = { ok: true; tokens: TokenSet } | { ok: false; status: number; said: string };

const trimSlash = (url: string) => url.trim().replace(/\/+$/, '');

export function newState(): string {
	return randomBytes(16).toString('base64url');
}

export function authorizeUrl(app: OAuthApp, redirectUri: string, scope: string, state: string): string {
	const query = new URLSearchParams({
		response_type: 'code',
		client_id: app.clientId,
		redirect_uri: redirectUri,
		scope,
		state,
	});
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
		tokens: {
			accessToken: body.access_token,
			refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
			expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
			scope: typeof body.scope === 'string' ? body.scope : undefined,
		},
	};
}
