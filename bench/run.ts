/**
 * `npm run bench`: the four benchmarks of issue 8 in one run, a table on stdout, bench/results.json and
 * bench/RESULTS.md. `npm run bench -- --smoke`: every part at small sizes (a couple of minutes, for CI); it
 * writes .cache/bench/results-smoke.json and leaves the committed figures alone.
 * Options: --only=1,2,3,4 (parts to run; a partial run writes .cache/bench/results-partial.json only);
 * --report (no measuring: rewrite RESULTS.md from bench/results.json, e.g. after editing bench/notes.ts);
 * --only=… --merge (the parts run replace theirs in bench/results.json and RESULTS.md, the others stay as they were
 * measured; RESULTS.md says which parts were re-measured when).
 * BENCH_CPU_PROFILE=<folder>: CPU profiles of every measured run of parts 1 and 3 (.cpuprofile files there, and the
 * top functions by self time in the results).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

import { CACHE_DIR } from '../test/e2e/provision';
import { METHOD_NOTES, FINDINGS } from './notes';
import { bulkAdd, bulkRemove, idleRun, naiveSignUp, unsubscribedOverRuns } from './parts/constantContact';
import { filterThroughput } from './parts/filterThroughput';
import { postgresTemplateRun } from './parts/postgresTemplate';
import { reminderMemory } from './parts/reminderMemory';
import { queueModeDuplicates, sharedRateLimit, tableMemory } from './parts/tableMemory';
import { BENCH_N8N_VERSION, provisionedN8n } from './host/spawn';
import { evaluateTargets, machineLine, tables, type Results } from './report';
import { progress } from './stats';

const SIZES = {
	full: {
		throughputCarts: [10_000, 100_000],
		throughputRuns: 5,
		contactsCarts: 10_000,
		naiveMeasuredOn: 500,
		accounts: [
			{ contacts: 40_000, onList: 20_000 },
			{ contacts: 200_000, onList: 100_000 },
		],
		idleCarts: 1_000,
		/** (2e) buyers removed from the two accounts above; the history case and the by-email contrast in the larger */
		removals: 10_000,
		activityHistory: 2_000,
		unsubscribedShoppers: 1_000,
		unsubscribedRuns: 10,
		memoryEntries: 1_000_000,
		memoryCarts: 10_000,
		memoryRuns: 5,
		tableMemoryEntries: [10_000, 100_000, 1_000_000],
		tableMemoryDuePerRun: 1_000,
		queueModeCheck: true,
		templateCarts: 10_000,
	},
	smoke: {
		throughputCarts: [500],
		throughputRuns: 2,
		contactsCarts: 200,
		naiveMeasuredOn: 20,
		accounts: [{ contacts: 1_000, onList: 500 }],
		idleCarts: 100,
		removals: 200,
		activityHistory: 600,
		unsubscribedShoppers: 100,
		unsubscribedRuns: 3,
		memoryEntries: 20_000,
		memoryCarts: 500,
		memoryRuns: 2,
		tableMemoryEntries: [2_000],
		tableMemoryDuePerRun: 100,
		queueModeCheck: false,
		templateCarts: 200,
	},
};

async function part<T>(results: Results, name: string, work: () => Promise<T>): Promise<T | undefined> {
	try {
		return await work();
	} finally {
		results.machine.loadAfterPart = [...(results.machine.loadAfterPart ?? []), { part: name, loadAverage1m: loadavg()[0] }];
	}
}

async function guarded<T>(results: Results, name: string, work: () => Promise<T>): Promise<T | undefined> {
	try {
		return await part(results, name, work);
	} catch (error) {
		const message = (error as Error).message;
		progress(`${name} failed: ${message}`);
		results.errors.push({ part: name, message });
		return undefined;
	}
}

function microBenchmark(): string[] {
	const output = execFileSync(process.execPath, [...process.execArgv, join(__dirname, 'filter-decide.ts')], {
		encoding: 'utf8',
		timeout: 600_000,
	});
	return output.split('\n').filter((line) => line.trim() !== '');
}

