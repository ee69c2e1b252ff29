import { describe, expect, it } from 'vitest';
import { planMoves } from '../../src/lib/scanner/plan';
import { scanBoard } from './board';

const cam = (cardId: string) => ({ cardId, via: 'camera' as const });

describe('planMoves', () => {
  const cols = [{ name: 'Backlog' }, { name: 'Doing', wipLimit: 3 }, { name: 'Review', wipLimit: 2, wipHard: true }, { name: 'Done' }];

  it('moves the cards not yet in the column, in scan order, remembering where each stood', () => {
    const b = scanBoard(cols, { Backlog: ['A', 'B', 'C'], Doing: ['D'] });
    const plan = planMoves(b.columns(), [cam(b.card('B').id), cam(b.card('D').id), cam(b.card('A').id)], b.col('Doing').id)!;
    expect(plan.moves.map((m) => m.card.title)).toEqual(['B', 'A']);
    expect(plan.already.map((c) => c.title)).toEqual(['D']);
    expect(plan.over).toBeNull();
    expect(plan.moves[0]).toMatchObject({
      fromColumnId: b.col('Backlog').id,
      toColumnId: b.col('Doing').id,
      above: b.card('A').id,
      below: b.card('C').id,
      override: false
    });
    expect(plan.moves[1].above).toBeUndefined();
    expect(plan.moves[1].below).toBe(b.card('B').id);
  });

  it('marks the moves past a soft limit, counting the batch as it fills the column', () => {
    const b = scanBoard(cols, { Backlog: ['A', 'B', 'C'], Doing: ['D', 'E'] });
    const plan = planMoves(
      b.columns(),
      ['A', 'B', 'C'].map((t) => cam(b.card(t).id)),
      b.col('Doing').id
    )!;
    expect(plan.moves.map((m) => [m.card.title, m.override])).toEqual([
      ['A', false],
      ['B', true],
      ['C', true]
    ]);
    expect(plan.over).toEqual({ limit: 3, count: 2, extra: 2 });
  });

  it('does not plan moves past a hard limit', () => {
    const b = scanBoard(cols, { Backlog: ['A', 'B'], Review: ['R'] });
    const plan = planMoves(b.columns(), [cam(b.card('A').id), cam(b.card('B').id)], b.col('Review').id)!;
    expect(plan.moves.map((m) => m.card.title)).toEqual(['A']);
    expect(plan.blocked.map((c) => c.title)).toEqual(['B']);
    expect(plan.over).toBeNull();
  });

  it('reports cards that left the board since they were scanned, and ignores repeats', () => {
    const b = scanBoard(cols, { Backlog: ['A', 'B'] });
    const a = b.card('A').id;
    b.archive('B');
    const plan = planMoves(b.columns(), [cam(a), cam(a), cam(b.card('B').id)], b.col('Done').id)!;
    expect(plan.moves.map((m) => m.card.title)).toEqual(['A']);
    expect(plan.gone).toEqual([b.card('B').id]);
  });

  it('keeps how each card was entered', () => {
    const b = scanBoard(cols, { Backlog: ['A'] });
    const plan = planMoves(b.columns(), [{ cardId: b.card('A').id, via: 'manual' }], b.col('Done').id)!;
    expect(plan.moves[0].via).toBe('manual');
  });

  it('returns null for a column that is gone', () => {
    const b = scanBoard(cols, {});
    expect(planMoves(b.columns(), [], 'l_nope')).toBeNull();
  });
});
