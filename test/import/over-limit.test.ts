/**
 * The optional `overLimit` mark of cardCreated, cardMoved and cardRestored survives an export
 * and an import: the file schema accepts (and keeps) it, checks it, and the import's remap
 * carries it onto the new board's events.
 */
import { describe, expect, it } from 'vitest';
import { newCardId, newColumnId, type BoardEvent, type Code } from '../../src/lib/domain';
import { eventSchema } from '../../server/import/kanbridge-file';
import { remapLog } from '../../server/import/remap';
import { History } from '../insight/history';

function log(): BoardEvent[] {
  const h = new History(['To do', 'Doing'], '2026-03-02T09:00:00Z');
  h.as({ id: 'u_ann', name: 'Ann' }, 'drag')
    .limit('Doing', 1)
    .create('A', 'To do')
    .create('B', 'To do')
    .move('A', 'Doing')
    .move('B', 'Doing');
  h.create('C', 'Doing').archive('C').restore('C', 'Doing');
  return h.events;
}

describe('overLimit in the Kanbridge file', () => {
  it('is accepted and kept on cardMoved, cardCreated and cardRestored', () => {
    const marked = log().filter((e) => 'overLimit' in e && e.overLimit);
    expect(marked.map((e) => e.type)).toEqual(['cardMoved', 'cardCreated', 'cardRestored']);
    for (const e of marked) expect(eventSchema.parse(JSON.parse(JSON.stringify(e)))).toEqual(JSON.parse(JSON.stringify(e)));
  });

  it('is refused when it is not a limit and a count', () => {
    const moved = log().find((e) => e.type === 'cardMoved' && e.overLimit);
    expect(eventSchema.safeParse({ ...moved, overLimit: { limit: 'two', count: 3 } }).success).toBe(false);
    expect(eventSchema.safeParse({ ...moved, overLimit: { limit: 0, count: 3 } }).success).toBe(false);
  });

  it('is carried by the import remap', () => {
    let codes = 0;
    const ctx = { newCardId, newColumnId, newCode: () => `R${++codes}` as Code };
    const remapped = remapLog(log(), ctx);
    expect(remapped.filter((e) => 'overLimit' in e).map((e) => [e.type, (e as { overLimit: unknown }).overLimit])).toEqual([
      ['cardMoved', { limit: 1, count: 2 }],
      ['cardCreated', { limit: 1, count: 3 }],
      ['cardRestored', { limit: 1, count: 3 }]
    ]);
  });
});
