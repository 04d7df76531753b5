/**
 * `--shot=report` of scripts/screenshot.ts: docs/recovery-report.png, the recovery report page as real n8n serves it.
 * The shipped template runs in an n8n of its own against a PostgreSQL schema seeded with the e2e scenario's two weeks
 * of figures (test/e2e/scenarios/recovery-report.ts), and the browser opens the page with the Basic Auth login.
 */
import { join } from 'node:path';

import type { BrowserContext } from 'playwright-core';

import type { ScenarioContext } from '../../test/e2e/scenario';
import { seedRecoveryDaily, startReportPage } from '../../test/e2e/scenarios/recovery-report';

const PICTURE = join(__dirname, '..', '..', 'docs', 'recovery-report.png');
const WORKFLOW_ID = 'shotRecoveryRep1';
/** About a laptop browser window's width: the tiles sit in one row, the chart at its drawn size. */
const PAGE_VIEWPORT = { width: 1000, height: 700 };

export async function shotReport(context: ScenarioContext, browser: BrowserContext, say: (message: string) => void): Promise<void> {
	const db = await context.database(false);
	await seedRecoveryDaily(db);
	const report = await startReportPage(await context.n8n({}, 'screenshot-report'), db, WORKFLOW_ID);
	say(`recovery report at ${report.url}`);
	const page = await browser.newPage();
	try {
		await page.setViewportSize(PAGE_VIEWPORT);
		// Only this tab sends the login, as a browser does after the Basic Auth prompt
		await page.setExtraHTTPHeaders({ authorization: report.authorization });
		const answer = await page.goto(report.url, { waitUntil: 'load' });
		if (answer?.status() !== 200) throw new Error(`the report page answered ${answer?.status()}: ${(await answer?.text())?.slice(0, 300)}`);
		await page.locator('svg rect.recovered').first().waitFor();
		await page.screenshot({ path: PICTURE, fullPage: true });
		say(`wrote ${PICTURE}`);
	} finally {
		await page.close();
	}
}
