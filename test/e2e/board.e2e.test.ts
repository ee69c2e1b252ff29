/**
 * The live board in real Chromium against the real (built) server: two browsers on one
 * board, drags and keyboard moves, WIP limits, offline moves, card and column edits.
 * Each test makes its own board through the API, so tests do not depend on each other.
 * Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { BoardEvent } from '../../src/lib/domain';
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
  await browser?.close();
  await server?.stop();
});

interface TestBoard {
  id: string;
  /** Column ids by name. */
  col: Record<string, string>;
  /** Card ids by title. */
  card: Record<string, string>;
}

/** A board with the default columns and the given cards (column name → titles, top to bottom). */
async function makeBoard(cards: Record<string, string[]>): Promise<TestBoard> {
  const created = await api<BoardJson>(server.url, 'POST', '/api/boards', { name: `E2E ${Math.random().toString(36).slice(2, 7)}` });
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

/** A browser of its own (own localStorage, own clientId) with the board open and live. */
async function open(board: TestBoard, name: string, options: BrowserContextOptions = {}): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, ...options });
  contexts.push(context);
  const clientId = `u_${name.toLowerCase()}${Math.random().toString(36).slice(2, 6)}`;
  await context.addInitScript(
    ([n, id]) => localStorage.setItem('kanbridge:identity', JSON.stringify({ name: n, clientId: id, chosen: true })),
    [name, clientId]
  );
  const page = await context.newPage();
  await page.goto(`${server.url}/boards/${board.id}`);
  await page.locator('[data-status="live"]').waitFor();
  return { page, context };
}

const titles = (page: Page, columnId: string) =>
  page.locator(`section[data-column-id="${columnId}"] [data-card-id] .title`).allTextContents();

async function serverTitles(board: TestBoard, columnId: string): Promise<string[]> {
  const r = await api<BoardJson>(server.url, 'GET', `/api/boards/${board.id}`);
  return r.body.cards.filter((c) => c.columnId === columnId).map((c) => c.title);
}

async function events(board: TestBoard): Promise<BoardEvent[]> {
  return (await api<{ events: BoardEvent[] }>(server.url, 'GET', `/api/boards/${board.id}/events?since=0`)).body.events;
}

/** Where an element is once it stopped moving (cards glide into place after every change). */
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

/** A mouse drag as a person does it (svelte-dnd-action needs a few moves to start). */
async function drag(page: Page, cardId: string, to: { x: number; y: number }) {
  const a = await center(page, `[data-card-id="${cardId}"]`);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 5, a.y + 5, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 15 });
  // Hover there a little: on a loaded machine the drag library may still be placing the
  // shadow from an earlier pointer event, and it places it again on each move.
  for (const dy of [1, 0]) {
    await page.waitForTimeout(150);
    await page.mouse.move(to.x, to.y + dy);
  }
  await page.waitForTimeout(200);
  await page.mouse.up();
}

/** Drop position just above a card (it lands before that card). */
async function above(page: Page, cardId: string) {
  const c = await center(page, `[data-card-id="${cardId}"]`);
  return { x: c.x, y: c.top + 8 };
}

const zone = (page: Page, columnId: string) => center(page, `section[data-column-id="${columnId}"] .zone`);

