import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/** Constant Contact's production endpoints; tests point a stored credential elsewhere through the hidden base-URL fields. */
export const CONSTANT_CONTACT_OAUTH_BASE_URL = 'https://authz.constantcontact.com/oauth2/default/v1';
export const CONSTANT_CONTACT_API_BASE_URL = 'https://api.cc.email/v3';
/** Contacts and lists, and a refresh token (offline_access) so scheduled workflows keep working. */
export const CONSTANT_CONTACT_SCOPE = 'contact_data offline_access';

export class ConstantContactOAuth2Api implements ICredentialType {
	name = 'constantContactOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Constant Contact OAuth2 API';

	icon: Icon = {
		light: 'file:../icons/constantContact.svg',
		dark: 'file:../icons/constantContact.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-constant-contact-abandoned-cart/n8n-nodes-constant-contact-abandoned-cart#connect-your-constant-contact-account';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			// n8n 2.x ignores stored values of hidden authUrl/accessTokenUrl, so both derive from this unpinned field.
			displayName: 'OAuth Base URL',
			name: 'oauthBaseUrl',
			type: 'hidden',
			default: CONSTANT_CONTACT_OAUTH_BASE_URL,
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '={{$self["oauthBaseUrl"]}}/authorize',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{$self["oauthBaseUrl"]}}/token',
			required: true,
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'hidden',
			default: CONSTANT_CONTACT_API_BASE_URL,
		},
		{
			// offline_access is what makes Constant Contact return a refresh token.
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: CONSTANT_CONTACT_SCOPE,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];
}

/** The name nodes and stored credentials use, read from the class: n8n's lint checks the literal there. */
export const CONSTANT_CONTACT_CREDENTIAL = new ConstantContactOAuth2Api().name;
