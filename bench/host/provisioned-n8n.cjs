// Preloaded (--require) into bench children that run on the provisioned n8n 2.41.1: n8n's packages, and the
// luxon its expressions use, resolve from that installation, so our nodes, n8n-core and n8n-nodes-base share
// one n8n-workflow (error classes, expression engine) exactly as inside a real n8n.
const Module = require('node:module');
const path = require('node:path');

const n8nDir = process.env.BENCH_N8N_DIR;
if (!n8nDir) throw new Error('BENCH_N8N_DIR is not set: the bench starts this process with the provisioned n8n folder');
const n8nModules = path.join(n8nDir, 'node_modules');
const redirected = /^(n8n|n8n-core|n8n-workflow|n8n-nodes-base|luxon|@n8n\/[^/]+)(\/.*)?$/;
const original = Module._resolveFilename;
const anchor = { id: n8nModules, filename: path.join(n8nModules, 'index.js'), paths: [n8nModules] };

Module._resolveFilename = function resolveFromProvisionedN8n(request, parent, isMain, options) {
	const fromOutside = !parent || !parent.filename || !parent.filename.startsWith(n8nModules + path.sep);
	if (fromOutside && redirected.test(request)) return original.call(this, request, anchor, isMain, options);
	return original.call(this, request, parent, isMain, options);
};
