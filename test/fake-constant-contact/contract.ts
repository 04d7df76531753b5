/**
 * Contract check: every /v3 request body is validated against the schema of its operation — the official
 * Swagger 2.0 definitions when a spec path is given (CC_OPENAPI_SPEC), otherwise the stand-in's own schemas below.
 */
import fs from 'node:fs';

import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

export interface ContractChecker {
	readonly source: 'official-spec' | 'stand-in-schemas';
	/** Problems with the body of `method path` (path below /v3), each naming the field; empty when it conforms. */
	check(method: string, path: string, body: unknown): string[];
}

type Schema = Record<string, unknown>;

/** Operations with a JSON body, as (method, /v3 path template) -> the official definition name. */
const OPERATIONS: Array<{ method: string; template: RegExp; specPath: string; definition: string }> = [
	{ method: 'POST', template: /^\/contact_lists$/, specPath: '/contact_lists', definition: 'ListInput' },
	{ method: 'POST', template: /^\/contacts$/, specPath: '/contacts', definition: 'ContactPostRequest' },
	{ method: 'PUT', template: /^\/contacts\/[^/]+$/, specPath: '/contacts/{contact_id}', definition: 'ContactPutRequest' },
	{ method: 'POST', template: /^\/contacts\/sign_up_form$/, specPath: '/contacts/sign_up_form', definition: 'ContactCreateOrUpdateInput' },
	{ method: 'POST', template: /^\/contact_custom_fields$/, specPath: '/contact_custom_fields', definition: 'CustomFieldRequest' },
	{ method: 'POST', template: /^\/activities\/add_list_memberships$/, specPath: '/activities/add_list_memberships', definition: 'ListActivityAddContacts' },
	{ method: 'POST', template: /^\/activities\/remove_list_memberships$/, specPath: '/activities/remove_list_memberships', definition: 'ListActivityRemoveContacts' },
	{ method: 'POST', template: /^\/activities\/contacts_json_import$/, specPath: '/activities/contacts_json_import', definition: 'ContactsJsonImport' },
];

// ---- the stand-in's own schemas (written from the reference's field limits, §3–§6 and §9) ------------------
const str = (maxLength?: number): Schema => (maxLength ? { type: 'string', maxLength } : { type: 'string' });
const uuid: Schema = { type: 'string', format: 'uuid' };
const uuids = (maxItems: number, minItems = 0): Schema => ({ type: 'array', items: uuid, maxItems, minItems });
const permission: Schema = {
	type: 'string',
	enum: ['explicit', 'implicit', 'not_set', 'pending_confirmation', 'temp_hold', 'unsubscribed'],
};
const customFieldValue: Schema = {
	type: 'object',
	required: ['custom_field_id', 'value'],
	properties: { custom_field_id: uuid, value: str(255) },
};
const address: Schema = {
	type: 'object',
	required: ['kind'],
	properties: {
		kind: { type: 'string', enum: ['home', 'work', 'other'] },
		street: str(255),
		city: str(50),
		state: str(50),
		postal_code: str(50),
		country: str(50),
	},
};
const phone: Schema = {
	type: 'object',
	properties: { phone_number: str(25), kind: { type: 'string', enum: ['home', 'work', 'mobile', 'other'] } },
};
const names: Schema = {
	first_name: str(50),
	last_name: str(50),
	job_title: str(50),
	company_name: str(50),
	birthday_month: { type: 'integer', minimum: 1, maximum: 12 },
	birthday_day: { type: 'integer', minimum: 1, maximum: 31 },
	anniversary: str(10),
};
const contactBody = (sourceKey: 'create_source' | 'update_source'): Schema => ({
	type: 'object',
	required: [sourceKey],
	properties: {
		email_address: {
			type: 'object',
			required: ['address'],
			properties: { address: str(80), permission_to_send: permission },
		},
		...names,
		[sourceKey]: { type: 'string', enum: ['Account', 'Contact'] },
		custom_fields: { type: 'array', items: customFieldValue, maxItems: 25 },
		phone_numbers: { type: 'array', items: phone, maxItems: 3 },
		street_addresses: { type: 'array', items: address, maxItems: 3 },
		list_memberships: uuids(50),
		taggings: uuids(50),
		notes: { type: 'array', maxItems: 150, items: { type: 'object', properties: { content: str(2000) } } },
	},
});
const membershipActivity: Schema = {
	type: 'object',
	required: ['source', 'list_ids'],
	properties: {
		source: {
			type: 'object',
			properties: {
				contact_ids: uuids(500),
				list_ids: uuids(50),
				all_active_contacts: { type: 'boolean' },
				tag_ids: uuids(500),
				engagement_level: { type: 'string' },
				segment_id: { type: 'integer' },
			},
		},
		list_ids: uuids(50, 1),
		exclude: { type: 'object', properties: { contact_ids: { type: 'array', items: uuid } } },
	},
};

export const OWN_SCHEMAS: Record<string, Schema> = {
	ListInput: {
		type: 'object',
		required: ['name'],
		properties: { name: str(255), favorite: { type: 'boolean' }, description: { type: 'string' } },
	},
	ContactPostRequest: contactBody('create_source'),
	ContactPutRequest: contactBody('update_source'),
	ContactCreateOrUpdateInput: {
		type: 'object',
		required: ['list_memberships'],
		properties: {
			email_address: str(50),
			...names,
			phone_number: str(25),
			list_memberships: uuids(50, 1),
			custom_fields: { type: 'array', items: customFieldValue, maxItems: 50 },
			street_address: address,
		},
	},
	CustomFieldRequest: {
		type: 'object',
		required: ['label', 'type'],
		properties: { label: str(50), type: str(20) },
	},
	ListActivityAddContacts: membershipActivity,
	ListActivityRemoveContacts: membershipActivity,
	ContactsJsonImport: {
		type: 'object',
		required: ['import_data', 'list_ids'],
		properties: {
			import_data: {
				type: 'array',
				maxItems: 40000,
				items: {
					type: 'object',
					properties: {
						email: str(50),
						first_name: str(50),
						last_name: str(50),
						job_title: str(50),
						company_name: str(50),
						phone: str(50),
						street: str(255),
						city: str(50),
						state: str(50),
						zip: str(50),
						country: str(50),
					},
					patternProperties: { '^cf:': str(255) },
				},
			},
			list_ids: uuids(50, 1),
		},
	},
};

