/** Peak memory of this process (and of another, e.g. n8n's task runner) from /proc, and the child's report line. */
import { readFileSync } from 'node:fs';

function statusField(pid: number | 'self', field: string): number | undefined {
	try {
		const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** Peak resident set size (VmHWM) in bytes. */
export function peakRss(pid: number | 'self' = 'self'): number | undefined {
	return statusField(pid, 'VmHWM');
}

export const REPORT_MARKER = '@@bench-result ';

/** The one line a bench child prints for its parent. */
export function report(result: unknown): void {
	process.stdout.write(`${REPORT_MARKER}${JSON.stringify(result)}\n`);
}
