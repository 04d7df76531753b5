const path = require('path');
const { src, dest, task } = require('gulp');

/** Copies node and credential icons next to the compiled files, keeping their relative paths. */
function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'icons/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest(path.resolve('dist')));
}

task('build:icons', copyIcons);
