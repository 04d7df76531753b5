/**
 * What a scenario is and what it gets: the n8n installation under test, the packed package, and factories
 * for instances and stand-ins that the runner cleans up afterwards (processes by the pids it started).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import {
	DEFAULT_CLIENT_SECRET,
	startFakeConstantContact,
	type FakeConstantContact,
	type FakeConstantContactOptions,
} from '../fake-constant-contact';
import { N8nInstance } from './n8n';
import { TestDatabase } from './postgres';
import type { N8nInstallation } from './provision';

export interface Scenario {
	name: string;
	/** A reason when the scenario does not apply to this n8n version; undefined when it runs. */
	notApplicable?: (installation: N8nInstallation) => string | undefined;
	/** Seconds before the runner gives up on it. */
	timeoutSeconds?: number;
	/** Why the scenario runs only when named with --scenario (a measurement, not a pass/fail check of every run). */
	onlyWhenNamed?: string;
	/** Returns a short detail for the result line. Throws (with a sentence) on failure. */
	run(context: ScenarioContext): Promise<string>;
}

export class ScenarioContext {
	private readonly instances: N8nInstance[] = [];
	private readonly standIns: FakeConstantContact[] = [];
	private readonly cleanups: Array<() => Promise<void> | void> = [];

	constructor(
		readonly installation: N8nInstallation,
		readonly tarball: string,
		readonly scenarioName: string,
	) {}

	get version(): string {
		return this.installation.version;
	}

	get major(): number {
		return this.installation.major;
	}

	/** A fresh n8n instance with the package installed, its own user folder and ports. */
	async n8n(extraEnv: Record<string, string> = {}, label = this.scenarioName): Promise<N8nInstance> {
		const instance = new N8nInstance(this.installation, `${this.version}-${label}`, extraEnv);
		this.instances.push(instance);
		await instance.prepare(this.tarball);
		return instance;
	}

	async standIn(options: FakeConstantContactOptions = {}): Promise<FakeConstantContact> {
		const standIn = await startFakeConstantContact(options);
		this.standIns.push(standIn);
		return standIn;
	}

	/** A PostgreSQL schema (and role) of its own in database `test`, dropped after the scenario. */
	async database(withCartsTable = true): Promise<TestDatabase> {
		const db = await TestDatabase.create(`${this.major}_${this.scenarioName}`, withCartsTable);
		this.onCleanup(() => db.drop());
		return db;
	}

	/** Registers a clean-up step; they run last-registered first, also when the scenario failed. */
	onCleanup(step: () => Promise<void> | void): void {
		this.cleanups.push(step);
	}

	/** Where to look when it failed. */
	get userFolders(): string[] {
		return this.instances.map((i) => i.userFolder);
	}

	/**
	 * Stops everything the scenario started. Returns clean-up problems (logged) and failures: the stand-in's
	 * stop() reports consent violations (re-subscribed contacts, sign-ups without consent), which fail the scenario.
	 */
	async cleanUp(keepFolders: boolean): Promise<{ problems: string[]; failures: string[] }> {
		const problems: string[] = [];
		const failures: string[] = [];
		for (const instance of this.instances) {
			await instance.stopAll().catch((e: Error) => problems.push(`stopping n8n: ${e.message}`));
		}
		for (const step of this.cleanups.reverse()) {
			try {
				await step();
			} catch (e) {
				problems.push((e as Error).message);
			}
		}
		failures.push(...this.secretsInN8nLogs());
		for (const standIn of this.standIns) await standIn.stop().catch((e: Error) => failures.push(`stand-in: ${e.message}`));
		if (!keepFolders && failures.length === 0) for (const instance of this.instances) rmSync(instance.userFolder, { recursive: true, force: true });
		return { problems, failures };
	}

	/** Every scenario: n8n's own log must hold none of the tokens the stand-ins issued, nor the client secret. */
	private secretsInN8nLogs(): string[] {
		const secrets = new Set([DEFAULT_CLIENT_SECRET]);
		for (const standIn of this.standIns) for (const token of standIn.control.issuedTokens()) secrets.add(token);
		const failures: string[] = [];
		for (const instance of this.instances) {
			const log = join(instance.userFolder, 'n8n.log');
			if (!existsSync(log)) continue;
			const text = readFileSync(log, 'utf8');
			const leaked = [...secrets].filter((secret) => text.includes(secret)).length;
			if (leaked > 0) failures.push(`${log} contains ${leaked} secret(s) of this run (token or client secret)`);
		}
		return failures;
	}
}

/** Throws `message` unless `condition` holds: scenario assertions read as sentences. */
export function expect(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}
