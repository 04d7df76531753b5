/**
 * The workflows the bench runs, as exported workflow JSON. Each starts from the harness's test trigger,
 * which emits the generated carts.
 */
import { PACKAGE_NAME, TEST_TRIGGER_TYPE } from '../test/harness';

type Workflow = { nodes: Array<Record<string, unknown>>; connections: Record<string, unknown> };

const TRIGGER = { name: 'Cart Rows', type: TEST_TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };

function node(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, x: number, extra = {}) {
	return { id: name.toLowerCase().replace(/\W+/g, '-'), name, type, typeVersion, position: [x, 0], parameters, ...extra };
}

function chain(...names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/** (a) The Abandoned Cart Filter with its default rules. */
export function filterWorkflow(parameters: Record<string, unknown> = {}): Workflow {
	return {
		nodes: [TRIGGER, node('Abandoned Cart Filter', `${PACKAGE_NAME}.abandonedCartFilter`, 1, parameters, 220)],
		connections: chain(TRIGGER.name, 'Abandoned Cart Filter'),
	};
}

function condition(leftValue: string, type: string, operation: string, rightValue: unknown = '') {
	const singleValue = operation === 'empty' || operation === 'notEmpty' ? { singleValue: true } : {};
	return { id: `${type}-${operation}-${leftValue.length}`, leftValue, rightValue, operator: { type, operation, ...singleValue } };
}

/** The routing a user writes in a Code node after the If: the default rules the If could not express. */
export const ROUTING_CODE = `const HOUR = 60 * 60 * 1000;
const GIVE_UP = 7 * 24 * HOUR;
const PAID = new Set(['completed', 'complete', 'paid', 'processing', 'purchased', 'succeeded', 'fulfilled']);
const OPTED_IN = new Set(['true', 'yes', 'y', '1', 'subscribed', 'opted_in', 'opt-in']);
const now = Date.now();
const reminded = new Set();
return $input.all().map((item) => {
  const cart = item.json;
  const idle = now - new Date(cart.updated_at).getTime();
  const email = String(cart.email).trim().toLowerCase();
  const lines = Array.isArray(cart.items) ? cart.items.length : Number(cart.items || 0);
  let route = 'send';
  if (cart.order_id || PAID.has(String(cart.status).toLowerCase())) route = 'skip';
  else if (!OPTED_IN.has(String(cart.marketing_consent).toLowerCase())) route = 'skip';
  else if (lines < 1) route = 'skip';
  else if (idle > GIVE_UP) route = 'skip';
  else if (idle < HOUR) route = 'wait';
  else if (reminded.has(email)) route = 'skip';
  if (route === 'send') reminded.add(email);
  return { json: { ...cart, route } };
});`;

/**
 * (b) What a user builds from stock nodes: an If with the abandonment conditions as expressions (inactivity,
 * not completed, has an email, has a value), then a Code node that routes the rest.
 */
export function stockWorkflow(): Workflow {
	const conditions = {
		options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
		combinator: 'and',
		conditions: [
			condition('={{ $json.updated_at }}', 'dateTime', 'before', '={{ $now.minus({ minutes: 60 }).toISO() }}'),
			condition('={{ $json.completed_at }}', 'string', 'empty'),
			condition('={{ $json.email }}', 'string', 'notEmpty'),
			condition('={{ $json.total }}', 'number', 'gt', 0),
		],
	};
	return {
		nodes: [
			TRIGGER,
			node('Is Abandoned', 'n8n-nodes-base.if', 2.2, { conditions, looseTypeValidation: true, options: {} }, 220),
			node('Route Carts', 'n8n-nodes-base.code', 2, { mode: 'runOnceForAllItems', language: 'javaScript', jsCode: ROUTING_CODE }, 440),
		],
		connections: chain(TRIGGER.name, 'Is Abandoned', 'Route Carts'),
	};
}

const CREDENTIAL = { constantContactOAuth2Api: { id: 'bench-cc', name: 'Constant Contact (stand-in)' } };

/** (2a) Add to Autoresponder List, which switches to bulk import and list activities from 50 items on. */
export function addToListWorkflow(listId: string): Workflow {
	const parameters = {
		operation: 'addContact',
		list: { __rl: true, mode: 'id', value: listId },
		email: '={{ $json.email }}',
		firstName: '={{ $json.first_name }}',
		consent: '={{ $json.marketing_consent }}',
	};
	const add = node('Add to Autoresponder List', `${PACKAGE_NAME}.addToAutoresponderList`, 1, parameters, 220, {
		credentials: CREDENTIAL,
	});
	return { nodes: [TRIGGER, add], connections: chain(TRIGGER.name, add.name) };
}

/**
 * (2e) Remove Contact from List, as an order flow that handles many orders at once wires it: by the contact ID the shop
 * kept from Add to Autoresponder List's output (`contact_id`), or by email only.
 */
export function removeFromListWorkflow(listId: string, byContactId: boolean): Workflow {
	const parameters = {
		operation: 'removeContact',
		list: { __rl: true, mode: 'id', value: listId },
		email: '={{ $json.email }}',
		options: byContactId ? { contactId: '={{ $json.contact_id }}' } : {},
	};
	const remove = node('Remove Contact from List', `${PACKAGE_NAME}.addToAutoresponderList`, 1, parameters, 220, {
		credentials: CREDENTIAL,
	});
	return { nodes: [TRIGGER, remove], connections: chain(TRIGGER.name, remove.name) };
}

/**
 * (2c, 2d) A scheduled run as the templates wire it: the filter's "send now" output into Add to Autoresponder List,
 * then Mark Reminders Sent (the filter remembers, in static data).
 */
export function reminderRunWorkflow(listId: string): Workflow {
	const add = { ...addToListWorkflow(listId).nodes[1], position: [440, 0] };
	const filter = node('Abandoned Cart Filter', `${PACKAGE_NAME}.abandonedCartFilter`, 1, {}, 220);
	const mark = node('Mark Reminders Sent', `${PACKAGE_NAME}.abandonedCartFilter`, 1, { operation: 'markSent' }, 660);
	return {
		nodes: [TRIGGER, filter, add, mark],
		connections: chain(TRIGGER.name, filter.name, 'Add to Autoresponder List', mark.name),
	};
}

/**
 * (2b) The naive pattern: one sign_up_form call per shopper with n8n's HTTP Request node and the same credential,
 * batched at one request per 250 ms (Constant Contact's 4 per second), errors kept as items so 429s are counted.
 */
export function naiveSignUpWorkflow(apiBaseUrl: string, listId: string): Workflow {
	const parameters = {
		method: 'POST',
		url: `${apiBaseUrl}/contacts/sign_up_form`,
		authentication: 'predefinedCredentialType',
		nodeCredentialType: 'constantContactOAuth2Api',
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `={{ JSON.stringify({ email_address: $json.email, first_name: $json.first_name, list_memberships: ["${listId}"] }) }}`,
		options: { batching: { batch: { batchSize: 1, batchInterval: 250 } } },
	};
	const http = node('Sign Up Shopper', 'n8n-nodes-base.httpRequest', 4.2, parameters, 220, {
		credentials: CREDENTIAL,
		onError: 'continueRegularOutput',
	});
	return { nodes: [TRIGGER, http], connections: chain(TRIGGER.name, http.name) };
}
