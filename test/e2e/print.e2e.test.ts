/**
 * The print page in real Chromium against the real (built) server: the preview draws the
 * PDF's job at the layout's proportions and follows every choice, and its download is the
 * PDF; once the person confirms, the page records the cards as printed so its queues move on.
 * Build first: `npm run build`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, type BoardEvent } from '../../src/lib/domain';
import { LAYOUTS, type CardSheetLayout, type SignLayout } from '../../src/lib/print/layouts';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';

const run = promisify(execFile);

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ demo: false }), launchBrowser()]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.stop();
});

interface TestBoard {
  id: string;
  name: string;
  json: BoardJson;
  col: Record<string, string>;
  card: Record<string, string>;
}

async function makeBoard(cards: Record<string, string[]>): Promise<TestBoard> {
  const name = `Wall ${Math.random().toString(36).slice(2, 7)}`;
  const created = await api<BoardJson>(server.url, 'POST', '/api/boards', { name });
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
  return { id: created.body.id, name, json: created.body, col, card };
}

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(server.url + path);
  // Hydrated: the layout radios answer clicks.
  await page.waitForFunction(() => document.querySelector('[data-download]') !== null);
  return page;
}

async function box(page: Page, selector: string) {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not visible`);
  return b;
}

const ratio = (b: { width: number; height: number }) => b.width / b.height;
const count = (page: Page, choice: string) => page.locator(`[data-choice="${choice}"] [data-count]`).textContent();

async function pdfPages(file: string): Promise<number> {
  const { stdout } = await run('pdfinfo', [file]);
  return Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1]);
}

async function download(page: Page): Promise<{ file: string; name: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download]').click()]);
  const file = await d.path();
  expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  return { file, name: d.suggestedFilename() };
}

/** Answers the page's "mark these cards as printed?" after a download. */
async function confirmPrinted(page: Page, question: string): Promise<void> {
  const ask = page.locator('[data-record-confirm]');
  await ask.waitFor();
  expect(await ask.locator('p').first().textContent()).toContain(question);
  await ask.locator('[data-record]').click();
  await ask.waitFor({ state: 'detached' });
}

async function events(b: TestBoard): Promise<BoardEvent[]> {
  return (await api<{ events: BoardEvent[] }>(server.url, 'GET', `/api/boards/${b.id}/events?since=0`)).body.events;
}

const titles = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

