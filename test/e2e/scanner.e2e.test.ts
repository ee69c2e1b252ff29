/**
 * The phone scanner in real Chromium against the real (built) server. Chromium's fake camera
 * plays a .y4m clip written by the test (test/helpers/y4m.ts): a wall, then printed cards
 * and column signs of a board the test made through the API. The camera flag is per browser,
 * so each clip gets a browser of its own. Build first: `npm run build`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { BoardEvent } from '../../src/lib/domain';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';
import { writeClip, type ClipSegment } from '../helpers/y4m';

let server: RunningServer;
let clips: string;

beforeAll(async () => {
  [server, clips] = await Promise.all([startServer({ demo: false }), fs.mkdtemp(path.join(os.tmpdir(), 'kanbridge-clips-'))]);
});

afterAll(async () => {
  await server?.stop();
  await fs.rm(clips, { recursive: true, force: true });
});

interface TestBoard {
  id: string;
  code: string;
  /** Columns by name. */
  col: Record<string, { id: string; code: string }>;
  /** Cards by title. */
  card: Record<string, { id: string; code: string }>;
}

async function makeBoard(cards: Record<string, string[]>, columns?: { name: string; wipLimit?: number }[]): Promise<TestBoard> {
  const created = await api<BoardJson>(server.url, 'POST', '/api/boards', {
    name: `Scan ${Math.random().toString(36).slice(2, 7)}`,
    columns
  });
  expect(created.status).toBe(201);
  const col = Object.fromEntries(created.body.columns.map((c) => [c.name, { id: c.id, code: c.code }]));
  const card: TestBoard['card'] = {};
  for (const [column, titles] of Object.entries(cards)) {
    for (const title of titles) {
      const r = await api<{ card: { id: string; code: string } }>(server.url, 'POST', `/api/boards/${created.body.id}/cards`, {
        title,
        columnId: col[column].id
      });
      expect(r.status).toBe(201);
      card[title] = { id: r.body.card.id, code: r.body.card.code };
    }
  }
  return { id: created.body.id, code: created.body.code, col, card };
}

/** What a printed card or sign of this install says (upper case, as print writes it). */
const printed = (kind: 'C' | 'L' | 'B', code: string) => `${server.url.toUpperCase()}/${kind}/${code}`;

async function clip(name: string, segments: ClipSegment[]): Promise<string> {
  const file = path.join(clips, `${name}.y4m`);
  await writeClip(file, segments);
  return file;
}

const camera = (file: string, fakeUi = true) => [
  ...(fakeUi ? ['--use-fake-ui-for-media-stream'] : []),
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${file}`
];

/** A context of its own (own storage, own identity); every request its pages make is recorded. */
async function context(browser: Browser, name: string, options: BrowserContextOptions = {}) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, ...options });
  const requests: string[] = [];
  ctx.on('request', (r) => requests.push(r.url()));
  await ctx.addInitScript(
    ([n, id]) => localStorage.setItem('kanbridge:identity', JSON.stringify({ name: n, clientId: id, chosen: true })),
    [name, `u_${name.toLowerCase()}${Math.random().toString(36).slice(2, 6)}`]
  );
  return { ctx, requests };
}

async function openScanner(ctx: BrowserContext, board: TestBoard, query = '', origin = server.url): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${origin}/boards/${board.id}/scan${query}`);
  return page;
}

async function events(board: TestBoard): Promise<BoardEvent[]> {
  return (await api<{ events: BoardEvent[] }>(server.url, 'GET', `/api/boards/${board.id}/events?since=0`)).body.events;
}

/** The moves of a card, oldest first. */
async function moves(board: TestBoard, title: string) {
  return (await events(board)).filter(
    (e): e is Extract<BoardEvent, { type: 'cardMoved' }> => e.type === 'cardMoved' && e.cardId === board.card[title].id
  );
}

async function columnOf(board: TestBoard, title: string): Promise<string> {
  const r = await api<BoardJson>(server.url, 'GET', `/api/boards/${board.id}`);
  const card = r.body.cards.find((c) => c.id === board.card[title].id);
  return Object.entries(board.col).find(([, c]) => c.id === card?.columnId)?.[0] ?? '?';
}

