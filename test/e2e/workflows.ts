/**
 * Loading workflows for a scenario: test-only workflows under test/e2e/workflows/ (placeholders like
 * `__API_BASE_URL__` filled in), and the shipped templates under workflows/, pointed at the test's
 * credentials and given a Manual Trigger so `n8n execute` can start them.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { WorkflowJson } from './n8n';
import { REPO_ROOT } from './provision';

export const TEST_WORKFLOWS_DIR = join(__dirname, 'workflows');
export const TEMPLATES_DIR = join(REPO_ROOT, 'workflows');

export interface CredentialRef {
	id: string;
	name: string;
}

/** A test-only workflow with every `__KEY__` replaced (values are JSON-string-escaped). */
export function testWorkflow(file: string, id: string, values: Record<string, string>): WorkflowJson {
	let text = readFileSync(join(TEST_WORKFLOWS_DIR, file), 'utf8');
	for (const [key, value] of Object.entries(values)) text = text.split(`__${key}__`).join(JSON.stringify(value).slice(1, -1));
	const left = text.match(/__[A-Z_]+__/);
	if (left) throw new Error(`${file}: no value for placeholder ${left[0]}`);
	return { ...(JSON.parse(text) as WorkflowJson), id };
}

export function template(file: string): WorkflowJson {
	return JSON.parse(readFileSync(join(TEMPLATES_DIR, file), 'utf8')) as WorkflowJson;
}

/** Points every node that uses a credential type at the test's credential of that type. */
export function useCredentials(workflow: WorkflowJson, credentials: Record<string, CredentialRef>): WorkflowJson {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		const wanted = credentialTypesOf(node);
		for (const type of wanted) {
			const ref = credentials[type];
			if (!ref) throw new Error(`node "${node.name}" needs a ${type} credential and the test provides none`);
			node.credentials = { ...(node.credentials ?? {}), [type]: { id: ref.id, name: ref.name } };
		}
	}
	return copy;
}

/** Credential types a node needs: its stored references, plus the ones our package's and n8n's nodes always use. */
function credentialTypesOf(node: Record<string, any>): string[] {
	const types = new Set<string>(Object.keys(node.credentials ?? {}));
	if (String(node.type).endsWith('.addToAutoresponderList')) types.add('constantContactOAuth2Api');
	if (String(node.type).endsWith('.verifyShopWebhook')) types.add('shopWebhookSecretApi');
	if (node.type === 'n8n-nodes-base.postgres') types.add('postgres');
	if (node.type === 'n8n-nodes-base.mySql') types.add('mySql');
	if (node.type === 'n8n-nodes-base.httpRequest' && node.parameters?.nodeCredentialType) types.add(node.parameters.nodeCredentialType);
	return [...types];
}

/**
 * Adds a Manual Trigger wired to whatever the given trigger feeds, so `n8n execute` (which needs a manual
 * start node) runs the same path the schedule or webhook would.
 */
export function withManualTrigger(workflow: WorkflowJson, triggerName: string): WorkflowJson {
	const copy = structuredClone(workflow);
	const trigger = copy.nodes.find((n) => n.name === triggerName);
	if (!trigger) throw new Error(`workflow "${workflow.name}" has no node named "${triggerName}"`);
	const manual = {
		parameters: {},
		id: randomUUID(),
		name: 'E2E Manual Trigger',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [trigger.position[0], trigger.position[1] + 200],
	};
	copy.nodes.push(manual);
	copy.connections[manual.name] = structuredClone(copy.connections[triggerName] ?? { main: [[]] });
	return copy;
}

/** Makes a Schedule Trigger fire every few seconds, so a test sees several production runs in a minute. */
export function withScheduleEverySeconds(workflow: WorkflowJson, triggerName: string, seconds: number): WorkflowJson {
	const copy = structuredClone(workflow);
	const trigger = copy.nodes.find((n) => n.name === triggerName);
	if (trigger?.type !== 'n8n-nodes-base.scheduleTrigger') throw new Error(`workflow "${workflow.name}" has no Schedule Trigger named "${triggerName}"`);
	trigger.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: seconds }] } };
	return copy;
}

/** The package's node types a workflow uses. */
export function packageNodeTypes(workflow: WorkflowJson, packageName: string): string[] {
	return workflow.nodes.map((n) => String(n.type)).filter((t) => t.startsWith(`${packageName}.`));
}
