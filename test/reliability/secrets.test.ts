/**
 * The error paths most likely to leak a credential: a refused refresh, a 401 that survives the refresh, a 400 with
 * Constant Contact's details, a failing token endpoint. Every run scans all node outputs, error messages and
 * descriptions, and n8n's log for the run's access tokens, refresh tokens and client secret (see leakedSecrets).
 */
import { faultMatrix, type Case } from './matrix';

const TOKEN = { method: 'POST', path: '/oauth2/default/v1/token' };
const SIGN_UP = { method: 'POST', path: '/v3/contacts/sign_up_form' };

const cases: Case[] = [
	{
		kind: 'secrets: refresh refused (token endpoint answers 400 to an expired token)',
		inject: (cc) => {
			cc.control.expireAllAccessTokens();
			cc.control.injectFaults([{ kind: 'status', status: 400, match: TOKEN }]);
		},
	},
	{
		kind: 'secrets: token endpoint fails with 500 during a refresh',
		inject: (cc) => {
			cc.control.expireAllAccessTokens();
			cc.control.injectFaults([{ kind: 'status', status: 500, match: TOKEN }]);
		},
	},
	{
		kind: 'secrets: 401 that survives the refresh (every request refused 3 times)',
		inject: (cc) => cc.control.injectFaults([{ kind: 'status', status: 401, count: 3 }]),
	},
	{
		kind: 'secrets: 400 with Constant Contact details on sign_up_form',
		inject: (cc) => cc.control.injectFaults([{ kind: 'status', status: 400, match: SIGN_UP, count: 2 }]),
	},
];

faultMatrix({
	title: 'No secret in any output, error or log, whatever fails',
	table: 'secrets',
	testFile: 'test/reliability/secrets.test.ts',
	cases,
	shop: { newShoppers: 2 },
});
