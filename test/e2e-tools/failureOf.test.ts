/**
 * How the e2e suite says why an n8n execution failed (test/e2e/rest.ts): n8n stores the run in the "flatted" format,
 * and a failed scheduled run must name the node and n8n's message, not just "status error". The fixture is the
 * shape of the execution n8n 1.123.81 stored when a scheduled run of the webhook template failed (issue 20).
 */
import type { N8nInstance } from '../e2e/n8n';
import { N8nRest, unflatten } from '../e2e/rest';

const FAILED_RUN = JSON.stringify([
	{ startData: '1', resultData: '2' },
	{},
	{ runData: '3', lastNodeExecuted: '4', error: '5' },
	{ 'Get New Orders': '6', 'Every 15 Minutes': '7' },
	'Get New Orders',
	{ message: '8', description: null },
	['5'],
	['9'],
	'SQLITE_ERROR: near "-": syntax error',
	{ executionStatus: '10' },
	'success',
]);

describe('unflatten', () => {
	it('rebuilds the objects and shares what the flatted text shares', () => {
		const run = unflatten(FAILED_RUN) as { resultData: { lastNodeExecuted: string; error: { message: string }; runData: Record<string, Array<unknown>> } };
		expect(run.resultData.lastNodeExecuted).toBe('Get New Orders');
		expect(run.resultData.error.message).toBe('SQLITE_ERROR: near "-": syntax error');
		expect(run.resultData.runData['Get New Orders'][0]).toBe(run.resultData.error);
		expect(run.resultData.runData['Every 15 Minutes'][0]).toEqual({ executionStatus: 'success' });
	});
});

describe('N8nRest.failureOf', () => {
	it('names the failed node and its message, from the execution n8n returns inside { data }', async () => {
		const rest = new N8nRest({ baseUrl: 'http://n8n.invalid' } as unknown as N8nInstance);
		jest.spyOn(rest, 'json').mockResolvedValue({ id: '9', status: 'error', data: FAILED_RUN });
		await expect(rest.failureOf('9')).resolves.toBe('Get New Orders: SQLITE_ERROR: near "-": syntax error');
	});

	it('says so when an execution records no error', async () => {
		const rest = new N8nRest({ baseUrl: 'http://n8n.invalid' } as unknown as N8nInstance);
		jest.spyOn(rest, 'json').mockResolvedValue({ id: '3', status: 'canceled', data: JSON.stringify([{ resultData: '1' }, { runData: '2' }, {}]) });
		await expect(rest.failureOf('3')).resolves.toBe('status canceled, no error recorded');
	});
});
