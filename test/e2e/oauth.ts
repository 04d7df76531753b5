/**
 * The credential entry `n8n import:credentials` takes for the Constant Contact stand-in. The entry stores only the
 * stand-in's base URLs: a stored accessTokenUrl/authUrl would win over the credential's expressions on n8n 1.x.
 * Tokens come from the tests' one OAuth client (test/support/oauth.ts: authorizationCodeDance).
 */
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fake-constant-contact';
import type { TokenData } from '../support/oauth';
import type { CredentialEntry } from './n8n';
import { CREDENTIAL_TYPE } from './n8n';

export interface StandInUrls {
	baseUrl: string;
	apiBaseUrl: string;
	oauthBaseUrl: string;
}

/** The credential as n8n stores it after "Connect": client, token data and the stand-in's URLs (no token URLs). */
export function credentialEntry(standIn: StandInUrls, tokenData: TokenData | null, id = 'ccE2eCredential1', name = 'Constant Contact (stand-in)'): CredentialEntry {
	const data: Record<string, unknown> = {
		clientId: DEFAULT_CLIENT_ID,
		clientSecret: DEFAULT_CLIENT_SECRET,
		oauthBaseUrl: standIn.oauthBaseUrl,
		apiBaseUrl: standIn.apiBaseUrl,
	};
	if (tokenData) data.oauthTokenData = tokenData;
	return { id, name, type: CREDENTIAL_TYPE, data };
}
