/**
 * The naive pattern on the provisioned n8n 2.41.1: n8n's HTTP Request node calls sign_up_form once per shopper
 * against the stand-in the parent started (its URLs, a credential and the number of carts come in BENCH_NAIVE as
 * JSON). Reports wall time and how many items came back as errors.
 */
import { createCredentialStore } from '../../test/harness/context';
import { abandonedCarts } from '../carts';
import { naiveSignUpWorkflow } from '../workflows';
import { executeWorkflow } from './engine';
import { report } from './measure';

interface NaiveInput {
	apiBaseUrl: string;
	listId: string;
	credential: Record<string, unknown>;
	carts: number;
}

async function main(): Promise<void> {
	const input = JSON.parse(process.env.BENCH_NAIVE ?? '') as NaiveInput;
	const credentials = createCredentialStore({ constantContactOAuth2Api: input.credential as never });
	const started = Date.now();
	const run = await executeWorkflow(naiveSignUpWorkflow(input.apiBaseUrl, input.listId), {
		items: abandonedCarts(input.carts, Date.now()) as never,
		credentials,
	});
	const ms = Date.now() - started;
	const items = run.data.resultData.runData['Sign Up Shopper']?.[0]?.data?.main?.[0] ?? [];
	const errors = items.filter((item) => item.json.error !== undefined);
	report({
		ms,
		status: run.status,
		error: run.data.resultData.error?.message,
		items: items.length,
		errorItems: errors.length,
		firstError: errors[0]?.json.error,
	});
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		process.stderr.write(`${error.stack ?? error.message}\n`);
		process.exit(1);
	},
);
