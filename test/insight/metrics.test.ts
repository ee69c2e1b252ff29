import { describe, expect, it } from 'vitest';
import { boardMetrics } from '../../src/lib/insight/board-metrics';
import { History } from './history';
import { NOW, PERIOD, scenario } from './scenario';

const now = Date.parse(NOW);
const byTitle = <T extends { title: string }>(items: T[]) => Object.fromEntries(items.map((i) => [i.title, i]));

describe('flow metrics from a hand-built log', () => {
  const h = scenario();
  const m = boardMetrics(h.events, PERIOD, now);

  it('measures cycle time from first start to the last finish, weekends included, in fractional days', () => {
    const items = byTitle(m.cycleTime.items);
    // G went from Backlog straight to Done: it never started, so it has no cycle time.
    expect(Object.keys(items).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(items.A.days).toBe(3.5);
    expect(items.B.days).toBe(3); // Friday noon to Monday noon: the weekend counts
    expect(items.C.days).toBe(6); // from its first start, although it went back to Backlog
    expect(items.D.days).toBe(8); // reopened on 03-05: only its last finish (03-10) counts
    expect(items.D.from).toBe('2026-03-02T11:00:00.000Z');
    expect(items.D.done).toBe('2026-03-10T11:00:00.000Z');
    expect(m.cycleTime.items.map((i) => i.title)).toEqual(['A', 'C', 'B', 'D']);
  });

  it('takes nearest-rank percentiles of the cycle and lead times', () => {
    // Cycle times sorted: 3, 3.5, 6, 8 → p50 is the 2nd, p70 the 3rd, p85 and p95 the 4th.
    expect(m.cycleTime.percentiles).toEqual({ count: 4, p50: 3.5, p70: 6, p85: 8, p95: 8 });
    // Lead times sorted: 0.25 (G), 3.125, 4.5, 6.083…, 8
    expect(m.leadTime.percentiles).toEqual({ count: 5, p50: 4.5, p70: 6.08, p85: 8, p95: 8 });
    expect(byTitle(m.leadTime.items).A.days).toBe(4.5);
  });

  it('counts throughput per Monday-to-Sunday week by the last finish', () => {
    expect(m.throughput).toEqual([
      { week: '2026-03-02', from: '2026-03-02', to: '2026-03-08', count: 2, partial: false }, // A and C (on Sunday); D was reopened
      { week: '2026-03-09', from: '2026-03-09', to: '2026-03-15', count: 3, partial: false } // B, D (its last finish) and G
    ]);
    expect(m.summary.throughput).toBe(5);
    // Per day: A on 03-06, C on Sunday 03-08, B on 03-09, D on 03-10, G on 03-11.
    expect(m.throughputDaily.map((d) => d.count)).toEqual([0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(m.throughputDaily[4].day).toBe('2026-03-06');
  });

  it('draws the cumulative flow by column at the end of each day, keeping cards archived from Done', () => {
    expect(m.cfd.days).toHaveLength(14);
    expect(m.cfd.days[0]).toBe('2026-03-02');
    expect(m.cfd.days[13]).toBe('2026-03-15');
    const counts = Object.fromEntries(m.cfd.series.map((s) => [s.name, s.counts]));
    expect(counts).toEqual({
      Backlog: [2, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1],
      Doing: [3, 4, 4, 3, 4, 4, 3, 2, 2, 2, 1, 1, 1, 1],
      Review: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
      // I stays in Done after it is archived (03-04); H, archived from Doing, leaves the diagram.
      Done: [1, 1, 2, 1, 2, 2, 3, 4, 5, 6, 6, 6, 6, 6]
    });
    expect(m.cfd.series.map((s) => s.stage)).toEqual(['todo', 'doing', 'doing', 'done']);
  });

  it('tracks WIP of the in-progress columns against the limit each day had', () => {
    const doing = m.wip.series.find((s) => s.name === 'Doing')!;
    expect(m.wip.series.map((s) => s.name)).toEqual(['Doing', 'Review']);
    expect(doing.counts).toEqual([3, 4, 4, 3, 4, 4, 3, 2, 2, 2, 1, 1, 1, 1]);
    expect(doing.limits).toEqual([2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3]);
    expect(m.wip.series[1].limits.every((l) => l === null)).toBe(true);
    expect(m.wip.total).toEqual([3, 4, 4, 4, 4, 4, 3, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('gives the open cards in progress their age, but calls none aging with fewer than 5 cycle times', () => {
    expect(m.aging).toMatchObject({ p85: null, finished: 4, needed: 5, enoughHistory: false });
    expect(m.aging.items.map((i) => [i.title, i.column, i.days, i.over])).toEqual([
      ['F', 'Doing', 5.5, false],
      ['J', 'Review', 18.5, false]
    ]);
    // Only Doing has a limit, so there is no board-wide limit to hold the two cards against.
    expect(m.summary).toMatchObject({ wip: 2, wipLimit: null, columnsOverLimit: 0, overLimit: false, aging: null, sle: null });
    expect(m.summary.wipByColumn.map((c) => [c.name, c.count, c.wipLimit, c.over])).toEqual([
      ['Doing', 1, 3, false],
      ['Review', 1, null, false]
    ]);
  });

  it('rates completion against the work committed in the period, and due dates against the date at done', () => {
    // Committed: A B C D F G H J (E never started, I was done before); done in the period: A B C D G.
    expect(m.summary.completion).toEqual({ hits: 5, of: 8, rate: 0.625 });
    // A (due changed after done), C (due moved before done) and G hit; B missed; D had no date.
    expect(m.summary.dueDates).toEqual({ hits: 3, of: 4, rate: 0.75 });
  });

  it('shows the board as it was at the end of a past period', () => {
    const past = boardMetrics(h.events, { from: '2026-03-02', to: '2026-03-05' }, now);
    expect(past.asOf).toBe('2026-03-05T23:59:59.999Z');
    // D was done on 03-04 but reopened on 03-05: at the end of 03-05 it is not finished.
    expect(past.cycleTime.items.map((i) => i.title)).toEqual([]);
    // Oldest first within a column: D started an hour before C. Ages run to 23:59:59.999.
    expect(past.aging.items.map((i) => [i.title, i.column, i.days])).toEqual([
      ['J', 'Doing', 8.62],
      ['D', 'Doing', 3.54],
      ['C', 'Doing', 3.5],
      ['A', 'Review', 2.62]
    ]);
    expect(past.cfd.days).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
  });

  it('stops the days at now when the period runs into the future', () => {
    const future = boardMetrics(h.events, { from: '2026-03-09', to: '2026-03-22' }, now);
    expect(future.cfd.days.at(-1)).toBe('2026-03-15');
    expect(future.throughput.map((w) => [w.week, w.count, w.partial])).toEqual([
      ['2026-03-09', 3, false],
      ['2026-03-16', 0, false]
    ]);
  });

  it('marks the weeks a period covers only in part', () => {
    const mid = boardMetrics(h.events, { from: '2026-03-04', to: '2026-03-10' }, now);
    expect(mid.throughput).toEqual([
      { week: '2026-03-02', from: '2026-03-04', to: '2026-03-08', count: 2, partial: true }, // A, C
      { week: '2026-03-09', from: '2026-03-09', to: '2026-03-10', count: 2, partial: true } // B, D
    ]);
  });

  it('applies the current stages to the whole history', () => {
    const later = scenario();
    later.at('2026-03-13T09:00:00Z').stage('Review', 'done');
    const r = boardMetrics(later.events, PERIOD, now);
    // A entered Review on 03-05 09h, which now counts as done: 2 days after its start on 03-03 09h.
    expect(byTitle(r.cycleTime.items).A.days).toBe(2);
    // J, in Review since 03-12, is done now and no longer ages.
    expect(r.aging.items.map((i) => i.title)).toEqual(['F']);
  });

  it('gives empty, not broken, figures for a board with no finished work', () => {
    const quiet = new History(['To do', 'Doing', 'Done'], '2026-03-02T09:00:00Z');
    quiet.create('Only', 'To do');
    const r = boardMetrics(quiet.events, PERIOD, now);
    expect(r.cycleTime).toEqual({ items: [], percentiles: { count: 0, p50: null, p70: null, p85: null, p95: null } });
    expect(r.summary.completion.rate).toBeNull();
    expect(r.summary.dueDates.rate).toBeNull();
    expect(r.aging).toEqual({ p85: null, items: [], finished: 0, needed: 5, enoughHistory: false });
    expect(r.earnedValue).toBeNull();
  });
});
