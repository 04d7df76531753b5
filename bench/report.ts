/** The bench's table (printed and written to RESULTS.md), results.json, and the targets of issue 8. */
import type { ContactCost, ExistingAccount, IdleRunCost, RemovalCost, UnsubscribedRunsCost } from './parts/constantContact';
import type { FilterThroughput } from './parts/filterThroughput';
import type { TemplateRun } from './parts/postgresTemplate';
import type { ReminderMemory } from './parts/reminderMemory';
import type { QueueModeCheck, SharedRateLimitCheck, TableMemory } from './parts/tableMemory';
import { count, mib, seconds } from './stats';

export interface Machine {
	cpus: number;
	cpuModel: string;
	memoryBytes: number;
	node: string;
	benchChildNode: string;
	n8n: string;
	loadAverageAtStart: number[];
	loadAverageAtEnd?: number[];
	/** The 1-minute load average as each part finished (the bench itself uses one to two cores). */
	loadAfterPart?: Array<{ part: string; loadAverage1m: number }>;
}

export interface Results {
	mode: 'full' | 'smoke';
	date: string;
	command: string;
	durationSeconds?: number;
	machine: Machine;
	filterThroughput: FilterThroughput[];
	contacts?: {
		bulk?: ContactCost;
		/** Older results: one account with contacts. */
		bulkMature?: ContactCost & { existing?: ExistingAccount };
		bulkAccounts?: Array<ContactCost & { existing?: ExistingAccount }>;
		/** (2e) Buyers taken off the list in one run. */
		removals?: RemovalCost[];
		/** (2f) Several executions at once sharing one application's 4 requests/s. */
		concurrency?: SharedRateLimitCheck;
		idle?: IdleRunCost;
		unsubscribed?: UnsubscribedRunsCost;
		naive?: ContactCost;
		wallRatio?: number;
	};
	reminderMemory?: ReminderMemory;
	/** The templates' default memory (issue 16): the shop's table, claimed before the send. */
	tableMemory?: TableMemory[];
	queueModeCheck?: QueueModeCheck;
	postgresTemplate?: TemplateRun;
	/** Output of bench/filter-decide.ts (the filter engineer's micro-benchmark of the decision logic alone). */
	microBenchmark?: string[];
	targets: Target[];
	errors: Array<{ part: string; message: string }>;
	/** Parts measured again later (`--only=… --merge`), replacing the figures of this run. */
	remeasured?: Array<{ parts: string[]; date: string; command: string; durationSeconds?: number; machine: Machine }>;
}

export interface Target {
	target: string;
	figure: string;
	met: boolean | null;
}

const FULL = { throughputCarts: 100_000, contactsCarts: 10_000, memoryEntries: 1_000_000, templateCarts: 10_000 };

function verdict(met: boolean | null, mode: Results['mode']): string {
	if (met === null) return 'not measured';
	const word = met ? 'met' : 'MISSED';
	return mode === 'smoke' ? `(smoke: ${word.toLowerCase()} at small size)` : word;
}

function sized(atSize: boolean): string {
	return atSize ? '' : ' (smoke size, not the target size)';
}

/** The bulk runs into accounts that already hold contacts (older results have one, as bulkMature). */
function accountsOf(r: Results): Array<ContactCost & { existing?: ExistingAccount }> {
	const accounts = r.contacts?.bulkAccounts ?? (r.contacts?.bulkMature ? [r.contacts.bulkMature] : []);
	return accounts.filter((account) => account.existing);
}

