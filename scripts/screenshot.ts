/**
 * `npx tsx scripts/screenshot.ts`: every picture in the README, taken in a real n8n from the current code and templates.
 *
 * Installs Debian's chromium when /usr/bin/chromium is missing (apt-get, needs root), starts a real n8n 2.41.1 with
 * the packed package installed, logs in as the owner through the sign-in form and drives that chromium with
 * playwright-core. The pictures, written into docs/:
 *   template        template-postgres.png, template-mysql.png, template-three-step.png: each template in the editor
 *   filter-outputs  filter-outputs.png: the demo's scheduled run (`npm run demo`: the same stand-in, template and
 *                   carts) opened from the workflow's executions, the filter's three outputs with their item counts;
 *                   filter-reasons.png: the filter's output panel in that execution, every cart of one output and its reason
 *   credential      credential.png: the Constant Contact OAuth2 credential dialog, with placeholder client id and secret
 *   email           reminder-email.png: docs/reminder-email.html filled in for a sample shopper (scripts/shots/email.ts; no n8n)
 *   report          recovery-report.png: the recovery report page served by the report template (scripts/shots/report.ts)
 * Options: --shot=template,filter-outputs,credential,email,report or all (the default); --template=<file in workflows/> to take
 * only that template's picture.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { chromium, type Locator, type Page } from 'playwright-core';

import type { N8nInstance } from '../test/e2e/n8n';
import { buildAndPack } from '../test/e2e/pack';
import { provisionN8n } from '../test/e2e/provision';
import { N8nRest, OWNER } from '../test/e2e/rest';
import { ScenarioContext } from '../test/e2e/scenario';
import { demoMorning, type DemoMorning } from '../test/e2e/scenarios/cart-events-webhook';
import { template, useCredentials } from '../test/e2e/workflows';
import { shotEmail } from './shots/email';
import { shotReport } from './shots/report';

const ROOT = resolve(__dirname, '..');
const DOCS = join(ROOT, 'docs');
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
/** Small enough that a README shows the picture near its own size, large enough for a template's notes to be read. */
const VIEWPORT = { width: 1400, height: 900 };
const started = Date.now();

const SHOTS = ['template', 'filter-outputs', 'credential', 'email', 'report'] as const;
type Shot = (typeof SHOTS)[number];

/** The templates pictured, and their pictures. */
const TEMPLATE_PICTURES: Record<string, string> = {
	'abandoned-cart-reminders-postgres.json': 'template-postgres.png',
	'abandoned-cart-reminders-mysql.json': 'template-mysql.png',
	'three-step-sequence-postgres.json': 'template-three-step.png',
};

/** The demo's schedule; the run that decided the carts is the one pictured. */
const DEMO_SCHEDULE_SECONDS = 20;
const DEMO_WORKFLOW_ID = 'shotCartEvents01';
const FILTER_NODE = 'Abandoned Cart Filter';
/** The nodes the outputs picture frames: the reminder run, from the carts read to the filter's three outputs and on. */
const REMINDER_PATH = ['Get Open Carts', FILTER_NODE, 'Add to Autoresponder List', 'Mark Reminders Sent', 'Save Reminder', 'Save Decision'];
/** The output panel shows this output: its carts carry three different reasons. */
const REASONS_OUTPUT = 'Skip';

/** The n8n address the credential dialog names in its OAuth Redirect URL: the README's example, not this machine's port. */
const PICTURED_EDITOR_URL = 'https://n8n.example.com/';

/** Placeholder credentials: the templates' nodes show as configured, and the credential picture shows no secret. */
const CREDENTIALS = {
	constantContactOAuth2Api: { id: 'shotConstantContact', name: 'Constant Contact' },
	postgres: { id: 'shotPostgres', name: 'Shop database' },
	mySql: { id: 'shotMySql', name: 'Shop database (MySQL)' },
};

