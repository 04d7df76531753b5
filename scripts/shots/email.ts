/**
 * `--shot=email` of scripts/screenshot.ts: docs/reminder-email.png, the reminder email (docs/reminder-email.html) as
 * a sample shopper receives it, filled in by test/support/reminderEmail.ts with what the node writes for a
 * four-item cart, a signed link and a coupon. No n8n needed: chromium opens the filled-in email, and the product
 * images at the sample's cdn.shop.example.com addresses are drawn here, so the picture needs no network.
 */
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { fillReminderEmail, readReminderEmail, sampleContact, SAMPLE_LINE_ITEMS } from '../../test/support/reminderEmail';

export interface EmailShotOptions {
	executablePath: string;
	args: string[];
	docs: string;
	say: (message: string) => void;
}

/** Room around the 600-pixel email, as a mail client's reading pane shows it. */
const VIEWPORT = { width: 680, height: 900 };
const IMAGE_HOST = 'https://cdn.shop.example.com/';
const PRODUCT_COLOURS = ['#3f6ad8', '#c9a66b', '#3b3b3b', '#e0a526'];

/** A square product picture: the item's colour and its initial, standing in for the shop's photo at that address. */
function productImage(index: number, name: string): string {
	const colour = PRODUCT_COLOURS[index % PRODUCT_COLOURS.length];
	return `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160"><rect width="160" height="160" fill="#eef1f4"/><circle cx="80" cy="80" r="52" fill="${colour}"/><text x="80" y="98" font-family="Arial, sans-serif" font-size="52" font-weight="bold" fill="#ffffff" text-anchor="middle">${name.charAt(0)}</text></svg>`;
}

export async function shotEmail({ executablePath, args, docs, say }: EmailShotOptions): Promise<void> {
	const html = fillReminderEmail(readReminderEmail(), sampleContact());
	const browser = await chromium.launch({ executablePath, headless: true, args });
	try {
		const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
		await page.route(`${IMAGE_HOST}**`, async (route) => {
			const index = SAMPLE_LINE_ITEMS.findIndex((item) => item.image_url === route.request().url());
			if (index < 0) return route.fulfill({ status: 404 });
			return route.fulfill({ contentType: 'image/svg+xml', body: productImage(index, SAMPLE_LINE_ITEMS[index].name) });
		});
		// Nothing else may load: a picture that reached the internet would depend on it.
		await page.route(/^(?!https:\/\/cdn\.shop\.example\.com\/)https?:/, (route) => route.abort());
		await page.setContent(html, { waitUntil: 'load' });
		const broken = await page.locator('img').evaluateAll((images) => images.filter((image) => !(image as HTMLImageElement).naturalWidth).length);
		if (broken) throw new Error(`${broken} product image(s) of the sample email did not load`);
		const out = join(docs, 'reminder-email.png');
		await page.screenshot({ path: out, fullPage: true });
		say(`wrote ${out}`);
	} finally {
		await browser.close();
	}
}
