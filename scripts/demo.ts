/**
 * `npm run demo`: the whole thing working in one command, before you create any Constant Contact app.
 *
 * Provisions a real n8n 2.41.1 (cached in .cache/, the same provisioning as the end-to-end tests), installs the
 * packed package as users do, starts the Constant Contact stand-in, creates an owner account, imports the
 * "Cart events by webhook" template with a credential connected to the stand-in (its Signed Recovery Link turned on
 * with a Cart Link Secret credential, and its coupons), sends realistic cart events with their items, waits for the scheduled
 * reminder run and prints what happened to each cart: the decision, the items summary, whether the shop's
 * snippet verifies the signed link, and the coupon code from the template's pool (turned on, with codes seeded). Then Alice orders, and the demo prints what the report page credits to the
 * reminder, where the page is and its login. Then n8n stays up at http://localhost:5678 (or the next free port)
 * until Ctrl-C.
 *
 *   npm run demo               interactive: leaves n8n running
 *   npm run demo -- --once     prints the table and exits 0 (CI)
 *   E2E_TARBALL=<file.tgz>     installs that package instead of building and packing the tree
 *
 * With CC_CLIENT_ID and CC_CLIENT_SECRET set (a real Constant Contact app whose redirect URI is
 * http://localhost:<port>/rest/oauth2-credential/callback), no stand-in is started and no carts are sent: n8n gets
 * every template and an unconnected credential for the real API; press "Connect" in the editor (README).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

import { withProgress } from '../test/e2e/progress';

const ROOT = resolve(__dirname, '..');
const DEMO_VERSION = '2.41.1';
const SCHEDULE_SECONDS = 30;
const started = Date.now();

function say(message: string): void {
	console.log(`[demo ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
}

/** Says what the demo waits for, then again with the time so far every few seconds until it is there. */
function waitFor<T>(what: string, expected: string, work: () => Promise<T>): Promise<T> {
	say(`${what} (${expected})`);
	return withProgress({ what, expected, say }, work);
}

/** A fresh clone may lack dependencies; everything below them is imported only after this. */
function ensureDependencies(): void {
	if (existsSync(join(ROOT, 'node_modules', 'n8n-workflow')) && existsSync(join(ROOT, 'node_modules', 'typescript'))) return;
	say('node_modules is missing: running npm ci');
	execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((done) => {
		const server = createServer();
		server.once('error', () => done(false));
		server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
	});
}

async function editorPort(): Promise<number> {
	for (let port = 5678; port < 5700; port++) if (await portIsFree(port)) return port;
	throw new Error('ports 5678-5699 are all taken');
}

function table(rows: Array<Record<string, string | number>>): string {
	const headers = Object.keys(rows[0]);
	const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)));
	const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
	return [line(headers), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map((r) => line(headers.map((h) => String(r[h]))))].join('\n');
}

