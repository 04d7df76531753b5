import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

type Memory = { mode: ICheckProcessedOptions['mode']; entries: string[]; latest?: DeduplicationItemTypes };

function memoryKey(scope: DeduplicationScope, context: ICheckProcessedContextData): string {
	if (scope === 'node') {
		if (!context.node) throw new Error('Deduplication with scope "node" needs a node');
		return `${context.workflow.id}:node:${context.node.id}`;
	}
	return `${context.workflow.id}:workflow`;
}

function comparable(value: DeduplicationItemTypes, mode: ICheckProcessedOptions['mode']): number {
	if (mode === 'latestDate') {
		const time = new Date(value).getTime();
		if (Number.isNaN(time)) throw new Error(`"${value}" is not a valid date`);
		return time;
	}
	const number = Number(value);
	if (Number.isNaN(number)) throw new Error(`"${value}" is not a number`);
	return number;
}

/**
 * What n8n's database-backed deduplicator does for `helpers.checkProcessedAndRecord`, kept in
 * memory per process: `entries` remembers values (newest `maxEntries`), the `latest*` modes keep
 * the highest value seen. Switching mode for a scope starts the memory afresh, as n8n does.
 */
export class InMemoryDeduplicator implements IDataDeduplicator {
	private readonly memories = new Map<string, Memory>();

	private memoryFor(scope: DeduplicationScope, context: ICheckProcessedContextData, options: ICheckProcessedOptions) {
		const key = memoryKey(scope, context);
		let memory = this.memories.get(key);
		if (!memory || memory.mode !== options.mode) {
			memory = { mode: options.mode, entries: [] };
			this.memories.set(key, memory);
		}
		return memory;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		const memory = this.memoryFor(scope, context, options);
		const result: IDeduplicationOutput = { new: [], processed: [] };
		if (options.mode === 'entries') {
			const seen = new Set(memory.entries);
			for (const item of items) {
				const value = String(item);
				if (seen.has(value)) {
					result.processed.push(item);
				} else {
					seen.add(value);
					memory.entries.push(value);
					result.new.push(item);
				}
			}
			if (options.maxEntries && memory.entries.length > options.maxEntries) {
				memory.entries.splice(0, memory.entries.length - options.maxEntries);
			}
			return result;
		}
		let latest = memory.latest;
		for (const item of items) {
			if (latest !== undefined && comparable(item, options.mode) <= comparable(latest, options.mode)) {
				result.processed.push(item);
				continue;
			}
			result.new.push(item);
		}
		for (const item of result.new) {
			if (latest === undefined || comparable(item, options.mode) > comparable(latest, options.mode)) latest = item;
		}
		memory.latest = latest;
		return result;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<void> {
		if (options.mode !== 'entries') throw new Error('Removing processed data is only possible in mode "entries"');
		const memory = this.memoryFor(scope, context, options);
		const remove = new Set(items.map(String));
		memory.entries = memory.entries.filter((entry) => !remove.has(entry));
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
	): Promise<void> {
		this.memories.delete(memoryKey(scope, context));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<number> {
		const memory = this.memoryFor(scope, context, options);
		return options.mode === 'entries' ? memory.entries.length : memory.latest === undefined ? 0 : 1;
	}

	/** Forgets everything, e.g. between tests. */
	clear(): void {
		this.memories.clear();
	}
}
