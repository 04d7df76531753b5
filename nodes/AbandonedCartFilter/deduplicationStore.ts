/**
 * n8n's database-backed deduplication store, the short-term guard against overlapping executions (static data holds
 * the long-term memory). The only file that calls n8n's deduplication helpers; a failing or missing store is logged
 * and the run goes on with workflow memory alone.
 */
import type { DeduplicationItemTypes, IDeduplicationOutput, IExecuteFunctions } from 'n8n-workflow';

/** n8n checks each key against every stored one (a linear scan), so the store stays small. */
export const DEDUPLICATION_MAX_ENTRIES = 5_000;
/** Above this many due carts in one run, Decide skips the database check (a big first run, not an overlap). */
export const DEDUPLICATION_PROBE_LIMIT = 1_000;

/** The (cart, sequence, step) key recorded in n8n's deduplication table. */
export function reminderKey(memoryName: string, cartId: string, sequence: number, step: number): string {
	return `${memoryName}|${cartId}|${sequence}|${step}`;
}

type Scope = 'workflow';
const SCOPE: Scope = 'workflow';
const ENTRIES = { mode: 'entries' } as const;

/** The helpers as n8n offers them; absent on some n8n versions and in unsaved workflows. */
interface DeduplicationHelpers {
	checkProcessed?: (items: DeduplicationItemTypes[], scope: Scope, options: { mode: 'entries' }) => Promise<IDeduplicationOutput>;
	checkProcessedAndRecord?: (
		items: DeduplicationItemTypes[],
		scope: Scope,
		options: { mode: 'entries'; maxEntries?: number },
	) => Promise<IDeduplicationOutput>;
	removeProcessed?: (items: DeduplicationItemTypes[], scope: Scope, options: { mode: 'entries' }) => Promise<void>;
}

export class DeduplicationStore {
	private readonly helpers: DeduplicationHelpers;

	constructor(private readonly ctx: IExecuteFunctions) {
		this.helpers = (ctx.helpers ?? {}) as unknown as DeduplicationHelpers;
	}

	/**
	 * Which reminder keys another execution already recorded. n8n 2.x exposes no read-only check to nodes, so without
	 * `checkProcessed` the keys are recorded and the new ones removed again.
	 */
	async recordedElsewhere(keys: string[]): Promise<Set<string>> {
		if (keys.length === 0) return new Set();
		const helpers = this.helpers;
		try {
			if (typeof helpers.checkProcessed === 'function') {
				const result = await helpers.checkProcessed(keys, SCOPE, ENTRIES);
				return new Set(result.processed.map(String));
			}
			if (typeof helpers.checkProcessedAndRecord === 'function' && typeof helpers.removeProcessed === 'function') {
				const result = await helpers.checkProcessedAndRecord(keys, SCOPE, ENTRIES);
				if (result.new.length > 0) await helpers.removeProcessed(result.new, SCOPE, ENTRIES);
				return new Set(result.processed.map(String));
			}
		} catch (error) {
			this.warn('n8n\'s deduplication store is not available, using workflow memory only', error);
		}
		return new Set();
	}

	/** Written at once in n8n's database, so a concurrent execution's Decide sees it before workflow memory is saved. */
	async record(keys: string[]): Promise<void> {
		const helpers = this.helpers;
		// n8n keeps only the newest DEDUPLICATION_MAX_ENTRIES keys; sending more would only cost time
		const newest = keys.slice(-DEDUPLICATION_MAX_ENTRIES);
		if (newest.length === 0 || typeof helpers.checkProcessedAndRecord !== 'function') return;
		try {
			await helpers.checkProcessedAndRecord(newest, SCOPE, { ...ENTRIES, maxEntries: DEDUPLICATION_MAX_ENTRIES });
		} catch (error) {
			this.warn('could not record reminders in n8n\'s deduplication store, workflow memory still has them', error);
		}
	}

	/** Forget Shopper: left in the store, the keys would let Decide learn the erased carts again. */
	async remove(keys: string[]): Promise<void> {
		const helpers = this.helpers;
		if (keys.length === 0 || typeof helpers.removeProcessed !== 'function') return;
		try {
			await helpers.removeProcessed(keys, SCOPE, ENTRIES);
		} catch (error) {
			this.warn('could not erase the shopper\'s carts from n8n\'s deduplication store', error);
		}
	}

	private warn(message: string, error: unknown): void {
		this.ctx.logger?.warn(`Abandoned Cart Filter: ${message}: ${(error as Error)?.message ?? String(error)}`);
	}
}
