import { describe, expect, it } from 'vitest';
import type { ProjectFigures } from '../../src/lib/domain';
import { boardMetrics } from '../../src/lib/insight/board-metrics';
import { plannedShare, ragStatus } from '../../src/lib/insight/earned-value';
import { History } from './history';

const figures: ProjectFigures = {
  budget: 1000,
  currency: 'EUR',
  plannedStart: '2026-03-02',
  plannedEnd: '2026-03-11',
  actualCost: 600,
  thresholds: { green: 0.95, amber: 0.85 }
};

/** X (5 points) done, Y (3) in progress, Z (2) not started, W (4) archived unfinished. */
function project(p: ProjectFigures = figures): History {
  const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T08:00:00Z');
  h.at('2026-03-02T09:00:00Z').project(p);
  h.create('X', 'To do', { estimate: 5 }).create('Y', 'To do', { estimate: 3 }).create('Z', 'To do', { estimate: 2 });
  h.create('W', 'Doing', { estimate: 4 });
  h.at('2026-03-03T09:00:00Z').move('X', 'Doing').move('Y', 'Doing').archive('W');
  h.at('2026-03-04T09:00:00Z').move('X', 'Done');
  return h;
}

// The report ends with 03-06: five of the ten planned days have passed.
const period = { from: '2026-03-02', to: '2026-03-06' };
const now = Date.parse('2026-04-01T00:00:00Z');

describe('earned value', () => {
  it('plans value on a straight line over the planned days, both ends included', () => {
    expect(plannedShare(figures, Date.parse('2026-03-02T00:00:00Z'))).toBe(0);
    expect(plannedShare(figures, Date.parse('2026-03-07T00:00:00Z'))).toBe(0.5);
    expect(plannedShare(figures, Date.parse('2026-03-12T00:00:00Z'))).toBe(1);
    expect(plannedShare(figures, Date.parse('2026-01-01T00:00:00Z'))).toBe(0);
    expect(plannedShare(figures, Date.parse('2027-01-01T00:00:00Z'))).toBe(1);
  });

  it('earns value by estimate when every card in scope has one, leaving out work archived unfinished', () => {
    const ev = boardMetrics(project().events, period, now).earnedValue!;
    expect(ev.weightedBy).toBe('estimate');
    expect(ev.complete).toBe(0.5); // 5 of 5 + 3 + 2 points; W's 4 left the scope
    expect(ev.pv).toBeCloseTo(500, 3);
    expect(ev.ev).toBe(500);
    expect(ev.ac).toBe(600);
    expect(ev.spi).toBeCloseTo(1, 6);
    expect(ev.cpi).toBeCloseTo(0.8333, 4);
    expect(ev.status).toBe('red'); // CPI 0.83 is below amber 0.85
  });

  it('uses the thresholds the PMO set', () => {
    const ev = boardMetrics(project({ ...figures, thresholds: { green: 0.9, amber: 0.8 } }).events, period, now).earnedValue!;
    expect(ev.status).toBe('amber');
    expect(ev.thresholds).toEqual({ green: 0.9, amber: 0.8 });
  });

  it('falls back to counting cards when some card has no estimate', () => {
    const h = project();
    h.at('2026-03-05T09:00:00Z').create('V', 'To do');
    const ev = boardMetrics(h.events, period, now).earnedValue!;
    expect(ev.weightedBy).toBe('count');
    expect(ev.complete).toBe(0.25); // X of X, Y, Z, V
  });

  it('uses the figures as they were at the end of the period', () => {
    const h = project();
    h.at('2026-03-20T09:00:00Z').project({ ...figures, actualCost: 900 });
    expect(boardMetrics(h.events, period, now).earnedValue!.ac).toBe(600);
    expect(boardMetrics(h.events, { from: '2026-03-02', to: '2026-03-25' }, now).earnedValue!.ac).toBe(900);
  });

  it('leaves SPI and CPI out while planned value or actual cost is zero', () => {
    const early = boardMetrics(
      project({ ...figures, plannedStart: '2026-04-01', plannedEnd: '2026-04-30', actualCost: 0 }).events,
      period,
      now
    ).earnedValue!;
    expect([early.pv, early.spi, early.cpi, early.status]).toEqual([0, null, null, null]);
  });

  it('rates the worse index', () => {
    const t = { green: 1, amber: 0.9 };
    expect(ragStatus([1.2, 1], t)).toBe('green');
    expect(ragStatus([1.2, 0.95], t)).toBe('amber');
    expect(ragStatus([0.5, null], t)).toBe('red');
    expect(ragStatus([null, null], t)).toBeNull();
  });
});
