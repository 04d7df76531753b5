/** Constant Contact's OAuth2 authorization server (authz.constantcontact.com/oauth2/default/v1), kept in memory. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type RefreshTokenMode = 'rotating' | 'long-lived';

export const DEFAULT_CLIENT_ID = 'test-client-id';
export const DEFAULT_CLIENT_SECRET = 'test-client-secret';
export const KNOWN_SCOPES = new Set([
	'contact_data',
	'campaign_data',
	'account_read',
	'account_update',
	'offline_access',
	'billing_data',
	'openid',
	'profile',
]);
const CODE_LIFETIME_MS = 5 * 60 * 1000;
const REFRESH_IDLE_LIFETIME_MS = 180 * 24 * 3600 * 1000;

export interface OAuthApp {
	clientId: string;
	clientSecret: string;
	/** Empty: any redirect URI on 127.0.0.1 or localhost is allowed (the default test app). */
	redirectUris: string[];
	refreshTokenMode?: RefreshTokenMode;
}

interface AuthorizationCode {
	clientId: string;
	redirectUri: string;
	scope: string;
	expiresAt: number;
	used: boolean;
	codeChallenge?: string;
}

export interface AccessTokenRecord {
	clientId: string;
	scope: string;
	expiresAt: number;
}

interface RefreshTokenRecord {
	clientId: string;
	scope: string;
	grantId: string;
	valid: boolean;
	lastUsedAt: number;
}

export interface TokenResponse {
	access_token: string;
	refresh_token?: string;
	expires_in: number;
	token_type: 'Bearer';
	scope: string;
}

export interface OAuthError {
	status: number;
	body: { error: string; error_description: string };
}

export class OAuthServer {
	private readonly apps = new Map<string, OAuthApp>();
	private readonly codes = new Map<string, AuthorizationCode>();
	private readonly accessTokens = new Map<string, AccessTokenRecord>();
	private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
	/** Every refresh token issued per authorization, so rotation can retire all earlier ones. */
	private readonly refreshTokensByGrant = new Map<string, string[]>();

	constructor(
		private readonly now: () => number,
		public refreshTokenMode: RefreshTokenMode,
		public accessTokenLifetimeSeconds: number,
	) {
		this.reset();
	}

	reset(): void {
		this.apps.clear();
		this.codes.clear();
		this.accessTokens.clear();
		this.refreshTokens.clear();
		this.refreshTokensByGrant.clear();
		this.registerApp({ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, redirectUris: [] });
	}

	registerApp(app: OAuthApp): OAuthApp {
		const stored = { ...app, redirectUris: [...(app.redirectUris ?? [])] };
		this.apps.set(app.clientId, stored);
		return stored;
	}

	/** Authorization endpoint: either a redirect URL (with code or error) or an error shown to the browser. */
	authorize(query: URLSearchParams): { redirect: string } | OAuthError {
		const clientId = query.get('client_id') ?? '';
		const app = this.apps.get(clientId);
		if (!app) return oauthError(400, 'invalid_client', 'The client_id is not registered.');
		const redirectUri = query.get('redirect_uri') ?? '';
		if (!this.redirectAllowed(app, redirectUri)) {
			return oauthError(400, 'invalid_request', "The 'redirect_uri' parameter must be a registered redirect URI.");
		}
		const back = (params: Record<string, string>) => {
			const url = new URL(redirectUri);
			for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
			const state = query.get('state');
			if (state !== null) url.searchParams.set('state', state);
			return { redirect: url.toString() };
		};
		if (query.get('response_type') !== 'code') {
			return back({ error: 'unsupported_response_type', error_description: "response_type must be 'code'." });
		}
		const scopes = splitScope(query.get('scope') ?? '');
		const unknown = scopes.filter((s) => !KNOWN_SCOPES.has(s));
		if (scopes.length === 0 || unknown.length > 0) {
			return back({
				error: 'invalid_scope',
				error_description: scopes.length ? `Unknown scope: ${unknown.join(' ')}` : 'The scope parameter is required.',
			});
		}
		const code = randomBytes(24).toString('base64url');
		const challenge = query.get('code_challenge') ?? undefined;
		this.codes.set(code, {
			clientId,
			redirectUri,
			scope: scopes.join(' '),
			expiresAt: this.now() + CODE_LIFETIME_MS,
			used: false,
			codeChallenge: challenge,
		});
		return back({ code });
	}

	/** Token endpoint. `basic` is the decoded HTTP Basic header, `params` the form/query parameters merged. */
	token(basic: { id: string; secret: string } | undefined, params: URLSearchParams): TokenResponse | OAuthError {
		const clientId = basic?.id ?? params.get('client_id') ?? '';
		const app = this.apps.get(clientId);
		const secret = basic?.secret ?? params.get('client_secret') ?? undefined;
		const grantType = params.get('grant_type');
		const usesPkce = grantType === 'authorization_code' && params.has('code_verifier') && secret === undefined;
		if (!app || (!usesPkce && secret !== app.clientSecret)) {
			return oauthError(401, 'invalid_client', 'Client authentication failed.');
		}
		if (grantType === 'authorization_code') return this.exchangeCode(app, params, usesPkce);
		if (grantType === 'refresh_token') return this.refresh(app, params.get('refresh_token') ?? '');
		return oauthError(400, 'unsupported_grant_type', `The grant_type '${grantType ?? ''}' is not supported.`);
	}

