/**
 * Search and filter on the board, and search across boards from the board list, in real
 * Chromium against the built server with accounts (so "My cards" has someone to mean).
 * Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import type { BoardJson } from '../../src/lib/protocol';
import { isoDay } from '../../src/lib/search/match';
import { launchBrowser } from '../helpers/browser';
import { startServer, type RunningServer } from '../helpers/server';

const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };
let server: RunningServer;
let browser: Browser;
let admin: BrowserContext;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer({ demo: false, env: { KANBRIDGE_ADMIN_EMAIL: ADMIN.email, KANBRIDGE_ADMIN_PASSWORD: ADMIN.password } }),
    launchBrowser()
  ]);
  admin = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  contexts.push(admin);
  expect((await admin.request.post(`${server.url}/api/auth/login`, { data: ADMIN })).status()).toBe(200);
});

afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await browser?.close();
  await server?.stop();
});

const day = (offset: number) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return isoDay(d);
};

interface Made {
  id: string;
  col: Record<string, string>;
  card: Record<string, { id: string; code: string }>;
}

async function post<T>(request: APIRequestContext, path: string, data: unknown): Promise<T> {
  const r = await request.post(`${server.url}${path}`, { data, headers: { origin: server.url } });
  expect(r.status(), await r.text()).toBeLessThan(300);
  return (await r.json()) as T;
}

async function makeBoard(name: string, cards: { title: string; column: string; [field: string]: unknown }[]): Promise<Made> {
  const board = await post<BoardJson>(admin.request, '/api/boards', { name });
  const col = Object.fromEntries(board.columns.map((c) => [c.name, c.id]));
  const card: Made['card'] = {};
  for (const { column, ...fields } of cards) {
    const r = await post<{ card: { id: string; code: string } }>(admin.request, `/api/boards/${board.id}/cards`, {
      ...fields,
      columnId: col[column]
    });
    card[fields.title] = r.card;
  }
  return { id: board.id, col, card };
}

async function serverTitles(board: Made, column: string): Promise<string[]> {
  const r = await admin.request.get(`${server.url}/api/boards/${board.id}`);
  const body = (await r.json()) as BoardJson;
  return body.cards.filter((c) => c.columnId === board.col[column]).map((c) => c.title);
}

const shownTitles = (page: Page, board: Made, column: string) =>
  page.locator(`section[data-column-id="${board.col[column]}"] [data-card-id] .title`).allTextContents();

async function openBoard(board: Made, query = '', viewport = { width: 1400, height: 900 }): Promise<Page> {
  const page = await admin.newPage();
  await page.setViewportSize(viewport);
  await page.goto(`${server.url}/boards/${board.id}${query}`);
  await page.locator('[data-status="live"]').waitFor();
  return page;
}

function cardsOf(): { title: string; column: string; [field: string]: unknown }[] {
  return [
    { title: 'Release notes', column: 'Backlog', tags: ['release'], assignee: 'Admin', due: day(-2) },
    { title: 'Fix login', column: 'Backlog', description: 'The release blocker', tags: ['bug'], assignee: 'Ann' },
    { title: 'Plan retro', column: 'Backlog', due: day(0) },
    { title: 'Tidy wiki', column: 'Doing' },
    { title: 'Write tests', column: 'Doing', tags: ['bug'], assignee: 'Admin' },
    { title: 'Deploy', column: 'Doing' }
  ];
}

describe('board filter', () => {
  it('filters as you type after "/", by words (prefix) and by code; counts read shown / total; WIP counts every card', async () => {
    const b = await makeBoard('Search one', cardsOf());
    const page = await openBoard(b);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('search');
    await page.keyboard.type('rele');
    // Title word prefix, and a word of the description.
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Release notes', 'Fix login']);
    expect(await shownTitles(page, b, 'Doing')).toEqual([]);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('rele');
    const backlog = page.locator(`section[data-column-id="${b.col.Backlog}"] header .shown`);
    expect((await backlog.textContent())?.trim()).toContain('2 / 3');
    // Doing has a WIP limit of 3 and holds 3: still "at the limit" with none shown.
    const doing = page.locator(`section[data-column-id="${b.col.Doing}"] header`);
    expect(await doing.locator('.shown').textContent()).toContain('0 / 3');
    expect(await doing.textContent()).toContain('3 of 3, at the limit');
    expect(await page.locator('.chips [data-filter="q"]').textContent()).toContain('rele');

    // A code matches exactly, a part of it does not.
    const code = b.card['Tidy wiki'].code;
    await page.locator('input[type="search"]').fill(code.toLowerCase());
    await expect.poll(() => shownTitles(page, b, 'Doing')).toEqual(['Tidy wiki']);
    expect(await shownTitles(page, b, 'Backlog')).toEqual([]);
    await page.locator('input[type="search"]').fill(code.slice(0, -1));
    await expect.poll(() => shownTitles(page, b, 'Doing')).toEqual([]);

    // Escape clears the words; the address loses them.
    await page.locator('input[type="search"]').press('Escape');
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Release notes', 'Fix login', 'Plan retro']);
    expect(new URL(page.url()).searchParams.has('q')).toBe(false);
    expect(await page.locator(`section[data-column-id="${b.col.Backlog}"] header .shown`).count()).toBe(0);
  });

  it('reads tag, assignee and due from the URL, shows them as chips, and removes one by its chip', async () => {
    const b = await makeBoard('Search two', cardsOf());
    const page = await openBoard(b, '?tag=bug&assignee=admin');
    await expect.poll(() => shownTitles(page, b, 'Doing')).toEqual(['Write tests']);
    expect(await shownTitles(page, b, 'Backlog')).toEqual([]);
    const chips = await page.locator('.chips .chip').allTextContents();
    expect(chips.map((c) => c.trim())).toEqual(['Tag: bug', 'My cards']);
    await page.locator('.chips [data-filter="assignee"]').click();
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Fix login']);
    expect(new URL(page.url()).search).toBe('?tag=bug');

    await page.goto(`${server.url}/boards/${b.id}?due=overdue`);
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Release notes']);
    await page.goto(`${server.url}/boards/${b.id}?due=week`);
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Plan retro']);
    await page.goto(`${server.url}/boards/${b.id}?due=none`);
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Fix login']);
    expect(await shownTitles(page, b, 'Doing')).toEqual(['Tidy wiki', 'Write tests', 'Deploy']);
  });

  it('"My cards" shows the signed-in person’s cards and goes into the URL', async () => {
    const b = await makeBoard('Search three', cardsOf());
    const page = await openBoard(b);
    const mine = page.getByRole('button', { name: 'My cards', exact: true });
    await mine.click();
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Release notes']);
    expect(await shownTitles(page, b, 'Doing')).toEqual(['Write tests']);
    expect(await mine.getAttribute('aria-pressed')).toBe('true');
    expect(new URL(page.url()).searchParams.get('assignee')).toBe('Admin');
  });

  it('keeps hidden cards hidden and in their places while shown cards move', async () => {
    const b = await makeBoard('Search four', [
      ...cardsOf(),
      { title: 'Bug one', column: 'Review', tags: ['bug'] },
      { title: 'Not a bug', column: 'Review' },
      { title: 'Bug three', column: 'Review', tags: ['bug'] }
    ]);
    const page = await openBoard(b, '?tag=bug');
    await expect.poll(() => shownTitles(page, b, 'Doing')).toEqual(['Write tests']);
    // Keyboard move of "Fix login" (Backlog) to the Ready column.
    await page.focus(`[data-card-id="${b.card['Fix login'].id}"]`);
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await expect.poll(() => serverTitles(b, 'Ready')).toEqual(['Fix login']);
    expect(await serverTitles(b, 'Backlog')).toEqual(['Release notes', 'Plan retro']);
    await expect.poll(() => shownTitles(page, b, 'Ready')).toEqual(['Fix login']);
    expect(await shownTitles(page, b, 'Backlog')).toEqual([]);

    // Back into Backlog, where every card is hidden: it goes to the top, the others keep their order.
    await page.focus(`[data-card-id="${b.card['Fix login'].id}"]`);
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    await expect.poll(() => serverTitles(b, 'Backlog')).toEqual(['Fix login', 'Release notes', 'Plan retro']);
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Fix login']);

    // Up one in Review, past a hidden card: only the moved card changes place.
    await page.focus(`[data-card-id="${b.card['Bug three'].id}"]`);
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    await expect.poll(() => serverTitles(b, 'Review')).toEqual(['Bug three', 'Bug one', 'Not a bug']);
    await expect.poll(() => shownTitles(page, b, 'Review')).toEqual(['Bug three', 'Bug one']);
    const header = page.locator(`section[data-column-id="${b.col.Review}"] header`);
    expect((await header.locator('.shown').textContent())?.trim()).toContain('2 / 3');

    // A new card the filter hides is added, stays hidden, and the board says so.
    const ready = page.locator(`section[data-column-id="${b.col.Ready}"]`);
    await ready.getByRole('button', { name: 'Add a card' }).click();
    await ready.getByLabel('Title of the new card in Ready').fill('Untagged idea');
    await page.keyboard.press('Enter');
    await expect.poll(() => serverTitles(b, 'Ready')).toEqual(['Untagged idea']);
    await expect
      .poll(() => page.locator('.toast, [role="status"]').allTextContents())
      .toContainEqual(expect.stringContaining('Added “Untagged idea” to Ready; the filter hides it'));
    expect(await shownTitles(page, b, 'Ready')).toEqual([]);
  });
});

describe('board filter during a drag', () => {
  it('keeps the hidden cards in the column while a shown card is dragged out of it', async () => {
    const b = await makeBoard('Search five', [
      { title: 'Shown bug', column: 'Backlog', tags: ['bug'] },
      { title: 'Hidden one', column: 'Backlog' },
      { title: 'Hidden two', column: 'Backlog' }
    ]);
    const page = await openBoard(b, '?tag=bug');
    await expect.poll(() => shownTitles(page, b, 'Backlog')).toEqual(['Shown bug']);
    const card = await page.locator(`[data-card-id="${b.card['Shown bug'].id}"]`).boundingBox();
    const zone = await page.locator(`section[data-column-id="${b.col.Ready}"] .zone`).boundingBox();
    const from = { x: card!.x + card!.width / 2, y: card!.y + card!.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 5, from.y + 5, { steps: 3 });
    await page.mouse.move(zone!.x + zone!.width / 2, zone!.y + 20, { steps: 15 });
    await page.waitForTimeout(200);
    // Mid-drag: Backlog still holds its two hidden cards, Ready the one being dragged in.
    const total = (column: string) => page.locator(`section[data-column-id="${b.col[column]}"] header .shown`).getAttribute('data-total');
    expect(await total('Backlog')).toBe('2');
    expect(await total('Ready')).toBe('1');
    await page.mouse.up();
    await expect.poll(() => serverTitles(b, 'Ready')).toEqual(['Shown bug']);
    expect(await serverTitles(b, 'Backlog')).toEqual(['Hidden one', 'Hidden two']);
    await expect.poll(() => total('Backlog')).toBe('2');
  });
});

describe('search across boards', () => {
  it('finds cards on every board from the board list and opens the card', async () => {
    const one = await makeBoard('Apollo', [{ title: 'Launch checklist', column: 'Backlog' }]);
    const two = await makeBoard('Gemini', [
      { title: 'Launch party', column: 'Ready' },
      { title: 'Unrelated', column: 'Ready' }
    ]);
    const page = await admin.newPage();
    await page.goto(`${server.url}/`);
    const box = page.getByRole('searchbox', { name: 'Search all boards' });
    await box.fill('launch');
    const results = page.locator('[data-search-results] li');
    await expect.poll(() => results.count()).toBe(2);
    const text = await results.allTextContents();
    expect(text.some((t) => t.includes('Launch checklist') && t.includes('Apollo') && t.includes('Backlog'))).toBe(true);
    expect(text.some((t) => t.includes('Launch party') && t.includes('Gemini') && t.includes('Ready'))).toBe(true);
    await page.getByRole('link', { name: /Launch party/ }).click();
    await page.waitForURL((u) => u.pathname.startsWith(`/boards/${two.id}`));
    expect(one.id).not.toBe(two.id);

    const code = one.card['Launch checklist'].code;
    await page.goto(`${server.url}/?search=${code}`);
    await expect
      .poll(() => page.locator('[data-search-results] li').allTextContents())
      .toEqual([expect.stringContaining('Launch checklist')]);
  });
});
