/**
 * Feedback and validation on the live board, in real Chromium against the built server: form
 * fields checked with the message next to them, the WIP question that says what is true,
 * activity that records a confirmed move past a limit, toasts that go once their offer is gone,
 * a card dialog that follows other people's edits, and a column at its hard limit that says
 * during the drag that it won't take the card. Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BoardEvent } from '../../src/lib/domain';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ops = 0;

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
  card: Record<string, string>;
}

async function makeBoard(cards: Record<string, string[]>): Promise<TestBoard> {
  const created = await api<BoardJson>(server.url, 'POST', '/api/boards', { name: `Feedback ${Math.random().toString(36).slice(2, 7)}` });
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

/** A command through the API, as another client would send it. */
async function command(board: TestBoard, body: Record<string, unknown>) {
  const r = await api(server.url, 'POST', `/api/boards/${board.id}/commands`, { opId: `op_fb${String(++ops).padStart(6, '0')}`, ...body });
  expect(r.status).toBe(200);
}

async function open(board: TestBoard, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  contexts.push(context);
  const clientId = `u_${name.toLowerCase()}${Math.random().toString(36).slice(2, 6)}`;
  await context.addInitScript(
    ([n, id]) => localStorage.setItem('kanbridge:identity', JSON.stringify({ name: n, clientId: id, chosen: true })),
    [name, clientId]
  );
  const page = await context.newPage();
  await page.goto(`${server.url}/boards/${board.id}`);
  await page.locator('[data-status="live"]').waitFor();
  return page;
}

async function events(board: TestBoard): Promise<BoardEvent[]> {
  return (await api<{ events: BoardEvent[] }>(server.url, 'GET', `/api/boards/${board.id}/events?since=0`)).body.events;
}

const serverCard = async (board: TestBoard, id: string) =>
  (await api<BoardJson>(server.url, 'GET', `/api/boards/${board.id}`)).body.cards.find((c) => c.id === id);

const titles = (page: Page, columnId: string) =>
  page.locator(`section[data-column-id="${columnId}"] [data-card-id] .title`).allTextContents();

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

/** Picks a card up and holds it over `to`; the returned function drops it. */
async function dragOver(page: Page, cardId: string, to: { x: number; y: number }): Promise<() => Promise<void>> {
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
  return () => page.mouse.up();
}

async function above(page: Page, cardId: string) {
  const c = await center(page, `[data-card-id="${cardId}"]`);
  return { x: c.x, y: c.top + 8 };
}

