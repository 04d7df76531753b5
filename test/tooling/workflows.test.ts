/**
 * The release path n8n requires (GitHub Actions, npm provenance) and the n8n-node lint/build wiring: what the
 * publish and CI workflow files must keep, and what `npm run release` really does inside GitHub Actions.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';

const root = path.resolve(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	scripts: Record<string, string>;
	n8n: { strict?: boolean };
};

interface Step {
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Workflow {
	on: { push?: { tags?: string[]; branches?: string[] }; pull_request?: unknown };
	permissions?: Record<string, string>;
	jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
}

const readWorkflow = (name: string) =>
	yaml.load(readFileSync(path.join(root, '.github/workflows', name), 'utf8')) as Workflow;
const runCommands = (workflow: Workflow) =>
	Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.run?.trim()).filter(Boolean));

describe('the publish workflow', () => {
	const publish = readWorkflow('publish.yml');
	const [job] = Object.values(publish.jobs);

	it('runs when a version tag is pushed', () => {
		expect(publish.on.push?.tags).toEqual(['*.*.*']);
	});

	it('may mint the OIDC token that signs the provenance statement, and only reads the repository', () => {
		expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
	});

	it('installs from the lock file and publishes through npm run release, not a bare npm publish', () => {
		expect(runCommands(publish)).toEqual(['npm ci', 'npm run release']);
	});

	it('points npm at the public registry and takes an NPM_TOKEN secret when Trusted Publishing is not set up', () => {
		const setupNode = job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
		expect(setupNode?.with?.['registry-url']).toBe('https://registry.npmjs.org');
		const release = job.steps.find((step) => step.run?.trim() === 'npm run release');
		expect(release?.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
	});

	it('pins every action to a version', () => {
		for (const step of job.steps.filter((s) => s.uses)) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+(\.\d+\.\d+)?$/);
	});
});

describe('the CI workflow', () => {
	const ci = readWorkflow('ci.yml');

	it('installs, lints the repository and the workflow files, builds and tests, on pull requests and main', () => {
		expect(ci.on.pull_request).toBeDefined();
		expect(ci.on.push?.branches).toEqual(['main']);
		const commands = runCommands(ci);
		const order = ['npm ci', 'npm run lint', 'npm run lint:workflows', 'npm run build', 'npm test'].map((c) =>
			commands.indexOf(c),
		);
		expect(order).not.toContain(-1);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});
});

describe('the n8n-node scripts', () => {
	it('build, lint and release with @n8n/node-cli, as n8n\'s node starter does', () => {
		expect(packageJson.scripts.build).toMatch(/^n8n-node build( && |$)/);
		expect(packageJson.scripts.lint).toBe('n8n-node lint');
		expect(packageJson.scripts['lint:fix']).toBe('n8n-node lint --fix');
		expect(packageJson.scripts.release).toBe('n8n-node release');
		expect(packageJson.scripts.prepublishOnly).toBe('n8n-node prerelease');
	});

	it('lint with node-cli\'s rule set, the Cloud rules kept on for nodes and credentials', () => {
		expect(readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8')).toContain(
			"import { config } from '@n8n/node-cli/eslint';",
		);
		// One ESLint process for both files: loading the config takes most of the time.
		const shippedFiles = ['nodes/AbandonedCartFilter/AbandonedCartFilter.node.ts', 'credentials/ConstantContactOAuth2Api.credentials.ts'];
		const printConfigs = `import { ESLint } from 'eslint';
			const eslint = new ESLint();
			const configs = await Promise.all(${JSON.stringify(shippedFiles)}.map((file) => eslint.calculateConfigForFile(file)));
			console.log(JSON.stringify(configs.map((config) => config.rules)));`;
		const rulesByFile = JSON.parse(
			execFileSync(process.execPath, ['--input-type=module', '-e', printConfigs], { cwd: root, encoding: 'utf8' }),
		) as Array<Record<string, [number]>>;
		shippedFiles.forEach((shipped, index) => {
			for (const rule of ['@n8n/community-nodes/no-restricted-globals', '@n8n/community-nodes/no-restricted-imports', 'no-console']) {
				expect(`${shipped} ${rule} ${rulesByFile[index][rule]?.[0]}`).toBe(`${shipped} ${rule} 2`);
			}
		});
	}, 60000);

	it('npm run release, inside GitHub Actions, lints, builds and then publishes with provenance', () => {
		// A stand-in npm on the PATH records what n8n-node release asks of npm, instead of building or publishing.
		const stubDir = mkdtempSync(path.join(tmpdir(), 'release-npm-'));
		const calls = path.join(stubDir, 'calls.log');
		const stubNpm = path.join(stubDir, 'npm');
		writeFileSync(
			stubNpm,
			`#!/bin/sh\necho "$* provenance=$NPM_CONFIG_PROVENANCE release_mode=$RELEASE_MODE" >> "${calls}"\n`,
		);
		chmodSync(stubNpm, 0o755);
		try {
			execFileSync(path.join(root, 'node_modules/.bin/n8n-node'), ['release'], {
				cwd: root,
				env: { ...process.env, GITHUB_ACTIONS: 'true', PATH: `${stubDir}${path.delimiter}${process.env.PATH}` },
				stdio: 'ignore',
			});
			const recorded = readFileSync(calls, 'utf8').trim().split('\n');
			expect(recorded[0]).toMatch(/^run lint /);
			expect(recorded[1]).toMatch(/^run build /);
			expect(recorded[2]).toBe('publish provenance=true release_mode=true');
		} finally {
			rmSync(stubDir, { recursive: true, force: true });
		}
	}, 60000);
});
