import { describe, expect, it } from 'vitest';
import { decide, newCardId, newColumnId, type Code, type OpId } from '../../src/lib/domain';
import { planMoves } from '../../src/lib/scanner/plan';
import { UNDO_MS, undoOpen, undoPlan, type UndoEntry } from '../../src/lib/scanner/undo';
import { run } from '../domain/fixtures';
import { scanBoard } from './board';

let n = 0;
const opId = () => `op_undo${n++}` as OpId;

function scanMove(b: ReturnType<typeof scanBoard>, titles: string[], to: string, at = 1_000): UndoEntry {
  const plan = planMoves(
    b.columns(),
    titles.map((t) => ({ cardId: b.card(t).id, via: 'camera' as const })),
    b.col(to).id
  )!;
  for (const m of plan.moves) run(b.state, { type: 'moveCard', opId: opId(), cardId: m.card.id, toColumnId: m.toColumnId, override: true });
  return { id: 1, at, moves: plan.moves };
}

const titlesIn = (b: ReturnType<typeof scanBoard>, column: string) => b.col(column).cards.map((c) => c.title);

describe('undo window', () => {
  it('is open for UNDO_MS after the move, then shut', () => {
    const entry: UndoEntry = { id: 1, at: 5_000, moves: [] };
    expect(undoOpen(entry, 5_000)).toBe(true);
    expect(undoOpen(entry, 5_000 + UNDO_MS - 1)).toBe(true);
    expect(undoOpen(entry, 5_000 + UNDO_MS)).toBe(false);
  });
});

describe('undoPlan', () => {
  it('puts each card back between its old neighbours, as new commands', () => {
    const b = scanBoard([{ name: 'Backlog' }, { name: 'Review' }], { Backlog: ['A', 'B', 'C', 'D'], Review: ['R'] });
    const entry = scanMove(b, ['B', 'C'], 'Review');
    expect(titlesIn(b, 'Backlog')).toEqual(['A', 'D']);
    const plan = undoPlan(entry, b.columns(), opId);
    expect(plan.movedOn).toEqual([]);
    const ops = new Set(plan.commands.map((c) => c.command.opId));
    expect(ops.size).toBe(2);
    for (const { command } of plan.commands) {
      expect(command.override).toBe(true);
      run(b.state, command);
    }
    expect(titlesIn(b, 'Backlog')).toEqual(['A', 'B', 'C', 'D']);
    expect(titlesIn(b, 'Review')).toEqual(['R']);
  });

  it('goes over a soft limit to put a card back where it stood a moment ago', () => {
    const b = scanBoard([{ name: 'Doing', wipLimit: 1 }, { name: 'Done' }], { Doing: ['A'] });
    const entry = scanMove(b, ['A'], 'Done');
    run(b.state, { type: 'createCard', opId: opId(), title: 'Filler', columnId: b.col('Doing').id });
    const [{ command }] = undoPlan(entry, b.columns(), opId).commands;
    const d = decide(b.state, command, { newCardId, newColumnId, newCode: () => 'ZZZZZZ' as Code });
    expect(d.ok).toBe(true);
  });

  it('leaves a card someone moved on since the scan where they put it', () => {
    const b = scanBoard([{ name: 'Backlog' }, { name: 'Review' }, { name: 'Done' }], { Backlog: ['A', 'B'] });
    const entry = scanMove(b, ['A', 'B'], 'Review');
    b.move('B', 'Done');
    const plan = undoPlan(entry, b.columns(), opId);
    expect(plan.commands.map((c) => c.title)).toEqual(['A']);
    expect(plan.movedOn).toEqual([b.card('B').id]);
  });
});