const RESULTS_JSON = join(__dirname, 'results.json');
const RESULTS_MD = join(__dirname, 'RESULTS.md');

function writeResultsMarkdown(results: Results): void {
	const micro = results.microBenchmark?.length
		? `\n\n### Decision logic alone (bench/filter-decide.ts, run by the same command)\n\n\`\`\`\n${results.microBenchmark.join('\n')}\n\`\`\``
		: '';
	const markdown = `# Benchmark results\n\nProduced by \`npm run bench\` (bench/run.ts); raw figures in bench/results.json.\n\n${machineLine(results)}\n\n${tables(results)}${micro}\n\n${FINDINGS}\n\n${METHOD_NOTES}\n`;
	writeFileSync(RESULTS_MD, markdown);
}

/** The committed results with the parts of a partial run replaced by its figures, and a note of when. */
function mergeParts(committed: Results, partial: Results, parts: string[]): Results {
	const keys: Record<string, Array<keyof Results>> = {
		'1': ['filterThroughput'],
		'2': ['contacts'],
		'3': ['reminderMemory', 'tableMemory', 'queueModeCheck', 'microBenchmark'],
		'4': ['postgresTemplate'],
	};
	const merged: Results = { ...committed, errors: [...committed.errors, ...partial.errors] };
	for (const part of parts) for (const key of keys[part] ?? []) (merged as unknown as Record<string, unknown>)[key] = partial[key];
	merged.remeasured = [
		...(committed.remeasured ?? []),
		{ parts, date: partial.date, command: partial.command, durationSeconds: partial.durationSeconds, machine: partial.machine },
	];
	merged.targets = evaluateTargets(merged);
	return merged;
}

