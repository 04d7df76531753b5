/**
 * Progress for the long steps of provisioning and the demo: while a step runs, a line every few seconds with what
 * it is, how long it has taken so far, how long it usually takes, and what it is doing right now.
 *
 *   await withProgress({ what: 'installing n8n 2.41.1', expected: 'usually 4–8 min', detail: () => tail.describe() }, install);
 */

/** Under 10 s, so a busy event loop still keeps the lines at most 10 s apart. */
export const PROGRESS_EVERY_MS = 8_000;

export interface ProgressStep {
	/** What runs or is waited for, as the person watching should read it: "installing n8n 2.41.1". */
	what: string;
	/** How long it usually takes: "usually 4–8 min", "last time here 4 min 12 s". */
	expected: string;
	/** What it is doing right now, asked at each line. */
	detail?: () => string;
	/** Where the lines go. */
	say: (message: string) => void;
	everyMs?: number;
}

export function formatDuration(milliseconds: number): string {
	const seconds = Math.round(milliseconds / 1000);
	if (seconds < 60) return `${seconds} s`;
	return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** Runs `work`, saying every `everyMs` how long it has run and what it is doing, until it settles. */
export async function withProgress<T>(step: ProgressStep, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	const timer = setInterval(() => {
		const detail = step.detail?.();
		step.say(`${step.what}: ${formatDuration(Date.now() - started)} so far, ${step.expected}${detail ? `; ${detail}` : ''}`);
	}, step.everyMs ?? PROGRESS_EVERY_MS);
	try {
		return await work();
	} finally {
		clearInterval(timer);
	}
}

/**
 * The last line a command printed and how many fetches npm logged (`--loglevel=http` prints one line per package
 * document or tarball, from the registry or npm's cache), for a progress line:
 * "npm: 812 fetches, last line 1 s ago: GET 200 @n8n/db 35ms (cache miss)".
 */
export class CommandOutputTail {
	private lastLine = '';
	private lastLineAt = 0;
	private fetches = 0;
	private partial = '';

	constructor(
		private readonly program: string,
		private readonly now: () => number = Date.now,
	) {}

	take(chunk: Buffer | string): void {
		const lines = (this.partial + chunk.toString()).split(/\r?\n/);
		this.partial = lines.pop() ?? '';
		for (const line of lines) {
			const meaningful = readableOutputLine(line);
			if (!meaningful) continue;
			if (/^npm http (fetch|cache)\b/.test(line.trim())) this.fetches++;
			this.lastLine = meaningful;
			this.lastLineAt = this.now();
		}
	}

	describe(): string {
		const fetches = this.fetches ? `${this.fetches.toLocaleString('en')} ${this.fetches === 1 ? 'fetch' : 'fetches'}, ` : '';
		if (!this.lastLine) return `${this.program}: ${fetches}no output yet`;
		return `${this.program}: ${fetches}last line ${formatDuration(this.now() - this.lastLineAt)} ago: ${this.lastLine}`;
	}
}

/**
 * A line of npm or node-gyp output as a progress line shows it: without npm's prefix, the registry's address and
 * URL escapes, at most 120 characters; '' for a line without a word (blank, or a compiler's `| ^~~~` underline).
 */
export function readableOutputLine(line: string): string {
	if (!/[a-z]{2}/i.test(line)) return '';
	const readable = line
		.trim()
		.replace(/^npm (http (fetch|cache) )?/, '')
		.replace(/https?:\/\/[^/\s]+\//g, '')
		.replace(/%2f/gi, '/')
		.replace(/\s+/g, ' ');
	return readable.length > 120 ? `${readable.slice(0, 117)}...` : readable;
}
