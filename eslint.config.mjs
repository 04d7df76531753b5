// `n8n-node lint` runs `eslint .` with this file. The base is @n8n/node-cli's own rule set (`config`, the one with the
// n8n Cloud restrictions), applied to the whole repository; the blocks below only add to it.
//
// Why "n8n": { "strict": false } in package.json: strict mode makes `n8n-node lint` refuse any eslint.config.mjs
// that differs from the bare template. This repository also holds tooling that never ships (test/, bench/,
// scripts/: the stand-in server, the real-n8n end-to-end runs, the benchmark), which has to start processes, read
// files and the environment, use timers and print; under the Cloud rules that is 437 errors. The last block scopes
// those rules off for that tooling alone. nodes/, credentials/ and package.json get the full rule set, and more.
import { config } from '@n8n/node-cli/eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const NON_SHIPPED_TOOLING = ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'];

export default [
	// Generated or installed, never source: test runs put n8n installs and tarballs in .cache/.
	{ ignores: ['.cache/**', 'coverage/**'] },
	...config,
	{
		// node-cli switches these two off; the shipped code passes them, so they stay on (the stricter of the two configs).
		files: ['credentials/**/*.ts'],
		rules: {
			'n8n-nodes-base/cred-class-field-type-options-password-missing':
				n8nNodesBase.configs.credentials.rules['n8n-nodes-base/cred-class-field-type-options-password-missing'],
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			'n8n-nodes-base/node-param-type-options-max-value-present':
				n8nNodesBase.configs.nodes.rules['n8n-nodes-base/node-param-type-options-max-value-present'],
		},
	},
	{
		// Tooling only, never nodes/ or credentials/ (tsconfig.json compiles only those two into dist/).
		files: NON_SHIPPED_TOOLING,
		rules: {
			// n8n Cloud's sandbox rules for code that runs inside n8n. The tooling runs beside n8n: it starts n8n,
			// PostgreSQL clients and the stand-in (child_process, node:fs, process.env, timers) and reports on the console.
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'no-console': 'off',
			// Fixed test secrets (webhook signing keys, the throwaway n8n's encryption key) are what the tests check against.
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			// NodeApiError needs a running node; the tooling's errors are not thrown from one.
			'@n8n/community-nodes/require-node-api-error': 'off',
			// JSON from the stand-in's and n8n's REST responses is read untyped in the assertions.
			'@typescript-eslint/no-explicit-any': 'off',
			// `const { decision: _ignored, ...rest } = item` drops a key; the dropped name is unused on purpose.
			'@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
		},
	},
	{
		// Nodes that exist only for the harness's workflows (counting runs, echoing items); never published.
		files: ['test/harness/test-nodes/**/*.ts'],
		rules: {
			'@n8n/community-nodes/icon-validation': 'off',
			'@n8n/community-nodes/node-usable-as-tool': 'off',
			'@n8n/community-nodes/require-node-description-fields': 'off',
		},
	},
];
