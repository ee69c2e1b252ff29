/**
 * A big board in real Chromium against the built server: a long column renders a window of
 * its cards with "Show N more", and drags and keyboard moves in it keep every other card in
 * its place; columns can be collapsed, and stay so in this browser. Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ demo: false }), launchBrowser()]);
});

afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await browser?.close();
  await server?.stop();
});

interface TestBoard {
  id: string;
  col: Record<string, string>;
  /** Card ids in the order they were made (top to bottom of their column). */
  cards: Record<string, string[]>;
}

async function makeBoard(counts: Record<string, number>): Promise<TestBoard> {
  const created = await api<BoardJson>(server.url, 'POST', '/api/boards', { name: `Big ${Math.random().toString(36).slice(2, 7)}` });
  expect(created.status).toBe(201);
  const col = Object.fromEntries(created.body.columns.map((c) => [c.name, c.id]));
  const cards: Record<string, string[]> = {};
  for (const [column, n] of Object.entries(counts)) {
    cards[column] = [];
    for (let i = 0; i < n; i++) {
      const r = await api<{ card: { id: string } }>(server.url, 'POST', `/api/boards/${created.body.id}/cards`, {
        title: `${column} ${i + 1}`,
        columnId: col[column]
      });
      expect(r.status).toBe(201);
      cards[column].push(r.body.card.id);
    }
  }
  return { id: created.body.id, col, cards };
}

async function open(board: TestBoard, context?: BrowserContext): Promise<{ page: Page; context: BrowserContext }> {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1600, height: 900 } }));
  if (!context) contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/boards/${board.id}`);
  await page.locator('[data-status="live"]').waitFor();
  return { page, context: ctx };
}

const rendered = (page: Page, columnId: string) => page.locator(`section[data-column-id="${columnId}"] [data-card-id]`).count();

async function serverOrder(board: TestBoard, columnId: string): Promise<string[]> {
  const r = await api<BoardJson>(server.url, 'GET', `/api/boards/${board.id}`);
  return r.body.cards.filter((c) => c.columnId === columnId && !c.archived).map((c) => c.id);
}

async function center(page: Page, selector: string) {
  const box = () => page.locator(selector).boundingBox();
  let last = await box();
  for (let tries = 0; tries < 40; tries++) {
    await page.waitForTimeout(50);
    const now = await box();
    if (now && last && now.x === last.x && now.y === last.y) return { x: now.x + now.width / 2, y: now.y + now.height / 2, top: now.y };
    last = now;
  }
  throw new Error(`${selector} did not come to rest`);
}

async function drag(page: Page, cardId: string, to: { x: number; y: number }) {
  const a = await center(page, `[data-card-id="${cardId}"]`);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 5, a.y + 5, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 15 });
  for (const dy of [1, 0]) {
    await page.waitForTimeout(150);
    await page.mouse.move(to.x, to.y + dy);
  }
  await page.waitForTimeout(200);
  await page.mouse.up();
}

describe('big board', () => {
  it('renders a long column a window at a time, with "Show more"', async () => {
    const b = await makeBoard({ Backlog: 100, Ready: 3 });
    const { page } = await open(b);
    expect(await rendered(page, b.col.Backlog)).toBe(30);
    expect(await rendered(page, b.col.Ready)).toBe(3);
    const backlog = page.locator(`section[data-column-id="${b.col.Backlog}"]`);
    expect(await backlog.locator('header').textContent()).toContain('100');
    await backlog.getByRole('button', { name: /Show 30 more/ }).click();
    await expect.poll(() => rendered(page, b.col.Backlog)).toBe(60);
    expect(await backlog.locator('[data-show-more]').textContent()).toContain('60 of 100 shown');
  });

  it('drags a card out of a long column and keeps the cards past the window in their places', async () => {
    const b = await makeBoard({ Backlog: 80, Ready: 1 });
    const { page } = await open(b);
    const moved = b.cards.Backlog[0];
    const target = await center(page, `section[data-column-id="${b.col.Ready}"] [data-card-id="${b.cards.Ready[0]}"]`);
    await drag(page, moved, { x: target.x, y: target.top + 8 });
    await expect.poll(() => serverOrder(b, b.col.Ready)).toEqual([moved, b.cards.Ready[0]]);
    expect(await serverOrder(b, b.col.Backlog)).toEqual(b.cards.Backlog.slice(1));
    // The window fills up from below the moved card.
    await expect.poll(() => rendered(page, b.col.Backlog)).toBe(30);
  });

  it('drags a card into a long column: it lands where it was dropped, the rest keep their order', async () => {
    const b = await makeBoard({ Backlog: 1, Ready: 80 });
    const { page } = await open(b);
    const moved = b.cards.Backlog[0];
    const below = b.cards.Ready[2];
    const target = await center(page, `[data-card-id="${below}"]`);
    await drag(page, moved, { x: target.x, y: target.top + 8 });
    const expected = [...b.cards.Ready.slice(0, 2), moved, ...b.cards.Ready.slice(2)];
    await expect.poll(() => serverOrder(b, b.col.Ready)).toEqual(expected);
  });

  it('moves a card with the keyboard inside a long column, announced, and the rest keep their order', async () => {
    const b = await makeBoard({ Backlog: 70 });
    const { page } = await open(b);
    const [first, second] = b.cards.Backlog;
    await page.focus(`[data-card-id="${first}"]`);
    for (const key of ['Space', 'ArrowDown', 'Space']) await page.keyboard.press(key);
    const expected = [second, first, ...b.cards.Backlog.slice(2)];
    await expect.poll(() => serverOrder(b, b.col.Backlog)).toEqual(expected);
    expect(await page.locator('[role="alert"]').first().textContent()).toContain('Dropped Backlog 1 in Backlog');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.cardId)).toBe(first);
  });

  it('collapses a column to its name and count, and keeps it collapsed for this board in this browser', async () => {
    const b = await makeBoard({ Backlog: 2, Ready: 1 });
    const { page, context } = await open(b);
    const backlog = page.locator(`section[data-column-id="${b.col.Backlog}"]`);
    await backlog.getByRole('button', { name: 'Collapse column Backlog' }).click();
    await expect.poll(() => rendered(page, b.col.Backlog)).toBe(0);
    expect(await backlog.getAttribute('data-collapsed')).toBe('true');
    expect(await backlog.locator('h2').textContent()).toBe('Backlog');
    expect(await backlog.locator('header').textContent()).toContain('2 cards');
    expect(await rendered(page, b.col.Ready)).toBe(1);

    const again = (await open(b, context)).page;
    const backlogAgain = again.locator(`section[data-column-id="${b.col.Backlog}"]`);
    await expect.poll(() => backlogAgain.getAttribute('data-collapsed')).toBe('true');
    expect(await rendered(again, b.col.Backlog)).toBe(0);
    // Another board in the same browser is not affected.
    const other = await makeBoard({ Backlog: 1 });
    const otherPage = (await open(other, context)).page;
    await otherPage.waitForTimeout(200);
    expect(await rendered(otherPage, other.col.Backlog)).toBe(1);

    await backlogAgain.getByRole('button', { name: 'Expand column Backlog' }).click();
    await expect.poll(() => rendered(again, b.col.Backlog)).toBe(2);
    expect(await again.evaluate((key) => localStorage.getItem(key), `kanbridge:collapsed:${b.id}`)).toBe('[]');
  });
});