function option(name: string, fallback: string): string {
	const found = process.argv.find((a) => a.startsWith(`--${name}=`));
	return found ? found.slice(name.length + 3) : fallback;
}

function chosenShots(): Shot[] {
	const value = option('shot', 'all');
	if (value === 'all') return [...SHOTS];
	const names = value.split(',').map((n) => n.trim());
	const unknown = names.filter((n) => !(SHOTS as readonly string[]).includes(n));
	if (unknown.length) throw new Error(`--shot=${unknown.join(',')}: choose from ${SHOTS.join(', ')} or all`);
	return names as Shot[];
}

function chosenTemplates(): string[] {
	const only = option('template', '');
	if (!only) return Object.keys(TEMPLATE_PICTURES);
	if (!TEMPLATE_PICTURES[only]) throw new Error(`--template=${only}: pictured templates are ${Object.keys(TEMPLATE_PICTURES).join(', ')}`);
	return [only];
}

function say(message: string): void {
	console.log(`[screenshot ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
}

function ensureChromium(): void {
	if (existsSync(CHROMIUM)) return;
	say(`${CHROMIUM} is missing: installing Debian's chromium with apt-get (as root)`);
	const install = () =>
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	try {
		install();
	} catch {
		execFileSync('apt-get', ['update'], { stdio: 'inherit' });
		install();
	}
	if (!existsSync(CHROMIUM)) throw new Error(`apt-get finished but ${CHROMIUM} does not exist`);
	say(`installed ${execFileSync(CHROMIUM, ['--version']).toString().trim()}`);
}

/** Workflow id of a pictured template: n8n wants 16 characters or fewer, and the template files share their first ones. */
function templateId(file: string): string {
	return `shot${TEMPLATE_PICTURES[file].replace(/[^a-z0-9]/gi, '')}`.slice(0, 16);
}

async function importTemplates(n8n: N8nInstance, files: string[]): Promise<void> {
	for (const file of files) await n8n.importWorkflow({ ...useCredentials(template(file), CREDENTIALS), id: templateId(file) });
}

async function signIn(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
	await page.locator('input[type="password"]').first().fill(OWNER.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	say('signed in as the owner');
}

/** Closes whatever greets a new owner (tours, banners, toasts); an error toast fails the picture instead. */
async function dismissGreetings(page: Page): Promise<void> {
	const errors = await page.locator('.el-notification:has(.el-notification--error)').allInnerTexts();
	if (errors.length) throw new Error(`n8n shows an error: ${errors.join(' | ').replace(/\s+/g, ' ')}`);
	for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
	await page.locator('.el-notification__closeBtn, [data-test-id="banner-close"]').evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLElement).click()));
	await page.locator('.el-notification').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

/** Waits until the canvas stops moving (fit-to-view and zoom animate): its transform is the same twice in a row. */
async function canvasSettled(page: Page): Promise<void> {
	let last = '';
	for (let i = 0; i < 50; i++) {
		const now = await page.locator('.vue-flow__transformationpane').first().getAttribute('style');
		if (now && now === last) return;
		last = now ?? '';
		await page.waitForTimeout(150);
	}
}

/** Fits the whole workflow into the view with the canvas's own zoom-to-fit button. */
async function fitView(page: Page, scope: Locator | Page = page): Promise<void> {
	await scope.locator('[data-test-id="zoom-to-fit"]').first().click();
	await canvasSettled(page);
}

