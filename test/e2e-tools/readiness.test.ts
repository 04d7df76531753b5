/**
 * The e2e suite's readiness wait (test/e2e/readiness.ts) and stress mode (test/e2e/stress.ts), without n8n: a small
 * HTTP server plays an n8n that serves before its webhook is registered. The wait against real n8n is the e2e
 * scenario `readiness-waits-for-published-workflows`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { N8nInstance } from '../e2e/n8n';
import { waitUntilReady, webhookRegistered } from '../e2e/readiness';
import { startBusyProcesses, stressCount } from '../e2e/stress';

interface FakeN8n {
	server: Server;
	baseUrl: string;
	requests: string[];
	/** Number of OPTIONS probes before the webhook counts as registered. */
	registerAfterProbes: number;
}

async function fakeN8n(registerAfterProbes: number, restAnswersAfter = 2): Promise<FakeN8n> {
	const fake = { requests: [] as string[], registerAfterProbes } as FakeN8n;
	let settingsCalls = 0;
	let probes = 0;
	fake.server = createServer((req, res) => {
		fake.requests.push(`${req.method} ${req.url}`);
		if (req.url === '/rest/settings') {
			settingsCalls++;
			if (settingsCalls <= restAnswersAfter) return res.writeHead(503).end('starting');
			return res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
		}
		if (req.method === 'OPTIONS' && req.url === '/webhook/cart-events') {
			probes++;
			const methods = probes > fake.registerAfterProbes ? 'OPTIONS, POST' : 'OPTIONS';
			return res.writeHead(204, { 'access-control-allow-methods': methods }).end();
		}
		return res.writeHead(404).end('not found');
	});
	await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
	fake.baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
	return fake;
}

function instance(baseUrl: string): N8nInstance {
	return { baseUrl, logFile: '/nonexistent/harness.log', n8nLogPath: '/nonexistent/n8n.log', serverLogOffset: 0, note: () => undefined } as unknown as N8nInstance;
}

describe('waitUntilReady', () => {
	let fake: FakeN8n;
	afterEach(async () => {
		await new Promise((resolve) => fake.server.close(resolve));
	});

	it('waits for the REST API, then for the webhook, and sends nothing that would run the workflow', async () => {
		fake = await fakeN8n(3);
		const report = await waitUntilReady(instance(fake.baseUrl), { webhooks: ['cart-events'] }, { pollMs: 10 });
		expect(report.notReadyChecks).toBe(2 + 3);
		expect(report.ready).toEqual(['the REST API answering', 'production webhook "POST cart-events" registered']);
		expect(fake.requests.filter((r) => !r.startsWith('GET /rest/settings') && !r.startsWith('OPTIONS /webhook/cart-events'))).toEqual([]);
	});

	it('fails at its deadline naming what is still missing', async () => {
		fake = await fakeN8n(Number.POSITIVE_INFINITY);
		await expect(waitUntilReady(instance(fake.baseUrl), { webhooks: ['cart-events'] }, { pollMs: 10, timeoutMs: 300 })).rejects.toThrow(
			/not ready after 0 s: still waiting for production webhook "POST cart-events" registered/,
		);
	});

	it('fails at once when the n8n process exits', async () => {
		fake = await fakeN8n(Number.POSITIVE_INFINITY);
		const exited = spawn(process.execPath, ['-e', 'process.exit(3)']);
		await new Promise((resolve) => exited.once('exit', resolve));
		const started = Date.now();
		await expect(waitUntilReady(instance(fake.baseUrl), { webhooks: ['cart-events'] }, { process: exited, timeoutMs: 20_000 })).rejects.toThrow(/n8n exited with 3/);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it('counts a webhook as registered only when its method is listed', async () => {
		fake = await fakeN8n(0);
		expect(await webhookRegistered(fake.baseUrl, 'cart-events', 'POST')).toBe(true);
		expect(await webhookRegistered(fake.baseUrl, 'cart-events', 'GET')).toBe(false);
		expect(await webhookRegistered(fake.baseUrl, 'unknown-path', 'POST')).toBe(false);
	});
});

describe('E2E_STRESS busy processes', () => {
	const alive = (pid: number) => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	};
	const gone = async (pids: number[], withinMs: number) => {
		const deadline = Date.now() + withinMs;
		while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		return !pids.some(alive);
	};

	it('reads E2E_STRESS as a small whole number', () => {
		expect(stressCount(undefined)).toBe(0);
		expect(stressCount('2')).toBe(2);
		expect(() => stressCount('two')).toThrow(/whole number/);
		expect(() => stressCount('100')).toThrow(/whole number/);
	});

	it('starts the busy processes and stops them on stop()', async () => {
		const busy = startBusyProcesses(2, 60);
		expect(busy.pids).toHaveLength(2);
		expect(busy.pids.every(alive)).toBe(true);
		busy.stop();
		expect(await gone(busy.pids, 5000)).toBe(true);
	});

	/** Runs busy-child.ts under tsx and returns it with the pids of the busy processes it started. */
	const runner = async (how: 'throw' | 'wait') => {
		const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'busy-child.ts'), how], { stdio: ['ignore', 'pipe', 'ignore'] });
		const pids = await new Promise<number[]>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()))));
		return { child, pids };
	};

	it('are killed when the run fails with an exception', async () => {
		const { child, pids } = await runner('throw');
		await new Promise((resolve) => child.once('exit', resolve));
		expect(await gone(pids, 2000)).toBe(true);
	});

	it('end by themselves when the run is killed outright (SIGKILL)', async () => {
		const { child, pids } = await runner('wait');
		expect(pids.every(alive)).toBe(true);
		child.kill('SIGKILL');
		expect(await gone(pids, 5000)).toBe(true);
	});

	it('ends by itself at its time bound', async () => {
		const busy = startBusyProcesses(1, 0.5);
		expect(alive(busy.pids[0])).toBe(true);
		expect(await gone(busy.pids, 10_000)).toBe(true);
		busy.stop();
	});
});