describe('feedback and validation', () => {
  it('a word typed into an empty Estimate is an error next to Estimate, and nothing is saved', async () => {
    const b = await makeBoard({ Backlog: ['Sized'] });
    const page = await open(b, 'Ann');
    await page.getByRole('button', { name: 'Edit “Sized”' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit card' });
    await dialog.getByLabel('Estimate').fill('three');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const estimate = dialog.getByLabel('Estimate');
    await expect.poll(() => estimate.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await estimate.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('An estimate is a number from 0 to 10000, or empty for none.');
    // The message sits inside the Estimate field, and the focus goes there.
    expect(await dialog.locator('.field.estimate .field-error').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(await estimate.getAttribute('id'));
    expect(await dialog.isVisible()).toBe(true);
    expect((await events(b)).filter((e) => e.type === 'cardUpdated')).toEqual([]);

    await estimate.fill('2,5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(async () => (await serverCard(b, b.card.Sized))?.estimate).toBe(2.5);
  });

  it('the column form shows each wrong field next to it', async () => {
    const b = await makeBoard({});
    const page = await open(b, 'Ann');
    await page.locator(`section[data-column-id="${b.col.Review}"]`).getByRole('button', { name: 'Settings for column Review' }).click();
    const dialog = page.getByRole('dialog', { name: 'Column settings' });
    await dialog.getByLabel('Name').fill(' ');
    await dialog.getByLabel('WIP limit').fill('1.5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByLabel('WIP limit').getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.locator('.field-error').allTextContents()).toEqual([
      'A column needs a name.',
      'A WIP limit is a whole number from 1 to 999, or empty for none.'
    ]);
  });

  it('the WIP question says the column is over its limit and how many it holds; activity records who confirmed it', async () => {
    const b = await makeBoard({ Ready: ['Next'], Doing: ['D1', 'D2', 'D3'] });
    await command(b, { type: 'setWipLimit', columnId: b.col.Doing, wipLimit: 2, hard: false });
    const page = await open(b, 'Lee');
    const drop = await dragOver(page, b.card.Next, await above(page, b.card.D1));
    await drop();
    const dialog = page.getByRole('dialog', { name: 'Doing is over its WIP limit' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Doing holds 3 of 2; this card would make it 4 cards.');
    expect(await dialog.textContent()).not.toContain('at its');
    await dialog.getByRole('button', { name: 'Go over the limit' }).click();
    await expect.poll(() => titles(page, b.col.Doing)).toEqual(['Next', 'D1', 'D2', 'D3']);
    await expect.poll(async () => (await events(b)).filter((e) => e.type === 'cardMoved')).toHaveLength(1);
    const moved = (await events(b)).find((e) => e.type === 'cardMoved');
    expect(moved).toMatchObject({ overLimit: { limit: 2, count: 4 }, actor: { name: 'Lee' } });

    await page.goto(`${server.url}/boards/${b.id}/activity`);
    await expect
      .poll(() => page.locator('.what').allTextContents())
      .toContain('Moved “Next” from Ready to Doing, over the WIP limit (4 of 2), confirmed by Lee');
  });

  it('"Archived… Undo" goes away once the card was restored elsewhere', async () => {
    const b = await makeBoard({ Backlog: ['Old idea'] });
    const page = await open(b, 'Ann');
    await page.getByRole('button', { name: 'Edit “Old idea”' }).click();
    await page.getByRole('dialog', { name: 'Edit card' }).getByRole('button', { name: 'Archive' }).click();
    const toast = page.locator('.toast', { hasText: 'Archived “Old idea”' });
    await toast.waitFor();
    expect(await toast.getByRole('button', { name: 'Undo' }).count()).toBe(1);
    await expect.poll(async () => (await serverCard(b, b.card['Old idea']))?.archived ?? true).toBe(true);
    await command(b, { type: 'restoreCard', cardId: b.card['Old idea'], toColumnId: b.col.Backlog });
    await expect.poll(() => titles(page, b.col.Backlog)).toEqual(['Old idea']);
    await expect.poll(() => toast.count()).toBe(0);
  });

  it('an open card dialog shows someone else’s edit, and warns before overwriting a field they just changed', async () => {
    const b = await makeBoard({ Backlog: ['Shared'] });
    const page = await open(b, 'Ann');
    await page.getByRole('button', { name: 'Edit “Shared”' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit card' });
    await dialog.getByLabel('Estimate').fill('5');

    await command(b, { type: 'updateCard', cardId: b.card.Shared, changes: { assignee: 'Bob', estimate: 8 } });
    // A field not touched here follows the card at once …
    await expect.poll(() => dialog.getByLabel('Assignee').inputValue()).toBe('Bob');
    expect(await dialog.locator('[data-updated="assignee"]').textContent()).toContain('Updated by someone else');
    // … one edited here too says so, next to it.
    await expect
      .poll(() => dialog.locator('[data-conflict="estimate"]').textContent())
      .toContain('Someone else changed this to “8”; saving overwrites it.');
    expect(await dialog.getByLabel('Estimate').inputValue()).toBe('5');

    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toBe('Someone else just changed Estimate. Save again to overwrite it with yours, or take theirs.');
    expect(await dialog.isVisible()).toBe(true);
    expect((await serverCard(b, b.card.Shared))?.estimate).toBe(8);

    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(async () => (await serverCard(b, b.card.Shared))?.estimate).toBe(5);
    expect((await serverCard(b, b.card.Shared))?.assignee).toBe('Bob');
  });

  it('a column at its hard limit says, while a card is dragged, that it won’t take it', async () => {
    const b = await makeBoard({ Ready: ['Mover'], Review: ['In review'] });
    await command(b, { type: 'setWipLimit', columnId: b.col.Review, wipLimit: 1, hard: true });
    const page = await open(b, 'Max');
    const review = page.locator(`section[data-column-id="${b.col.Review}"]`);
    await expect.poll(() => review.locator('header').textContent()).toContain('1 of 1');
    expect(await review.getAttribute('class')).not.toContain('refuses');

    const drop = await dragOver(page, b.card.Mover, await above(page, b.card['In review']));
    await expect.poll(() => review.getAttribute('class')).toContain('refuses');
    expect(await review.locator('.refuse-note').textContent()).toBe("Full: Review won't take this card (hard limit)");
    // Its count stays what it holds: the card above it is not in it.
    expect(await review.locator('header').textContent()).toContain('1 of 1');
    expect(await page.locator(`section[data-column-id="${b.col.Doing}"]`).getAttribute('class')).not.toContain('refuses');
    await drop();

    // Saying so shifted nothing under the pointer: the drop still lands on Review, which refuses it.
    await expect.poll(() => page.locator('.toast').first().textContent()).toContain('Review is at its hard limit of 1');
    await expect.poll(() => review.getAttribute('class')).not.toContain('refuses');
    await expect.poll(() => titles(page, b.col.Ready)).toEqual(['Mover']);
  });
});
