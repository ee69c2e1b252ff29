/**
 * Monte Carlo forecasts against closed-form cases (a board that finishes exactly 3 cards every
 * day, weekends included, can only ever forecast 3 a day), their seeding, their refusals, and
 * `GET /api/boards/:boardId/forecast` end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardEvent } from '../../src/lib/domain';
import {
  forecast,
  parseForecastQuery,
  throughputHistory,
  type ForecastQuestion,
  type HowManyForecast,
  type WhenForecast
} from '../../src/lib/insight/forecast';
import { addDays, DAY_MS, dayOf, dayStart } from '../../src/lib/insight/time';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../server/import/kanbridge-file';
import { startTestApp, type TestApp } from '../helpers/app';
import { api } from '../helpers/server';
import { History } from './history';

/**
 * A board created `days - 1` days before `now`'s day that finishes `perDay` cards on each of
 * its days, today included (each before `now`).
 */
function steady(now: number, days: number, perDay: (day: number) => number): History {
  const today = dayOf(now);
  const first = addDays(today, -(days - 1));
  // Today's events must not be later than now: spread them over the part of today gone by.
  const span = Math.min(12 * 3_600_000, (now - dayStart(today)) / 2);
  const h = new History(['To do', 'Doing', 'Done'], new Date(dayStart(first)).toISOString());
  let n = 0;
  for (let d = 0; d < days; d++) {
    const base = dayStart(addDays(first, d));
    for (let i = 0; i < perDay(d); i++) {
      const title = `Card ${++n}`;
      h.at(new Date(base + span * 0.25).toISOString()).create(title, 'Doing');
      h.at(new Date(base + span).toISOString()).move(title, 'Done');
    }
  }
  return h;
}

const NOW = Date.parse('2026-03-29T18:00:00Z'); // a Sunday
const TODAY = '2026-03-29';

function ask(events: BoardEvent[], query: string, now = NOW) {
  const q = parseForecastQuery(new URLSearchParams(query), dayOf(now));
  if (!q.ok) throw new Error(q.message);
  return forecast(events, q.value as ForecastQuestion, now);
}

describe('Monte Carlo forecasts, closed form', () => {
  const h = steady(NOW, 28, () => 3);

  it("reads the window from the board's first day to today: 28 days of 3 cards", () => {
    const t = throughputHistory(h.events, 84, NOW);
    expect(t).toMatchObject({ from: '2026-03-02', to: TODAY, finished: 84 });
    expect(t.daily).toEqual(Array(28).fill(3));
  });

  it('forecasts exactly 84 cards in the next 28 days at every percentile', () => {
    const r = ask(h.events, `by=${addDays(TODAY, 28)}`);
    expect(r.ok).toBe(true);
    const f = (r as { forecast: HowManyForecast }).forecast;
    expect(f.runs).toBe(10_000);
    expect(f.history).toMatchObject({ from: '2026-03-02', to: TODAY });
    expect(f.howMany).toEqual([
      { p: 50, items: 84 },
      { p: 70, items: 84 },
      { p: 85, items: 84 },
      { p: 95, items: 84 }
    ]);
    expect(f.histogram).toEqual([{ items: 84, runs: 10_000 }]);
  });

  it('forecasts 84 more cards 28 days from today at every percentile', () => {
    const r = ask(h.events, 'items=84&history=84');
    const f = (r as { forecast: WhenForecast }).forecast;
    const date = addDays(TODAY, 28);
    expect(f.when).toEqual([
      { p: 50, date },
      { p: 70, date },
      { p: 85, date },
      { p: 95, date }
    ]);
    expect(f.histogram).toEqual([{ date, days: 28, runs: 10_000 }]);
  });

  it('gives the same answer for the same inputs, and percentiles in order for a varied history', () => {
    const varied = steady(NOW, 40, (d) => [0, 1, 5, 2, 0, 0, 7][d % 7]);
    const a = ask(varied.events, 'items=30&history=40');
    const b = ask(varied.events, 'items=30&history=40');
    expect(a).toEqual(b);
    const dates = (a as { forecast: WhenForecast }).forecast.when.map((w) => w.date!);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBeGreaterThan(1);
    const many = (ask(varied.events, `by=${addDays(TODAY, 14)}&history=40`) as { forecast: HowManyForecast }).forecast.howMany.map(
      (x) => x.items
    );
    expect([...many].sort((x, y) => y - x)).toEqual(many);
    // 14 days at 15 cards a week on average: the median is near 30.
    expect(many[0]).toBeGreaterThan(20);
    expect(many[0]).toBeLessThan(40);
  });

  it('refuses a window without finishes, saying how many are needed', () => {
    const old = steady(NOW - 100 * DAY_MS, 10, () => 3);
    const r = ask(old.events, 'items=10');
    expect(r).toMatchObject({ ok: false, needed: 5, found: 0, history: { from: addDays(TODAY, -83), to: TODAY } });
    expect(!r.ok && r.message).toMatch(/at least 5 cards finished/);
    expect(ask(steady(NOW, 4, () => 1).events, 'items=10')).toMatchObject({ ok: false, found: 4 });
  });
});

