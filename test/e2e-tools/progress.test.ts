/**
 * The progress lines of provisioning and the demo (test/e2e/progress.ts): at most 10 s apart while a step runs,
 * each with the time so far, the expected duration and what the command printed last.
 */
import { CommandOutputTail, formatDuration, PROGRESS_EVERY_MS, readableOutputLine, withProgress } from '../e2e/progress';

describe('progress while a step runs', () => {
	it('comes less than 10 s apart', () => {
		expect(PROGRESS_EVERY_MS).toBeLessThan(10_000);
	});

	// Jest's fake timers drive the clock and the interval: the lines are exact and a loaded machine cannot starve them.
	describe('on a clock the test drives', () => {
		beforeEach(() => jest.useFakeTimers());
		afterEach(() => jest.useRealTimers());

		it('says what runs, the time so far, the expected duration and what it is doing, until the step ends', async () => {
			const lines: string[] = [];
			const result = withProgress(
				{ what: 'installing n8n 2.41.1', expected: 'usually 4–8 min', detail: () => 'npm: 12 fetches', say: (line) => lines.push(line) },
				() => new Promise<string>((done) => setTimeout(() => done('installed'), 20_000)),
			);
			await jest.advanceTimersByTimeAsync(20_000);
			await expect(result).resolves.toBe('installed');
			expect(lines).toEqual([
				'installing n8n 2.41.1: 8 s so far, usually 4–8 min; npm: 12 fetches',
				'installing n8n 2.41.1: 16 s so far, usually 4–8 min; npm: 12 fetches',
			]);
			await jest.advanceTimersByTimeAsync(60_000);
			expect(lines).toHaveLength(2);
		});

		it('stops when the step fails, and passes the failure on', async () => {
			const lines: string[] = [];
			const failing = withProgress({ what: 'building SQLite', expected: 'usually about 1 min', say: (line) => lines.push(line) }, async () => {
				await new Promise((done) => setTimeout(done, 10_000));
				throw new Error('gyp failed');
			});
			const settled = expect(failing).rejects.toThrow('gyp failed');
			await jest.advanceTimersByTimeAsync(10_000);
			await settled;
			expect(lines).toEqual(['building SQLite: 8 s so far, usually about 1 min']);
			await jest.advanceTimersByTimeAsync(60_000);
			expect(lines).toHaveLength(1);
		});
	});

	it('shows durations in seconds, then minutes and seconds', () => {
		expect(formatDuration(9_400)).toBe('9 s');
		expect(formatDuration(252_000)).toBe('4 min 12 s');
		expect(formatDuration(61_000)).toBe('1 min 01 s');
	});
});

describe("what npm is doing, read from its output", () => {
	it('counts npm fetches and shows the last line, split across chunks, with its age', () => {
		let now = 1_000_000;
		const tail = new CommandOutputTail('npm', () => now);
		tail.take('npm http fetch GET 200 https://registry.npmjs.org/@n8n%2fdb 35ms (cache miss)\nnpm http cache rxjs@https://registry.npmjs.org/rxjs/-/rxjs-7.8.2.tgz 0ms (cache hit)\nnpm http fetch GET 200 https://registry.npmjs.org/lux');
		tail.take('on 20ms (cache updated)\n\n');
		now += 3_000;
		expect(tail.describe()).toBe('npm: 3 fetches, last line 3 s ago: GET 200 luxon 20ms (cache updated)');
	});

	it('says when the command has printed nothing yet', () => {
		expect(new CommandOutputTail('npm').describe()).toBe('npm: no output yet');
	});

	it('shows a build line without counting it as a fetch, and passes over a compiler warning\'s underline', () => {
		const tail = new CommandOutputTail('npm', () => 0);
		tail.take('  CXX(target) Release/obj.target/node_sqlite3/src/database.o\n      |        ^~~~~~~\n');
		expect(tail.describe()).toBe('npm: last line 0 s ago: CXX(target) Release/obj.target/node_sqlite3/src/database.o');
	});

	it('shortens long lines to 120 characters', () => {
		expect(readableOutputLine(`gyp info ${'x'.repeat(200)}`)).toHaveLength(120);
		expect(readableOutputLine('   ')).toBe('');
	});
});
