/**
 * Insight pages in real Chromium against the real (built) server: a board with twelve weeks of
 * history is imported, then the insight, portfolio and activity pages must draw exactly the
 * figures the metrics API computes from the event log. Charts are checked through the data
 * they were given (`data-chart`) and their table views, not through pixels.
 * Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BoardMetrics } from '../../src/lib/insight/board-metrics';
import type { PortfolioRow } from '../../src/lib/insight/portfolio';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';
import { exportOf, seedHistory } from '../insight/seed';

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

interface Drawn {
  labels: string[];
  datasets: { label: string; data: (number | { x: number; y: number })[] }[];
}

async function importSeed(name: string, seed: number, project: boolean): Promise<BoardJson> {
  const file = exportOf(seedHistory({ now: Date.now(), seed, name, project }));
  const res = await fetch(`${server.url}/api/import?format=kanbridge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(file)
  });
  expect(res.status).toBe(201);
  return (await res.json()) as BoardJson;
}

async function page(path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(server.url + path);
  expect(errors).toEqual([]);
  return p;
}

/** What a chart card drew, once Chart.js has drawn it. */
async function drawn(p: Page, metric: string): Promise<Drawn> {
  const chart = p.locator(`[data-metric="${metric}"] [data-chart]`).first();
  await chart.waitFor();
  return JSON.parse((await chart.getAttribute('data-chart'))!) as Drawn;
}

const ys = (d: Drawn['datasets'][number]) => d.data.map((v) => (typeof v === 'number' ? v : v.y));

let board: BoardJson;
let metrics: BoardMetrics;
/**
 * Twelve weeks ending yesterday: a report wholly in the past is the same for the API call and
 * the page load a moment later (ages and planned value run with the clock until the period ends).
 */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const PERIOD = `from=${day(-84)}&to=${day(-1)}`;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ demo: false }), launchBrowser()]);
  board = await importSeed('Seeded team', 3, true);
  metrics = (await api<BoardMetrics>(server.url, 'GET', `/api/boards/${board.id}/metrics?${PERIOD}`)).body;
  expect(metrics.cycleTime.items.length).toBeGreaterThan(20);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.stop();
});

describe('insight page', () => {
  it('draws every chart with the figures the metrics API computes from the log', async () => {
    const p = await page(`/boards/${board.id}/insight?${PERIOD}`);
    expect(await p.locator('[data-figure="throughput"]').textContent()).toBe(String(metrics.summary.throughput));

    const cfd = await drawn(p, 'cfd');
    expect(cfd.labels).toHaveLength(metrics.cfd.days.length);
    // Drawn bottom-up: Done first, Backlog last.
    expect(cfd.datasets.map((d) => d.label)).toEqual(metrics.cfd.series.map((s) => s.name).reverse());
    expect(cfd.datasets.map(ys)).toEqual(metrics.cfd.series.map((s) => s.counts).reverse());

    const cycle = await drawn(p, 'cycle-time');
    expect(ys(cycle.datasets[0])).toEqual(metrics.cycleTime.items.map((i) => i.days));

    const throughput = await drawn(p, 'throughput');
    expect(ys(throughput.datasets[0])).toEqual(metrics.throughput.map((w) => w.count));
    expect(ys(throughput.datasets[0]).reduce((a, b) => a + b, 0)).toBe(metrics.summary.throughput);

    const aging = await drawn(p, 'aging');
    expect(ys(aging.datasets[0])).toEqual(metrics.aging.items.map((i) => i.days));

    const wip = await drawn(p, 'wip');
    expect(wip.datasets.map((d) => d.label)).toEqual(['Doing', 'Doing limit', 'Review', 'Review limit']);
    expect(ys(wip.datasets[0])).toEqual(metrics.wip.series[0].counts);

    const lead = await drawn(p, 'lead-time');
    expect(ys(lead.datasets[0]).reduce((a, b) => a + b, 0)).toBe(metrics.leadTime.items.length);

    await expect
      .poll(() => p.locator('[data-metric="earned-value"] [data-figure="spi"]').textContent())
      .toBe(metrics.earnedValue!.spi!.toFixed(2));
  });

  it('shows each chart as a table and offers it as CSV', async () => {
    const p = await page(`/boards/${board.id}/insight?${PERIOD}`);
    const card = p.locator('[data-metric="throughput"]');
    await card.getByRole('button', { name: 'Table' }).click();
    const rows = card.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(metrics.throughput.length);
    const counts = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[3].textContent)));
    expect(counts).toEqual(metrics.throughput.map((w) => w.count));
    const href = (await card.getByRole('link', { name: /CSV/ }).getAttribute('href'))!;
    const csv = decodeURIComponent(href.slice(href.indexOf(',') + 1))
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(csv[0]).toBe('Week of,From,To,Cards done,Whole week');
    expect(csv.slice(1, -1).map((l) => Number(l.split(',')[3]))).toEqual(metrics.throughput.map((w) => w.count));
  });

  it('tells a card’s story from the oldest-cards list', async () => {
    const p = await page(`/boards/${board.id}/insight?${PERIOD}`);
    const oldest = [...metrics.aging.items].sort((a, b) => b.days - a.days)[0];
    await p.locator('.oldest button', { hasText: oldest.title }).click();
    const history = p.locator(`[data-card-history="${oldest.cardId}"] li`);
    await expect.poll(() => history.count()).toBeGreaterThan(1);
    expect(await history.first().textContent()).toContain(`Created “${oldest.title}” in Backlog`);
  });

  it('fits a phone: no sideways scrolling, and the charts are drawn', async () => {
    const p = await page(`/boards/${board.id}/insight?${PERIOD}`, { width: 390, height: 844 });
    await drawn(p, 'cfd');
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const width = await p.locator('[data-metric="cycle-time"] canvas').evaluate((c) => c.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(280);
  });

  it('saves column stages, and the metrics follow', async () => {
    const copy = await importSeed('Stage test', 4, false);
    const before = (await api<BoardMetrics>(server.url, 'GET', `/api/boards/${copy.id}/metrics`)).body;
    const p = await page(`/boards/${copy.id}/insight`);
    const review = copy.columns.find((c) => c.name === 'Review')!;
    await p.locator(`select[name="stage:${review.id}"]`).selectOption('done');
    await p.getByRole('button', { name: 'Save stages' }).click();
    await expect.poll(() => p.locator('form[action="?/stages"] [role="status"]').textContent()).toBe('Saved');
    const after = (await api<BoardMetrics>(server.url, 'GET', `/api/boards/${copy.id}/metrics`)).body;
    // Reaching Review now counts as done: cycle times can only get shorter, and the page redraws with them.
    expect(after.cycleTime.percentiles.p50!).toBeLessThan(before.cycleTime.percentiles.p50!);
    await expect.poll(async () => ys((await drawn(p, 'cycle-time')).datasets[0])).toEqual(after.cycleTime.items.map((i) => i.days));
  });
});

