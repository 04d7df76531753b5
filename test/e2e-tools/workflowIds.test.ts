/**
 * Workflow ids the e2e imports must let n8n 1.x keep static data: a longer id silently turns "n8n Remembers" into
 * "forgets between runs" there, and a scenario would pass without proving what it claims (test/e2e/n8n.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MAX_WORKFLOW_ID_LENGTH, workflowIdProblem } from '../e2e/n8n';

const ROOT = join(__dirname, '..', '..');

/** The literal ids the scenarios, the bench and the scripts give workflows (`const id = '…'`, `workflowId: '…'`, …). */
function literalWorkflowIds(): Array<{ file: string; id: string }> {
	const folders = ['test/e2e', 'test/e2e/scenarios', 'bench/parts', 'scripts'];
	const assignment = /\b(?:id|ids|workflowId|templateId|listsId|reminders|orders|events)\s*[:=]\s*'([A-Za-z0-9]+)'/g;
	const found: Array<{ file: string; id: string }> = [];
	for (const folder of folders) {
		for (const name of readdirSync(join(ROOT, folder)).filter((f) => f.endsWith('.ts'))) {
			const text = readFileSync(join(ROOT, folder, name), 'utf8');
			for (const match of text.matchAll(assignment)) if (/^(e2e|bench|cartEvents|signed|webhook|tpl)/.test(match[1])) found.push({ file: `${folder}/${name}`, id: match[1] });
		}
	}
	return found;
}

describe('workflow ids in the e2e', () => {
	it('are refused over 16 characters, with the reason', () => {
		expect(workflowIdProblem('e2eProdRemind001')).toBeNull();
		expect(workflowIdProblem(undefined)).toBeNull();
		expect(workflowIdProblem('e2eProdReminders1')).toMatch(/17 characters; n8n 1\.x keeps static data only for ids of 16 or fewer/);
	});

	it('are all short enough where the code names them', () => {
		const ids = literalWorkflowIds();
		expect(ids.length).toBeGreaterThan(15);
		expect(ids.filter(({ id }) => id.length > MAX_WORKFLOW_ID_LENGTH)).toEqual([]);
	});
});