export function evaluateTargets(r: Results): Target[] {
	const targets: Target[] = [];
	const big = [...r.filterThroughput].sort((a, b) => b.carts - a.carts)[0];
	targets.push({
		target: `filter (a) at least 5x faster than stock If + Code (b) on ${count(FULL.throughputCarts)} carts`,
		figure: big ? `${big.ratio.toFixed(1)}x on ${count(big.carts)} carts${sized(big.carts >= FULL.throughputCarts)}` : 'n/a',
		met: big ? big.ratio >= 5 : null,
	});
	const bulk = r.contacts?.bulk;
	const naive = r.contacts?.naive;
	const perShopperBudget = (cost: ContactCost) => cost.requests <= cost.carts / 400 + 6;
	const perShopper = (cost: ContactCost) => `${count(cost.requests)} requests for ${count(cost.carts)} shoppers = 1 per ${Math.round(cost.carts / cost.requests)} (budget ${count(Math.floor(cost.carts / 400 + 6))})${sized(cost.carts >= FULL.contactsCarts)}`;
	targets.push({
		target: 'bulk mode: at most 1 request per 400 shoppers + 6, new account',
		figure: bulk ? perShopper(bulk) : 'n/a',
		met: bulk ? perShopperBudget(bulk) : null,
	});
	for (const account of accountsOf(r)) {
		targets.push({
			target: `bulk mode: at most 1 request per 400 shoppers + 6, into an account of ${count(account.existing!.contacts)} contacts (${count(account.existing!.onList)} on the list)`,
			figure: perShopper(account),
			met: perShopperBudget(account),
		});
	}
	for (const removal of r.contacts?.removals ?? []) {
		// The budget holds for removals by contact ID; by email, and with a long activity history, the row says what it costs instead
		if (!removal.byContactId || removal.activityHistory > 0) continue;
		targets.push({
			target: `bulk remove by contact ID: at most 1 request per 400 buyers + 6, from an account of ${count(removal.existing.contacts)} contacts (${count(removal.existing.onList)} on the list), every buyer off the list`,
			figure: `${perShopper(removal)}; ${removal.stillOnList} still on the list, ${removal.failedItems} failed items`,
			met: perShopperBudget(removal) && removal.stillOnList === 0 && removal.failedItems === 0,
		});
	}
	const concurrency = r.contacts?.concurrency;
	targets.push({
		target: 'several executions at once (main + 2 queue-mode workers, concurrency 5, 10 executions) within one application\'s 4 requests/s: 0 failed items',
		figure: concurrency
			? `${concurrency.failedItems ?? '?'} failed items of ${concurrency.shoppers ?? '?'}; ${concurrency.throttled429 ?? '?'} of ${concurrency.requests ?? '?'} requests answered 429 and were retried; ${concurrency.wallSeconds ?? '?'} s`
			: 'n/a (not run in smoke mode)',
		met: concurrency ? concurrency.passed && concurrency.failedItems === 0 : null,
	});
	const idle = r.contacts?.idle;
	const unsubscribed = r.contacts?.unsubscribed;
	targets.push({
		target: 'unsubscribed shoppers with open carts: at most 1 look-up each over 10 runs, 0 consent violations',
		figure: unsubscribed
			? `${count(unsubscribed.shoppers)} shoppers over ${unsubscribed.runs} runs: at most ${unsubscribed.mostLookUpsOfOneShopper} look-up(s) of one shopper, requests per run ${unsubscribed.requestsPerRun.join(', ')}, ${unsubscribed.consentViolations} consent violations`
			: 'n/a',
		met: unsubscribed ? unsubscribed.mostLookUpsOfOneShopper <= 1 && unsubscribed.consentViolations === 0 : null,
	});
	targets.push({
		target: 'a run with nothing due: 0 Constant Contact requests',
		figure: idle ? `${count(idle.requests)} requests (${count(idle.carts)} carts, ${count(idle.due)} due)` : 'n/a',
		met: idle ? idle.requests === 0 && idle.due === 0 : null,
	});
	targets.push({
		target: 'bulk mode: at least 40x less wall time than the naive pattern',
		figure: r.contacts?.wallRatio !== undefined && bulk && naive ? `${r.contacts.wallRatio.toFixed(0)}x (${seconds(bulk.wallMs)} vs ${seconds(naive.wallMs)} scaled)${sized(bulk.carts >= FULL.contactsCarts)}` : 'n/a',
		met: r.contacts?.wallRatio !== undefined ? r.contacts.wallRatio >= 40 : null,
	});
	targets.push({
		target: 'bulk mode: zero 429s',
		figure: bulk ? `${bulk.throttled429 + bulk.quota429} 429s${accountsOf(r).map((a) => ` (${a.throttled429 + a.quota429} into the account of ${count(a.existing!.contacts)})`).join('')}` : 'n/a',
		met: bulk ? [bulk, ...accountsOf(r)].every((cost) => cost.throttled429 + cost.quota429 === 0) : null,
	});
	const memory = r.reminderMemory;
	targets.push({
		target: `one filter run with ${count(FULL.memoryEntries)} remembered entries under 2 s`,
		figure: memory
			? `median of ${memory.runs.length} executions ${seconds(memory.medianRunMs)}, slowest ${seconds(memory.slowestRunMs)} (${count(memory.carts)} carts, ${count(memory.entries)} entries)${sized(memory.entries >= FULL.memoryEntries)}`
			: 'n/a',
		met: memory ? memory.medianRunMs < 2000 : null,
	});
	if (memory) {
		targets.push({
			target: 'the same, counting what n8n does around each execution with the static data (load it, save it)',
			figure: `median ${seconds(memory.medianWithLoadAndSaveMs)}, slowest ${seconds(memory.slowestWithLoadAndSaveMs)}${sized(memory.entries >= FULL.memoryEntries)}`,
			met: memory.medianWithLoadAndSaveMs < 2000,
		});
	}
	const biggestTable = [...(r.tableMemory ?? [])].sort((a, b) => b.entries - a.entries)[0];
	targets.push({
		target: `the templates' memory (the shop's table) with ${count(FULL.memoryEntries)} remembered entries: one execution under 2 s, everything n8n does included`,
		figure: biggestTable
			? `median of ${biggestTable.runs.length} executions ${seconds(biggestTable.medianMs)}, slowest ${seconds(biggestTable.slowestMs)} (${count(biggestTable.dueCartsPerRun)} due carts per run; static data n8n loads and saves: ${count(biggestTable.staticDataBytes)} bytes)${sized(biggestTable.entries >= FULL.memoryEntries)}`
			: 'n/a',
		met: biggestTable ? biggestTable.medianMs < 2000 : null,
	});
	const queue = r.queueModeCheck;
	targets.push({
		target: 'queue mode (main + 2 workers), 20 concurrent executions over the same carts: 0 duplicates, 0 lost',
		figure: queue ? queue.detail : 'n/a (not run in smoke mode)',
		met: queue ? queue.passed : null,
	});
	const template = r.postgresTemplate;
	targets.push({
		target: `PostgreSQL template over ${count(FULL.templateCarts)} carts under 60 s (trigger to last contact on the list)`,
		figure: template ? `${seconds(template.triggerToLastContactMs)} over ${count(template.carts)} carts, ${count(template.contactsOnList)} contacts on the list${sized(template.carts >= FULL.templateCarts)}` : 'n/a',
		met: template ? template.triggerToLastContactMs < 60_000 && template.contactsOnList === template.sent : null,
	});
	return targets;
}

