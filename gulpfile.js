// `n8n-node build` now compiles and copies the icons (it replaced this file's old build:icons task). It copies every
// png and svg of the repository, though, so the README's screenshots (docs/*.png) land in dist/ and, through
// "files": ["dist"], in the npm package. gulp's remaining job is to take out of dist/ what the package does not load.
const fs = require('fs');
const path = require('path');
const { task } = require('gulp');

const DIST = path.resolve('dist');
/** The source folders whose compiled code and icons n8n loads (tsconfig.json compiles nodes/ and credentials/). */
const SHIPPED_FOLDERS = ['nodes', 'credentials', 'icons'];

/** Removes every top-level folder or file of dist/ that does not come from a shipped source folder. */
function removeUnshippedFiles(done) {
	for (const entry of fs.readdirSync(DIST)) {
		if (SHIPPED_FOLDERS.includes(entry)) continue;
		fs.rmSync(path.join(DIST, entry), { recursive: true, force: true });
		console.log(`dist/${entry} removed: not part of the package`);
	}
	done();
}

task('build:remove-unshipped', removeUnshippedFiles);