const feedText = (page: Page) => page.locator('[data-feed-tone]').allTextContents();

describe('scanning with the camera: card, then column sign', () => {
  let browser: Browser;
  let board: TestBoard;
  let other: TestBoard;

  beforeAll(async () => {
    [board, other] = await Promise.all([makeBoard({ Backlog: ['Fix login', 'Write docs'] }), makeBoard({ Backlog: ['Stranger'] })]);
    const file = await clip('card-then-column', [
      { seconds: 1.5 },
      { seconds: 1, qr: printed('C', other.card.Stranger.code) },
      { seconds: 0.5 },
      { seconds: 1, qr: 'HTTPS://EXAMPLE.INVALID/PHISH?X=1' },
      { seconds: 0.5 },
      { seconds: 1.2, qr: printed('C', board.card['Fix login'].code) },
      { seconds: 0.6 },
      { seconds: 1.2, qr: printed('L', board.col.Review.code) },
      { seconds: 40 }
    ]);
    browser = await launchBrowser(camera(file));
  });

  afterAll(async () => browser?.close());

  it('moves the card, shows it in a second browser, undoes it; codes from elsewhere are named and ignored', async () => {
    const watcher = await context(browser, 'Ann', { viewport: { width: 1400, height: 900 } });
    const boardPage = await watcher.ctx.newPage();
    await boardPage.goto(`${server.url}/boards/${board.id}`);
    await boardPage.locator('[data-status="live"]').waitFor();
    const inReview = boardPage.locator(`section[data-column-id="${board.col.Review.id}"] [data-card-id="${board.card['Fix login'].id}"]`);
    const inBacklog = boardPage.locator(`section[data-column-id="${board.col.Backlog.id}"] [data-card-id="${board.card['Fix login'].id}"]`);
    await inBacklog.waitFor();

    const phone = await context(browser, 'Scanner');
    const page = await openScanner(phone.ctx, board);
    const scannerUrl = page.url();
    await page.locator('[data-camera-status="live"]').waitFor();

    // The card goes to the tray, the sign moves it: the second browser shows it in Review.
    await inReview.waitFor({ timeout: 20_000 });
    expect(await columnOf(board, 'Fix login')).toBe('Review');
    const [move] = await moves(board, 'Fix login');
    expect(move).toMatchObject({ source: 'scan', toColumnId: board.col.Review.id, actor: { name: 'Scanner' } });
    const toast = page.locator('[data-toast-tone="ok"]', { hasText: 'Backlog → Review' });
    await expect.poll(() => toast.textContent()).toContain('Fix login');

    // Undo: a second move, back to where it stood (above Write docs).
    await toast.getByRole('button', { name: 'Undo' }).click();
    await inBacklog.waitFor();
    const after = await moves(board, 'Fix login');
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ source: 'scan', toColumnId: board.col.Backlog.id });
    expect(await boardPage.locator(`section[data-column-id="${board.col.Backlog.id}"] [data-card-id] .title`).allTextContents()).toEqual([
      'Fix login',
      'Write docs'
    ]);

    // Another board's card and a foreign QR were named, and nothing else happened with them.
    const feed = await feedText(page);
    expect(feed.some((t) => t.includes('Not on this board') && t.includes(other.card.Stranger.code))).toBe(true);
    expect(feed.some((t) => t.includes('Not a Kanbridge code'))).toBe(true);
    expect((await moves(other, 'Stranger')).length).toBe(0);
    expect(page.url()).toBe(scannerUrl);

    // Everything came from this server: the page, the worker, the decoder's wasm, the socket.
    expect(phone.requests.some((u) => /\/workers\/.*scan\.worker.*\.js$/.test(u))).toBe(true);
    expect(phone.requests.some((u) => /zxing_reader.*\.wasm$/.test(u))).toBe(true);
    expect(phone.requests.filter((u) => !u.startsWith(`${server.url}/`))).toEqual([]);
    await Promise.all([watcher.ctx.close(), phone.ctx.close()]);
  });
});