async function main(): Promise<number> {
	const once = process.argv.includes('--once');
	ensureDependencies();
	const { CACHE_DIR, provisionN8n } = await import('../test/e2e/provision');
	const { buildAndPack } = await import('../test/e2e/pack');
	const { ScenarioContext } = await import('../test/e2e/scenario');
	const { OWNER } = await import('../test/e2e/rest');
	const { template } = await import('../test/e2e/workflows');
	const webhook = await import('../test/e2e/scenarios/cart-events-webhook');
	const { customFieldsOf, listMemberships } = await import('../test/e2e/carts');
	const { shopVerifiesLink } = await import('../test/support/shopVerifiesLink');

	say(`provisioning n8n ${DEMO_VERSION} (first time: several minutes, with progress every few seconds; cached in ${CACHE_DIR} after that)`);
	const installation = await provisionN8n(DEMO_VERSION);
	if (!process.env.E2E_TARBALL) say('building and packing the package (npm run build && npm pack)');
	const tarball = process.env.E2E_TARBALL || (await buildAndPack());
	const context = new ScenarioContext(installation, tarball, 'demo');
	let stopping = false;
	const cleanUp = async () => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the stand-in');
		await context.cleanUp(false);
	};

	try {
		const port = await editorPort();
		const url = `http://localhost:${port}`;
		const n8n = await waitFor('installing the packed package into a new n8n user folder, as the Community Nodes panel does', 'usually under 30 s', () =>
			context.n8n({ N8N_PORT: String(port), N8N_HOST: 'localhost', WEBHOOK_URL: `${url}/`, N8N_EDITOR_BASE_URL: `${url}/` }),
		);
		n8n.port = port;
		say(`n8n ${DEMO_VERSION} with the package installed in ${n8n.userFolder}`);

		const real = process.env.CC_CLIENT_ID && process.env.CC_CLIENT_SECRET;
		if (real) {
			const code = await realApi(n8n, url, once);
			await cleanUp();
			return code;
		}

		const { standIn, account, shop, carts, run, linkSecret } = await webhook.demoMorning(context, n8n, {
			scheduleSeconds: SCHEDULE_SECONDS,
			workflowId: 'demoCartEvents01',
			say,
			step: waitFor,
		});
		const outcomes = webhook.outcomes(carts, await webhook.dataTableRows(shop), standIn, account);
		// What the email gets from Constant Contact's custom fields, for the shoppers on the list
		const emailFields = carts.map((c) => customFieldsOf(standIn, String(c.event.email)));
		const links = carts.map((c, i) => {
			const link = emailFields[i].ac_recovery_url;
			if (!outcomes[i].automationEntries || !link) return '-';
			const check = shopVerifiesLink(link, linkSecret.secret);
			return check.verified ? (check.cartId === c.event.cart_id ? 'verified' : `verified for ${check.cartId}!`) : check.reason;
		});

		console.log(`\nScheduled run ${run.id}: ${run.status}\n`);
		console.log(
			table(
				outcomes.map((o, i) => ({
					cart: o.cart,
					'what the shopper did': o.label,
					decision: o.decision,
					reason: o.reason,
					'Constant Contact status': o.constantContact,
					'automation entries': o.automationEntries,
					items: o.automationEntries ? (emailFields[i].ac_items_summary ?? '-') : '-',
					link: links[i],
					coupon: o.automationEntries ? (emailFields[i].ac_coupon_code ?? '-') : '-',
				})),
			),
		);
		const alice = carts[0].event;
		const order = await webhook.takeOrder(shop, { cart_id: alice.cart_id, email: alice.email, order_id: 'demo-order-1', total: webhook.ALICE_ORDER_TOTAL });
		say(`${alice.email} placed an order of ${webhook.ALICE_ORDER_TOTAL.toFixed(2)} ${alice.currency} (the webhook answered ${order.answer.status} at once)`);
		const removal = await waitFor(
			`waiting for the scheduled run that takes ${alice.email} off the list`,
			`usually under ${SCHEDULE_SECONDS + 10} s`,
			() => webhook.scheduledRunAfter(shop, order.answeredAt, (SCHEDULE_SECONDS + 90) * 1000),
		);
		const stillOnList = removal.status !== 'success' || listMemberships(standIn, String(alice.email)).includes(account.reminderListId);
		console.log(`\nThen ${alice.email} placed an order: after the next scheduled run she is ${stillOnList ? 'STILL' : 'no longer'} on "${webhook.REMINDER_LIST}", so the automation sends her nothing more.`);
		// What n8n made of the order: the report page's figures (the filter's Recovery Report over the table's rows)
		const report = await webhook.reportPage(shop);
		const recovered = webhook.recoveredLine(String(alice.email), (await webhook.dataTableRows(shop)).find((r) => r.cart_id === alice.cart_id), report);
		console.log(recovered.line);

		const mismatches = carts.filter((c, i) => c.expected.decision !== outcomes[i].decision || c.expected.reason !== outcomes[i].reason);
		if (mismatches.length) console.log(`\nUnexpected decisions for ${mismatches.map((c) => c.event.cart_id).join(', ')}`);
		const refused = carts.filter((_, i) => links[i] !== '-' && links[i] !== 'verified');
		if (refused.length) console.log(`\nThe shop's snippet did not verify the links of ${refused.map((c) => c.event.cart_id).join(', ')}`);
		const coupons = carts.flatMap((_, i) => (outcomes[i].automationEntries ? [emailFields[i].ac_coupon_code ?? ''] : []));
		const couponsOk = coupons.every(Boolean) && new Set(coupons).size === coupons.length;
		if (!couponsOk) console.log(`\nCoupon codes missing or handed out twice: ${JSON.stringify(coupons)}`);
		if (run.status !== 'success' || mismatches.length || stillOnList || refused.length || !recovered.ok || !couponsOk) {
			await cleanUp();
			return 1;
		}
		console.log(`\nn8n: ${url}  login ${OWNER.email} / ${OWNER.password}`);
		console.log(`Workflow "${template(webhook.WEBHOOK_TEMPLATE).name}" (Overview), its executions, and the Data table "abandoned_carts".`);
		console.log(`Report page: ${url}/webhook/${webhook.REPORT_PATH}  login ${shop.report.user} / ${shop.report.password}`);
		console.log(`  ${webhook.reportSummary(report)}`);
		say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
		if (once) {
			await cleanUp();
			return 0;
		}
		console.log(`n8n keeps running (the schedule fires every ${SCHEDULE_SECONDS} s). Press Ctrl-C to stop.`);
		await untilInterrupted();
		await cleanUp();
		return 0;
	} catch (error) {
		await cleanUp();
		throw error;
	}
}

/** Real Constant Contact: every template and a credential to connect in the editor; nothing is sent. */
async function realApi(n8n: import('../test/e2e/n8n').N8nInstance, url: string, once: boolean): Promise<number> {
	const { readdirSync } = await import('node:fs');
	const { N8nRest, OWNER } = await import('../test/e2e/rest');
	const { template, TEMPLATES_DIR } = await import('../test/e2e/workflows');
	await n8n.importCredentials([
		{ id: 'realConstantContact', name: 'Constant Contact', type: 'constantContactOAuth2Api', data: { clientId: process.env.CC_CLIENT_ID, clientSecret: process.env.CC_CLIENT_SECRET } },
	]);
	for (const file of readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.json'))) {
		const workflow = template(file);
		for (const node of workflow.nodes) {
			if (String(node.type).endsWith('.addToAutoresponderList')) node.credentials = { constantContactOAuth2Api: { id: 'realConstantContact', name: 'Constant Contact' } };
		}
		await n8n.importWorkflow({ ...workflow, id: `tpl${file.replace(/[^a-z0-9]/gi, '').slice(0, 13)}` });
	}
	await waitFor('starting n8n until its REST API answers', 'usually 15–60 s', () => n8n.start());
	await new N8nRest(n8n).setUpOwner();
	console.log(`\nn8n: ${url}  login ${OWNER.email} / ${OWNER.password}`);
	console.log('Credentials -> "Constant Contact" -> Connect my account (your app must allow the redirect URI');
	console.log(`${url}/rest/oauth2-credential/callback). Every template is imported, inactive; see README.md, "Try it without a Constant Contact account".`);
	if (!once) await untilInterrupted();
	return 0;
}

function untilInterrupted(): Promise<void> {
	return new Promise((done) => {
		process.once('SIGINT', () => done());
		process.once('SIGTERM', () => done());
	});
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(`demo failed: ${error.message}`);
		process.exit(1);
	},
);
