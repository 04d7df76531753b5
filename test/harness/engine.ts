import { randomBytes } from 'node:crypto';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { DataDeduplicationService, InstanceSettings } from 'n8n-core';
import type { IDataObject } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { InMemoryDeduplicator } from './deduplication';

export interface HarnessLogEntry {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	metadata?: IDataObject;
}

/** Collects what n8n logs instead of printing it: the harness never prints (secrets stay off the console). */
export class CollectingLogger {
	readonly entries: HarnessLogEntry[] = [];

	private add(level: HarnessLogEntry['level'], message: string, metadata?: IDataObject) {
		this.entries.push({ level, message, metadata });
	}

	error(message: string, metadata?: IDataObject) {
		this.add('error', message, metadata);
	}

	warn(message: string, metadata?: IDataObject) {
		this.add('warn', message, metadata);
	}

	info(message: string, metadata?: IDataObject) {
		this.add('info', message, metadata);
	}

	debug(message: string, metadata?: IDataObject) {
		this.add('debug', message, metadata);
	}

	scoped() {
		return this;
	}
}

export const harnessLogger = new CollectingLogger();
export const deduplicator = new InMemoryDeduplicator();

let prepared = false;

/**
 * The services n8n-core takes from its DI container while executing nodes, registered once per
 * process with in-memory stand-ins: no n8n folder on disk, no database, nothing printed.
 */
export function prepareN8nCore(): void {
	if (prepared) return;
	prepared = true;
	Container.set(Logger, harnessLogger as unknown as Logger);
	LoggerProxy.init(harnessLogger as unknown as Parameters<typeof LoggerProxy.init>[0]);
	Container.set(InstanceSettings, {
		n8nFolder: '/nonexistent-n8n-folder',
		staticCacheDir: '/nonexistent-n8n-folder/cache',
		instanceId: 'harness-instance',
		hostId: 'main-harness',
		instanceType: 'main',
		encryptionKey: randomBytes(24).toString('base64'),
		hmacSignatureSecret: randomBytes(24).toString('base64'),
		isMultiMain: false,
		isSingleMain: true,
		isWorker: false,
		isLeader: true,
	} as unknown as InstanceSettings);
	void DataDeduplicationService.init(deduplicator);
}
