/**
 * Part 4: the shipped PostgreSQL template in real n8n 2.41.1 over generated carts in a real PostgreSQL table, the
 * stand-in with its real limits. Built from the e2e harness's pieces: provisioning, the packed package installed
 * as users install it, the authorization-code dance, the throw-away schema, `n8n execute`.
 */
import { generateCarts, isDue } from '../carts';
import { buildAndPack } from '../../test/e2e/pack';
import { seedConstantContact } from '../../test/e2e/carts';
import { nodeOutputs } from '../../test/e2e/n8n';
import { credentialEntry } from '../../test/e2e/oauth';
import { authorizationCodeDance } from '../../test/support/oauth';
import type { TestDatabase } from '../../test/e2e/postgres';
import { ScenarioContext } from '../../test/e2e/scenario';
import { POSTGRES_TEMPLATE_TRIGGER, postgresTemplate } from '../../test/e2e/scenarios/postgres-cli';
import { withManualTrigger } from '../../test/e2e/workflows';
import { provisionedN8n } from '../host/spawn';
import { progress } from '../stats';

/** The template reads at most this many carts per run; the bench raises it to the cart count (said in the table). */
const TEMPLATE_LIMIT = /LIMIT 5000\b/;

export interface TemplateRun {
	carts: number;
	dueCarts: number;
	selected: number;
	sent: number;
	contactsOnList: number;
	/** Execution start (n8n's startedAt) to the last automation entry on the list. */
	triggerToLastContactMs: number;
	/** Execution start to execution end, as n8n recorded them. */
	executionMs: number;
	/** `n8n execute` from process start to exit (includes n8n's own start-up). */
	cliWallMs: number;
	requests: number;
	throttled429: number;
	queryLimitRaised: boolean;
	nodeMs: Record<string, number>;
}

async function insertCarts(db: TestDatabase, count: number): Promise<number> {
	const now = Date.now();
	// The mix of bench/carts.ts; the due ones are known exactly so the last contact can be awaited.
	const rows = generateCarts(count, now, 4);
	const due = rows.filter((c) => isDue(c, now)).length;
	const column = (pick: (c: Record<string, any>) => unknown) => rows.map(pick);
	await db.query(
		`INSERT INTO abandoned_carts (id, email, first_name, marketing_consent, status, item_count, total, currency, recovery_url,
		   timezone, created_at, updated_at, completed_at, order_id)
		 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::int[], $7::numeric[], $8::text[],
		   $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::text[])`,
		[
			column((c) => c.id),
			column((c) => c.email || null),
			column((c) => c.first_name),
			column((c) => c.marketing_consent),
			column((c) => c.status),
			column((c) => c.item_count),
			column((c) => c.total),
			column((c) => c.currency),
			column((c) => c.recovery_url),
			column((c) => c.timezone),
			column((c) => c.created_at),
			column((c) => c.updated_at),
			column((c) => c.completed_at),
			column((c) => c.order_id),
		],
	);
	return due;
}

export async function postgresTemplateRun(carts: number): Promise<TemplateRun> {
	const installation = await provisionedN8n();
	const tarball = process.env.E2E_TARBALL || (await buildAndPack());
	const context = new ScenarioContext(installation, tarball, 'bench-postgres-template');
	try {
		const [standIn, n8n, db] = await Promise.all([
			context.standIn({ requestsPerSecond: 4, dailyQuota: 10_000 }),
			context.n8n(),
			context.database(),
		]);
		const tokens = await authorizationCodeDance(standIn, `${n8n.baseUrl}/rest/oauth2-credential/callback`);
		const ccCredential = credentialEntry(standIn, tokens);
		const pgCredential = db.credential();
		await n8n.importCredentials([ccCredential, pgCredential]);
		const account = seedConstantContact(standIn);
		const dueCarts = await insertCarts(db, carts);

		const id = 'benchPgTemplate1';
		const workflow = withManualTrigger(
			postgresTemplate(id, {
				constantContactOAuth2Api: { id: ccCredential.id, name: ccCredential.name },
				postgres: { id: pgCredential.id, name: pgCredential.name },
			}),
			POSTGRES_TEMPLATE_TRIGGER,
		);
		const select = workflow.nodes.find((n) => n.name === 'Select Open Carts');
		const query = String(select?.parameters.query ?? '');
		const queryLimitRaised = TEMPLATE_LIMIT.test(query) && carts > 5000;
		if (select && queryLimitRaised) select.parameters.query = query.replace(TEMPLATE_LIMIT, `LIMIT ${carts}`);
		await n8n.importWorkflow(workflow);
		standIn.control.clearRequestLog();

		progress(`PostgreSQL template: n8n execute over ${carts} carts (${dueCarts} due)`);
		const started = Date.now();
		const run = await n8n.execute(id);
		const cliWallMs = Date.now() - started;
		const entries = standIn.control.automationEntries({ listId: account.reminderListId });
		const lastEntryAt = Math.max(...entries.map((e) => Date.parse(String(e.at))));
		const startedAt = Date.parse(String(run.startedAt));
		const stoppedAt = Date.parse(String(run.stoppedAt));
		const api = standIn.control.requestLog().filter((r) => r.path.startsWith('/v3'));
		const nodeMs: Record<string, number> = {};
		for (const [name, runs] of Object.entries(run.data.resultData.runData)) {
			nodeMs[name] = (runs as Array<{ executionTime?: number }>).reduce((sum, r) => sum + (r.executionTime ?? 0), 0);
		}
		const [send] = nodeOutputs(run, 'Abandoned Cart Filter');
		return {
			carts,
			dueCarts,
			selected: nodeOutputs(run, 'Select Open Carts')[0]?.length ?? 0,
			sent: send?.length ?? 0,
			contactsOnList: entries.length,
			triggerToLastContactMs: lastEntryAt - startedAt,
			executionMs: stoppedAt - startedAt,
			cliWallMs,
			requests: api.length,
			throttled429: api.filter((r) => r.status === 429).length,
			queryLimitRaised,
			nodeMs,
		};
	} finally {
		const { problems, failures } = await context.cleanUp(false);
		if (problems.length) progress(`PostgreSQL template clean-up: ${problems.join('; ')}`);
		// eslint-disable-next-line no-unsafe-finally
		if (failures.length) throw new Error(`the stand-in reports: ${failures.join('; ')}`);
	}
}
