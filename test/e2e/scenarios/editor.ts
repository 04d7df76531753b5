/**
 * What a user sees in the editor of a running n8n (`n8n start`): the package's node types and credential type
 * in the type files the editor loads (no fallback to CUSTOM.*), and the credential's "Connect" button, driven
 * through the same REST calls the editor makes, ending with a working token from the stand-in.
 */
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../fake-constant-contact';
import { CREDENTIAL_TYPE, NODE_TYPES, PACKAGE_NAME, nodeOutputs } from '../n8n';
import { N8nRest } from '../rest';
import { expect, type Scenario } from '../scenario';
import { testWorkflow } from '../workflows';
import { storedTokens } from './credential';

/** Fails unless n8n loaded the package's node types under the package name, and its credential type. */
export async function assertPackageLoaded(rest: N8nRest): Promise<string> {
	const [nodeTypes, credentialTypes] = await Promise.all([rest.loadedNodeTypes(), rest.loadedCredentialTypes()]);
	const missing = Object.values(NODE_TYPES).filter((t) => !nodeTypes.includes(t));
	const custom = nodeTypes.filter((t) => t.startsWith('CUSTOM.'));
	expect(custom.length === 0, `n8n loaded nodes as ${custom.join(', ')}: the package must load from .n8n/nodes, not as custom extensions`);
	expect(
		missing.length === 0,
		`n8n did not load ${missing.join(', ')} (loaded from the package: ${nodeTypes.filter((t) => t.startsWith(PACKAGE_NAME)).join(', ') || 'none'}); see n8n.log for the loader's error`,
	);
	expect(credentialTypes.includes(CREDENTIAL_TYPE), `n8n did not load the credential type ${CREDENTIAL_TYPE}`);
	return `${nodeTypes.length} node types incl. ${Object.values(NODE_TYPES).join(' + ')}, credential ${CREDENTIAL_TYPE}`;
}

export const editorConnect: Scenario = {
	name: 'editor-types-and-connect',
	async run(context) {
		const [standIn, n8n] = await Promise.all([context.standIn({ requestsPerSecond: null }), context.n8n()]);
		const server = await n8n.start();
		const rest = new N8nRest(n8n);
		await rest.setUpOwner();
		const loaded = await assertPackageLoaded(rest);

		// Create the credential as the editor's form does: only client id/secret and the stand-in's base URLs.
		const created = await rest.json<{ id: string; name: string }>('POST', '/rest/credentials', {
			name: 'Constant Contact (connected in the editor)',
			type: CREDENTIAL_TYPE,
			data: { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, oauthBaseUrl: standIn.oauthBaseUrl, apiBaseUrl: standIn.apiBaseUrl },
		});

		// "Connect": n8n builds the authorize URL from the credential's expressions.
		const authorizeUrl = await rest.json<string>('GET', `/rest/oauth2-credential/auth?id=${encodeURIComponent(created.id)}`);
		const authorize = new URL(authorizeUrl);
		expect(
			`${authorize.origin}${authorize.pathname}` === `${standIn.oauthBaseUrl}/authorize`,
			`n8n sent the browser to ${authorize.origin}${authorize.pathname}, not the stand-in's ${standIn.oauthBaseUrl}/authorize`,
		);
		expect(authorize.searchParams.get('scope') === 'contact_data offline_access', `n8n asked for scope "${authorize.searchParams.get('scope')}"`);

		// The browser follows it; the stand-in approves and redirects back to n8n's callback.
		const approval = await fetch(authorizeUrl, { redirect: 'manual' });
		const callback = approval.headers.get('location');
		expect(approval.status === 302 && callback, `the stand-in answered the authorize request with ${approval.status}`);
		const callbackUrl = new URL(callback);
		expect(callbackUrl.origin === n8n.baseUrl, `the stand-in redirected to ${callbackUrl.origin}, not n8n at ${n8n.baseUrl}`);
		const finished = await rest.request('GET', `${callbackUrl.pathname}${callbackUrl.search}`);
		const page = await finished.text();
		expect(finished.status === 200 && !/error/i.test(page.replace(/<script[\s\S]*?<\/script>/g, '')), `n8n's OAuth callback answered ${finished.status}: ${page.slice(0, 300)}`);
		const exchanges = standIn.control.requestLog().filter((r) => r.path === '/oauth2/default/v1/token');
		expect(exchanges.length === 1 && exchanges[0].status === 200, `n8n's code exchange at the stand-in: ${JSON.stringify(exchanges)}`);

		await n8n.stopProcess(server);
		const tokens = await storedTokens(n8n, created.id);
		expect(tokens?.access_token && tokens.refresh_token, 'the connected credential holds no access and refresh token');

		// The connected credential works in a node.
		const workflowId = 'e2eEditorConn001';
		await n8n.importWorkflow(
			testWorkflow('contact-lists.json', workflowId, { API_BASE_URL: standIn.apiBaseUrl, CREDENTIAL_ID: created.id, CREDENTIAL_NAME: created.name }),
		);
		const [items] = nodeOutputs(await n8n.execute(workflowId), 'Contact Lists');
		expect(Array.isArray(items?.[0]?.lists), 'the connected credential did not read the lists');
		return `${loaded}; Connect via /rest/oauth2-credential -> stand-in -> callback stored a token that works`;
	},
};
