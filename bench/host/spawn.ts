/**
 * Starts bench children on the provisioned n8n 2.41.1 (Node 24, n8n-core, n8n-workflow and n8n-nodes-base
 * from `.cache/n8n-2.41.1`, provisioned by the e2e harness's functions) and reads the one result line each prints.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { freePort } from '../../test/e2e/n8n';
import { REPO_ROOT, provisionN8n, type N8nInstallation } from '../../test/e2e/provision';
import { REPORT_MARKER } from './measure';

export const BENCH_N8N_VERSION = '2.41.1';

let installation: Promise<N8nInstallation> | undefined;

export function provisionedN8n(): Promise<N8nInstallation> {
	installation ??= provisionN8n(BENCH_N8N_VERSION);
	return installation;
}

/** Runs `bench/host/<script> <args>` on the provisioned n8n and returns what it reported. */
export async function runChild<T>(script: string, args: string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<T> {
	const n8n = await provisionedN8n();
	const env: NodeJS.ProcessEnv = {
		...process.env,
		...n8n.env,
		BENCH_N8N_DIR: n8n.dir,
		// n8n's task runner: started by the child itself, internal mode, its own broker port
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		...options.env,
	};
	for (const key of Object.keys(env)) if (key.startsWith('npm_') && key !== 'npm_config_nodedir') delete env[key];
	const argv = ['--expose-gc', '--require', join(__dirname, 'provisioned-n8n.cjs'), '--import', 'tsx', join(__dirname, script), ...args];
	return new Promise<T>((resolve, reject) => {
		const child = spawn(n8n.nodeBinary, argv, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timer = setTimeout(() => {
			stderr += `\n(timed out after ${options.timeoutMs} ms)`;
			// The child leads its own process group: the task runner it started goes with it.
			if (child.pid) process.kill(-child.pid, 'SIGKILL');
		}, options.timeoutMs ?? 600_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			const line = stdout.split('\n').find((l) => l.startsWith(REPORT_MARKER));
			if (code === 0 && line) return resolve(JSON.parse(line.slice(REPORT_MARKER.length)) as T);
			const tail = (stderr || stdout).trim().split('\n').slice(-15).join('\n');
			reject(new Error(`bench child ${script} ${args.join(' ')} exited with ${code}:\n${tail}`));
		});
	});
}
