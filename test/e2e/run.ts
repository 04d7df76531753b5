/**
 * `npm run test:e2e`: provisions n8n 2.41.1 and 1.123.81 (cached in .cache/), builds and packs the package,
 * then runs every scenario on every version, one at a time (2 cores), printing one line per scenario:
 *   e2e <n8n version> <scenario>: ok|FAIL|skipped (<seconds> s, load <1-min load average>) <detail>
 * Exits non-zero when any scenario failed.
 *
 * Options: --version=2.41.1 (repeatable), --scenario=<name> (repeatable; also runs scenarios marked onlyWhenNamed),
 * --keep (keep user folders).
 * Environment: E2E_KEEP=1 as --keep; failed scenarios always keep their folders. E2E_TARBALL=<path.tgz> skips
 * build and pack and installs that tarball instead (for working on the harness itself). E2E_STRESS=<N> keeps N
 * bounded busy processes running for the whole run (stress.ts), to prove the suite does not depend on an idle CPU.
 * The run ends with the 1-minute load average seen during it.
 */
import { buildAndPack } from './pack';
import { N8N_VERSIONS, log, provisionN8n } from './provision';
import { ScenarioContext, type Scenario } from './scenario';
import { scenarios } from './scenarios';
import { loadAverageNow, sampleLoadAverage, startBusyProcesses, stressCount, stressMaxSeconds } from './stress';

interface Options {
	versions: string[];
	scenarioNames: string[];
	keep: boolean;
}

function parseOptions(argv: string[]): Options {
	const values = (name: string) => argv.filter((a) => a.startsWith(`--${name}=`)).flatMap((a) => a.slice(name.length + 3).split(','));
	return {
		versions: values('version').length ? values('version') : [...N8N_VERSIONS],
		scenarioNames: values('scenario'),
		keep: argv.includes('--keep') || process.env.E2E_KEEP === '1',
	};
}

function withTimeout<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds} s`)), seconds * 1000);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The message with its causes: undici's "fetch failed" says why (ECONNREFUSED, other side closed) only in `cause`. */
function describeError(error: Error): string {
	const parts = [error.message];
	for (let cause = error.cause as (Error & { code?: string }) | undefined; cause && parts.length < 4; cause = cause.cause as typeof cause) {
		parts.push([cause.code, cause.message].filter(Boolean).join(' '));
	}
	return parts.join(': ');
}

/**
 * A scenario's time limit only catches hangs; with E2E_STRESS=N the CPU is shared with N busy loops, so the limit
 * grows with it (x2 for N=2) instead of failing a slow but correct run.
 */
function timeLimitSeconds(scenario: Scenario, busy: number): number {
	return (scenario.timeoutSeconds ?? 300) * (1 + busy / 2);
}

async function runScenario(scenario: Scenario, context: ScenarioContext, keep: boolean, busy: number): Promise<boolean> {
	const started = Date.now();
	const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
	// The 1-minute load average at the end of the scenario: a failure on a busy machine says so.
	const line = (status: string, detail: string) => `e2e ${context.version} ${scenario.name}: ${status} (${seconds()} s, load ${loadAverageNow()?.toFixed(2) ?? '?'}) ${detail}`;
	const reason = scenario.notApplicable?.(context.installation);
	if (reason) {
		console.log(line('skipped', reason));
		return true;
	}
	log(`${context.version} ${scenario.name} ...`);
	let detail: string;
	let ok = true;
	try {
		detail = await withTimeout(scenario.run(context), timeLimitSeconds(scenario, busy), `scenario ${scenario.name}`);
	} catch (error) {
		ok = false;
		detail = describeError(error as Error).replace(/\s+/g, ' ').slice(0, 1500);
	}
	const { problems, failures } = await context.cleanUp(keep || !ok);
	if (problems.length) log(`clean-up of ${scenario.name}: ${problems.join('; ')}`);
	if (failures.length) {
		detail = ok ? failures.join('; ') : `${detail}; ${failures.join('; ')}`;
		ok = false;
	}
	if (!ok && context.userFolders.length) detail += ` [kept: ${context.userFolders.join(' ')}]`;
	console.log(line(ok ? 'ok' : 'FAIL', detail));
	return ok;
}

async function main(): Promise<number> {
	const options = parseOptions(process.argv.slice(2));
	const busy = stressCount();
	const wallStart = Date.now();
	const selected = scenarios.filter((s) => (options.scenarioNames.length ? options.scenarioNames.includes(s.name) : !s.onlyWhenNamed));
	if (!selected.length) throw new Error(`no scenario named ${options.scenarioNames.join(', ')}`);

	const installations = [];
	for (const version of options.versions) installations.push(await provisionN8n(version));
	log(`provisioned in ${Math.round((Date.now() - wallStart) / 1000)} s`);
	const tarball = process.env.E2E_TARBALL || (await buildAndPack());

	const load = sampleLoadAverage();
	const stress = busy ? startBusyProcesses(busy, stressMaxSeconds()) : undefined;
	if (stress) log(`E2E_STRESS=${busy}: busy processes ${stress.pids.join(', ')} run until the scenarios end`);
	let failures = 0;
	try {
		for (const installation of installations) {
			for (const scenario of selected) {
				const context = new ScenarioContext(installation, tarball, scenario.name);
				if (!(await runScenario(scenario, context, options.keep, busy))) failures++;
			}
		}
	} finally {
		stress?.stop();
		load.stop();
	}
	const total = Math.round((Date.now() - wallStart) / 1000);
	console.log(`e2e: ${failures ? `${failures} FAILED` : 'all ok'} — ${selected.length} scenarios x ${installations.length} n8n versions in ${total} s`);
	console.log(`e2e load: ${load.summary()}${busy ? ` with E2E_STRESS=${busy} busy processes` : ''}`);
	return failures ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(`e2e: could not run: ${error.message}`);
		process.exit(1);
	},
);