describe('forecast parameters', () => {
  const refuse = (query: string) => {
    const r = parseForecastQuery(new URLSearchParams(query), TODAY);
    return r.ok ? 'accepted' : r.message;
  };

  it('defaults history to 84 days', () => {
    expect(parseForecastQuery(new URLSearchParams('items=5'), TODAY)).toEqual({ ok: true, value: { kind: 'when', items: 5, history: 84 } });
    expect(parseForecastQuery(new URLSearchParams('by=2026-04-01&history=28'), TODAY)).toEqual({
      ok: true,
      value: { kind: 'howMany', by: '2026-04-01', history: 28 }
    });
  });

  it('refuses bad parameters with a clear message', () => {
    expect(refuse('')).toMatch(/ask for items=N .* or by=YYYY-MM-DD/);
    expect(refuse('items=5&by=2026-04-01')).toBe('ask for items or by, not both');
    for (const q of ['items=0', 'items=-3', 'items=2.5', 'items=lots', 'items='])
      expect(refuse(q)).toMatch(/^items must be a whole number/);
    expect(refuse('by=2026-02-30')).toBe('by must be a date (YYYY-MM-DD)');
    expect(refuse(`by=${TODAY}`)).toBe(`by must be after today (${TODAY})`);
    expect(refuse('by=2046-01-01')).toMatch(/at most 3653 days ahead/);
    for (const q of ['items=5&history=0', 'items=5&history=x', 'items=5&history=5000'])
      expect(refuse(q)).toMatch(/^history must be a whole number of days/);
  });
});

describe('GET /api/boards/:boardId/forecast', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  async function importBoard(h: History): Promise<string> {
    const file = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date().toISOString(),
      board: { id: 'b_old', name: 'Forecast', code: 'AAAAAA', revision: h.events.length },
      events: h.events
    };
    const res = await fetch(`${t.url}/api/import?format=kanbridge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(file)
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  it('answers when and how many for a steady board, with history ending today', async () => {
    const now = Date.now();
    const today = dayOf(now);
    const id = await importBoard(steady(now, 28, () => 3));
    const when = await api(t.url, 'GET', `/api/boards/${id}/forecast?items=84&history=84`);
    expect(when.status).toBe(200);
    expect(when.body).toEqual({
      runs: 10_000,
      history: { from: addDays(today, -27), to: today },
      when: [50, 70, 85, 95].map((p) => ({ p, date: addDays(today, 28) }))
    });
    const howMany = await api(t.url, 'GET', `/api/boards/${id}/forecast?by=${addDays(today, 28)}`);
    expect(howMany.status).toBe(200);
    expect(howMany.body).toEqual({
      runs: 10_000,
      history: { from: addDays(today, -27), to: today },
      howMany: [50, 70, 85, 95].map((p) => ({ p, items: 84 }))
    });
    // history=28 ends today too and starts 27 days back.
    expect((await api<{ history: unknown }>(t.url, 'GET', `/api/boards/${id}/forecast?items=84&history=28`)).body.history).toEqual({
      from: addDays(today, -27),
      to: today
    });
  });

  it('gives the portfolio a schedule status from the forecast of the remaining cards', async () => {
    const now = Date.now();
    const today = dayOf(now);
    const h = steady(now, 28, () => 3);
    h.project({
      budget: 1000,
      currency: 'EUR',
      plannedStart: addDays(today, -27),
      plannedEnd: addDays(today, 10),
      actualCost: 100,
      thresholds: { green: 0.95, amber: 0.85 }
    });
    for (let i = 0; i < 30; i++) h.create(`Open ${i}`, 'To do');
    const id = await importBoard(h);
    const res = await api<{ boards: { boardId: string; schedule: unknown }[] }>(t.url, 'GET', '/api/portfolio');
    expect(res.body.boards.find((b) => b.boardId === id)!.schedule).toEqual({
      remaining: 30,
      plannedEnd: addDays(today, 10),
      p50: addDays(today, 10),
      p85: addDays(today, 10),
      status: 'green',
      reason: null
    });
  });

  it('answers 400 for bad parameters and 422 for too little history', async () => {
    const now = Date.now();
    const id = await importBoard(steady(now - 100 * DAY_MS, 10, () => 3));
    const bad = await api<{ error: { code: string; message: string } }>(t.url, 'GET', `/api/boards/${id}/forecast?items=none`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: 'INVALID', message: 'items must be a whole number of cards from 1 to 100000' });
    const none = await api<{ error: { code: string; message: string; details: { needed: number; found: number } } }>(
      t.url,
      'GET',
      `/api/boards/${id}/forecast?items=10`
    );
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('NOT_ENOUGH_HISTORY');
    expect(none.body.error.message).toMatch(/needs at least 5 cards finished in its history window/);
    expect(none.body.error.details).toMatchObject({ needed: 5, found: 0 });
    // A longer window reaches the finished work.
    expect((await api(t.url, 'GET', `/api/boards/${id}/forecast?items=10&history=120`)).status).toBe(200);
    expect((await api(t.url, 'GET', '/api/boards/b_nothing/forecast?items=10')).status).toBe(404);
  });
});