describe('print page', () => {
  it('previews the job at the layout’s proportions and follows the layout and selection', async () => {
    const b = await makeBoard({ Backlog: titles('Backlog card', 7), Ready: titles('Ready card', 3), Doing: ['Doing card'] });
    const page = await open(`/boards/${b.id}/print`);

    // All 11 cards on two A4 pages of 8.
    await expect.poll(() => page.locator('[data-preview-card]').count()).toBe(11);
    expect(await page.locator('[data-preview-page]').count()).toBe(2);
    expect(await page.locator('section.preview').getAttribute('data-pages')).toBe('2');
    expect(await page.locator('[data-summary]').textContent()).toMatch(/11 cards\s+on 2 pages/);

    const a4 = LAYOUTS['a4-8'] as CardSheetLayout;
    const sheet = await box(page, '[data-preview-page]');
    const card = await box(page, '[data-preview-card]');
    const qr = await box(page, '[data-preview-card] svg.qr');
    expect(ratio(sheet)).toBeCloseTo(a4.page.wMm / a4.page.hMm, 2);
    expect(ratio(card)).toBeCloseTo(a4.card.wMm / a4.card.hMm, 2);
    expect(card.width / sheet.width).toBeCloseTo(a4.card.wMm / a4.page.wMm, 2);
    expect(qr.width / card.width).toBeCloseTo(a4.style.qrMm / a4.card.wMm, 2);
    expect(qr.width).toBeCloseTo(qr.height, 1);
    // The second card sits one card width to the right of the first: the PDF's slots.
    const second = await page.locator('[data-preview-card]').nth(1).boundingBox();
    expect((second!.x - card.x) / sheet.width).toBeCloseTo(a4.card.wMm / a4.page.wMm, 2);

    // The QR payload is the PDF's: this server's address, upper case, and the card's code.
    const code = (await api<BoardJson>(server.url, 'GET', `/api/boards/${b.id}`)).body.cards[0].code;
    expect(await page.locator('[data-preview-card] svg.qr').first().getAttribute('data-payload')).toBe(
      `${server.url.toUpperCase()}/C/${code}`
    );
    expect(await page.locator('[data-preview-card]').first().textContent()).toContain('Backlog card 1');
    // 127.0.0.1 cannot be opened from a phone: the page says so.
    await expect.poll(() => page.locator('[role="note"]').textContent()).toContain(server.url);

    // A sticky note a page: 11 square pages.
    await page.locator('label[data-layout="sticky-76"]').click();
    await expect.poll(() => page.locator('[data-preview-page]').count()).toBe(11);
    expect(ratio(await box(page, '[data-preview-page]'))).toBeCloseTo(1, 2);
    expect(ratio(await box(page, '[data-preview-card]'))).toBeCloseTo(1, 2);

    // US Letter: 6 a page; the index card: 5 × 3 in.
    await page.locator('label[data-layout="letter-6"]').click();
    await expect.poll(() => page.locator('[data-preview-page]').count()).toBe(2);
    const letter = LAYOUTS['letter-6'] as CardSheetLayout;
    expect(ratio(await box(page, '[data-preview-page]'))).toBeCloseTo(letter.page.wMm / letter.page.hMm, 2);
    expect(ratio(await box(page, '[data-preview-card]'))).toBeCloseTo(letter.card.wMm / letter.card.hMm, 2);
    await page.locator('label[data-layout="index-3x5"]').click();
    await expect.poll(async () => ratio(await box(page, '[data-preview-page]'))).toBeCloseTo(5 / 3, 2);

    // One column: its cards only.
    await page.locator('label[data-choice="column"]').click();
    await page.locator('select[aria-label="Column to print"]').selectOption(b.col.Ready);
    await expect.poll(() => page.locator('[data-preview-card]').count()).toBe(3);
    expect(await page.locator('[data-preview-card]').allTextContents()).toEqual([
      expect.stringContaining('Ready card 1'),
      expect.stringContaining('Ready card 2'),
      expect.stringContaining('Ready card 3')
    ]);

    // Chosen cards, found by search.
    await page.locator('label[data-choice="cards"]').click();
    await page.locator('input[type="search"]').fill('card 7');
    await page.locator('.checklist li label', { hasText: 'Backlog card 7' }).click();
    await page.locator('input[type="search"]').fill('doing');
    expect(await page.locator('.checklist li label').allTextContents()).toEqual([expect.stringContaining('Doing card')]);
    await page.locator('.checklist li label').click();
    await expect.poll(() => page.locator('[data-preview-card]').count()).toBe(2);
    expect(await count(page, 'cards')).toBe('2');

    // Nothing has been printed: the reprint queue is empty, and the page says so.
    await page.locator('label[data-choice="reprint"]').click();
    await expect.poll(() => page.locator('section.preview [role="status"]').textContent()).toContain('Nothing to print');
    expect(await page.locator('[data-preview-page]').count()).toBe(0);
    expect(await page.locator('[data-download]').isDisabled()).toBe(true);

    // Signs: one landscape page a column, and the board sign.
    await page.locator('.modes label', { hasText: 'Column signs' }).click();
    await expect.poll(() => page.locator('[data-preview-sign="column"]').count()).toBe(b.json.columns.length);
    const signs = LAYOUTS['column-signs'] as SignLayout;
    expect(ratio(await box(page, '[data-preview-page]'))).toBeCloseTo(signs.page.wMm / signs.page.hMm, 2);
    await page.locator('.modes label', { hasText: 'Board sign' }).click();
    await expect.poll(() => page.locator('[data-preview-sign="board"]').count()).toBe(1);
    expect(await page.locator('[data-preview-sign="board"]').textContent()).toContain(`${server.url}/B/${b.json.code}`);
  });

  it('downloads the PDF, then records the cards as printed once confirmed; the New and Reprint counts follow', async () => {
    const b = await makeBoard({ Backlog: titles('Task', 5), Ready: ['Ready task'] });
    const page = await open(`/boards/${b.id}/print`);
    expect(await count(page, 'new')).toBe('6');
    expect(await count(page, 'reprint')).toBe('0');

    await page.locator('label[data-choice="new"]').click();
    await page.locator('label[data-layout="letter-6"]').click();
    const first = await download(page);
    expect(first.name).toBe(`${b.name.toLowerCase().replace(' ', '-')}-letter-6.pdf`);
    expect(await pdfPages(first.file)).toBe(1);
    // The download itself records nothing: the page asks first.
    expect((await events(b)).filter((e) => e.type === 'cardsPrinted')).toEqual([]);
    await confirmPrinted(page, 'Mark these 6 cards as printed?');
    await expect.poll(() => count(page, 'new')).toBe('0');
    await expect.poll(() => page.locator('[data-notice]').textContent()).toContain('6 cards recorded as printed');
    const printed = (await events(b)).filter((e) => e.type === 'cardsPrinted');
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatchObject({ source: 'print', layout: 'letter-6' });

    // A title changes on the board: the card joins the reprint queue when the page looks again.
    const edit = await api(server.url, 'POST', `/api/boards/${b.id}/commands`, {
      opId: newOpId(),
      type: 'updateCard',
      cardId: b.card['Task 3'],
      changes: { title: 'Task 3, reworded' }
    });
    expect(edit.status).toBe(200);
    await page.reload();
    await expect.poll(() => count(page, 'reprint')).toBe('1');
    await page.locator('label[data-choice="reprint"]').click();
    await page.locator('label[data-layout="a6"]').click();
    await expect.poll(() => page.locator('[data-preview-card]').allTextContents()).toEqual([expect.stringContaining('Task 3, reworded')]);
    const again = await download(page);
    expect(await pdfPages(again.file)).toBe(1);
    await confirmPrinted(page, 'Mark this card as printed?');
    await expect.poll(() => count(page, 'reprint')).toBe('0');
    expect((await events(b)).filter((e) => e.type === 'cardsPrinted')).toHaveLength(2);
  });

  it('records nothing when the person answers "Not now", and nothing for signs', async () => {
    const b = await makeBoard({ Backlog: ['One', 'Two'] });
    const page = await open(`/boards/${b.id}/print`);
    await download(page);
    const ask = page.locator('[data-record-confirm]');
    await ask.waitFor();
    expect(await ask.locator('p').first().textContent()).toContain('Mark these 2 cards as printed?');
    await ask.locator('[data-record-skip]').click();
    await expect.poll(() => page.locator('[data-notice]').textContent()).toContain('Nothing was recorded as printed');
    expect(await count(page, 'new')).toBe('2');

    await page.locator('.modes label', { hasText: 'Board sign' }).click();
    await download(page);
    await expect.poll(() => page.locator('[data-notice]').textContent()).toMatch(/Saved \S+-board-sign\.pdf\.$/);
    expect(await ask.count()).toBe(0);
    expect((await events(b)).some((e) => e.type === 'cardsPrinted')).toBe(false);
  });

  it('opens on a selection from its link, and the proof link records nothing', async () => {
    const b = await makeBoard({ Backlog: ['One', 'Two'], Doing: ['Three'] });
    const page = await open(`/boards/${b.id}/print?layout=sticky-76&select=column:${b.col.Doing}`);
    expect(await page.locator('label[data-choice="column"] input').isChecked()).toBe(true);
    expect(await page.locator('label[data-layout="sticky-76"] input').isChecked()).toBe(true);
    await expect.poll(() => page.locator('[data-preview-card]').allTextContents()).toEqual([expect.stringContaining('Three')]);

    const href = await page.locator('a.proof').getAttribute('href');
    expect(href).toBe(`/api/boards/${b.id}/print.pdf?layout=sticky-76&select=column%3A${b.col.Doing}&preview=1`);
    const proof = await page.request.get(server.url + href!);
    expect(proof.headers()['content-type']).toBe('application/pdf');
    expect((await proof.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await events(b)).some((e) => e.type === 'cardsPrinted')).toBe(false);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const b = await makeBoard({ Backlog: ['A card with a rather long title that wraps on a phone'] });
    const page = await open(`/boards/${b.id}/print`, { width: 390, height: 844 });
    await expect.poll(() => page.locator('[data-preview-card]').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const sheet = await box(page, '[data-preview-page]');
    expect(sheet.width).toBeLessThanOrEqual(390);
    expect(ratio(sheet)).toBeCloseTo(210 / 297, 2);
    expect(await page.locator('[data-download]').isVisible()).toBe(true);
  });
});
