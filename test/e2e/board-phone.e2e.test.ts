/**
 * The board on a phone (390×844, touch): the card dialog's "Move to" lists every column with
 * its count and WIP state, and the top and bottom of the card's own column.
 * Build first: `npm run build`.
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

interface Made {
  id: string;
  col: Record<string, string>;
  card: Record<string, string>;
}

async function makeBoard(cards: Record<string, string[]>): Promise<Made> {
  const created = await api<BoardJson>(server.url, 'POST', '/api/boards', { name: 'Phone board' });
  expect(created.status).toBe(201);
  const col = Object.fromEntries(created.body.columns.map((c) => [c.name, c.id]));
  const card: Record<string, string> = {};
  for (const [column, titles] of Object.entries(cards)) {
    for (const title of titles) {
      const r = await api<{ card: { id: string } }>(server.url, 'POST', `/api/boards/${created.body.id}/cards`, {
        title,
        columnId: col[column]
      });
      expect(r.status).toBe(201);
      card[title] = r.body.card.id;
    }
  }
  return { id: created.body.id, col, card };
}

async function serverTitles(board: Made, column: string): Promise<string[]> {
  const r = await api<BoardJson>(server.url, 'GET', `/api/boards/${board.id}`);
  return r.body.cards.filter((c) => c.columnId === board.col[column]).map((c) => c.title);
}

async function phone(board: Made): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  contexts.push(context);
  await context.addInitScript(() =>
    localStorage.setItem('kanbridge:identity', JSON.stringify({ name: 'Pat', clientId: 'u_pat1', chosen: true }))
  );
  const page = await context.newPage();
  await page.goto(`${server.url}/boards/${board.id}`);
  await page.locator('[data-status="live"]').waitFor();
  return page;
}

async function openCard(page: Page, cardId: string) {
  await page.locator(`[data-card-id="${cardId}"] button.edit`).tap();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  return dialog;
}

const moves = async (board: Made) =>
  (await api<{ events: { type: string }[] }>(server.url, 'GET', `/api/boards/${board.id}/events?since=0`)).body.events.filter(
    (e) => e.type === 'cardMoved'
  );

describe('card dialog on a phone: Move to', () => {
  it('a tap opens the card and nothing else: the tap does not land again on the dialog that opened under the finger', async () => {
    const b = await makeBoard({ Backlog: ['Alpha', 'Beta', 'Gamma'] });
    const page = await phone(b);
    for (const title of ['Alpha', 'Beta', 'Gamma']) {
      for (const target of ['button.edit', '.title']) {
        await page.locator(`[data-card-id="${b.card[title]}"] ${target}`).tap();
        const dialog = page.getByRole('dialog');
        await dialog.waitFor();
        await page.waitForTimeout(300);
        expect(await dialog.isVisible()).toBe(true);
        await page.keyboard.press('Escape');
        await expect.poll(() => dialog.isVisible()).toBe(false);
      }
    }
    expect(await moves(b)).toEqual([]);
    expect(await serverTitles(b, 'Backlog')).toEqual(['Alpha', 'Beta', 'Gamma']);
  });

  it('lists every column with its count and WIP state, moves a card to another column and to the top or bottom of its own', async () => {
    const b = await makeBoard({ Backlog: ['Alpha', 'Beta', 'Gamma'], Ready: ['One'], Doing: ['D1', 'D2', 'D3'] });
    // Review: a hard limit of 1, already reached.
    expect(
      (
        await api(server.url, 'POST', `/api/boards/${b.id}/commands`, {
          opId: 'op_wip00001',
          type: 'setWipLimit',
          columnId: b.col.Review,
          wipLimit: 1,
          hard: true
        })
      ).status
    ).toBe(200);
    expect((await api(server.url, 'POST', `/api/boards/${b.id}/cards`, { title: 'R1', columnId: b.col.Review })).status).toBe(201);
    const page = await phone(b);

    let dialog = await openCard(page, b.card.Beta);
    const moveTo = dialog.getByRole('region', { name: 'Move to' });
    const buttons = moveTo.locator('[data-move-column]');
    expect(await buttons.count()).toBe(5);
    const texts = (await buttons.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(texts).toEqual([
      'Backlog Here · 3 cards',
      'Ready 1 card',
      'Doing 3 of 3, at the limit',
      'Review 1 of 1, full (hard limit)',
      'Done 0 cards'
    ]);
    expect(await moveTo.locator(`[data-move-column="${b.col.Review}"]`).isDisabled()).toBe(true);
    expect(await moveTo.locator(`[data-move-column="${b.col.Backlog}"]`).isDisabled()).toBe(true);
    // Everything in the dialog fits the phone's width.
    const box = await moveTo.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);

    // To the bottom of Ready.
    await moveTo.locator(`[data-move-column="${b.col.Ready}"]`).tap();
    await expect.poll(() => serverTitles(b, 'Ready')).toEqual(['One', 'Beta']);
    await expect.poll(() => dialog.isVisible()).toBe(false);

    // Top of its own column, then bottom again.
    dialog = await openCard(page, b.card.Gamma);
    await dialog.getByRole('button', { name: 'Top of Backlog' }).tap();
    await expect.poll(() => serverTitles(b, 'Backlog')).toEqual(['Gamma', 'Alpha']);
    dialog = await openCard(page, b.card.Gamma);
    expect(await dialog.getByRole('button', { name: 'Top of Backlog' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Bottom of Backlog' }).tap();
    await expect.poll(() => serverTitles(b, 'Backlog')).toEqual(['Alpha', 'Gamma']);

    // Past a soft limit it asks first.
    dialog = await openCard(page, b.card.Alpha);
    await dialog.locator(`[data-move-column="${b.col.Doing}"]`).tap();
    const ask = page.getByRole('dialog', { name: 'Doing is at its WIP limit' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Go over the limit' }).tap();
    await expect.poll(() => serverTitles(b, 'Doing')).toEqual(['D1', 'D2', 'D3', 'Alpha']);
    expect(await moves(b)).toHaveLength(4);
  });
});

describe('the board on a phone: one column at a time', () => {
  it('shows one column filling the width, goes to a column picked in the picker, and the picker follows a swipe', async () => {
    const b = await makeBoard({ Backlog: ['T1', 'T2'], Ready: ['R1'], Review: ['V1'] });
    const page = await phone(b);
    const box = (column: string) => page.locator(`section[data-column-id="${b.col[column]}"]`).boundingBox();
    const backlog = (await box('Backlog'))!;
    expect(backlog.x).toBeGreaterThanOrEqual(0);
    expect(backlog.x + backlog.width).toBeLessThanOrEqual(390);
    expect(backlog.width).toBeGreaterThan(390 * 0.9);
    // The next column starts beyond the screen's edge.
    expect((await box('Ready'))!.x).toBeGreaterThanOrEqual(390);

    const picker = page.getByRole('combobox', { name: 'Column' });
    expect(await picker.inputValue()).toBe(b.col.Backlog);
    expect(await picker.locator('option').allTextContents()).toEqual([
      'Backlog (2)',
      'Ready (1)',
      'Doing (0 of 3)',
      'Review (1)',
      'Done (0)'
    ]);
    await picker.selectOption(b.col.Review);
    await expect.poll(async () => Math.round((await box('Review'))!.x)).toBe(12);
    expect(await page.locator(`section[data-column-id="${b.col.Review}"] [data-card-id] .title`).allTextContents()).toEqual(['V1']);

    await page.getByRole('button', { name: 'Previous column' }).tap();
    await expect.poll(async () => Math.round((await box('Doing'))!.x)).toBe(12);
    expect(await picker.inputValue()).toBe(b.col.Doing);

    // A swipe to the next column: the picker follows.
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x = 0, y = 0) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }] });
    await touch('touchStart', 300, 500);
    for (let i = 1; i <= 10; i++) {
      await touch('touchMove', 300 - i * 25, 500);
      await page.waitForTimeout(16);
    }
    await touch('touchEnd');
    await expect.poll(() => picker.inputValue()).toBe(b.col.Review);
    await expect.poll(async () => Math.round((await box('Review'))!.x)).toBe(12);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);
  });
});
