// Node.js 18+: sign a webhook request for n8n's "Verify Shop Webhook" node.
const crypto = require('node:crypto');

function signedHeaders(secret, rawBody, now = Date.now()) {
	const timestamp = String(Math.floor(now / 1000));
	const signature = crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
	return { 'X-Shop-Timestamp': timestamp, 'X-Shop-Signature': `sha256=${signature}` };
}

async function sendToN8n(webhookUrl, secret, event) {
	const rawBody = JSON.stringify(event); // sign exactly the bytes you send
	return fetch(webhookUrl, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...signedHeaders(secret, rawBody) },
		body: rawBody,
	});
}

module.exports = { signedHeaders, sendToN8n };