	private exchangeCode(app: OAuthApp, params: URLSearchParams, usesPkce: boolean): TokenResponse | OAuthError {
		const code = this.codes.get(params.get('code') ?? '');
		const invalid = oauthError(400, 'invalid_grant', 'The authorization code is invalid or has expired.');
		if (!code || code.clientId !== app.clientId) return invalid;
		if (code.used || code.expiresAt <= this.now()) {
			this.codes.delete(params.get('code') ?? '');
			return invalid;
		}
		code.used = true;
		if (params.get('redirect_uri') !== code.redirectUri) {
			return oauthError(400, 'invalid_grant', "The 'redirect_uri' does not match the redirection URI used in the authorization request.");
		}
		if (usesPkce || code.codeChallenge) {
			const verifier = params.get('code_verifier') ?? '';
			const expected = createHash('sha256').update(verifier).digest('base64url');
			if (!code.codeChallenge || expected !== code.codeChallenge) {
				return oauthError(400, 'invalid_grant', 'PKCE verification failed.');
			}
		}
		return this.issue(app.clientId, code.scope, randomUUID());
	}

	private refresh(app: OAuthApp, refreshToken: string): TokenResponse | OAuthError {
		const record = this.refreshTokens.get(refreshToken);
		if (!record || !record.valid || record.clientId !== app.clientId || record.lastUsedAt + REFRESH_IDLE_LIFETIME_MS <= this.now()) {
			return oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired.');
		}
		record.lastUsedAt = this.now();
		if (this.modeOf(app) === 'long-lived') {
			const access = this.newAccessToken(app.clientId, record.scope);
			return { ...access, refresh_token: refreshToken };
		}
		for (const old of this.refreshTokensByGrant.get(record.grantId) ?? []) {
			const oldRecord = this.refreshTokens.get(old);
			if (oldRecord) oldRecord.valid = false;
		}
		return this.issue(app.clientId, record.scope, record.grantId);
	}

	/** A token pair as the token endpoint returns it; a refresh token only when offline_access was granted. */
	issue(clientId: string, scope: string, grantId: string = randomUUID()): TokenResponse {
		const response: TokenResponse = this.newAccessToken(clientId, scope);
		if (splitScope(scope).includes('offline_access')) {
			const refreshToken = randomBytes(32).toString('base64url');
			this.refreshTokens.set(refreshToken, { clientId, scope, grantId, valid: true, lastUsedAt: this.now() });
			const chain = this.refreshTokensByGrant.get(grantId) ?? [];
			chain.push(refreshToken);
			this.refreshTokensByGrant.set(grantId, chain);
			response.refresh_token = refreshToken;
		}
		return response;
	}

	private newAccessToken(clientId: string, scope: string): TokenResponse {
		const issuedAt = Math.floor(this.now() / 1000);
		const expiresIn = this.accessTokenLifetimeSeconds;
		// Constant Contact's access tokens are JWTs; clients may decode `exp`, so the shape is kept (the signature is not real).
		const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
		const token = [
			encode({ alg: 'RS256', kid: 'stand-in' }),
			encode({ ver: 1, jti: randomUUID(), iss: 'stand-in', aud: 'https://api.cc.email/v3', iat: issuedAt, exp: issuedAt + expiresIn, cid: clientId, scp: splitScope(scope) }),
			randomBytes(32).toString('base64url'),
		].join('.');
		this.accessTokens.set(token, { clientId, scope, expiresAt: this.now() + expiresIn * 1000 });
		return { access_token: token, expires_in: expiresIn, token_type: 'Bearer', scope };
	}

	/** The token's record when it is known and not expired. */
	validateAccessToken(token: string): AccessTokenRecord | undefined {
		const record = this.accessTokens.get(token);
		if (!record || record.expiresAt <= this.now()) return undefined;
		return record;
	}

	/** Every access and refresh token issued since the last reset, spent ones included: what a secrets scan looks for. */
	issuedTokens(): string[] {
		return [...this.accessTokens.keys(), ...this.refreshTokens.keys()];
	}

	expireAllAccessTokens(): void {
		const now = this.now();
		for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
	}

	setRefreshTokenMode(mode: RefreshTokenMode): void {
		this.refreshTokenMode = mode;
	}

	hasApp(clientId: string): boolean {
		return this.apps.has(clientId);
	}

	private modeOf(app: OAuthApp): RefreshTokenMode {
		return app.refreshTokenMode ?? this.refreshTokenMode;
	}

	private redirectAllowed(app: OAuthApp, redirectUri: string): boolean {
		if (app.redirectUris.length > 0) return app.redirectUris.includes(redirectUri);
		try {
			const url = new URL(redirectUri);
			return (url.hostname === '127.0.0.1' || url.hostname === 'localhost') && url.hash === '';
		} catch {
			return false;
		}
	}
}

export function splitScope(scope: string): string[] {
	return scope.split(/[\s+]+/).filter(Boolean);
}

function oauthError(status: number, error: string, description: string): OAuthError {
	return { status, body: { error, error_description: description } };
}

export function isOAuthError(value: unknown): value is OAuthError {
	return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}
