/**
 * Browser benchmark: the board page in real Chromium against the real built server, on boards
 * of 100, 1,000 and 5,000 cards (five columns, a few archived cards each). For each board:
 * - time to first cards: navigation start to the first card element in the page;
 * - time to live: navigation start to the page's live status (socket joined);
 * - DOM nodes once live;
 * - JS heap used once live, after a garbage collection (CDP);
 * - long tasks (PerformanceObserver 'longtask') from a mouse drag's start until a second after
 *   the drop: the longest, and their total.
 * Each figure stands beside the 100-card board's as its baseline, measured in the same run.
 * Run alone with `npm run bench -- browser`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newOpId, type BoardState, type CardId, type OpId } from '../src/lib/domain';
import { LowdbStorage } from '../server/storage/lowdb';
import { launchBrowser } from '../test/helpers/browser';
import { api } from '../test/helpers/server';
import { seedBoard } from './seed';

export const SIZES = [100, 1_000, 5_000] as const;
const ARCHIVED = 20;

export interface BrowserFigures {
  cards: number;
  firstCardsMs: number;
  liveMs: number;
  domNodes: number;
  heapMb: number;
  dragLongestTaskMs: number;
  dragLongTasksMs: number;
  dragLongTasks: number;
}

/** Records, on the page's clock, when the first card shows and every long task. */
const PROBE = `(() => {
  const w = window;
  w.__bench = { firstCard: null, longTasks: [] };
  const look = () => {
    if (w.__bench.firstCard === null && document.querySelector('[data-card-id]')) {
      w.__bench.firstCard = performance.now();
      mo.disconnect();
    }
  };
  const mo = new MutationObserver(look);
  mo.observe(document, { childList: true, subtree: true });
  document.addEventListener('DOMContentLoaded', look);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
})();`;

export async function benchBrowser(): Promise<Record<string, number>> {
  const figures = await measureAll();
  const base = figures[0];
  const out: Record<string, number> = {};
  for (const f of figures) {
    out[`${f.cards} cards: time to first cards (ms)`] = f.firstCardsMs;
    out[`${f.cards} cards: time to live (ms)`] = f.liveMs;
    out[`${f.cards} cards: DOM nodes`] = f.domNodes;
    out[`${f.cards} cards: JS heap (MB)`] = f.heapMb;
    out[`${f.cards} cards: longest task during a drag (ms)`] = f.dragLongestTaskMs;
    out[`${f.cards} cards: long tasks during a drag, total (ms)`] = f.dragLongTasksMs;
    if (f !== base) {
      out[`${f.cards} cards: time to first cards ×100-card board`] = f.firstCardsMs / base.firstCardsMs;
      out[`${f.cards} cards: time to live ×100-card board`] = f.liveMs / base.liveMs;
      out[`${f.cards} cards: DOM nodes ×100-card board`] = f.domNodes / base.domNodes;
      out[`${f.cards} cards: JS heap ×100-card board`] = f.heapMb / base.heapMb;
    }
  }
  return out;
}

/** The figures per board size, smallest (the baseline) first. */
export async function measureAll(sizes: readonly number[] = SIZES): Promise<BrowserFigures[]> {
  const entry = path.resolve('build', 'kanbridge.js');
  if (!existsSync(entry)) throw new Error('build/kanbridge.js is missing: run `npm run build` first');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kanbridge-bench-browser-'));
  const boards: BoardState[] = [];
  const storage = new LowdbStorage(dataDir);
  await storage.open();
  for (const n of sizes) boards.push(await seedBoard(storage, n));
  await storage.close();
  const server = await startServer(entry, dataDir);
  let browser: Browser | null = null;
  try {
    for (const board of boards) await archiveSome(server.url, board);
    browser = await launchBrowser();
    const out: BrowserFigures[] = [];
    for (const board of boards) {
      // One warm-up load (the server and the browser's caches), then the measured one.
      await measure(browser, server.url, board, false);
      out.push(await measure(browser, server.url, board, true));
    }
    return out;
  } finally {
    await browser?.close();
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function archiveSome(url: string, board: BoardState) {
  const ids = board.columns.flatMap((c) => board.order[c.id].slice(-ARCHIVED / board.columns.length)) as CardId[];
  for (const cardId of ids) {
    const r = await api(url, 'POST', `/api/boards/${board.id}/commands`, { opId: newOpId() as OpId, type: 'archiveCard', cardId });
    if (r.status !== 200) throw new Error(`archiving failed: ${JSON.stringify(r.body)}`);
  }
}

async function measure(browser: Browser, url: string, board: BoardState, full: boolean): Promise<BrowserFigures> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  try {
    await context.addInitScript({ content: PROBE });
    const page = await context.newPage();
    await page.goto(`${url}/boards/${board.id}`, { timeout: 120_000 });
    await page.locator('[data-status="live"]').waitFor({ timeout: 120_000 });
    const liveMs = await page.evaluate(() => performance.now());
    const firstCardsMs = await page.evaluate(() => (window as unknown as { __bench: { firstCard: number } }).__bench.firstCard);
    const cards = Object.keys(board.cards).length;
    if (!full) return { cards, firstCardsMs, liveMs, domNodes: 0, heapMb: 0, dragLongestTaskMs: 0, dragLongTasksMs: 0, dragLongTasks: 0 };
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const heapMb = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
    const drag = await dragOne(page, board);
    return { cards, firstCardsMs, liveMs, domNodes, heapMb, ...drag };
  } finally {
    await context.close();
  }
}

/** Drags the first card of the first column onto the second column and waits for the server's answer. */
async function dragOne(page: Page, board: BoardState) {
  const [from, to] = board.columns;
  const cardId = board.order[from.id][0];
  const card = page.locator(`[data-card-id="${cardId}"]`);
  const a = await card.boundingBox();
  const target = await page.locator(`section[data-column-id="${to.id}"] .zone`).boundingBox();
  if (!a || !target) throw new Error('card or column not on screen');
  await page.waitForTimeout(500);
  const started = await page.evaluate(() => performance.now());
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 5, a.y + a.height / 2 + 5, { steps: 3 });
  const x = target.x + target.width / 2;
  const y = target.y + 60;
  await page.mouse.move(x, y, { steps: 15 });
  await page.waitForTimeout(150);
  await page.mouse.move(x, y + 1);
  await page.waitForTimeout(200);
  await page.mouse.up();
  await page.locator(`section[data-column-id="${to.id}"] [data-card-id="${cardId}"]`).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1_000);
  const tasks = await page.evaluate(
    (since) =>
      (window as unknown as { __bench: { longTasks: { start: number; duration: number }[] } }).__bench.longTasks.filter(
        (t) => t.start >= since
      ),
    started
  );
  return {
    dragLongestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
    dragLongTasksMs: tasks.reduce((s, t) => s + t.duration, 0),
    dragLongTasks: tasks.length
  };
}

async function startServer(entry: string, dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, KANBRIDGE_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    }
  };
}
