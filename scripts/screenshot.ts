/**
 * `npx tsx scripts/screenshot.ts`: the README's picture, taken from the current templates.
 *
 * Installs Debian's chromium when /usr/bin/chromium is missing (apt-get, needs root), starts a real n8n 2.41.1 with
 * the package installed and every template imported, logs in as the owner through the sign-in form, opens the
 * PostgreSQL template in the editor with playwright-core driving that chromium, and writes docs/template-postgres.png.
 * Options: --out=<file.png>, --template=<file in workflows/> (default abandoned-cart-reminders-postgres.json).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { chromium } from 'playwright-core';

import { buildAndPack } from '../test/e2e/pack';
import { provisionN8n } from '../test/e2e/provision';
import { N8nRest, OWNER } from '../test/e2e/rest';
import { ScenarioContext } from '../test/e2e/scenario';
import { template, TEMPLATES_DIR, useCredentials } from '../test/e2e/workflows';

const ROOT = resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

function option(name: string, fallback: string): string {
	const found = process.argv.find((a) => a.startsWith(`--${name}=`));
	return found ? found.slice(name.length + 3) : fallback;
}

function say(message: string): void {
	console.log(`[screenshot] ${message}`);
}

function ensureChromium(): void {
	if (existsSync(CHROMIUM)) return;
	say(`${CHROMIUM} is missing: installing Debian's chromium with apt-get (as root)`);
	try {
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	} catch {
		execFileSync('apt-get', ['update'], { stdio: 'inherit' });
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	}
	if (!existsSync(CHROMIUM)) throw new Error(`apt-get finished but ${CHROMIUM} does not exist`);
	say(`installed ${execFileSync(CHROMIUM, ['--version']).toString().trim()}`);
}

/** Credentials so the picture shows configured nodes instead of warnings; they are never used. */
const CREDENTIALS = {
	constantContactOAuth2Api: { id: 'shotConstantContact', name: 'Constant Contact' },
	postgres: { id: 'shotPostgres', name: 'Shop database' },
	mySql: { id: 'shotMySql', name: 'Shop database (MySQL)' },
};

async function main(): Promise<void> {
	const out = resolve(ROOT, option('out', 'docs/template-postgres.png'));
	const templateFile = option('template', 'abandoned-cart-reminders-postgres.json');
	ensureChromium();
	const installation = await provisionN8n('2.41.1');
	const tarball = process.env.E2E_TARBALL || (await buildAndPack());
	const context = new ScenarioContext(installation, tarball, 'screenshot');
	const profile = mkdtempSync(join(tmpdir(), 'n8n-screenshot-chromium-'));
	try {
		const n8n = await context.n8n();
		await n8n.importCredentials([
			{ ...CREDENTIALS.constantContactOAuth2Api, type: 'constantContactOAuth2Api', data: { clientId: 'your-client-id', clientSecret: 'your-client-secret' } },
			{ ...CREDENTIALS.postgres, type: 'postgres', data: { host: 'localhost', port: 5432, database: 'shop', user: 'n8n', password: '' } },
			{ ...CREDENTIALS.mySql, type: 'mySql', data: { host: 'localhost', port: 3306, database: 'shop', user: 'n8n', password: '' } },
		]);
		let shotId = '';
		for (const [index, file] of readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.json')).sort().entries()) {
			const id = `template${String(index).padStart(2, '0')}shot1`;
			await n8n.importWorkflow({ ...useCredentials(template(file), CREDENTIALS), id });
			if (file === templateFile) shotId = id;
		}
		if (!shotId) throw new Error(`no template ${templateFile} in ${TEMPLATES_DIR}`);
		await n8n.start();
		await new N8nRest(n8n).setUpOwner();
		say(`n8n ${installation.version} at ${n8n.baseUrl}, ${templateFile} imported as ${shotId}`);

		const browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: { width: 1680, height: 920 },
			deviceScaleFactor: 1,
		});
		try {
			const page = browser.pages()[0] ?? (await browser.newPage());
			await page.goto(`${n8n.baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
			await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
			await page.locator('input[type="password"]').first().fill(OWNER.password);
			await page.keyboard.press('Enter');
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
			say('signed in as the owner');

			await page.goto(`${n8n.baseUrl}/workflow/${shotId}`, { waitUntil: 'domcontentloaded' });
			await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 90_000 });
			await page.waitForTimeout(1500);
			// Close whatever greets a new owner (tours, banners, toasts), then fit the workflow into the view.
			for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
			await page.locator('.el-notification__closeBtn, [data-test-id="banner-close"], .n8n-callout button').evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLElement).click()));
			await page.mouse.click(5, 460);
			await page.keyboard.press('1');
			await page.waitForTimeout(1500);
			await page.screenshot({ path: out });
			const nodes = await page.locator('[data-test-id="canvas-node"]').count();
			say(`wrote ${out} (${nodes} nodes and notes on the canvas)`);
		} finally {
			await browser.close();
		}
	} finally {
		await context.cleanUp(false);
		rmSync(profile, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`screenshot failed: ${error.message}`);
		process.exit(1);
	},
);
