/**
 * The flow definitions and forecasts on the insight page, in real Chromium against the built
 * server: the ⓘ beside each figure opens its definition, both forecasts draw what the forecast
 * API answers, the cycle-time scatter carries four percentile lines, and a young board says it
 * has not enough history instead of calling cards aging. Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BoardMetrics } from '../../src/lib/insight/board-metrics';
import { DEFINITIONS } from '../../src/lib/insight/definitions';
import { fullDay } from '../../src/lib/components/insight/format';
import type { HowManyForecast, WhenForecast } from '../../src/lib/insight/forecast';
import type { PortfolioRow } from '../../src/lib/insight/portfolio';
import { addDays, dayOf } from '../../src/lib/insight/time';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';
import { exportOf, seedHistory } from '../insight/seed';

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function importSeed(name: string, seed: number, weeks: number, project = false): Promise<string> {
  const file = exportOf(seedHistory({ now: Date.now(), seed, name, weeks, project }));
  const res = await fetch(`${server.url}/api/import?format=kanbridge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(file)
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(server.url + path);
  expect(errors).toEqual([]);
  return p;
}

async function drawn(p: Page, metric: string) {
  const chart = p.locator(`[data-metric="${metric}"] [data-chart]`).first();
  await chart.waitFor();
  return JSON.parse((await chart.getAttribute('data-chart'))!) as { labels: string[]; datasets: { data: number[] }[] };
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ demo: false }), launchBrowser()]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.stop();
});

describe('flow definitions and forecasts on the insight page', () => {
  it('shows a definition beside each figure, and both forecasts as the API answers them', async () => {
    const id = await importSeed('Seeded team', 3, 12);
    const by = addDays(dayOf(Date.now()), 21);
    const p = await open(`/boards/${id}/insight?items=20&by=${by}`);

    await p.locator('[data-metric="cycle-time"] button[aria-label="How cycle time is defined"]').click();
    await expect.poll(() => p.locator('[data-definition="cycle time"]').textContent()).toBe(DEFINITIONS.cycleTime);
    for (const term of [
      'throughput',
      'WIP',
      'aging',
      'service level expectation',
      'completion',
      'due dates',
      'the when forecast',
      'the how-many forecast'
    ]) {
      expect(await p.locator(`button[aria-label="How ${term} is defined"]`).count(), term).toBeGreaterThan(0);
    }

    const when = (await api<WhenForecast>(server.url, 'GET', `/api/boards/${id}/forecast?items=20`)).body;
    const chips = await p.locator('[data-figure="forecast-when"] .chip').allTextContents();
    expect(chips).toHaveLength(4);
    expect(chips[0]).toMatch(/^50%: /);
    expect(chips.map((c) => c.replace(/^\d+%: /, ''))).toEqual(when.when.map((w) => fullDay(w.date!)));
    const whenDrawn = await drawn(p, 'forecast-when');
    expect(whenDrawn.datasets[0].data.reduce((a, b) => a + b, 0)).toBe(when.runs);

    const howMany = (await api<HowManyForecast>(server.url, 'GET', `/api/boards/${id}/forecast?by=${by}`)).body;
    expect(await p.locator('[data-figure="forecast-how-many"] .chip').allTextContents()).toEqual(
      howMany.howMany.map((h) => `${h.p}%: ${h.items} or more`)
    );
    const howDrawn = await drawn(p, 'forecast-how-many');
    expect(howDrawn.datasets[0].data.reduce((a, b) => a + b, 0)).toBe(howMany.runs);

    const metrics = (await api<BoardMetrics>(server.url, 'GET', `/api/boards/${id}/metrics`)).body;
    expect(metrics.aging.enoughHistory).toBe(true);
    const daily = await drawn(p, 'throughput-daily');
    expect(daily.datasets[0].data).toEqual(metrics.throughputDaily.map((d) => d.count));
    expect(await p.locator('[data-metric="cycle-time"] .chip').allTextContents()).toHaveLength(4);
    expect(await p.locator('[data-figure="sle"]').textContent()).toMatch(/^85% ≤ /);
    await p.screenshot({ path: 'test-results/flow-insight.png', fullPage: true });
  });

  it('says a young board has not enough history, and starts its charts on its first day', async () => {
    const id = await importSeed('Young team', 5, 1);
    const metrics = (await api<BoardMetrics>(server.url, 'GET', `/api/boards/${id}/metrics`)).body;
    expect(metrics.cfd.days.length).toBeLessThanOrEqual(8);
    const p = await open(`/boards/${id}/insight`);
    const cfd = await drawn(p, 'cfd');
    expect(cfd.labels).toHaveLength(metrics.cfd.days.length);
    // A week of seeded work: nothing has flowed through to done yet.
    expect(metrics.aging).toMatchObject({ enoughHistory: false, finished: 0 });
    expect(await p.locator('[data-figure="aging"]').textContent()).toBe('–');
    expect(await p.locator('[data-figure="aging-history"]').textContent()).toMatch(
      /^Not enough history: aging is shown once 5 cards have finished \(0 so far\)/
    );
    await p.screenshot({ path: 'test-results/flow-young.png', fullPage: true });
  });

  it("shows each board's schedule status on the portfolio, or why it has none", async () => {
    const planned = await importSeed('Planned team', 3, 12, true);
    const young = await importSeed('Young planned team', 5, 1, true);
    const rows = (await api<{ boards: PortfolioRow[] }>(server.url, 'GET', '/api/portfolio')).body.boards;
    const schedule = rows.find((r) => r.boardId === planned)!.schedule!;
    expect(schedule.status).not.toBeNull();
    const p = await open('/portfolio');
    expect(await p.locator(`tr[data-board-id="${planned}"] [data-schedule]`).getAttribute('data-schedule')).toBe(schedule.status);
    const none = p.locator(`tr[data-board-id="${young}"] [data-figure="schedule"] span`);
    expect(await none.textContent()).toBe('not enough history');
    expect(await none.getAttribute('title')).toBe('not enough history (0 of 5 finished cards in the last 84 days)');
    await p.screenshot({ path: 'test-results/flow-portfolio.png', fullPage: true });
  });

  it('draws readable charts for a board made today', async () => {
    const created = await api<{ id: string; columns: { id: string }[] }>(server.url, 'POST', '/api/boards', {
      name: 'Made today',
      columns: [{ name: 'To do' }, { name: 'Doing', wipLimit: 2 }, { name: 'Done' }]
    });
    const id = created.body.id;
    for (const title of ['One', 'Two', 'Three']) await api(server.url, 'POST', `/api/boards/${id}/cards`, { title });
    const p = await open(`/boards/${id}/insight`);
    const cfd = await drawn(p, 'cfd');
    expect(cfd.labels).toHaveLength(1);
    await p.screenshot({ path: 'test-results/flow-today.png', fullPage: true });
  });

  it('shows why a forecast cannot be made instead of a chart', async () => {
    const id = await importSeed('Young team', 5, 1);
    const p = await open(`/boards/${id}/insight?history=1&items=5`);
    const res = await api<{ error: { message: string } }>(server.url, 'GET', `/api/boards/${id}/forecast?items=5&history=1`);
    expect(res.status).toBe(422);
    await expect.poll(() => p.locator('[data-metric="forecast-when"] .empty').textContent()).toBe(res.body.error.message);
    const bad = await open(`/boards/${id}/insight?items=lots`);
    await expect
      .poll(() => bad.locator('[data-metric="forecast-when"] .empty').textContent())
      .toBe('items must be a whole number of cards from 1 to 100000');
  });
});