describe('walking the wall', () => {
  let browser: Browser;
  let board: TestBoard;

  beforeAll(async () => {
    board = await makeBoard({ Backlog: ['Held card', 'Next card'] });
    const file = await clip('walk', [
      { seconds: 1.5 },
      { seconds: 1, qr: printed('L', board.col.Review.code) },
      { seconds: 0.4 },
      // Held in view for 6 s: it must move once, even though someone moves it back meanwhile.
      { seconds: 6, qr: printed('C', board.card['Held card'].code) },
      { seconds: 0.4 },
      { seconds: 1.2, qr: printed('C', board.card['Next card'].code) },
      { seconds: 40 }
    ]);
    browser = await launchBrowser(camera(file));
  });

  afterAll(async () => browser?.close());

  it('moves each card scanned after a column sign into it; a card held in view moves once', async () => {
    const phone = await context(browser, 'Walker');
    const page = await openScanner(phone.ctx, board, '?mode=walk');
    await expect.poll(() => moves(board, 'Held card'), { timeout: 20_000 }).toHaveLength(1);
    // Someone else puts it back while it is still in front of the camera.
    const back = await api(server.url, 'POST', `/api/boards/${board.id}/commands`, {
      opId: `op_back${Date.now()}`,
      type: 'moveCard',
      cardId: board.card['Held card'].id,
      toColumnId: board.col.Backlog.id
    });
    expect(back.status).toBe(200);
    // The next card proves the camera went on reading past the end of the hold.
    await expect.poll(() => columnOf(board, 'Next card'), { timeout: 20_000 }).toBe('Review');
    const held = await moves(board, 'Held card');
    expect(held.map((e) => e.source)).toEqual(['scan', 'api']);
    expect(await columnOf(board, 'Held card')).toBe('Backlog');
    expect(await page.locator('[data-feed-tone]', { hasText: 'Walking Review' }).count()).toBe(1);
    // The scanner noticed that its move was undone by someone else, and said so.
    await expect.poll(() => feedText(page)).toContainEqual(expect.stringMatching(/Held card.*Moved on to Backlog by someone else/));
    await phone.ctx.close();
  });
});