describe('live board', () => {
  afterAll(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  it('shows a drag in one browser in the other, in the server’s order, with presence and a highlight', async () => {
    const b = await makeBoard({ Backlog: ['Alpha', 'Beta', 'Gamma'], Ready: ['One', 'Two'] });
    const ann = await open(b, 'Ann');
    const bob = await open(b, 'Bob');
    await expect.poll(() => bob.page.locator('[data-viewers="1"]').textContent()).toContain('Ann is here too');

    await drag(ann.page, b.card.Alpha, await above(ann.page, b.card.Two));

    const ready = ['One', 'Alpha', 'Two'];
    await expect.poll(() => titles(ann.page, b.col.Ready)).toEqual(ready);
    await expect.poll(() => titles(bob.page, b.col.Ready)).toEqual(ready);
    await expect.poll(() => serverTitles(b, b.col.Ready)).toEqual(ready);
    expect(await titles(bob.page, b.col.Backlog)).toEqual(['Beta', 'Gamma']);
    await expect.poll(() => bob.page.locator(`[data-card-id="${b.card.Alpha}"] .flashing`).count()).toBe(1);
    const moves = (await events(b)).filter((e) => e.type === 'cardMoved');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ cardId: b.card.Alpha, toColumnId: b.col.Ready, source: 'drag', actor: { name: 'Ann' } });
  });

  it('holds back a change from another browser while a drag is in progress, then shows both', async () => {
    const b = await makeBoard({ Backlog: ['A', 'B', 'C'], Ready: ['X'] });
    const ann = await open(b, 'Ann');
    const bob = await open(b, 'Bob');
    const from = await center(ann.page, `[data-card-id="${b.card.A}"]`);
    const to = await above(ann.page, b.card.X);
    await ann.page.mouse.move(from.x, from.y);
    await ann.page.mouse.down();
    await ann.page.mouse.move(from.x + 5, from.y + 5, { steps: 3 });
    await ann.page.mouse.move(to.x, to.y, { steps: 15 });

    await drag(bob.page, b.card.C, await zone(bob.page, b.col.Review));
    await expect.poll(() => serverTitles(b, b.col.Review)).toEqual(['C']);
    await ann.page.waitForTimeout(300);
    expect(await titles(ann.page, b.col.Review)).toEqual([]); // parked: the drag is not disturbed

    await ann.page.mouse.up();
    await expect.poll(() => serverTitles(b, b.col.Ready)).toEqual(['A', 'X']);
    await expect.poll(() => titles(ann.page, b.col.Review)).toEqual(['C']);
    expect(await titles(ann.page, b.col.Ready)).toEqual(['A', 'X']);
    expect(await titles(ann.page, b.col.Backlog)).toEqual(['B']);
    await expect.poll(() => titles(bob.page, b.col.Ready)).toEqual(['A', 'X']);
  });

  it('moves a card with the keyboard alone, announced and refocused', async () => {
    const b = await makeBoard({ Backlog: ['Alpha', 'Beta'], Ready: ['One', 'Two'] });
    const { page } = await open(b, 'Kim');
    await page.focus(`[data-card-id="${b.card.Beta}"]`);
    await page.keyboard.press('Space'); // pick up
    await page.keyboard.press('Tab'); // top of the next column
    await page.keyboard.press('ArrowDown'); // one down
    await page.keyboard.press('Space'); // drop

    await expect.poll(() => titles(page, b.col.Ready)).toEqual(['One', 'Beta', 'Two']);
    await expect.poll(() => serverTitles(b, b.col.Ready)).toEqual(['One', 'Beta', 'Two']);
    expect(await titles(page, b.col.Backlog)).toEqual(['Alpha']);
    expect(await page.locator('[role="alert"]').first().textContent()).toContain('Dropped Beta in Ready');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.cardId)).toBe(b.card.Beta);
    const moves = (await events(b)).filter((e) => e.type === 'cardMoved');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ source: 'keyboard', toColumnId: b.col.Ready });
  });

  it('asks before going past a soft WIP limit: cancel keeps the card, confirm moves it', async () => {
    const b = await makeBoard({ Ready: ['Next'], Doing: ['D1', 'D2', 'D3'] });
    const { page } = await open(b, 'Lee');
    const doing = page.locator(`section[data-column-id="${b.col.Doing}"]`);
    await expect(doing.locator('header').textContent()).resolves.toContain('3 of 3');

    await drag(page, b.card.Next, await above(page, b.card.D1));
    const dialog = page.getByRole('dialog', { name: 'Doing is at its WIP limit' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep it where it was' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(() => titles(page, b.col.Ready)).toEqual(['Next']);
    expect(await titles(page, b.col.Doing)).toEqual(['D1', 'D2', 'D3']);

    await drag(page, b.card.Next, await above(page, b.card.D1));
    await dialog.getByRole('button', { name: 'Go over the limit' }).click();
    await expect.poll(() => titles(page, b.col.Doing)).toEqual(['Next', 'D1', 'D2', 'D3']);
    await expect.poll(() => serverTitles(b, b.col.Doing)).toEqual(['Next', 'D1', 'D2', 'D3']);
    expect(await doing.getAttribute('class')).toContain('over');
    expect(await doing.locator('header').textContent()).toContain('4 of 3, over the limit');
    expect((await events(b)).filter((e) => e.type === 'cardMoved')).toHaveLength(1);
  });

  it('queues moves made offline and sends each exactly once on reconnect; catches up on missed events', async () => {
    const b = await makeBoard({ Backlog: ['O1', 'O2', 'O3'], Review: ['R1'] });
    const ann = await open(b, 'Ann');
    const bob = await open(b, 'Bob');

    await ann.context.setOffline(true);
    await ann.page.locator('[data-status="offline"]').waitFor();
    await drag(ann.page, b.card.O1, await zone(ann.page, b.col.Ready));
    // Queued, not sent: wait for it (the drop animation ends before the move is dispatched).
    await expect.poll(() => ann.page.locator('[data-pending]').textContent()).toBe('1 change pending');
    expect(await titles(ann.page, b.col.Ready)).toEqual(['O1']);
    await ann.page.focus(`[data-card-id="${b.card.O2}"]`);
    for (const key of ['Space', 'Tab', 'ArrowDown', 'Space']) await ann.page.keyboard.press(key);
    await expect.poll(() => titles(ann.page, b.col.Ready)).toEqual(['O1', 'O2']);
    expect(await ann.page.locator('[data-pending]').textContent()).toBe('2 changes pending');
    expect(await serverTitles(b, b.col.Ready)).toEqual([]);

    // Meanwhile Bob, online, moves another card: Ann must catch up without reloading.
    await drag(bob.page, b.card.O3, await above(bob.page, b.card.R1));
    await expect.poll(() => serverTitles(b, b.col.Review)).toEqual(['O3', 'R1']);

    await ann.context.setOffline(false);
    await ann.page.locator('[data-status="live"]').waitFor();
    await expect.poll(() => ann.page.locator('[data-pending]').count()).toBe(0);
    await expect.poll(() => serverTitles(b, b.col.Ready)).toEqual(['O1', 'O2']);
    await expect.poll(() => titles(bob.page, b.col.Ready)).toEqual(['O1', 'O2']);
    await expect.poll(() => titles(ann.page, b.col.Review)).toEqual(['O3', 'R1']);

    const moves = (await events(b)).filter((e) => e.type === 'cardMoved');
    expect(moves.map((e) => e.cardId).sort()).toEqual([b.card.O1, b.card.O2, b.card.O3].sort());
    expect(new Set(moves.map((e) => e.opId)).size).toBe(moves.length);
    expect(moves.find((e) => e.cardId === b.card.O2)).toMatchObject({ source: 'keyboard', actor: { name: 'Ann' } });
  });

  it('creates a card and edits its fields; the other browser sees both', async () => {
    const b = await makeBoard({ Backlog: ['Existing'] });
    const ann = await open(b, 'Ann');
    const bob = await open(b, 'Bob');
    const backlog = ann.page.locator(`section[data-column-id="${b.col.Backlog}"]`);

    await backlog.getByRole('button', { name: 'Add a card' }).click();
    await backlog.getByLabel('Title of the new card in Backlog').fill('Write the release notes');
    await ann.page.keyboard.press('Enter');
    await expect.poll(() => titles(bob.page, b.col.Backlog)).toEqual(['Existing', 'Write the release notes']);
    const created = backlog.locator('[data-card-id]').last();
    await expect.poll(() => created.locator('.code').textContent()).toMatch(/^[0-9A-Z]{6,8}$/);

    await created.getByRole('button', { name: 'Edit “Write the release notes”' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Edit card' });
    await dialog.getByLabel('Title').fill('Write the 2.0 release notes');
    await dialog.getByLabel('Assignee').fill('Priya Shah');
    await dialog.getByLabel('Tags').fill('docs, release');
    await dialog.getByLabel('Due date').fill('2030-01-15');
    await dialog.getByLabel('Estimate').fill('3');
    await dialog.getByLabel('Description').fill('Cover the new scanner.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);

    const onBob = bob.page.locator(`section[data-column-id="${b.col.Backlog}"] [data-card-id]`).last();
    await expect.poll(() => onBob.locator('.title').textContent()).toBe('Write the 2.0 release notes');
    expect(await onBob.locator('.tags li').allTextContents()).toEqual(['docs', 'release']);
    expect(await onBob.textContent()).toContain('Assigned to Priya Shah');
    const board = (await api<BoardJson>(server.url, 'GET', `/api/boards/${b.id}`)).body;
    expect(board.cards.find((c) => c.title === 'Write the 2.0 release notes')).toMatchObject({
      assignee: 'Priya Shah',
      tags: ['docs', 'release'],
      due: '2030-01-15',
      estimate: 3,
      description: 'Cover the new scanner.'
    });
  });

  it('sets a hard WIP limit on a column, which then refuses a move with a clear message', async () => {
    const b = await makeBoard({ Ready: ['Mover'], Review: ['In review'] });
    const { page } = await open(b, 'Max');
    const review = page.locator(`section[data-column-id="${b.col.Review}"]`);

    await review.getByRole('button', { name: 'Settings for column Review' }).click();
    const dialog = page.getByRole('dialog', { name: 'Column settings' });
    await dialog.getByLabel('WIP limit').fill('1');
    await dialog.getByLabel('Hard limit').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => review.locator('header').textContent()).toContain('1 of 1 (hard limit), at the limit');
    const serverReview = async () =>
      (await api<BoardJson>(server.url, 'GET', `/api/boards/${b.id}`)).body.columns.find((c) => c.id === b.col.Review);
    await expect.poll(serverReview).toMatchObject({ wipLimit: 1, wipHard: true });

    await drag(page, b.card.Mover, await above(page, b.card['In review']));
    await expect.poll(() => page.locator('.toast').textContent()).toContain('Review is at its hard limit of 1');
    await expect.poll(() => titles(page, b.col.Ready)).toEqual(['Mover']);
    expect(await serverTitles(b, b.col.Review)).toEqual(['In review']);
  });

  it('on a phone, a swipe scrolls the columns sideways and a long press drags a card', async () => {
    const b = await makeBoard({ Backlog: ['T1', 'T2', 'T3'] });
    const { page, context } = await open(b, 'Pat', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const cdp = await context.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x = 0, y = 0) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }] });
    const t1 = await center(page, `[data-card-id="${b.card.T1}"]`);
    const t3 = await center(page, `[data-card-id="${b.card.T3}"]`);
    await touch('touchStart', t1.x, t1.y);
    await page.waitForTimeout(400); // hold: the drag starts after the touch delay
    const to = t3.y + (t3.y - t3.top) - 8; // just above T3's bottom edge: lands after it
    for (let i = 1; i <= 15; i++) await touch('touchMove', t1.x, t1.y + ((to - t1.y) * i) / 15);
    await page.waitForTimeout(200);
    await touch('touchEnd');
    await expect.poll(() => serverTitles(b, b.col.Backlog)).toEqual(['T2', 'T3', 'T1']);
    expect(await titles(page, b.col.Backlog)).toEqual(['T2', 'T3', 'T1']);

    // A quick sideways swipe over a card scrolls to the next column and moves nothing.
    const t2 = await center(page, `[data-card-id="${b.card.T2}"]`);
    await touch('touchStart', t2.x + 100, t2.y);
    for (let i = 1; i <= 10; i++) {
      await touch('touchMove', t2.x + 100 - i * 25, t2.y);
      await page.waitForTimeout(16);
    }
    await touch('touchEnd');
    await expect.poll(() => page.locator('.scroller').evaluate((e) => e.scrollLeft)).toBeGreaterThan(200);
    expect(await titles(page, b.col.Backlog)).toEqual(['T2', 'T3', 'T1']);
    expect((await events(b)).filter((e) => e.type === 'cardMoved')).toHaveLength(1);
  });

  it('keeps a move made offline when the tab is closed, and sends it from the next visit', async () => {
    const b = await makeBoard({ Backlog: ['Kept'] });
    const { page, context } = await open(b, 'Ann');
    await context.setOffline(true);
    await page.locator('[data-status="offline"]').waitFor();
    await drag(page, b.card.Kept, await zone(page, b.col.Done));
    await expect.poll(() => page.locator('[data-pending]').textContent()).toBe('1 change pending');
    await page.close();

    await context.setOffline(false);
    const again = await context.newPage();
    await again.goto(`${server.url}/boards/${b.id}`);
    await expect.poll(() => serverTitles(b, b.col.Done)).toEqual(['Kept']);
    await expect.poll(() => again.locator('[data-pending]').count()).toBe(0);
    expect(await titles(again, b.col.Done)).toEqual(['Kept']);
    expect((await events(b)).filter((e) => e.type === 'cardMoved')).toHaveLength(1);
  });

  it('archives a card and restores it; adds, renames, moves and removes columns', async () => {
    const b = await makeBoard({ Backlog: ['Old idea'] });
    const { page } = await open(b, 'Ann');
    const columnNames = () => page.locator('section[data-column-id] h2').allTextContents();

    await page.getByRole('button', { name: 'Edit “Old idea”' }).click();
    await page.getByRole('dialog', { name: 'Edit card' }).getByRole('button', { name: 'Archive' }).click();
    await expect.poll(() => titles(page, b.col.Backlog)).toEqual([]);
    expect(await page.locator('.toast').textContent()).toContain('Archived “Old idea”');
    await page.getByRole('button', { name: /^Archived/ }).click();
    const archived = page.getByRole('dialog', { name: 'Archived cards' });
    await archived.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => serverTitles(b, b.col.Backlog)).toEqual(['Old idea']);
    await page.keyboard.press('Escape');
    await expect.poll(() => titles(page, b.col.Backlog)).toEqual(['Old idea']);

    await page.getByRole('button', { name: 'Add column' }).click();
    const add = page.getByRole('dialog', { name: 'Add a column' });
    await add.getByLabel('Name').fill('QA');
    await add.getByLabel('WIP limit').fill('2');
    await add.getByRole('button', { name: 'Add column' }).click();
    await expect.poll(columnNames).toEqual(['Backlog', 'Ready', 'Doing', 'Review', 'Done', 'QA']);

    const settings = page.getByRole('dialog', { name: 'Column settings' });
    await page.getByRole('button', { name: 'Settings for column Ready' }).click();
    await settings.getByLabel('Name').fill('Up next');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Settings for column QA' }).click();
    await settings.getByRole('button', { name: 'Move left' }).click();
    await expect.poll(columnNames).toEqual(['Backlog', 'Up next', 'Doing', 'Review', 'QA', 'Done']);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Settings for column Review' }).click();
    await settings.getByRole('button', { name: 'Remove column' }).click();
    await expect.poll(columnNames).toEqual(['Backlog', 'Up next', 'Doing', 'QA', 'Done']);
    const serverColumns = async () =>
      (await api<BoardJson>(server.url, 'GET', `/api/boards/${b.id}`)).body.columns.map((c) => [c.name, c.wipLimit]);
    await expect.poll(serverColumns).toEqual([
      ['Backlog', null],
      ['Up next', null],
      ['Doing', 3],
      ['QA', 2],
      ['Done', null]
    ]);
  });
});

