/**
 * The board header at laptop, desktop and phone sizes: the board's name, connection state,
 * presence and tools all fit, the page never scrolls sideways, and the columns scroll inside
 * the board area. Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let accounts: RunningServer;
let browser: Browser;
const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

const SHOTS = process.env.KANBRIDGE_SCREENSHOTS;

beforeAll(async () => {
  [server, accounts, browser] = await Promise.all([
    startServer({ demo: false }),
    startServer({ demo: false, env: { KANBRIDGE_ADMIN_EMAIL: ADMIN.email, KANBRIDGE_ADMIN_PASSWORD: ADMIN.password } }),
    launchBrowser()
  ]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), accounts?.stop()]);
});

const SIZES = [
  { width: 1280, height: 800, mobile: false },
  { width: 1400, height: 900, mobile: false },
  { width: 1920, height: 1080, mobile: false },
  { width: 390, height: 844, mobile: true }
];

async function openAs(boardId: string, name: string, size: (typeof SIZES)[number]): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    ...(size.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {})
  });
  const clientId = `u_${name.toLowerCase()}${Math.random().toString(36).slice(2, 6)}`;
  await context.addInitScript(
    ([n, id]) => localStorage.setItem('kanbridge:identity', JSON.stringify({ name: n, clientId: id, chosen: true })),
    [name, clientId]
  );
  const page = await context.newPage();
  await page.goto(`${server.url}/boards/${boardId}`);
  await page.locator('[data-status="live"]').waitFor();
  return page;
}

async function inViewport(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  const vp = page.viewportSize()!;
  return (
    !!box &&
    box.width > 0 &&
    box.height > 0 &&
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= vp.width + 0.5 &&
    box.y + box.height <= vp.height + 0.5
  );
}

describe('board header layout', () => {
  for (const size of SIZES) {
    it(`fits at ${size.width}×${size.height}: name, connection, presence and tools, no sideways page scroll`, async () => {
      const name = 'Unified Platform Roadmap Q3';
      const created = await api<BoardJson>(server.url, 'POST', '/api/boards', { name });
      expect(created.status).toBe(201);
      const boardId = created.body.id;
      for (const col of created.body.columns) {
        for (let i = 0; i < 3; i++)
          await api(server.url, 'POST', `/api/boards/${boardId}/cards`, { title: `${col.name} card ${i}`, columnId: col.id });
      }
      const other = await openAs(boardId, 'Ann', SIZES[2]);
      const page = await openAs(boardId, 'Bob', size);
      await page.locator('[data-viewers="1"]').waitFor();
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/board-${size.width}.png` });

      const widths = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.inner);

      const nameBox = await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('.bar h1')!;
        return { width: el.getBoundingClientRect().width, full: el.scrollWidth <= el.clientWidth, title: el.title, text: el.textContent };
      });
      expect(nameBox.text).toBe(name);
      expect(nameBox.width >= 160 || nameBox.full).toBe(true);
      // This name is short enough to be shown whole on every laptop and desktop.
      if (!size.mobile) expect(nameBox.full).toBe(true);
      // The full name is always there on hover, whether or not it is cut short.
      expect(nameBox.title).toBe(name);

      expect(await inViewport(page, '[data-status="live"]')).toBe(true);
      expect(await inViewport(page, '[data-viewers="1"]')).toBe(true);
      expect(await inViewport(page, 'nav[aria-label="Board tools"]')).toBe(true);

      // The columns scroll inside the board area, which is no wider than the window.
      const board = await page.evaluate(() => {
        const s = document.querySelector<HTMLElement>('.scroller')!;
        const before = s.scrollLeft;
        s.scrollLeft = s.scrollWidth;
        const moved = s.scrollLeft > before;
        s.scrollLeft = before;
        return { scrollWidth: s.scrollWidth, width: s.getBoundingClientRect().width, overflowX: getComputedStyle(s).overflowX, moved };
      });
      expect(board.overflowX).toBe('auto');
      expect(board.width).toBeLessThanOrEqual(size.width);
      if (board.scrollWidth > board.width) expect(board.moved).toBe(true);

      await page.context().close();
      await other.context().close();
    });
  }
});

describe('board header layout, signed in', () => {
  for (const size of SIZES) {
    it(`fits at ${size.width}×${size.height} with the account menu`, async () => {
      const context = await browser.newContext({
        viewport: { width: size.width, height: size.height },
        ...(size.mobile ? { isMobile: true, hasTouch: true } : {})
      });
      expect((await context.request.post(`${accounts.url}/api/auth/login`, { data: ADMIN })).status()).toBe(200);
      const name = 'Customer Onboarding Programme';
      const r = await context.request.post(`${accounts.url}/api/boards`, { data: { name }, headers: { origin: accounts.url } });
      expect(r.status()).toBe(201);
      const board = (await r.json()) as BoardJson;
      const page = await context.newPage();
      await page.goto(`${accounts.url}/boards/${board.id}`);
      await page.locator('[data-status="live"]').waitFor();
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/board-signed-in-${size.width}.png` });

      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);
      const nameBox = await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('.bar h1')!;
        return { width: el.getBoundingClientRect().width, full: el.scrollWidth <= el.clientWidth, title: el.title };
      });
      expect(nameBox.width >= 160 || nameBox.full).toBe(true);
      if (!size.mobile) expect(nameBox.full).toBe(true);
      expect(nameBox.title).toBe(name);
      expect(await inViewport(page, '[data-status="live"]')).toBe(true);
      expect(await inViewport(page, '[data-viewers]')).toBe(true);
      expect(await inViewport(page, 'nav[aria-label="Board tools"]')).toBe(true);
      expect(await inViewport(page, 'button[aria-label^="Account menu"]')).toBe(true);
      await context.close();
    });
  }
});
