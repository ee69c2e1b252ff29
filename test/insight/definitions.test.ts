/**
 * The flow definitions of the README and the insight page, one by one: started, finished (a move
 * out of done un-finishes, only the last finish counts), cycle time, work item age, WIP per
 * column against its own limit, and aging only with enough history. The property test drives
 * random moves, undos, reopens, archives and restores and checks that a card is counted as
 * finished exactly when it stands in done.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boardMetrics } from '../../src/lib/insight/board-metrics';
import { flow } from '../../src/lib/insight/flow';
import { History } from './history';

const PERIOD = { from: '2026-03-02', to: '2026-03-31' };
const NOW = Date.parse('2026-03-31T12:00:00Z');
const byTitle = <T extends { title: string }>(items: T[]) => Object.fromEntries(items.map((i) => [i.title, i]));

describe('finished: in done and staying there', () => {
  it('does not count a card scanned into done and undone, anywhere', () => {
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T08:00:00Z');
    h.at('2026-03-02T09:00:00Z').create('Undone', 'To do', { due: '2026-03-20' });
    h.at('2026-03-03T09:00:00Z').move('Undone', 'Doing');
    h.at('2026-03-04T09:00:00Z').move('Undone', 'Done');
    h.at('2026-03-04T09:00:05Z').move('Undone', 'Doing'); // the scanner's undo
    const m = boardMetrics(h.events, PERIOD, NOW);
    expect(m.summary.throughput).toBe(0);
    expect(m.cycleTime.items).toEqual([]);
    expect(m.leadTime.items).toEqual([]);
    expect(m.summary.completion).toEqual({ hits: 0, of: 1, rate: 0 });
    expect(m.summary.dueDates).toEqual({ hits: 0, of: 0, rate: null });
    expect(m.throughput.reduce((s, w) => s + w.count, 0)).toBe(0);
    expect(m.aging.items.map((i) => [i.title, i.days])).toEqual([['Undone', 28.13]]);
  });

  it('counts only the last finish of a reopened card', () => {
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T08:00:00Z');
    h.at('2026-03-02T12:00:00Z').create('Reopened', 'Doing');
    h.at('2026-03-03T12:00:00Z').move('Reopened', 'Done');
    h.at('2026-03-05T12:00:00Z').move('Reopened', 'Doing');
    h.at('2026-03-06T00:00:00Z').move('Reopened', 'Done');
    const m = boardMetrics(h.events, PERIOD, NOW);
    expect(m.cycleTime.items.map((i) => [i.title, i.done, i.days])).toEqual([['Reopened', '2026-03-06T00:00:00.000Z', 3.5]]);
    expect(m.summary.throughput).toBe(1);
  });

  it('keeps a card finished when it moves between done columns or is archived from done, and un-finishes it when restored elsewhere', () => {
    const h = new History(['To do', 'Doing', 'Done', 'Shipped'], '2026-03-02T08:00:00Z');
    h.stage('Done', 'done');
    h.at('2026-03-02T12:00:00Z').create('Shipped', 'Doing').create('Restored', 'Doing');
    h.at('2026-03-03T12:00:00Z').move('Shipped', 'Done').move('Restored', 'Done');
    h.at('2026-03-04T12:00:00Z').move('Shipped', 'Shipped').archive('Restored');
    expect(byTitle(boardMetrics(h.events, PERIOD, NOW).cycleTime.items).Shipped.days).toBe(1);
    expect(boardMetrics(h.events, PERIOD, NOW).summary.throughput).toBe(2);
    h.at('2026-03-05T12:00:00Z').restore('Restored', 'Doing');
    const m = boardMetrics(h.events, PERIOD, NOW);
    expect(m.cycleTime.items.map((i) => [i.title, i.days])).toEqual([['Shipped', 1]]);
  });

  it('property: random moves, undos, reopens, archives and restores never leave a card counted finished unless it stands in done', () => {
    const columns = ['Backlog', 'Doing', 'Review', 'Done', 'Shipped'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('move' as const), card: fc.nat(3), to: fc.nat(4), gap: fc.integer({ min: 1, max: 2000 }) }),
      fc.record({ kind: fc.constant('undo' as const), card: fc.nat(3), gap: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('reopen' as const), card: fc.nat(3), gap: fc.integer({ min: 1, max: 2000 }) }),
      fc.record({ kind: fc.constant('archive' as const), card: fc.nat(3), gap: fc.integer({ min: 1, max: 2000 }) }),
      fc.record({ kind: fc.constant('restore' as const), card: fc.nat(3), to: fc.nat(4), gap: fc.integer({ min: 1, max: 2000 }) })
    );
    fc.assert(
      fc.property(fc.array(fc.nat(4), { minLength: 4, maxLength: 4 }), fc.array(op, { maxLength: 40 }), (starts, ops) => {
        const h = new History(columns, '2026-03-02T08:00:00Z');
        h.stage('Done', 'done');
        let clock = Date.parse('2026-03-02T09:00:00Z');
        const tick = (minutes: number) => h.at(new Date((clock += minutes * 60_000)).toISOString());
        const titles = starts.map((_, i) => `Card ${i}`);
        starts.forEach((c, i) => tick(1).create(titles[i], columns[c]));
        const previous = new Map<string, string>();
        const where = (title: string) => {
          const card = h.state.cards[h.card(title)];
          return { column: h.state.columns.find((c) => c.id === card.columnId)!.name, archived: card.archived };
        };
        for (const o of ops) {
          const title = titles[o.card];
          const now = where(title);
          tick(o.gap);
          if (o.kind === 'move' && !now.archived && columns[o.to] !== now.column) {
            previous.set(title, now.column);
            h.move(title, columns[o.to]);
          } else if (o.kind === 'undo' && !now.archived && previous.has(title) && previous.get(title) !== now.column) {
            h.move(title, previous.get(title)!);
            previous.delete(title);
          } else if (o.kind === 'reopen' && !now.archived && (now.column === 'Done' || now.column === 'Shipped')) {
            previous.set(title, now.column);
            h.move(title, 'Doing');
          } else if (o.kind === 'archive' && !now.archived) {
            h.archive(title);
          } else if (o.kind === 'restore' && now.archived) {
            h.restore(title, columns[o.to]);
          }
        }
        const end = clock + 60_000;
        const period = { from: '2026-03-02', to: new Date(end).toISOString().slice(0, 10) };
        const f = flow(h.events, period, end);
        const m = boardMetrics(h.events, period, end);
        const inDone = titles.filter((t) => ['Done', 'Shipped'].includes(where(t).column));
        const finished = f.cards.filter((c) => c.finishedAt !== null).map((c) => c.title);
        expect(finished.sort()).toEqual([...inDone].sort());
        expect(m.summary.throughput).toBe(inDone.length);
        for (const item of [...m.cycleTime.items, ...m.leadTime.items]) expect(inDone).toContain(item.title);
        for (const c of f.cards) if (c.finishedAt !== null && c.firstStart !== null) expect(c.firstStart).toBeLessThanOrEqual(c.finishedAt);
      }),
      { numRuns: 200, seed: 16 }
    );
  });
});

describe('cycle time, work item age', () => {
  it('gives no cycle time to a card created straight into done, and fractional days to the others', () => {
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T08:00:00Z');
    h.at('2026-03-02T09:00:00Z').create('Recorded', 'Done');
    h.at('2026-03-02T09:00:00Z').create('Quick', 'Doing');
    h.at('2026-03-02T15:00:00Z').move('Quick', 'Done');
    const m = boardMetrics(h.events, PERIOD, NOW);
    expect(m.summary.throughput).toBe(2);
    expect(m.cycleTime.items.map((i) => [i.title, i.days])).toEqual([['Quick', 0.25]]);
    expect(m.cycleTime.percentiles).toEqual({ count: 1, p50: 0.25, p70: 0.25, p85: 0.25, p95: 0.25 });
    expect(m.leadTime.items.map((i) => i.title)).toEqual(['Quick']);
  });

  it('ages a started card from its first start, not from a later restart', () => {
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T08:00:00Z');
    h.at('2026-03-30T00:00:00Z').create('Back and forth', 'To do');
    h.at('2026-03-30T06:00:00Z').move('Back and forth', 'Doing');
    h.at('2026-03-30T12:00:00Z').move('Back and forth', 'To do');
    h.at('2026-03-31T00:00:00Z').move('Back and forth', 'Doing');
    const m = boardMetrics(h.events, PERIOD, NOW);
    expect(m.aging.items.map((i) => [i.title, i.days])).toEqual([['Back and forth', 1.25]]);
  });
});

describe('WIP per column', () => {
  function board(doing: number, review: number) {
    const h = new History(['To do', { name: 'Doing', wipLimit: 3 }, 'Review', 'Done'], '2026-03-02T08:00:00Z');
    for (let i = 0; i < doing; i++) h.create(`D${i}`, 'Doing');
    for (let i = 0; i < review; i++) h.create(`R${i}`, 'Review');
    return boardMetrics(h.events, PERIOD, NOW);
  }

  it('is not over the limits when the only limited column is within its limit, however many cards other columns hold', () => {
    const m = board(3, 1);
    expect(m.summary).toMatchObject({ wip: 4, wipLimit: null, columnsOverLimit: 0, overLimit: false });
    expect(m.summary.wipByColumn).toMatchObject([
      { name: 'Doing', count: 3, wipLimit: 3, over: false },
      { name: 'Review', count: 1, wipLimit: null, over: false }
    ]);
  });

  it('is over its limits when a column is over its own', () => {
    const m = board(4, 0);
    expect(m.summary).toMatchObject({ wip: 4, columnsOverLimit: 1, overLimit: true });
    expect(m.summary.wipByColumn[0]).toMatchObject({ name: 'Doing', count: 4, wipLimit: 3, over: true });
  });

  it('sums the limits only when every in-progress column has one', () => {
    const h = new History(['To do', { name: 'Doing', wipLimit: 3 }, { name: 'Review', wipLimit: 2 }, 'Done'], '2026-03-02T08:00:00Z');
    h.create('A', 'Doing');
    expect(boardMetrics(h.events, PERIOD, NOW).summary).toMatchObject({ wip: 1, wipLimit: 5, overLimit: false });
  });
});

describe('aging needs history', () => {
  function board(finished: number) {
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T08:00:00Z');
    for (let i = 0; i < finished; i++) {
      h.at(`2026-03-${String(3 + i).padStart(2, '0')}T09:00:00Z`).create(`F${i}`, 'Doing');
      h.at(`2026-03-${String(3 + i).padStart(2, '0')}T21:00:00Z`).move(`F${i}`, 'Done'); // half a day each
    }
    h.at('2026-03-29T12:00:00Z').create('Old', 'Doing'); // two days old at NOW
    h.at('2026-03-31T11:00:00Z').create('Young', 'Doing'); // an hour old
    return boardMetrics(h.events, PERIOD, NOW);
  }

  it('says there is not enough history with 4 finished cards, and calls nothing aging', () => {
    const m = board(4);
    expect(m.aging).toMatchObject({ p85: null, finished: 4, needed: 5, enoughHistory: false });
    expect(m.aging.items.every((i) => !i.over)).toBe(true);
    expect(m.summary.aging).toBeNull();
    expect(m.summary.sle).toBeNull();
    expect(m.cycleTime.percentiles.p85).toBe(0.5);
  });

  it('calls a card aging once 5 cards are finished and its age exceeds their 85th percentile', () => {
    const m = board(5);
    expect(m.aging).toMatchObject({ p85: 0.5, finished: 5, enoughHistory: true });
    expect(m.aging.items.map((i) => [i.title, i.days, i.over])).toEqual([
      ['Old', 2, true],
      ['Young', 0.04, false]
    ]);
    expect(m.summary.aging).toBe(1);
    expect(m.summary.sle).toEqual({ p: 85, days: 0.5, source: 'history' });
  });
});
