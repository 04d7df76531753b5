/**
 * Faults of the bulk path (Add to Autoresponder List at or above its bulk threshold: one import activity, read the
 * list back) through the whole reminder workflow, in n8n's engine. Each case: one run with the fault, then re-runs.
 */
import { faultMatrix, type Case } from './matrix';

const IMPORT = { method: 'POST', path: '/v3/activities/contacts_json_import' };
const bulk = { bulkThreshold: 1 };

const cases: Case[] = [
	{
		kind: 'bulk: import activity ends failed',
		workflow: bulk,
		inject: (cc) => cc.control.injectFaults([{ kind: 'activity_failed', match: IMPORT }]),
	},
	{
		kind: 'bulk: import activity ends timed_out',
		workflow: bulk,
		inject: (cc) => cc.control.injectFaults([{ kind: 'activity_timed_out', match: IMPORT }]),
	},
	{
		kind: 'bulk: import with a per-contact error (2nd shopper rejected)',
		workflow: bulk,
		inject: (cc, shop) => cc.control.injectFaults([{ kind: 'import_contact_errors', match: IMPORT, emails: [shop.due[1]] }]),
	},
	{
		kind: 'bulk: 429 quota_exceeded mid-batch (after the look-ups, on the import)',
		workflow: bulk,
		inject: (cc) => cc.control.injectFaults([{ kind: 'quota_exceeded', match: IMPORT }]),
	},
	{
		kind: 'bulk: dropped connection on the import and on a progress poll',
		workflow: bulk,
		inject: (cc) => cc.control.injectFaults([{ kind: 'drop', match: IMPORT }, { kind: 'drop', match: { method: 'GET', path: /^\/v3\/activities\// } }]),
	},
	{
		kind: 'bulk: import answered slower than the 1 s timeout (it still runs, late)',
		workflow: { ...bulk, requestTimeout: 1 },
		inject: (cc) => cc.control.injectFaults([{ kind: 'hang', ms: 1500, match: IMPORT }]),
	},
	{
		kind: 'bulk: 401 on the import (n8n refreshes the rotating token mid-batch)',
		workflow: bulk,
		inject: (cc) => cc.control.injectFaults([{ kind: 'status', status: 401, match: IMPORT }]),
	},
];

faultMatrix({
	title: 'The reminder workflow in bulk mode under faults',
	table: 'bulk',
	testFile: 'test/reliability/bulk.test.ts',
	cases,
	shop: { newShoppers: 4 },
});