async function main(): Promise<number> {
	const argv = process.argv.slice(2);
	if (argv.includes('--report')) {
		writeResultsMarkdown(JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Results);
		progress('bench/RESULTS.md rewritten from bench/results.json');
		return 0;
	}
	const mode = argv.includes('--smoke') ? 'smoke' : 'full';
	const onlyArg = argv.find((a) => a.startsWith('--only='));
	const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
	const wanted = (n: string) => !only || only.has(n);
	const sizes = SIZES[mode];
	const startedAt = Date.now();
	const n8n = await provisionedN8n();
	const results: Results = {
		mode,
		date: new Date().toISOString(),
		command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
		machine: {
			cpus: cpus().length,
			cpuModel: cpus()[0]?.model ?? 'unknown',
			memoryBytes: totalmem(),
			node: process.version,
			benchChildNode: execFileSync(n8n.nodeBinary, ['--version'], { encoding: 'utf8' }).trim(),
			n8n: BENCH_N8N_VERSION,
			loadAverageAtStart: loadavg(),
		},
		filterThroughput: [],
		targets: [],
		errors: [],
	};
	progress(`${mode} run; load average ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);

	if (wanted('1')) {
		for (const carts of sizes.throughputCarts) {
			const figures = await guarded(results, `1. filter throughput (${carts} carts)`, () => filterThroughput(carts, sizes.throughputRuns));
			if (figures) results.filterThroughput.push(figures);
		}
	}
	if (wanted('2')) {
		const bulk = await guarded(results, '2a. bulk Add to Autoresponder List', () => bulkAdd(sizes.contactsCarts));
		const bulkAccounts = [];
		for (const account of sizes.accounts) {
			const cost = await guarded(results, `2a. bulk Add to Autoresponder List, account of ${account.contacts} contacts`, () =>
				bulkAdd(sizes.contactsCarts, account),
			);
			if (cost) bulkAccounts.push(cost);
		}
		const removals = [];
		const largest = sizes.accounts[sizes.accounts.length - 1];
		const removalCases = [
			...sizes.accounts.map((account) => ({ account, byContactId: true, activityHistory: 0 })),
			{ account: largest, byContactId: true, activityHistory: sizes.activityHistory },
			{ account: largest, byContactId: false, activityHistory: 0 },
		];
		for (const { account, byContactId, activityHistory } of removalCases) {
			const what = `2e. bulk remove ${byContactId ? 'by contact ID' : 'by email'}, account of ${account.contacts} contacts${activityHistory ? `, ${activityHistory} earlier activities` : ''}`;
			const cost = await guarded(results, what, () => bulkRemove(sizes.removals, account, { byContactId, activityHistory }));
			if (cost) removals.push(cost);
		}
		const idle = await guarded(results, '2c. idle run', () => idleRun(sizes.idleCarts, { contacts: 0, onList: 0 }));
		const unsubscribed = await guarded(results, '2d. unsubscribed shoppers over several runs', () =>
			unsubscribedOverRuns(sizes.unsubscribedShoppers, sizes.unsubscribedRuns),
		);
		const concurrency = sizes.queueModeCheck
			? await guarded(results, '2f. several executions at once (2 queue-mode workers x 5)', () => sharedRateLimit())
			: undefined;
		const naive = await guarded(results, '2b. naive HTTP Request', () => naiveSignUp(sizes.contactsCarts, sizes.naiveMeasuredOn));
		results.contacts = { bulk, bulkAccounts, removals, idle, unsubscribed, concurrency, naive, wallRatio: bulk && naive ? naive.wallMs / bulk.wallMs : undefined };
	}
	if (wanted('3')) {
		results.reminderMemory = await guarded(results, '3. reminder memory', () =>
			reminderMemory(sizes.memoryEntries, sizes.memoryCarts, sizes.memoryRuns),
		);
		results.tableMemory = [];
		for (const entries of sizes.tableMemoryEntries) {
			const figures = await guarded(results, `3b. reminder memory in the shop's table (${entries} entries)`, () =>
				tableMemory(entries, sizes.tableMemoryDuePerRun, sizes.memoryRuns),
			);
			if (figures) results.tableMemory.push(figures);
		}
		if (sizes.queueModeCheck) results.queueModeCheck = await guarded(results, '3c. queue mode, 20 concurrent executions', () => queueModeDuplicates());
		if (mode === 'full') results.microBenchmark = await guarded(results, '3. filter-decide micro-benchmark', async () => microBenchmark());
	}
	if (wanted('4')) {
		results.postgresTemplate = await guarded(results, '4. PostgreSQL template in n8n 2.41.1', () => postgresTemplateRun(sizes.templateCarts));
	}

	results.machine.loadAverageAtEnd = loadavg();
	results.durationSeconds = Math.round((Date.now() - startedAt) / 1000);
	results.targets = evaluateTargets(results);
	const body = tables(results);
	console.log(`\n${body}\n`);

	if (mode === 'full' && only && argv.includes('--merge')) {
		const merged = mergeParts(JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Results, results, [...only]);
		writeFileSync(RESULTS_JSON, `${JSON.stringify(merged, null, 2)}\n`);
		writeResultsMarkdown(merged);
		progress(`parts ${[...only].join(', ')} merged into bench/results.json and bench/RESULTS.md`);
	} else if (mode === 'smoke' || only) {
		// Small or partial runs never replace the committed figures.
		const file = join(CACHE_DIR, 'bench', mode === 'smoke' ? 'results-smoke.json' : 'results-partial.json');
		mkdirSync(join(CACHE_DIR, 'bench'), { recursive: true });
		writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
		progress(`figures in ${file}; bench/results.json and bench/RESULTS.md left alone`);
	} else {
		writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
		writeResultsMarkdown(results);
		progress('bench/results.json and bench/RESULTS.md written');
	}
	return results.errors.length ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(`bench: could not run: ${error.stack ?? error.message}`);
		process.exit(1);
	},
);