describe('portfolio page', () => {
  it('lists each board with its figures, sorts and filters', async () => {
    const other = await importSeed('Another team', 9, false);
    const rows = (await api<{ boards: PortfolioRow[] }>(server.url, 'GET', `/api/portfolio?${PERIOD}`)).body.boards;
    const p = await page(`/portfolio?${PERIOD}`);
    const row = (id: string) => p.locator(`tr[data-board-id="${id}"]`);
    const mine = rows.find((r) => r.boardId === board.id)!;
    expect(await row(board.id).locator('[data-figure="throughput"]').textContent()).toBe(String(mine.throughput));
    expect(await row(board.id).locator('[data-status]').getAttribute('data-status')).toBe(mine.earnedValue!.status);
    expect(await row(other.id).locator('[data-status]').count()).toBe(0);

    await p.getByRole('button', { name: /^Done/ }).click();
    const order = () =>
      p.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector('[data-figure="throughput"]')!.textContent)));
    const sorted = [...rows.map((r) => r.throughput)].sort((a, b) => b - a);
    await expect.poll(order).toEqual(sorted);
    expect(p.url()).toContain('sort=throughput');

    await p.getByPlaceholder('Find a board').fill('another');
    await expect.poll(() => p.locator('tbody tr').count()).toBe(1);
    expect(await p.locator('tbody tr th').textContent()).toBe('Another team');
  });
});

describe('activity page', () => {
  it('lists every event with time, actor and source, and filters by source, person and card', async () => {
    const created = await api<BoardJson>(server.url, 'POST', '/api/boards', { name: 'Activity test' });
    const b = created.body;
    const card = (
      await api<{ card: { id: string; code: string } }>(server.url, 'POST', `/api/boards/${b.id}/cards`, { title: 'Wire the scanner' })
    ).body.card;
    await api(server.url, 'POST', `/api/boards/${b.id}/cards`, { title: 'Other work' });
    const move = (to: number, source: string) =>
      api(server.url, 'POST', `/api/boards/${b.id}/commands`, {
        opId: `op-e2e-${to}-${source}`,
        type: 'moveCard',
        cardId: card.id,
        toColumnId: b.columns[to].id,
        source
      });
    expect((await move(2, 'scan')).status).toBe(200);
    expect((await move(3, 'keyboard')).status).toBe(200);

    const p = await page(`/boards/${b.id}/activity`);
    const sources = () => p.locator('li[data-revision]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-source')));
    expect(await sources()).toEqual(['keyboard', 'scan', 'api', 'api', 'api']);
    expect(await p.locator('li[data-revision]').first().textContent()).toContain('Moved “Wire the scanner” from Doing to Review');

    await p.locator('select[name="source"]').selectOption('scan');
    await expect.poll(sources).toEqual(['scan']);
    await p.getByRole('link', { name: 'Clear' }).click();
    await p.locator('input[name="card"]').fill(card.code.toLowerCase());
    await p.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => p.locator('h1').textContent()).toBe('History of “Wire the scanner”');
    expect(await sources()).toEqual(['keyboard', 'scan', 'api']);
  });
});