describe('without the camera', () => {
  let browser: Browser;
  let board: TestBoard;

  beforeAll(async () => {
    board = await makeBoard({ Backlog: ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Write the release notes'], Doing: ['Busy'] }, [
      { name: 'Backlog' },
      { name: 'Doing', wipLimit: 1 },
      { name: 'Review' },
      { name: 'Done' }
    ]);
    const file = await clip('offline', [
      { seconds: 1.5 },
      { seconds: 1, qr: printed('C', board.card.Alpha.code) },
      { seconds: 0.4 },
      { seconds: 1, qr: printed('C', board.card.Bravo.code) },
      { seconds: 0.4 },
      { seconds: 1, qr: printed('C', board.card.Charlie.code) },
      { seconds: 0.4 },
      { seconds: 1.2, qr: printed('L', board.col.Review.code) },
      { seconds: 40 }
    ]);
    // No fake permission prompt: the camera is refused unless the context grants it.
    browser = await launchBrowser([...camera(file, false), '--host-resolver-rules=MAP kanban.test 127.0.0.1']);
  });

  afterAll(async () => browser?.close());

  it('refused camera: says why, and typing codes does what scanning does', async () => {
    const phone = await context(browser, 'Typist');
    const page = await openScanner(phone.ctx, board);
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.locator('[data-problem="denied"]').waitFor();
    await page.locator('[data-status="live"]').waitFor();

    const field = page.getByRole('combobox', { name: 'Type a code' });
    await field.fill('release');
    await page.locator(`[data-suggestion="${board.card['Write the release notes'].code}"]`).click();
    await page.locator(`[data-tray-card="${board.card['Write the release notes'].id}"]`).waitFor();
    await field.fill(board.col.Done.code.toLowerCase());
    await field.press('Enter');
    await expect.poll(() => columnOf(board, 'Write the release notes')).toBe('Done');
    expect((await moves(board, 'Write the release notes')).map((e) => e.source)).toEqual(['scan-manual']);

    // Into a full column: asked at once, and moved past the limit only when confirmed.
    await field.fill(board.card.Delta.code);
    await field.press('Enter');
    await page.locator(`[data-column-button="${board.col.Doing.id}"]`).click();
    const dialog = page.getByRole('dialog', { name: 'Doing is at its WIP limit' });
    await dialog.getByRole('button', { name: 'Go over the limit' }).click();
    await expect.poll(() => columnOf(board, 'Delta')).toBe('Doing');
    expect((await moves(board, 'Delta')).map((e) => e.source)).toEqual(['scan-manual']);
    await phone.ctx.close();
  });

  it('plain http on a LAN name: explains why the camera is off and how to fix it', async () => {
    const phone = await context(browser, 'Visitor');
    const port = new URL(server.url).port;
    const page = await openScanner(phone.ctx, board, '', `http://kanban.test:${port}`);
    const problem = page.locator('[data-camera-status="insecure"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain(`https://kanban.test:${port}/boards/${board.id}/scan`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    await expect.poll(() => page.getByRole('combobox', { name: 'Type a code' }).isVisible()).toBe(true);
    await phone.ctx.close();
  });

  it('offline: queues scan moves on the phone, sends each once when back, and explains a conflict', async () => {
    const phone = await context(browser, 'Offline');
    const page = await openScanner(phone.ctx, board);
    await page.locator('[data-status="live"]').waitFor();
    await page.locator('[data-decoder="ready"]').waitFor();
    await phone.ctx.setOffline(true);
    await page.locator('[data-status="offline"]').waitFor();
    // While the phone is offline, someone moves Charlie on.
    const bob = await api(server.url, 'POST', `/api/boards/${board.id}/commands`, {
      opId: `op_bob${Date.now()}`,
      type: 'moveCard',
      cardId: board.card.Charlie.id,
      toColumnId: board.col.Done.id
    });
    expect(bob.status).toBe(200);

    await phone.ctx.grantPermissions(['camera']);
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.locator('[data-pending="3"]').waitFor({ state: 'attached', timeout: 20_000 });
    await expect.poll(() => page.locator('[data-move-state="pending"]').count()).toBe(1);
    // Written through to IndexedDB (asynchronously), in scan order.
    await expect
      .poll(async () => (await page.evaluate(readQueue)).map((q) => q.cardId))
      .toEqual(['Alpha', 'Bravo', 'Charlie'].map((t) => board.card[t].id));
    const queued = await page.evaluate(readQueue);
    expect((await events(board)).filter((e) => e.source === 'scan')).toEqual([]);

    await phone.ctx.setOffline(false);
    await expect.poll(() => columnOf(board, 'Bravo'), { timeout: 20_000 }).toBe('Review');
    expect(await columnOf(board, 'Alpha')).toBe('Review');
    await expect.poll(() => feedText(page)).toContainEqual(expect.stringMatching(/Charlie.*Not moved to Review: API changed it/));
    expect(await columnOf(board, 'Charlie')).toBe('Done');
    const all = await events(board);
    for (const { opId } of queued) expect(all.filter((e) => e.opId === opId).length).toBeLessThanOrEqual(1);
    expect(all.filter((e) => e.source === 'scan').map((e) => e.type === 'cardMoved' && e.cardId)).toEqual([
      board.card.Alpha.id,
      board.card.Bravo.id
    ]);
    await page.locator('[data-move-state="sent"]').waitFor();
    await expect.poll(() => page.evaluate(readQueue)).toEqual([]);
    await phone.ctx.close();
  });
});

/** The scanner's IndexedDB queue, read in the page: each entry's opId and card. */
async function readQueue(): Promise<{ opId: string; cardId: string }[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open('kanbridge-scanner');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const rows = await new Promise<{ opId: string; seq: number; entry: { command: { cardId: string } } }[]>((resolve, reject) => {
    const r = db.transaction('pending').objectStore('pending').getAll();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  db.close();
  return rows.sort((a, b) => a.seq - b.seq).map((r) => ({ opId: r.opId, cardId: r.entry.command.cardId }));
}