async function shotTemplate(page: Page, baseUrl: string, file: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${templateId(file)}`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 90_000 });
	await dismissGreetings(page);
	await fitView(page);
	const out = join(DOCS, TEMPLATE_PICTURES[file]);
	await page.screenshot({ path: out });
	say(`wrote ${out}`);
}

/** The union of the boxes of these canvas nodes, in page pixels. */
async function boxOfNodes(canvas: Locator, names: string[]): Promise<{ x: number; y: number; width: number; height: number }> {
	const boxes = await Promise.all(names.map((name) => canvas.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).boundingBox()));
	const found = boxes.filter((b) => b !== null);
	if (found.length !== names.length) throw new Error(`the canvas shows ${found.length} of the nodes ${names.join(', ')}`);
	const x = Math.min(...found.map((b) => b.x));
	const y = Math.min(...found.map((b) => b.y));
	return { x, y, width: Math.max(...found.map((b) => b.x + b.width)) - x, height: Math.max(...found.map((b) => b.y + b.height)) - y };
}

/**
 * Zooms and pans the canvas until these nodes fill `area` (page pixels), as a user does with Ctrl+wheel and the
 * wheel: n8n's canvas zooms around the pointer and pans on scroll (half the wheel's distance; each step re-measures).
 */
async function frameNodes(page: Page, canvas: Locator, names: string[], area: { x: number; y: number; width: number; height: number }): Promise<void> {
	for (let step = 0; step < 40; step++) {
		const box = await boxOfNodes(canvas, names);
		const scale = Math.min(area.width / box.width, area.height / box.height);
		const dx = area.x + area.width / 2 - (box.x + box.width / 2);
		const dy = area.y + area.height / 2 - (box.y + box.height / 2);
		if (Math.abs(scale - 1) > 0.04) {
			await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
			await page.keyboard.down('Control');
			await page.mouse.wheel(0, Math.max(-200, Math.min(200, (-Math.log(scale) / Math.log(1.15)) * 100)));
			await page.keyboard.up('Control');
		} else if (Math.abs(dx) > 4 || Math.abs(dy) > 4) {
			await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
			await page.mouse.wheel(-dx * 2, -dy * 2);
		} else {
			return;
		}
		await canvasSettled(page);
	}
	throw new Error(`could not frame ${names.join(', ')} on the canvas`);
}

async function shotFilterOutputs(page: Page, baseUrl: string, morning: DemoMorning): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${morning.shop.workflowId}/executions/${morning.run.id}`, { waitUntil: 'domcontentloaded' });
	const preview = page.locator('[data-test-id="execution-preview-host"]');
	const filter = preview.locator(`[data-test-id="canvas-node"][data-node-name="${FILTER_NODE}"]`);
	await filter.waitFor({ timeout: 90_000 });
	await dismissGreetings(page);
	// A published workflow greets with a production checklist over the canvas.
	await page.locator('[data-test-id="suggested-actions-close"]').click({ timeout: 5_000 }).catch(() => undefined);
	await fitView(page, preview);
	const host = await preview.boundingBox();
	if (!host) throw new Error('the execution preview is not visible');
	// Below the execution's header, above the zoom buttons.
	const area = { x: host.x + 40, y: host.y + 140, width: host.width - 80, height: host.height - 300 };
	await frameNodes(page, preview, REMINDER_PATH, area);
	// The minimap shows while the canvas moves and hides a moment after.
	await preview.locator('[data-test-id="canvas-minimap"]').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
	const nodes = await boxOfNodes(preview, REMINDER_PATH);
	const out = join(DOCS, 'filter-outputs.png');
	// The reminder run only, with the node names under the nodes; not the webhook branch above it.
	await page.screenshot({ path: out, clip: { x: host.x, y: nodes.y - 25, width: host.width, height: nodes.height + 95 } });
	say(`wrote ${out}`);

	await filter.dblclick();
	const output = page.locator('[data-test-id="output-panel"]');
	await output.locator('[data-test-id="branches"]').getByText(REASONS_OUTPUT, { exact: false }).click();
	// Widen the output: drag the parameters panel to the left, over the input panel.
	const handle = await page.locator('[data-test-id="panel-drag-button"]').boundingBox();
	if (!handle) throw new Error('the node view has no panel handle');
	await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
	await page.mouse.down();
	await page.mouse.move(handle.x - 600, handle.y + handle.height / 2, { steps: 20 });
	await page.mouse.up();
	// "Collapse rows" on the decision column: other columns shrink to one line, the decision shows whole.
	const decision = output.locator('th').filter({ hasText: /^decision$/ });
	await decision.hover();
	await decision.getByRole('button', { name: 'Collapse rows' }).click();
	await decision.scrollIntoViewIfNeeded();
	await output.locator('td').filter({ hasText: 'reason' }).first().waitFor();
	const reasons = join(DOCS, 'filter-reasons.png');
	await output.screenshot({ path: reasons });
	say(`wrote ${reasons}`);
}