describe('pages around the board', () => {
  it('creates a board with its own columns from the board list', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('Board name').fill('Platform team');
    await page.getByLabel('Column 3 WIP limit').fill('2');
    await page.getByRole('button', { name: 'Remove column Review' }).click();
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByLabel('Column 5 name').fill('Blocked');
    await page.getByLabel('Column 5 WIP limit').fill('1');
    await page.getByRole('button', { name: 'Create board' }).click();
    await page.waitForURL(/\/boards\/b_/);
    await page.locator('[data-status="live"]').waitFor();
    expect(await page.locator('section[data-column-id] h2').allTextContents()).toEqual(['Backlog', 'Ready', 'Doing', 'Done', 'Blocked']);
    const id = page.url().split('/').pop()!;
    const board = (await api<BoardJson>(server.url, 'GET', `/api/boards/${id}`)).body;
    expect(board.name).toBe('Platform team');
    expect(board.columns.map((c) => c.wipLimit)).toEqual([null, null, 2, null, 1]);
    await page.goto(`${server.url}/`);
    expect(await page.locator(`a[href="/boards/${id}"]`).textContent()).toContain('0 cards');
  });

  it('opens a printed card by its code (any case) and moves it with one tap; signs open the board; unknown codes get a 404', async () => {
    const b = await makeBoard({ Backlog: ['Printed card'] });
    const board = (await api<BoardJson>(server.url, 'GET', `/api/boards/${b.id}`)).body;
    const code = board.cards[0].code;
    const { page } = await open(b, 'Sam');

    await page.goto(`${server.url}/c/${code.toLowerCase()}`);
    expect(page.url()).toBe(`${server.url}/C/${code}`);
    await page.locator('[data-status="live"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Printed card');
    await page.getByRole('button', { name: /^Review/ }).click();
    await expect.poll(() => serverTitles(b, b.col.Review)).toEqual(['Printed card']);
    await expect.poll(() => page.getByRole('button', { name: /^Review/ }).getAttribute('aria-current')).toBe('true');
    expect((await events(b)).at(-1)).toMatchObject({ type: 'cardMoved', source: 'ui', actor: { name: 'Sam' } });

    const review = board.columns.find((c) => c.id === b.col.Review)!;
    await page.goto(`${server.url}/l/${review.code.toLowerCase()}`);
    expect(page.url()).toBe(`${server.url}/boards/${b.id}?column=${b.col.Review}`);
    await page.goto(`${server.url}/B/${board.code}`);
    expect(page.url()).toBe(`${server.url}/boards/${b.id}/scan`);

    const missing = await page.goto(`${server.url}/C/ZZZZZZ`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('We couldn’t find that');
  });
});
