import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const packageJson = require(path.join(root, 'package.json'));

/** These tests read dist/, so they need a build: `npm run build` (.ci/run builds before it tests). */
const ensureBuilt = () => {
	if (!existsSync(path.join(root, 'dist'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
};

describe('the published package', () => {
	beforeAll(ensureBuilt, 120000);

	it('is found by n8n as a community node package', () => {
		expect(packageJson.name).toBe('n8n-nodes-constant-contact-abandoned-cart');
		expect(packageJson.keywords).toContain('n8n-community-node-package');
		expect(packageJson.n8n.n8nNodesApiVersion).toBe(1);
		expect(packageJson.license).toBe('MIT');
	});

	it('has no runtime dependencies, only n8n-workflow as a peer', () => {
		expect(packageJson.dependencies).toBeUndefined();
		expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	it('pins every development dependency to an exact version', () => {
		for (const [name, version] of Object.entries<string>(packageJson.devDependencies)) {
			expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
		}
	});

	it.each([...packageJson.n8n.credentials, ...packageJson.n8n.nodes] as string[])(
		'ships %s, and n8n can load the class it names',
		(distPath) => {
			const file = path.join(root, distPath);
			expect(existsSync(file)).toBe(true);
			const className = path.basename(distPath).split('.')[0];
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const loaded = new (require(file)[className])();
			const description = loaded.description ?? loaded;
			expect(typeof description.name).toBe('string');
		},
	);

	it.each([...packageJson.n8n.credentials, ...packageJson.n8n.nodes] as string[])(
		'ships the light and dark icons that %s refers to',
		(distPath) => {
			const file = path.join(root, distPath);
			const className = path.basename(distPath).split('.')[0];
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const loaded = new (require(file)[className])();
			const icon = (loaded.description ?? loaded).icon as { light: string; dark: string };
			expect(icon.light).not.toBe(icon.dark);
			for (const variant of [icon.light, icon.dark]) {
				expect(existsSync(path.resolve(path.dirname(file), variant.replace(/^file:/, '')))).toBe(true);
			}
		},
	);

	it('packs only dist/, README.md, LICENSE and package.json', () => {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
		);
		const files: string[] = packed.files.map((entry: { path: string }) => entry.path);
		expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
		expect(files.some((file) => file.includes('.test.') || file.startsWith('dist/test'))).toBe(false);
		// n8n-node build copies every png/svg of the repository (the README's screenshots too); only these folders ship.
		expect(files.filter((file) => !/^dist\/(nodes|credentials|icons)\//.test(file) && file.startsWith('dist/'))).toEqual([]);
	});
});