function table(header: string[], rows: string[][]): string {
	const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
	return lines.join('\n');
}

function endpointsOf(cost?: ContactCost): string {
	return Object.entries(cost?.requestsByEndpoint ?? {}).map(([endpoint, n]) => `${endpoint} ${n}`).join(', ');
}

function contactRow(label: string, c: ContactCost, note: string): string[] {
	return [
		label,
		count(c.carts),
		count(c.requests),
		count(c.quotaUsed),
		`${count(c.throttled429)} throttled, ${count(c.quota429)} quota`,
		seconds(c.wallMs),
		note,
	];
}

/** The figures as markdown tables: printed by `npm run bench` and the body of RESULTS.md. */
export function tables(r: Results): string {
	const out: string[] = [];
	out.push('### 1. Filter throughput in n8n\'s engine (WorkflowExecute, n8n 2.41.1)');
	out.push(
		table(
			['carts', '(a) Abandoned Cart Filter', '(b) If + Code (stock nodes)', '(a)/(b)', 'peak RSS (a)', 'peak RSS (b): n8n + task runner', 'runs'],
			r.filterThroughput.map((f) => [
				count(f.carts),
				`${count(f.filter.medianItemsPerSecond)} items/s (${seconds(f.filter.medianMs)})`,
				`${count(f.stock.medianItemsPerSecond)} items/s (${seconds(f.stock.medianMs)}; If ${seconds(f.stock.medianNodeMs['Is Abandoned'] ?? 0)}, Code ${seconds(f.stock.medianNodeMs['Route Carts'] ?? 0)})`,
				`${f.ratio.toFixed(1)}x`,
				mib(f.filter.peakRss),
				`${mib(f.stock.peakRss)} + ${mib(f.stock.runnerPeakRss)}`,
				`median of ${f.runs}, alternating, one process each`,
			]),
		),
	);
	const c = r.contacts;
	if (c?.bulk || c?.naive) {
		out.push('### 2. Constant Contact cost (stand-in with the real limits: 4 requests/s, 10,000 requests/day)');
		const rows: string[][] = [];
		if (c.bulk) rows.push(contactRow('(a) Add to Autoresponder List, bulk, new account', c.bulk, `measured; ${count(c.bulk.contactsOnList)} contacts on the list, ${c.bulk.failedItems} failed items`));
		for (const account of accountsOf(r)) {
			rows.push(
				contactRow(
					`(a') the same into an account of ${count(account.existing!.contacts)} contacts, ${count(account.existing!.onList)} already on the list`,
					account,
					`measured; ${count(account.contactsOnList)} new entries in the automation, ${account.failedItems} failed items`,
				),
			);
		}
		for (const removal of c.removals ?? []) {
			const how = removal.byContactId ? 'by the contact ID the shop kept' : 'by email (no contact ID)';
			const history = removal.activityHistory ? `, after ${count(removal.activityHistory)} bulk activities in the last 10 days` : '';
			rows.push(
				contactRow(
					`(e) Remove Contact from List, bulk, ${how}: buyers of an account of ${count(removal.existing.contacts)} contacts (${count(removal.existing.onList)} on the list)${history}`,
					removal,
					`measured; ${removal.stillOnList} still on the list, ${removal.failedItems} failed items; ${endpointsOf(removal)}`,
				),
			);
		}
		if (c.idle) {
			rows.push([
				'(c) a scheduled run with nothing due (Abandoned Cart Filter into Add to Autoresponder List)',
				count(c.idle.carts),
				count(c.idle.requests),
				count(c.idle.requests),
				'0 throttled, 0 quota',
				seconds(c.idle.wallMs),
				`measured; ${count(c.idle.due)} carts due`,
			]);
		}
		if (c.unsubscribed) {
			const u = c.unsubscribed;
			rows.push([
				`(d) ${count(u.shoppers)} unsubscribed shoppers with open carts, ${u.runs} scheduled runs (filter, Add, Mark Reminders Sent)`,
				count(u.shoppers),
				count(u.requestsPerRun.reduce((sum, n) => sum + n, 0)),
				count(u.requestsPerRun.reduce((sum, n) => sum + n, 0) - u.throttled429),
				`${count(u.throttled429)} throttled, 0 quota`,
				seconds(u.wallMs),
				`measured; requests per run ${u.requestsPerRun.join(', ')}; ${count(u.lookUps)} look-ups in all, at most ${u.mostLookUpsOfOneShopper} of one shopper; ${u.consentViolations} consent violations`,
			]);
		}
		if (c.concurrency) {
			const f = c.concurrency;
			rows.push([
				'(f) several executions at once: main + 2 queue-mode workers at concurrency 5, 10 webhook executions, shoppers item by item (n8n 2.41.1, e2e scenario queue-shared-rate-limit)',
				count(f.shoppers ?? 0),
				count(f.requests ?? 0),
				count((f.requests ?? 0) - (f.throttled429 ?? 0)),
				`${count(f.throttled429 ?? 0)} throttled, 0 quota`,
				f.wallSeconds !== undefined ? `${f.wallSeconds} s` : 'n/a',
				`measured; ${f.passed ? `${f.failedItems ?? '?'} failed items` : `FAILED: ${f.detail.slice(0, 200)}`}`,
			]);
		}
		if (c.naive) {
			const scaled = c.naive.measuredOn < c.naive.carts;
			rows.push(
				contactRow(
					'(b) HTTP Request, one sign_up_form per shopper',
					c.naive,
					`${scaled ? `**measured on ${count(c.naive.measuredOn)} carts and scaled x${+(c.naive.carts / c.naive.measuredOn).toFixed(2)}**` : 'measured'}; batching 1 per 250 ms; ${c.naive.failedItems} of ${count(c.naive.measuredOn)} items failed`,
				),
			);
		}
		out.push(table(['pattern', 'carts', 'requests', 'quota used', '429s', 'wall time', 'note'], rows));
		if (c.wallRatio !== undefined) out.push(`Wall time (b)/(a): **${c.wallRatio.toFixed(0)}x**${accountsOf(r).map((a) => (c.naive ? `; (b)/(a') at ${count(a.existing!.contacts)} contacts: **${(c.naive.wallMs / a.wallMs).toFixed(0)}x**` : '')).join('')}.`);
		out.push(`Requests of (a) by endpoint: ${endpointsOf(c.bulk)}.${accountsOf(r).map((a) => ` Of (a') at ${count(a.existing!.contacts)} contacts: ${endpointsOf(a)}.`).join('')}`);
	}
	const m = r.reminderMemory;
	if (m) {
		out.push('### 3. Reminder memory ("n8n Remembers", the filter\'s RememberedReminders in workflow static data)');
		out.push(
			table(
				['measure', 'figure'],
				[
					['remembered (cart, step) entries', `${count(m.entries)} (${count(m.remembered.emails)} shopper entries alongside)`],
					['heap per remembered entry', `${count(m.heapBytesPerEntry)} bytes (${mib(m.heapBytes)} in all)`],
					['static-data JSON per entry (what n8n stores)', `${count(m.jsonBytesPerEntry)} bytes (${mib(m.jsonBytes)} in all)`],
					[`one Decide run over ${count(m.carts)} carts through WorkflowExecute (of which the node itself)`, m.runs.map((run) => `${Math.round(run.ms)} ms (${run.nodeMs} ms)`).join(', ')],
					['around each run, n8n loading the static data (JSON.parse) / saving it (JSON.stringify)', m.runs.map((run) => `${Math.round(run.loadMs)} / ${Math.round(run.saveMs)} ms`).join(', ')],
					['run with load and save: median / slowest', `${seconds(m.medianWithLoadAndSaveMs)} / ${seconds(m.slowestWithLoadAndSaveMs)}`],
					['peak RSS of the process', mib(m.peakRss)],
				],
			),
		);
	}
	if (r.tableMemory?.length) {
		out.push('### 3b. Reminder memory in the shop\'s table (the PostgreSQL template\'s default: "My Data Source Tracks It" + Claim Reminders, real n8n 2.41.1)');
		out.push(
			table(
				['remembered entries', 'due carts per run', 'execution (n8n\'s start to end): median / slowest', 'each run', 'time per node (median run)', 'table + indexes', 'static data n8n loads and saves', 'sent twice / never recorded'],
				r.tableMemory.map((m) => {
					const medianRun = [...m.runs].sort((a, b) => a.executionMs - b.executionMs)[Math.floor(m.runs.length / 2)];
					return [
						count(m.entries),
						count(m.dueCartsPerRun),
						`${seconds(m.medianMs)} / ${seconds(m.slowestMs)}`,
						m.runs.map((run) => `${run.executionMs} ms`).join(', '),
						Object.entries(medianRun?.nodeMs ?? {}).map(([n, ms]) => `${n} ${ms} ms`).join(', '),
						`${mib(m.tableBytes)} (${count(m.tableBytesPerEntry)} bytes per entry)`,
						`${count(m.staticDataBytes)} bytes`,
						`${count(m.duplicates)} / ${count(m.lost)}`,
					];
				}),
			),
		);
	}
	const q = r.queueModeCheck;
	if (q) out.push(`**3c. Queue mode** (test/e2e/scenarios/queue-exactly-once.ts on n8n 2.41.1): ${q.passed ? 'passed' : 'FAILED'}: ${q.detail}`);
	const t = r.postgresTemplate;
	if (t) {
		out.push('### 4. PostgreSQL template in real n8n 2.41.1 (`n8n execute`, PostgreSQL 127.0.0.1, stand-in with real limits)');
		out.push(
			table(
				['measure', 'figure'],
				[
					['carts in the table / due / selected by the query / sent by the filter', `${count(t.carts)} / ${count(t.dueCarts)} / ${count(t.selected)} / ${count(t.sent)}${t.queryLimitRaised ? ' — **the template\'s `LIMIT 5000` was raised to the cart count for this run**' : ''}`],
					['trigger (execution start) to last contact on the list', seconds(t.triggerToLastContactMs)],
					['execution start to end', seconds(t.executionMs)],
					['`n8n execute` process, start to exit', seconds(t.cliWallMs)],
					['contacts on the list', count(t.contactsOnList)],
					['Constant Contact requests / 429s', `${count(t.requests)} / ${count(t.throttled429)}`],
					['time per node', Object.entries(t.nodeMs).map(([n, ms]) => `${n} ${ms} ms`).join(', ')],
				],
			),
		);
	}
	out.push('### Targets');
	out.push(table(['target', 'figure', 'verdict'], r.targets.map((x) => [x.target, x.figure, verdict(x.met, r.mode)])));
	if (r.errors.length) {
		out.push('### Parts that failed');
		for (const e of r.errors) out.push(`- ${e.part}: ${e.message.split('\n').slice(0, 6).join(' / ')}`);
	}
	return out.join('\n\n');
}

export function machineLine(r: Results): string {
	const m = r.machine;
	const load = (l?: number[]) => (l ? l.map((x) => x.toFixed(2)).join(', ') : 'n/a');
	return [
		`- Date: ${r.date} (${r.durationSeconds ?? '?'} s for the whole bench), command: \`${r.command}\``,
		`- Machine: ${m.cpus} CPUs (\`nproc\`), ${m.cpuModel}, ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB memory`,
		`- Node: ${m.node} (bench driver, harness parts 2a) and ${m.benchChildNode} (children on the provisioned n8n ${m.n8n}: parts 1, 2b, 3; real n8n: part 4)`,
		`- Load average (1, 5, 15 min) at start: ${load(m.loadAverageAtStart)}; at end: ${load(m.loadAverageAtEnd)}. Other engineers' test runs share the 2 cores.`,
		`- 1-minute load as each part finished: ${(m.loadAfterPart ?? []).map((p) => `${p.part} ${p.loadAverage1m.toFixed(2)}`).join("; ") || 'n/a'}`,
		...(r.remeasured ?? []).map(
			(again) =>
				`- **Part(s) ${again.parts.join(', ')} measured again** on ${again.date} (${again.durationSeconds ?? '?'} s), command \`${again.command}\`: load average at start ${load(again.machine.loadAverageAtStart)}, at end ${load(again.machine.loadAverageAtEnd)}; 1-minute load as each part finished: ${(again.machine.loadAfterPart ?? []).map((p) => `${p.part} ${p.loadAverage1m.toFixed(2)}`).join('; ') || 'n/a'}. The other parts are from the date above.`,
		),
	].join('\n');
}