// ---- the official spec, adapted for ajv ---------------------------------------------------------------
/**
 * Swagger 2.0 is close to JSON Schema draft 4; ajv needs `x-*`, `example` and `discriminator` dropped.
 * Leniency: the spec declares `maxItems: 0` on the list-membership activities' id arrays, a known spec bug
 * (the prose limits are 500 contact ids and 50 lists), so `maxItems: 0` is ignored; the stand-in's own rules
 * (api.ts) still enforce 500 and 50.
 */
function adaptSwagger(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(adaptSwagger);
	if (!node || typeof node !== 'object') return node;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
		if (key.startsWith('x-') || key === 'example' || key === 'discriminator') continue;
		if (key === 'maxItems' && value === 0) continue;
		if (key === '$ref' && typeof value === 'string') {
			out.$ref = value.replace(/^#\/definitions\//, 'cc-spec#/definitions/');
			continue;
		}
		out[key] = key === 'properties' || key === 'definitions' ? adaptMap(value) : adaptSwagger(value);
	}
	return out;
}

function adaptMap(value: unknown): unknown {
	if (!value || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, adaptSwagger(v)]));
}

function newAjv(): Ajv {
	const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
	addFormats(ajv);
	return ajv;
}

class SchemaChecker implements ContractChecker {
	private readonly validators = new Map<string, ValidateFunction>();

	constructor(
		readonly source: ContractChecker['source'],
		private readonly compile: (definition: string) => ValidateFunction,
	) {}

	check(method: string, path: string, body: unknown): string[] {
		const operation = OPERATIONS.find((op) => op.method === method && op.template.test(path));
		if (!operation) return [];
		let validate = this.validators.get(operation.definition);
		if (!validate) {
			validate = this.compile(operation.definition);
			this.validators.set(operation.definition, validate);
		}
		if (validate(body)) return [];
		return (validate.errors ?? []).map((error) => {
			const field = error.instancePath.slice(1).replace(/\//g, '.') || 'body';
			return `${field} ${error.message ?? 'is invalid'}`;
		});
	}
}

interface SwaggerSpec {
	definitions: Schema;
	paths: Record<string, Record<string, { parameters?: Schema[]; responses?: Record<string, { schema?: Schema }> }>>;
}

const officialSpecs = new Map<string, { spec: SwaggerSpec; ajv: Ajv }>();

/** The parsed spec with its definitions loaded into ajv (cached per path: parsing 690 KB takes a moment). */
function loadOfficial(specPath: string): { spec: SwaggerSpec; ajv: Ajv } {
	let loaded = officialSpecs.get(specPath);
	if (!loaded) {
		const spec = yaml.load(fs.readFileSync(specPath, 'utf8')) as SwaggerSpec;
		const ajv = newAjv();
		ajv.addSchema({ $id: 'cc-spec', definitions: adaptMap(spec.definitions) });
		loaded = { spec, ajv };
		officialSpecs.set(specPath, loaded);
	}
	return loaded;
}

const checkers = new Map<string, ContractChecker>();

/** The request-body checker for a spec path, or the stand-in's own schemas without one. */
export function contractChecker(specPath?: string): ContractChecker {
	const key = specPath ?? '';
	const cached = checkers.get(key);
	if (cached) return cached;
	let checker: ContractChecker;
	if (specPath) {
		const { spec, ajv } = loadOfficial(specPath);
		for (const op of OPERATIONS) {
			const bodyParam = spec.paths[op.specPath]?.[op.method.toLowerCase()]?.parameters?.find((p) => p.in === 'body');
			const ref = (bodyParam?.schema as Schema | undefined)?.$ref;
			if (ref !== `#/definitions/${op.definition}`) {
				throw new Error(`The spec at ${specPath} does not describe ${op.method} ${op.specPath} with ${op.definition}.`);
			}
		}
		checker = new SchemaChecker('official-spec', (definition) => ajv.compile({ $ref: `cc-spec#/definitions/${definition}` }));
	} else {
		const ajv = newAjv();
		checker = new SchemaChecker('stand-in-schemas', (definition) => ajv.compile(OWN_SCHEMAS[definition]));
	}
	checkers.set(key, checker);
	return checker;
}

/**
 * For the stand-in's own tests: problems with a response body against the official spec's response schema for
 * that operation and status (empty when it conforms or the spec declares no schema).
 */
export function officialResponseProblems(specPath: string, method: string, path: string, status: number, body: unknown): string[] {
	const { spec, ajv } = loadOfficial(specPath);
	const templates = Object.keys(spec.paths)
		.filter((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path))
		.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
	const operation = templates.length ? spec.paths[templates[0]][method.toLowerCase()] : undefined;
	if (!operation) return [`the spec has no operation ${method} ${path}`];
	const schema = operation.responses?.[String(status)]?.schema;
	if (!schema) return [];
	const validate = ajv.compile(adaptSwagger(schema) as Schema);
	if (validate(body)) return [];
	return (validate.errors ?? []).map((e) => `${e.instancePath || 'body'} ${e.message ?? 'is invalid'}`);
}
