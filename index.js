// Not the package entry point: n8n loads the nodes and credential from the "n8n" section of package.json.
module.exports = {};
