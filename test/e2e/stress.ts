/**
 * `E2E_STRESS=<N>`: keeps the CPU deliberately busy for the whole e2e run, to prove the suite waits for what it
 * needs instead of relying on a quiet machine. N busy processes (one tight loop each) start before the first
 * scenario and stop when the run ends. Each is bounded three ways, so none can outlive the run:
 * - the runner kills it when the run ends (also on a failure, an exception or Ctrl-C: `process.on('exit')`);
 * - it exits by itself at a time bound (`E2E_STRESS_MAX_SECONDS`, default 2 hours) even if the runner was killed;
 * - it exits by itself within a second once the runner's process is gone.
 *
 * The load average is sampled from /proc/loadavg during the run (stressed or not) and reported at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** The busy loop: spins, and every 200 ms checks its time bound and whether the process that started it still lives. */
const BUSY_LOOP = `
const [deadline, parent] = process.argv.slice(1).map(Number);
let x = 1;
for (;;) {
	const until = Date.now() + 200;
	while (Date.now() < until) x = (x * 1103515245 + 12345) % 2147483648;
	if (Date.now() > deadline) process.exit(0);
	try { process.kill(parent, 0); } catch { process.exit(0); }
}`;

export const DEFAULT_STRESS_MAX_SECONDS = 2 * 3600;

export interface BusyProcesses {
	readonly pids: number[];
	/** Kills every busy process still running; safe to call more than once. */
	stop(): void;
}

/** Starts `count` busy processes that end by themselves after `maxSeconds` or when this process is gone. */
export function startBusyProcesses(count: number, maxSeconds: number = DEFAULT_STRESS_MAX_SECONDS): BusyProcesses {
	const deadline = Date.now() + maxSeconds * 1000;
	const children: ChildProcess[] = [];
	for (let i = 0; i < count; i++) {
		children.push(spawn(process.execPath, ['-e', BUSY_LOOP, String(deadline), String(process.pid)], { stdio: 'ignore' }));
	}
	const onSignal = () => process.exit(130); // runs the 'exit' handler below
	const stop = () => {
		for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		process.off('exit', stop);
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	};
	// 'exit' handlers run on process.exit() and after an uncaught exception; Ctrl-C and SIGTERM become an exit.
	process.once('exit', stop);
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	return { pids: children.map((c) => c.pid!).filter(Boolean), stop };
}

/** `E2E_STRESS` as a number of busy processes: 0 when unset; throws on anything but a small whole number. */
export function stressCount(value = process.env.E2E_STRESS): number {
	if (value === undefined || value === '') return 0;
	const count = Number(value);
	if (!Number.isInteger(count) || count < 0 || count > 16) throw new Error(`E2E_STRESS must be a whole number from 0 to 16, not "${value}"`);
	return count;
}

export function stressMaxSeconds(value = process.env.E2E_STRESS_MAX_SECONDS): number {
	if (value === undefined || value === '') return DEFAULT_STRESS_MAX_SECONDS;
	const seconds = Number(value);
	if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`E2E_STRESS_MAX_SECONDS must be a positive number of seconds, not "${value}"`);
	return seconds;
}

/** The 1-minute load average now, from /proc/loadavg (undefined where there is none). */
export function loadAverageNow(): number | undefined {
	if (!existsSync('/proc/loadavg')) return undefined;
	return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

export interface LoadSampler {
	/** One line: the 1-minute load average's min / mean / max over the samples. */
	summary(): string;
	stop(): void;
}

/** Samples the 1-minute load average every `everyMs` until stopped. */
export function sampleLoadAverage(everyMs = 10_000): LoadSampler {
	const samples: number[] = [];
	const take = () => {
		const load = loadAverageNow();
		if (load !== undefined) samples.push(load);
	};
	take();
	const timer = setInterval(take, everyMs);
	timer.unref();
	return {
		summary() {
			if (!samples.length) return 'load average: not available';
			const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
			return `1-min load average min ${Math.min(...samples).toFixed(2)} / mean ${mean.toFixed(2)} / max ${Math.max(...samples).toFixed(2)} over ${samples.length} samples`;
		},
		stop: () => clearInterval(timer),
	};
}
