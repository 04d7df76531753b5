/**
 * Keeps test/RELIABILITY.md honest: each suite owns one table (between `<!-- table:<name> -->` markers) and its
 * rows are the suite's observations. A suite fails when the file says something else; RELIABILITY_WRITE=1
 * rewrites the suite's table from what it observed.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RELIABILITY_FILE = join(__dirname, '..', 'RELIABILITY.md');
const HEADER = [
	'| Fault or bad input | Injected by | Items | Lost | Duplicates | Re-subscriptions | Secrets leaked | Observed |',
	'|---|---|---|---|---|---|---|---|',
];

export interface Row {
	kind: string;
	test: string;
	items: number;
	lost: number;
	duplicates: number;
	resubscriptions: number;
	secretsLeaked: number;
	observed: string;
}

function cell(text: string | number): string {
	return String(text).replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

export function formatRow(row: Row): string {
	return `| ${[row.kind, `\`${row.test}\``, row.items, row.lost, row.duplicates, row.resubscriptions, row.secretsLeaked, row.observed].map(cell).join(' | ')} |`;
}

function markers(table: string): [string, string] {
	return [`<!-- table:${table} -->`, `<!-- /table:${table} -->`];
}

/** The rows the file holds for a table (empty when the table is missing). */
export function rowsInFile(table: string): string[] {
	if (!existsSync(RELIABILITY_FILE)) return [];
	const text = readFileSync(RELIABILITY_FILE, 'utf8');
	const [open, close] = markers(table);
	const start = text.indexOf(open);
	const end = text.indexOf(close);
	if (start < 0 || end < start) return [];
	return text
		.slice(start + open.length, end)
		.split('\n')
		.filter((line) => line.startsWith('| ') && !HEADER.includes(line));
}

/** Jest runs suites in parallel: a lock directory keeps two writers from losing each other's table. */
function withFileLock(work: () => void): void {
	const lock = `${RELIABILITY_FILE}.lock`;
	const deadline = Date.now() + 10_000;
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
			const until = Date.now() + 20;
			while (Date.now() < until) {
				/* wait for the other writer */
			}
		}
	}
	try {
		work();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

/** Writes (RELIABILITY_WRITE=1) or returns the table's rows as the file has them, for the suite to compare. */
export function syncTable(table: string, rows: Row[]): { expected: string[]; inFile: string[] } {
	const expected = rows.map(formatRow);
	if (process.env.RELIABILITY_WRITE === '1') {
		withFileLock(() => {
			const [open, close] = markers(table);
			const block = [open, ...HEADER, ...expected, close].join('\n');
			const text = existsSync(RELIABILITY_FILE) ? readFileSync(RELIABILITY_FILE, 'utf8') : '';
			const start = text.indexOf(open);
			const end = text.indexOf(close);
			const next = start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + close.length) : `${text.trimEnd()}\n\n${block}\n`;
			closeSync(openSync(RELIABILITY_FILE, 'a'));
			writeFileSync(RELIABILITY_FILE, next);
		});
	}
	return { expected, inFile: rowsInFile(table) };
}

/** Collects a suite's rows as its tests observe them, in the order the tests are declared. */
export class TableRecorder {
	private readonly rows = new Map<string, Row>();

	constructor(
		readonly table: string,
		private readonly order: string[],
	) {}

	record(row: Row): void {
		this.rows.set(row.kind, row);
	}

	/** The recorded rows, in declaration order; throws when a declared row was never observed. */
	sorted(): Row[] {
		const missing = this.order.filter((kind) => !this.rows.has(kind));
		if (missing.length > 0) throw new Error(`No observation for: ${missing.join(', ')} (run the whole suite)`);
		return this.order.map((kind) => this.rows.get(kind)!);
	}
}
