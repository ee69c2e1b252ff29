/**
 * The portfolio's search text in real Chromium against the real (built) server: whatever the
 * URL's `q` holds (brackets, regex syntax, percent-escapes), the page hydrates without an error,
 * filters by plain text and keeps the text in the URL.
 * Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ demo: false }), launchBrowser()]);
  for (const name of ['Ops (night) [2]', 'Web shop']) {
    const r = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ name })
    });
    expect(r.status).toBe(201);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + path);
  return { page, errors };
}

const shown = (page: Page) => page.locator('.wide tbody th[scope="row"]').allTextContents();
const q = (page: Page) => new URL(page.url()).searchParams.get('q');

describe('portfolio search text', () => {
  for (const text of ['(', '[', '*+?', '\\', '%', '(night)']) {
    it(`opens with q=${text} and filters by it as plain text`, async () => {
      const { page, errors } = await open(`/portfolio?q=${encodeURIComponent(text)}`);
      await expect.poll(() => shown(page)).toEqual(text === '(night)' || text === '(' || text === '[' ? ['Ops (night) [2]'] : []);
      // Typing proves the page hydrated and its URL sync runs.
      await page.locator('input[type="search"]').fill(`${text} n`);
      await expect.poll(() => q(page)).toBe(`${text} n`);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('opens with a percent-escaped q and other view settings in the URL', async () => {
    const { page, errors } = await open('/portfolio?q=%28&sort=name&dir=asc');
    await expect.poll(() => shown(page)).toEqual(['Ops (night) [2]']);
    await page.locator('input[type="search"]').fill('web');
    await expect.poll(() => page.url()).toBe(`${server.url}/portfolio?q=web`);
    await expect.poll(() => shown(page)).toEqual(['Web shop']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
