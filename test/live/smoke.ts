/**
 * `npm run smoke:live [-- --delete-contact]`: the live check against your Constant Contact account (or the
 * stand-in), configured by environment variables; see test/live/README.md. Exit 0 only if every step matched.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';

import { runLiveCheck } from './check';
import { readLiveConfig } from './config';

const USAGE = `Usage: npm run smoke:live [-- --delete-contact]
Required: CC_CLIENT_ID, CC_CLIENT_SECRET, CC_LIST_NAME, CC_TEST_EMAIL
Token:    CC_REFRESH_TOKEN, or CC_TOKEN_FILE, or none (then authorize in the browser; needs a terminal)
Optional: CC_REDIRECT_URI, CC_SCOPE, CC_OAUTH_BASE_URL, CC_API_BASE_URL, CC_CUSTOM_FIELDS, CC_DELETE_TEST_CONTACT=1
Details:  test/live/README.md`;

async function main(): Promise<number> {
	const argv = process.argv.slice(2);
	if (argv.includes('--help') || argv.includes('-h')) {
		console.log(USAGE);
		return 0;
	}
	const { config, problems } = readLiveConfig(process.env, argv);
	const tokenFile = (process.env.CC_TOKEN_FILE ?? '').trim();
	if (!config.refreshToken && tokenFile && existsSync(tokenFile)) {
		config.refreshToken = readFileSync(tokenFile, 'utf8').trim() || undefined;
	}
	if (problems.length > 0) {
		console.error(`The live check is not configured:\n  ${problems.join('\n  ')}\n\n${USAGE}`);
		return 2;
	}
	const terminal = process.stdin.isTTY === true && !config.refreshToken;
	const result = await runLiveCheck(config, {
		askForRedirect: terminal ? askOnce : undefined,
		// A rotating refresh token works once: keep the new one where the next run will find it.
		onRefreshToken: tokenFile ? (token) => writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 }) : undefined,
	});
	if (!tokenFile && result.observed.refreshTokens === 'rotating' && config.refreshToken) {
		console.log('Note: your app issues rotating refresh tokens, so CC_REFRESH_TOKEN is now used up. Set CC_TOKEN_FILE to keep the new one, or authorize again next time.');
	}
	return result.ok ? 0 : 1;
}

async function askOnce(): Promise<string> {
	const prompt = createInterface({ input: process.stdin, output: process.stdout });
	try {
		return await prompt.question('> ');
	} finally {
		prompt.close();
	}
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: Error) => {
		console.error(`The live check stopped: ${error.message}`);
		process.exitCode = 1;
	},
);
