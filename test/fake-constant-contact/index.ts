/** A local stand-in for Constant Contact's v3 API and OAuth2 server, for tests, the demo and benchmarks. */
import { contractChecker } from './contract';
import { FakeConstantContactControl, controlOverHttp, createControl } from './control';
import { FakeServer } from './server';
import type { EmailLookup, PutSemantics, ReentryPolicy } from './state';

export type { FakeConstantContactControl } from './control';
export type { ConsentViolation } from './consent';
export type { ContractViolation, Fault, RequestLogEntry } from './server';
export type { AutomationEntry, EmailLookup, PermissionChange, PutSemantics, ReentryPolicy } from './state';
export type { RefreshTokenMode, TokenResponse } from './oauth';
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from './oauth';

export interface FakeConstantContactOptions {
	/** Default 0: a free port, always on 127.0.0.1. */
	port?: number;
	/** Per application (client id); default 4; null = unlimited. */
	requestsPerSecond?: number | null;
	/** Per application per UTC day; default 10,000; null = unlimited. */
	dailyQuota?: number | null;
	/** Default 86,400 (24 h). */
	accessTokenLifetimeSeconds?: number;
	/** Default 'rotating'. */
	refreshTokenMode?: 'rotating' | 'long-lived';
	/** Automation re-entry; default 'after-removal'. */
	reentryPolicy?: ReentryPolicy;
	/** What a PUT does with included custom_fields and list_memberships; default 'replace' (documented, worse for users). */
	putSemantics?: PutSemantics;
	/** How GET /contacts?email= matches; default 'exact' (mixed case finds nothing: the worse unconfirmed reading). */
	emailLookup?: EmailLookup;
	/** Time an asynchronous activity takes to complete; default 50 ms. */
	activityProcessingMs?: number;
	/** The official swagger for contract checks; default process.env.CC_OPENAPI_SPEC; otherwise the stand-in's own schemas. */
	specPath?: string;
}

export interface FakeConstantContact {
	/** http://127.0.0.1:<port> */
	baseUrl: string;
	/** <baseUrl>/v3 */
	apiBaseUrl: string;
	/** <baseUrl>/oauth2/default/v1 */
	oauthBaseUrl: string;
	/** In-process control; the same operations at <baseUrl>/__control/<operation>. */
	control: FakeConstantContactControl;
	/** 'official-spec' when request bodies are checked against the official swagger, else 'stand-in-schemas'. */
	contractSource: 'official-spec' | 'stand-in-schemas';
	/** Stops the server; rejects when consent violations are left (see control.consentViolations()). */
	stop(): Promise<void>;
}

export async function startFakeConstantContact(options: FakeConstantContactOptions = {}): Promise<FakeConstantContact> {
	const reentryPolicy = options.reentryPolicy ?? 'after-removal';
	const refreshTokenMode = options.refreshTokenMode ?? 'rotating';
	const contract = contractChecker(options.specPath ?? (process.env.CC_OPENAPI_SPEC || undefined));
	const server = new FakeServer(
		{
			requestsPerSecond: options.requestsPerSecond === undefined ? 4 : options.requestsPerSecond,
			dailyQuota: options.dailyQuota === undefined ? 10000 : options.dailyQuota,
			activityProcessingMs: options.activityProcessingMs ?? 50,
		},
		contract,
		{ refreshTokenMode, accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 86400 },
		reentryPolicy,
	);
	const putSemantics = options.putSemantics ?? 'replace';
	const emailLookup = options.emailLookup ?? 'exact';
	server.account.putSemantics = putSemantics;
	server.account.emailLookup = emailLookup;
	const control = createControl(server, { reentryPolicy, refreshTokenMode, putSemantics, emailLookup });
	server.controlHandler = controlOverHttp(control);
	const port = await server.listen(options.port ?? 0);
	const baseUrl = `http://127.0.0.1:${port}`;
	return {
		baseUrl,
		apiBaseUrl: `${baseUrl}/v3`,
		oauthBaseUrl: `${baseUrl}/oauth2/default/v1`,
		control,
		contractSource: contract.source,
		async stop() {
			await server.close();
			// Every suite stops its stand-in in afterAll: a consent violation anywhere in the suite fails it here.
			const failure = server.consentAudit.failure();
			if (failure) throw new Error(failure);
		},
	};
}
