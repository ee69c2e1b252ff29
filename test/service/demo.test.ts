/**
 * The demo board: twelve weeks of plausible history, made through the import's history path,
 * dated in the past, so Insight and Portfolio show real charts on the first visit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyBoard, evolve, newCardId, newColumnId, randomCode, type BoardEvent, type BoardId } from '../../src/lib/domain';
import type { BoardJson } from '../../src/lib/protocol';
import { DEMO_HISTORY_DAYS, demoHistory, planDemo } from '../../server/demo';
import { startTestApp, type TestApp } from '../helpers/app';
import { api } from '../helpers/server';

const DAY = 864e5;

describe('the demo board', () => {
  let t: TestApp;
  let board: BoardJson;
  let events: BoardEvent[];
  const startedAt = Date.now();
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    const list = await api<{ boards: { id: string; name: string }[] }>(t.url, 'GET', '/api/boards');
    expect(list.body.boards.map((b) => b.name)).toEqual(['Product team']);
    board = (await api<BoardJson>(t.url, 'GET', `/api/boards/${list.body.boards[0].id}`)).body;
    events = (await api<{ events: BoardEvent[] }>(t.url, 'GET', `/api/boards/${board.id}/events?since=0`)).body.events;
  });
  afterAll(async () => t.close());

  it('has about twelve weeks of history, every event dated in the past and in order', () => {
    const first = Date.parse(events[0].at);
    expect(startedAt - first).toBeGreaterThanOrEqual((DEMO_HISTORY_DAYS - 1) * DAY);
    expect(startedAt - first).toBeLessThan((DEMO_HISTORY_DAYS + 7) * DAY);
    expect(events.every((e) => Date.parse(e.at) <= Date.now())).toBe(true);
    expect(events.every((e, i) => i === 0 || e.at >= events[i - 1].at)).toBe(true);
    expect(events.length).toBe(board.revision);
  });

  it('cards flow through every column at a varying pace, on many days, by several people', () => {
    const done = board.columns[4].id;
    const finishes = events.filter((e) => e.type === 'cardMoved' && e.toColumnId === done);
    expect(finishes.length).toBeGreaterThanOrEqual(25);
    const days = new Set(events.filter((e) => e.type === 'cardMoved').map((e) => e.at.slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(30);
    // Finishes per week differ from week to week.
    const perWeek = new Map<number, number>();
    for (const e of finishes) {
      const week = Math.floor((startedAt - Date.parse(e.at)) / (7 * DAY));
      perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
    }
    expect(new Set(perWeek.values()).size).toBeGreaterThan(1);
    expect(new Set(events.filter((e) => e.type === 'cardMoved').map((e) => e.actor.name)).size).toBeGreaterThanOrEqual(4);
    // Each column holds cards today; Doing stays within its limit.
    for (const c of board.columns)
      expect(
        board.cards.some((card) => card.columnId === c.id),
        c.name
      ).toBe(true);
    expect(board.cards.filter((c) => c.columnId === board.columns[2].id).length).toBeLessThanOrEqual(3);
  });

  it('a few cards in progress are aging: started weeks ago and not finished', () => {
    const doing = board.columns[2].id;
    const started = new Map<string, number>();
    for (const e of events) if (e.type === 'cardMoved' && e.toColumnId === doing) started.set(e.cardId, Date.parse(e.at));
    const inProgress = board.cards.filter((c) => c.columnId === doing);
    const ages = inProgress.map((c) => (startedAt - started.get(c.id)!) / DAY);
    expect(ages.some((a) => a >= 14)).toBe(true);
    expect(ages.some((a) => a < 7)).toBe(true);
  });

  it('never holds more cards in Doing than its limit, for any start time', () => {
    for (const now of [
      '2026-12-04T01:20:00Z',
      '2026-12-05T23:59:00Z',
      '2026-12-07T03:00:00Z',
      '2027-02-28T12:00:00Z',
      '2027-07-15T18:00:00Z'
    ]) {
      const history = demoHistory(planDemo(new Date(now)), { id: 'system', name: 'Kanbridge' }, Date.parse(now) - 100 * DAY, {
        newCardId,
        newColumnId,
        newCode: () => randomCode(8)
      });
      const state = emptyBoard('b_demo' as BoardId);
      let most = 0;
      history.forEach((h, i) => {
        evolve(state, {
          ...h.body,
          boardId: state.id,
          revision: i + 1,
          at: h.at,
          source: 'system',
          actor: h.actor,
          opId: h.opId
        } as BoardEvent);
        if (state.columns.length) most = Math.max(most, state.order[state.columns[2].id].length);
        expect(Date.parse(h.at)).toBeLessThanOrEqual(Date.parse(now));
      });
      expect(most, now).toBeLessThanOrEqual(3);
    }
  });

  it('is the same story for the same first start', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const strip = (p: ReturnType<typeof planDemo>) => JSON.stringify(p);
    expect(strip(planDemo(now))).toBe(strip(planDemo(new Date(now))));
  });

  it('gives the metrics real cycle times on the first visit', async () => {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 83 * DAY).toISOString().slice(0, 10);
    const m = await api<{ cycleTime: { percentiles: { count: number; p85: number } } }>(
      t.url,
      'GET',
      `/api/boards/${board.id}/metrics?from=${from}&to=${to}`
    );
    expect(m.status).toBe(200);
    expect(m.body.cycleTime.percentiles.count).toBeGreaterThanOrEqual(20);
    expect(m.body.cycleTime.percentiles.p85).toBeGreaterThan(0);
  });

  it('is skipped when the demo is off', async () => {
    const off = await startTestApp({ demo: false });
    try {
      expect((await api<{ boards: unknown[] }>(off.url, 'GET', '/api/boards')).body.boards).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
