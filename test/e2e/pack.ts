/** Builds and packs the package once per run, exactly what `npm publish` would ship. */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { CACHE_DIR, LOG_DIR, REPO_ROOT, isAlive, log, run } from './provision';

const PACK_ROOT = join(CACHE_DIR, 'e2e-pack');

/**
 * `npm run build && npm pack` into a folder of this process (`.cache/e2e-pack/<pid>/`): an e2e run, the demo and
 * a colleague's run may overlap, and none may delete the tarball another is installing. Folders of ended
 * processes are removed.
 */
export async function buildAndPack(): Promise<string> {
	mkdirSync(PACK_ROOT, { recursive: true });
	for (const entry of readdirSync(PACK_ROOT)) {
		const pid = Number(entry);
		if (!Number.isInteger(pid) || !isAlive(pid)) rmSync(join(PACK_ROOT, entry), { recursive: true, force: true });
	}
	const destination = join(PACK_ROOT, String(process.pid));
	mkdirSync(destination, { recursive: true });
	const logFile = join(LOG_DIR, `pack-${process.pid}.log`);
	log('npm run build && npm pack');
	await run('npm', ['run', 'build'], { cwd: REPO_ROOT, logFile, progress: { what: 'building the package (npm run build)', expected: 'usually under 1 min' } });
	await run('npm', ['pack', '--pack-destination', destination], { cwd: REPO_ROOT, logFile, progress: { what: 'packing the package (npm pack)', expected: 'usually under 30 s' } });
	const tarballs = readdirSync(destination).filter((f) => f.endsWith('.tgz'));
	if (tarballs.length !== 1) throw new Error(`npm pack produced ${tarballs.length} tarballs in ${destination}`);
	const tarball = join(destination, tarballs[0]);
	if (!existsSync(tarball)) throw new Error(`npm pack's tarball is missing: ${tarball}`);
	return tarball;
}
