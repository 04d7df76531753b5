/** Builds and packs the package once per run, exactly what `npm publish` would ship. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { CACHE_DIR, LOG_DIR, REPO_ROOT, log, run } from './provision';

export async function buildAndPack(): Promise<string> {
	const logFile = join(LOG_DIR, 'pack.log');
	const destination = join(CACHE_DIR, 'e2e-pack');
	rmSync(destination, { recursive: true, force: true });
	mkdirSync(destination, { recursive: true });
	log('npm run build && npm pack');
	await run('npm', ['run', 'build'], { cwd: REPO_ROOT, logFile });
	await run('npm', ['pack', '--pack-destination', destination], { cwd: REPO_ROOT, logFile });
	const tarballs = execFileSync('ls', [destination]).toString().split('\n').filter((f) => f.endsWith('.tgz'));
	if (tarballs.length !== 1) throw new Error(`npm pack produced ${tarballs.length} tarballs in ${destination}`);
	return join(destination, tarballs[0]);
}
