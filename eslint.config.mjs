// The rule sets n8n's community-package scanner applies (n8n-node lint's config, made explicit so that the
// lint gate runs with this repository's own pinned plugins), plus no-console as an error.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import n8nCommunityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const nodesBaseRules = (configName) => n8nNodesBase.configs[configName].rules;

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**'] },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [js.configs.recommended, ...tseslint.configs.recommended, n8nCommunityNodes.configs.recommended],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		extends: [n8nCommunityNodes.configs.recommended],
		rules: nodesBaseRules('community'),
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...nodesBaseRules('credentials'),
			// Wants an n8n-docs slug; ours is a full URL to our README (n8n-node lint switches it off the same way).
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...nodesBaseRules('nodes'),
			// Superseded by @n8n/community-nodes/node-connection-type-literal, which wants NodeConnectionTypes constants.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
);
