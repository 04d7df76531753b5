/** `npm run fake-cc [-- --port 8787 --rps 4 --quota 10000 --refresh-tokens rotating --reentry after-removal --put replace --email-lookup exact --activity-ms 50 --spec <swagger.yaml>]` */
import { parseArgs } from 'node:util';

import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startFakeConstantContact } from './index';

const env = process.env;
const { values } = parseArgs({
	options: {
		port: { type: 'string', default: env.FAKE_CC_PORT ?? '0' },
		rps: { type: 'string', default: env.FAKE_CC_RPS ?? '4' },
		quota: { type: 'string', default: env.FAKE_CC_DAILY_QUOTA ?? '10000' },
		'token-lifetime': { type: 'string', default: env.FAKE_CC_TOKEN_LIFETIME ?? '86400' },
		'refresh-tokens': { type: 'string', default: env.FAKE_CC_REFRESH_TOKENS ?? 'rotating' },
		reentry: { type: 'string', default: env.FAKE_CC_REENTRY ?? 'after-removal' },
		put: { type: 'string', default: env.FAKE_CC_PUT ?? 'replace' },
		'email-lookup': { type: 'string', default: env.FAKE_CC_EMAIL_LOOKUP ?? 'exact' },
		'activity-ms': { type: 'string', default: env.FAKE_CC_ACTIVITY_MS ?? '50' },
		spec: { type: 'string', default: env.CC_OPENAPI_SPEC },
		help: { type: 'boolean', default: false },
	},
});

if (values.help) {
	console.log(
		'Usage: npm run fake-cc -- [--port N] [--rps N|unlimited] [--quota N|unlimited] [--token-lifetime S]\n' +
			'  [--refresh-tokens rotating|long-lived] [--reentry after-removal|once-per-contact] [--put replace|merge]\n' +
			'  [--email-lookup exact|case-insensitive] [--activity-ms N] [--spec FILE]\n' +
			'Environment: FAKE_CC_PORT, FAKE_CC_RPS, FAKE_CC_DAILY_QUOTA, FAKE_CC_TOKEN_LIFETIME, FAKE_CC_REFRESH_TOKENS,\n' +
			'  FAKE_CC_REENTRY, FAKE_CC_PUT, FAKE_CC_EMAIL_LOOKUP, FAKE_CC_ACTIVITY_MS, CC_OPENAPI_SPEC.',
	);
	process.exit(0);
}

const limit = (value: string | undefined) => (value === 'unlimited' || value === 'null' ? null : Number(value));
const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T => {
	if (!allowed.includes(value as T)) throw new Error(`--${flag} must be one of ${allowed.join(', ')}`);
	return value as T;
};

async function main(): Promise<void> {
	const fake = await startFakeConstantContact({
		port: Number(values.port),
		requestsPerSecond: limit(values.rps),
		dailyQuota: limit(values.quota),
		accessTokenLifetimeSeconds: Number(values['token-lifetime']),
		refreshTokenMode: oneOf(values['refresh-tokens'], ['rotating', 'long-lived'] as const, 'refresh-tokens'),
		reentryPolicy: oneOf(values.reentry, ['after-removal', 'once-per-contact'] as const, 'reentry'),
		putSemantics: oneOf(values.put, ['replace', 'merge'] as const, 'put'),
		emailLookup: oneOf(values['email-lookup'], ['exact', 'case-insensitive'] as const, 'email-lookup'),
		activityProcessingMs: Number(values['activity-ms']),
		specPath: values.spec || undefined,
	});
	console.log(`Constant Contact stand-in listening on ${fake.baseUrl}`);
	console.log(`API base URL:    ${fake.apiBaseUrl}`);
	console.log(`OAuth base URL:  ${fake.oauthBaseUrl}`);
	console.log(`Control:         ${fake.baseUrl}/__control/<operation>`);
	console.log(`OAuth app:       client id ${DEFAULT_CLIENT_ID}, secret ${DEFAULT_CLIENT_SECRET}`);
	console.log(`Contract check:  ${fake.contractSource}`);
	const stop = () => {
		void fake.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
