/**
 * The readiness wait itself (readiness.ts), against real n8n: it waits for a workflow published before n8n starts
 * (activated only after n8n serves) and for one published in the editor while n8n runs (2.x applies the
 * publication in the background), never answers "ready" for a webhook that is not registered, sends nothing that
 * runs a workflow while it waits, and fails at its deadline with what is missing.
 */
import { randomUUID } from 'node:crypto';

import { delay } from '../n8n';
import { restAnswers, waitUntilReady, webhookRegistered } from '../readiness';
import { N8nRest } from '../rest';
import { expect, type Scenario } from '../scenario';
import { testWorkflow } from '../workflows';

const AT_START = { id: 'e2eReadyAtStart1', path: 'e2e-ready-at-start' };
const LATE = { id: 'e2eReadyLate0001', path: 'e2e-ready-published-late' };

function probeWorkflow(ids: { id: string; path: string }) {
	return testWorkflow('readiness-probe.json', ids.id, { PATH: ids.path, WEBHOOK_ID: randomUUID() });
}

/** "Publish" as the editor does it (2.x applies it in the background, 1.x within the request). */
async function publishInEditor(rest: N8nRest, workflowId: string): Promise<void> {
	const workflow = await rest.json<{ versionId: string }>('GET', `/rest/workflows/${workflowId}`);
	await rest.json('POST', `/rest/workflows/${workflowId}/activate`, { versionId: workflow.versionId });
}

/** What the old wait ("the REST API answers") would have found: whether the webhook was registered at that moment. */
async function registeredAtFirstAnswer(baseUrl: string, path: string, until: Promise<unknown>): Promise<boolean | undefined> {
	let done = false;
	void until.finally(() => (done = true)).catch(() => undefined);
	while (!done) {
		if (await restAnswers(baseUrl)) return webhookRegistered(baseUrl, path);
		await delay(100);
	}
	return undefined;
}

async function webhookExecutions(rest: N8nRest, workflowId: string): Promise<number> {
	return (await rest.executions(workflowId)).filter((e) => e.mode === 'webhook').length;
}

export const readinessWait: Scenario = {
	name: 'readiness-waits-for-published-workflows',
	async run(context) {
		const n8n = await context.n8n();
		await n8n.importWorkflow(probeWorkflow(AT_START));
		await n8n.importWorkflow(probeWorkflow(LATE));
		await n8n.activateWorkflow(AT_START.id);

		// Published before start: n8n activates it only after it serves. Wait from the moment the process starts.
		const starting = n8n.start({ webhooks: [AT_START.path] });
		const [registeredEarly] = await Promise.all([registeredAtFirstAnswer(n8n.baseUrl, AT_START.path, starting), starting]);
		const rest = new N8nRest(n8n);
		await rest.setUpOwner();
		await waitUntilReady(n8n, { webhooks: [AT_START.path], workflows: [AT_START.id] }, { rest });
		expect(await webhookRegistered(n8n.baseUrl, AT_START.path), `the wait returned before the webhook "${AT_START.path}" was registered`);
		const first = await rest.postWebhook(AT_START.path, { probe: 'at-start' });
		expect(first.status === 200, `right after the wait the webhook published before start answered ${first.status}: ${JSON.stringify(first.body).slice(0, 300)}`);

		// Published while n8n runs: not registered before, the wait sees that at least once, then the POST works.
		expect(!(await webhookRegistered(n8n.baseUrl, LATE.path)), `the unpublished workflow's webhook "${LATE.path}" already counts as registered`);
		let sawMissing: (missing: string[]) => void = () => undefined;
		const missingSeen = new Promise<string[]>((resolve) => (sawMissing = resolve));
		let settled = false;
		const waiting = waitUntilReady(n8n, { webhooks: [LATE.path], workflows: [LATE.id] }, { rest, onNotReady: (missing) => sawMissing(missing) });
		void waiting.finally(() => (settled = true)).catch(() => undefined);
		const missingBefore = await Promise.race([missingSeen, waiting.then(() => [])]);
		expect(!settled && missingBefore.some((m) => m.includes(LATE.path)), `the wait for the unpublished workflow did not report its webhook missing (${JSON.stringify(missingBefore)})`);
		await publishInEditor(rest, LATE.id);
		const late = await waiting;
		const second = await rest.postWebhook(LATE.path, { probe: 'late' });
		expect(second.status === 200, `right after the wait the webhook published while n8n runs answered ${second.status}: ${JSON.stringify(second.body).slice(0, 300)}`);

		// The checks ran no workflow: one webhook execution per POST, whatever the number of OPTIONS probes.
		const executed = [await webhookExecutions(rest, AT_START.id), await webhookExecutions(rest, LATE.id)];
		expect(executed[0] === 1 && executed[1] === 1, `webhook executions ${executed.join(' + ')} after one POST each: the readiness checks ran a workflow`);

		// A webhook that is never registered: the wait ends at its deadline and names what is missing.
		const missing = await waitUntilReady(n8n, { webhooks: ['e2e-never-registered'] }, { rest, timeoutMs: 2000 }).then(
			() => 'resolved',
			(error: Error) => error.message,
		);
		expect(/not ready after 2 s: still waiting for production webhook "POST e2e-never-registered" registered/.test(missing), `the wait for a missing webhook ended with: ${missing}`);

		const early = registeredEarly === undefined ? 'not observed' : registeredEarly ? 'already registered' : 'NOT yet registered';
		return `published before start: when the REST API first answered the webhook was ${early}; after the wait POST 200; published while running: ready after ${(late.waitedMs / 1000).toFixed(1)} s (${late.notReadyChecks} not-ready checks), POST 200; 1 + 1 webhook executions; a missing webhook fails at the deadline by name`;
	},
};
