/**
 * The README's install instructions, run as written: the by-hand commands and the Docker compose file's install
 * step install a package into an n8n `nodes` folder without its peer n8n-workflow. Docker itself is not run here
 * (no image registry on this machine): the compose file's structure is checked, and its install command runs in
 * a plain shell with the container's paths moved into a temporary folder. The real package's install into real
 * n8n, the same npm command, is what every end-to-end scenario does (test/e2e/n8n.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { load } from 'js-yaml';

const README = readFileSync(resolve(__dirname, '..', '..', 'README.md'), 'utf8');
const PACKAGE_NAME = 'n8n-nodes-constant-contact-abandoned-cart';
const CONTAINER_USER_FOLDER = '/home/node/.n8n';
const CONTAINER_TARBALL = '/tmp/package.tgz';

interface ComposeService {
	image: string;
	entrypoint?: string[];
	command?: string[] | string;
	volumes: string[];
	depends_on?: Record<string, { condition: string }>;
}

/** The fenced code block of `language` that follows `heading` in the README. */
function codeBlockAfter(heading: string, language: string): string {
	const from = README.indexOf(heading);
	if (from < 0) throw new Error(`README has no "${heading}"`);
	const match = README.slice(from).match(new RegExp('```' + language + '\\n([\\s\\S]*?)```'));
	if (!match) throw new Error(`no \`\`\`${language} block after "${heading}"`);
	return match[1];
}

/** A package shaped like ours (a peer dependency on n8n-workflow, nothing else), packed into `folder`. */
function packedStandInPackage(folder: string): string {
	const source = join(folder, 'source');
	mkdirSync(source, { recursive: true });
	writeFileSync(
		join(source, 'package.json'),
		JSON.stringify({ name: PACKAGE_NAME, version: '0.0.0-test', peerDependencies: { 'n8n-workflow': '*' } }),
	);
	writeFileSync(join(source, 'index.js'), 'module.exports = {};\n');
	const tarballName = execFileSync('npm', ['pack', '--silent', '--pack-destination', folder], { cwd: source, encoding: 'utf8' }).trim();
	return join(folder, tarballName);
}

function expectInstalledWithoutPeer(nodesFolder: string): void {
	expect(existsSync(join(nodesFolder, 'package.json'))).toBe(true);
	expect(JSON.parse(readFileSync(join(nodesFolder, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8')).name).toBe(PACKAGE_NAME);
	expect(existsSync(join(nodesFolder, 'node_modules', 'n8n-workflow'))).toBe(false);
}

describe('README install instructions', () => {
	let folder: string;
	let tarball: string;

	beforeAll(() => {
		folder = mkdtempSync(join(tmpdir(), 'install-docs-'));
		tarball = packedStandInPackage(folder);
	}, 180000);
	afterAll(() => rmSync(folder, { recursive: true, force: true }));

	it('by hand: the commands install the tarball into ~/.n8n/nodes without n8n-workflow', () => {
		const home = join(folder, 'home');
		mkdirSync(home);
		const commands = codeBlockAfter('**2. A release tarball, by hand**', 'bash')
			.split('\n')
			.filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
			.join('\n')
			.replace(/\/path\/to\/\S+\.tgz/, tarball);
		execFileSync('bash', ['-euc', commands], { env: { ...process.env, HOME: home, npm_config_cache: join(folder, 'npm-cache') }, stdio: 'pipe' });
		expectInstalledWithoutPeer(join(home, '.n8n', 'nodes'));
	}, 180000);

	describe('Docker compose', () => {
		const compose = load(codeBlockAfter("**3. n8n's Docker image**", 'yaml')) as {
			services: Record<string, ComposeService>;
			volumes: Record<string, unknown>;
		};
		const installer = compose.services['install-nodes'];
		const n8n = compose.services.n8n;

		it('installs with the n8n image itself into the volume n8n keeps its folder on, before n8n starts', () => {
			expect(installer.image).toBe(n8n.image);
			expect(n8n.image).toMatch(/^docker\.n8n\.io\/n8nio\/n8n:\d+\.\d+\.\d+$/);
			const userFolderVolume = (service: ComposeService) => service.volumes.find((v) => v.endsWith(`:${CONTAINER_USER_FOLDER}`));
			expect(userFolderVolume(installer)).toBeDefined();
			expect(userFolderVolume(installer)).toBe(userFolderVolume(n8n));
			expect(Object.keys(compose.volumes)).toContain(userFolderVolume(n8n)!.split(':')[0]);
			expect(n8n.depends_on?.['install-nodes']?.condition).toBe('service_completed_successfully');
			expect(installer.volumes.some((v) => v.includes(`:${CONTAINER_TARBALL}`) && v.includes(PACKAGE_NAME))).toBe(true);
			expect(installer.entrypoint).toEqual(['/bin/sh', '-c']);
		});

		it("the install step's command, run by sh, installs the tarball without n8n-workflow, and again over it", () => {
			const userFolder = join(folder, 'container', '.n8n');
			mkdirSync(userFolder, { recursive: true });
			const command = (Array.isArray(installer.command) ? installer.command.join(' ') : installer.command ?? '')
				.split(CONTAINER_USER_FOLDER)
				.join(userFolder)
				.replace(CONTAINER_TARBALL, tarball);
			const env = { ...process.env, npm_config_cache: join(folder, 'npm-cache') };
			execFileSync('/bin/sh', ['-c', command], { env, stdio: 'pipe' });
			expectInstalledWithoutPeer(join(userFolder, 'nodes'));
			// `docker compose up` runs it on every start: a second run over the installed folder must succeed too.
			execFileSync('/bin/sh', ['-c', command], { env, stdio: 'pipe' });
			expectInstalledWithoutPeer(join(userFolder, 'nodes'));
		}, 180000);
	});
});