async function shotCredential(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/home/credentials/${CREDENTIALS.constantContactOAuth2Api.id}`, { waitUntil: 'domcontentloaded' });
	const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
	await dialog.locator('[data-test-id="parameter-input-clientSecret"]').waitFor({ timeout: 60_000 });
	await dialog.locator('[data-test-id="oauth-not-connected-banner"]').waitFor();
	// n8n never sends a stored secret to the browser; make sure the picture could not show one either.
	const secret = await dialog.locator('[data-test-id="parameter-input-clientSecret"] input').getAttribute('type');
	if (secret !== 'password') throw new Error(`the Client Secret box is of type ${secret}, not password`);
	const out = join(DOCS, 'credential.png');
	await page.locator('.el-dialog').filter({ has: dialog }).screenshot({ path: out });
	say(`wrote ${out}`);
}

async function main(): Promise<void> {
	const shots = chosenShots();
	const templates = shots.includes('template') ? chosenTemplates() : [];
	ensureChromium();
	if (shots.includes('email')) await shotEmail({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, docs: DOCS, say });
	if (shots.every((shot) => shot === 'email')) return say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	const installation = await provisionN8n('2.41.1');
	const tarball = process.env.E2E_TARBALL || (await buildAndPack());
	const context = new ScenarioContext(installation, tarball, 'screenshot');
	const profile = mkdtempSync(join(tmpdir(), 'n8n-screenshot-chromium-'));
	try {
		const n8n = await context.n8n({ N8N_EDITOR_BASE_URL: PICTURED_EDITOR_URL });
		await n8n.importCredentials([
			{ ...CREDENTIALS.constantContactOAuth2Api, type: 'constantContactOAuth2Api', data: { clientId: 'your-client-id', clientSecret: 'your-client-secret' } },
			{ ...CREDENTIALS.postgres, type: 'postgres', data: { host: 'localhost', port: 5432, database: 'shop', user: 'n8n', password: '' } },
			{ ...CREDENTIALS.mySql, type: 'mySql', data: { host: 'localhost', port: 3306, database: 'shop', user: 'n8n', password: '' } },
		]);
		await importTemplates(n8n, templates);
		let morning: DemoMorning | undefined;
		if (shots.includes('filter-outputs')) {
			morning = await demoMorning(context, n8n, { scheduleSeconds: DEMO_SCHEDULE_SECONDS, workflowId: DEMO_WORKFLOW_ID, say });
			if (morning.run.status !== 'success') throw new Error(`the demo's scheduled run ${morning.run.id} ended ${morning.run.status}: ${await morning.shop.rest.failureOf(morning.run.id)}`);
		} else {
			await n8n.start();
			await new N8nRest(n8n).setUpOwner();
		}
		say(`n8n ${installation.version} at ${n8n.baseUrl}`);

		const browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
		});
		try {
			const page = browser.pages()[0] ?? (await browser.newPage());
			await signIn(page, n8n.baseUrl);
			for (const file of templates) await shotTemplate(page, n8n.baseUrl, file);
			if (morning) await shotFilterOutputs(page, n8n.baseUrl, morning);
			if (shots.includes('credential')) await shotCredential(page, n8n.baseUrl);
			if (shots.includes('report')) await shotReport(context, browser, say);
		} finally {
			await browser.close();
		}
	} finally {
		await context.cleanUp(false);
		rmSync(profile, { recursive: true, force: true });
	}
	say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`screenshot failed: ${error.message}`);
		process.exit(1);
	},
);
