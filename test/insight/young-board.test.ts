/** A young board's default period starts on its first day, through the metrics API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardMetrics } from '../../src/lib/insight/board-metrics';
import { addDays, DAY_MS, dayOf } from '../../src/lib/insight/time';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../server/import/kanbridge-file';
import { startTestApp, type TestApp } from '../helpers/app';
import { api } from '../helpers/server';
import { History } from './history';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

async function boardMadeAgo(days: number): Promise<string> {
  const h = new History(['To do', 'Doing', 'Done'], new Date(Date.now() - days * DAY_MS).toISOString());
  h.create('First', 'To do');
  const file = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    board: { id: 'b_old', name: 'Young', code: 'AAAAAA', revision: h.events.length },
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

describe('young boards', () => {
  it("defaults the period to the board's first day when it is younger than twelve weeks", async () => {
    const today = dayOf(Date.now());
    const id = await boardMadeAgo(3);
    const m = await api<BoardMetrics>(t.url, 'GET', `/api/boards/${id}/metrics`);
    expect(m.body.period).toEqual({ from: dayOf(Date.now() - 3 * DAY_MS), to: today });
    expect(m.body.cfd.days).toHaveLength(4);
  });

  it('keeps twelve weeks for an older board', async () => {
    const today = dayOf(Date.now());
    const id = await boardMadeAgo(200);
    const m = await api<BoardMetrics>(t.url, 'GET', `/api/boards/${id}/metrics`);
    expect(m.body.period).toEqual({ from: addDays(today, -83), to: today });
  });
});
