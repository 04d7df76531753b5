import type { INodeProperties } from 'n8n-workflow';

import {
	CONSTANT_CONTACT_API_BASE_URL,
	CONSTANT_CONTACT_OAUTH_BASE_URL,
	ConstantContactOAuth2Api,
} from '../../credentials/ConstantContactOAuth2Api.credentials';

const credential = new ConstantContactOAuth2Api();
const property = (name: string): INodeProperties => {
	const found = credential.properties.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`credential has no property ${name}`);
	return found;
};
/** n8n resolves `$self[...]` in a credential default against the credential's own (default or stored) fields. */
const resolveAgainstOwnFields = (template: string, fields: Record<string, string>) =>
	template.replace(/^=\{\{\$self\["(\w+)"\]\}\}/, (_, field: string) => fields[field]);

describe('Constant Contact OAuth2 API credential', () => {
	it('is the credential type the nodes and templates refer to', () => {
		expect(credential.name).toBe('constantContactOAuth2Api');
		expect(credential.displayName).toBe('Constant Contact OAuth2 API');
		expect(credential.extends).toEqual(['oAuth2Api']);
	});

	it('uses the authorization code grant with client credentials in an HTTP Basic header', () => {
		expect(property('grantType')).toMatchObject({ type: 'hidden', default: 'authorizationCode' });
		expect(property('authentication')).toMatchObject({ type: 'hidden', default: 'header' });
		expect(property('authQueryParameters')).toMatchObject({ type: 'hidden', default: '' });
	});

	it('asks for contact data and offline access, which is what makes Constant Contact return a refresh token', () => {
		expect(property('scope')).toMatchObject({ type: 'hidden', default: 'contact_data offline_access' });
	});

	it("sends a real user to Constant Contact's own authorization and token endpoints by default", () => {
		const ownFields = { oauthBaseUrl: property('oauthBaseUrl').default as string };
		expect(property('oauthBaseUrl')).toMatchObject({
			type: 'hidden',
			default: 'https://authz.constantcontact.com/oauth2/default/v1',
		});
		expect(CONSTANT_CONTACT_OAUTH_BASE_URL).toBe('https://authz.constantcontact.com/oauth2/default/v1');
		expect(property('authUrl').type).toBe('hidden');
		expect(property('accessTokenUrl').type).toBe('hidden');
		expect(resolveAgainstOwnFields(property('authUrl').default as string, ownFields)).toBe(
			'https://authz.constantcontact.com/oauth2/default/v1/authorize',
		);
		expect(resolveAgainstOwnFields(property('accessTokenUrl').default as string, ownFields)).toBe(
			'https://authz.constantcontact.com/oauth2/default/v1/token',
		);
	});

	it('points the nodes at the production Constant Contact API by default', () => {
		expect(property('apiBaseUrl')).toMatchObject({ type: 'hidden', default: 'https://api.cc.email/v3' });
		expect(CONSTANT_CONTACT_API_BASE_URL).toBe('https://api.cc.email/v3');
	});

	it('derives the OAuth URLs from one unpinned field, so a stored stand-in URL reaches both on n8n 1.x and 2.x', () => {
		const standIn = { oauthBaseUrl: 'http://127.0.0.1:4010/oauth2/default/v1' };
		expect(resolveAgainstOwnFields(property('authUrl').default as string, standIn)).toBe(
			'http://127.0.0.1:4010/oauth2/default/v1/authorize',
		);
		expect(resolveAgainstOwnFields(property('accessTokenUrl').default as string, standIn)).toBe(
			'http://127.0.0.1:4010/oauth2/default/v1/token',
		);
	});

	it('keeps every field hidden, so a user only enters a client ID and secret', () => {
		expect(credential.properties.every((candidate) => candidate.type === 'hidden')).toBe(true);
	});

	it('has distinct light and dark icons and a documentation link', () => {
		expect(credential.icon).toEqual({
			light: 'file:../icons/constantContact.svg',
			dark: 'file:../icons/constantContact.dark.svg',
		});
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
	});
});
