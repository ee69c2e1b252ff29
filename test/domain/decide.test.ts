import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cloneBoard,
  columnViews,
  decide,
  evolve,
  needsReprint,
  replay,
  type BoardState,
  type CardId,
  type ColumnId,
  type Command,
  type OpId
} from '../../src/lib/domain';
import { makeBoard, run, stamp, testContext } from './fixtures';

let n = 0;
const op = () => `op-${(n++).toString().padStart(8, '0')}` as OpId;

function addCards(state: BoardState, column: ColumnId, titles: string[]): CardId[] {
  return titles.map((title) => {
    const [e] = run(state, { type: 'createCard', opId: op(), columnId: column, title, override: true });
    return (e as { card: { id: CardId } }).card.id;
  });
}

const titlesOf = (state: BoardState, col: ColumnId) => (state.order[col] ?? []).map((id) => state.cards[id].title);

describe('moves and order', () => {
  it('places a card before, after and at the end of a column', () => {
    const { state } = makeBoard();
    const [backlog, doing] = state.columns.map((c) => c.id);
    const [a, b, c] = addCards(state, backlog, ['A', 'B', 'C']);
    expect(titlesOf(state, backlog)).toEqual(['A', 'B', 'C']);
    run(state, { type: 'moveCard', opId: op(), cardId: c, toColumnId: backlog, beforeCardId: a });
    expect(titlesOf(state, backlog)).toEqual(['C', 'A', 'B']);
    run(state, { type: 'moveCard', opId: op(), cardId: c, toColumnId: backlog, afterCardId: a });
    expect(titlesOf(state, backlog)).toEqual(['A', 'C', 'B']);
    run(state, { type: 'moveCard', opId: op(), cardId: a, toColumnId: doing });
    expect(titlesOf(state, backlog)).toEqual(['C', 'B']);
    expect(titlesOf(state, doing)).toEqual(['A']);
    run(state, { type: 'moveCard', opId: op(), cardId: b, toColumnId: doing, beforeCardId: a });
    expect(titlesOf(state, doing)).toEqual(['B', 'A']);
  });

  it('writes one card per move and never renumbers the column', () => {
    const { state } = makeBoard();
    const backlog = state.columns[0].id;
    const ids = addCards(state, backlog, ['1', '2', '3', '4', '5']);
    const ranks = Object.fromEntries(ids.map((id) => [id, state.cards[id].rank]));
    const events = run(state, { type: 'moveCard', opId: op(), cardId: ids[4], toColumnId: backlog, afterCardId: ids[0] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'cardMoved', cardId: ids[4], fromColumnId: backlog, toColumnId: backlog });
    for (const id of ids.slice(0, 4)) expect(state.cards[id].rank).toBe(ranks[id]);
  });

  it('ignores a neighbour that is not in the target column and falls back sensibly', () => {
    const { state } = makeBoard();
    const [backlog, doing] = state.columns.map((c) => c.id);
    const [a, b] = addCards(state, backlog, ['A', 'B']);
    const [x] = addCards(state, doing, ['X']);
    run(state, { type: 'moveCard', opId: op(), cardId: a, toColumnId: doing, beforeCardId: b });
    expect(titlesOf(state, doing)).toEqual(['X', 'A']);
    void x;
  });

  it('a move to the same place is a no-op with no event', () => {
    const { state } = makeBoard();
    const backlog = state.columns[0].id;
    const [a, b] = addCards(state, backlog, ['A', 'B']);
    const d = decide(state, { type: 'moveCard', opId: op(), cardId: a, toColumnId: backlog, beforeCardId: b }, testContext());
    expect(d).toEqual({ ok: true, events: [] });
  });
});

describe('WIP limits', () => {
  it('asks for confirmation past a soft limit and refuses past a hard one', () => {
    const { state } = makeBoard();
    const [backlog, doing] = state.columns.map((c) => c.id);
    const ids = addCards(state, backlog, ['1', '2', '3', '4']);
    for (const id of ids.slice(0, 3)) run(state, { type: 'moveCard', opId: op(), cardId: id, toColumnId: doing });
    expect(columnViews(state)[1]).toMatchObject({ count: 3, wipLimit: 3, wip: 'full' });
    const soft = decide(state, { type: 'moveCard', opId: op(), cardId: ids[3], toColumnId: doing }, testContext());
    expect(soft).toMatchObject({ ok: false, rejection: { code: 'WIP_LIMIT', details: { wipLimit: 3, count: 3 } } });
    run(state, { type: 'moveCard', opId: op(), cardId: ids[3], toColumnId: doing, override: true });
    expect(columnViews(state)[1].wip).toBe('over');
    // Moving inside a full column is always fine.
    run(state, { type: 'moveCard', opId: op(), cardId: ids[3], toColumnId: doing, beforeCardId: ids[0] });
    run(state, { type: 'setWipLimit', opId: op(), columnId: doing, wipLimit: 4, hard: true });
    const [extra] = addCards(state, backlog, ['5']);
    const hard = decide(state, { type: 'moveCard', opId: op(), cardId: extra, toColumnId: doing, override: true }, testContext());
    expect(hard).toMatchObject({ ok: false, rejection: { code: 'WIP_LIMIT_HARD' } });
  });
});

describe('going over a soft WIP limit', () => {
  it('marks a confirmed move, creation or restore past a soft limit with the limit and the count it made', () => {
    const { state } = makeBoard();
    const [backlog, doing] = state.columns.map((c) => c.id);
    run(state, { type: 'setWipLimit', opId: op(), columnId: doing, wipLimit: 1, hard: false });
    const [a, b, c] = addCards(state, backlog, ['A', 'B', 'C']);
    const [within] = run(state, { type: 'moveCard', opId: op(), cardId: a, toColumnId: doing, override: true });
    expect(within).not.toHaveProperty('overLimit');
    const [past] = run(state, { type: 'moveCard', opId: op(), cardId: b, toColumnId: doing, override: true });
    expect(past).toMatchObject({ type: 'cardMoved', overLimit: { limit: 1, count: 2 } });
    // Reordering inside the column it is already over enters nothing.
    const [reorder] = run(state, { type: 'moveCard', opId: op(), cardId: b, toColumnId: doing, beforeCardId: a });
    expect(reorder).not.toHaveProperty('overLimit');
    const [created] = run(state, { type: 'createCard', opId: op(), columnId: doing, title: 'D', override: true });
    expect(created).toMatchObject({ type: 'cardCreated', overLimit: { limit: 1, count: 3 } });
    run(state, { type: 'archiveCard', opId: op(), cardId: c });
    const [restored] = run(state, { type: 'restoreCard', opId: op(), cardId: c, toColumnId: doing, override: true });
    expect(restored).toMatchObject({ type: 'cardRestored', overLimit: { limit: 1, count: 4 } });
  });

  it('a refusal says the column is over its limit when it already holds more than it', () => {
    const { state } = makeBoard();
    const [backlog, doing] = state.columns.map((c) => c.id);
    const ids = addCards(state, backlog, ['A', 'B', 'C', 'D']);
    for (const id of ids.slice(0, 3)) run(state, { type: 'moveCard', opId: op(), cardId: id, toColumnId: doing, override: true });
    run(state, { type: 'setWipLimit', opId: op(), columnId: doing, wipLimit: 2, hard: false });
    const soft = decide(state, { type: 'moveCard', opId: op(), cardId: ids[3], toColumnId: doing }, testContext());
    expect(soft).toMatchObject({
      ok: false,
      rejection: {
        code: 'WIP_LIMIT',
        message: 'Doing is over its limit of 2 (it holds 3); confirm to go over',
        details: { wipLimit: 2, count: 3 }
      }
    });
    run(state, { type: 'setWipLimit', opId: op(), columnId: doing, wipLimit: 2, hard: true });
    const hard = decide(state, { type: 'moveCard', opId: op(), cardId: ids[3], toColumnId: doing }, testContext());
    expect(hard).toMatchObject({
      ok: false,
      rejection: { code: 'WIP_LIMIT_HARD', message: 'Doing is over its hard limit of 2 (it holds 3)' }
    });
  });

  it('never marks an entry into a column without a limit', () => {
    const { state } = makeBoard();
    const backlog = state.columns[0].id;
    const [e] = run(state, { type: 'createCard', opId: op(), columnId: backlog, title: 'A', override: true });
    expect(e).not.toHaveProperty('overLimit');
  });
});

describe('cards and columns', () => {
  it('edits, archives and restores a card, and tracks the reprint queue', () => {
    const { state } = makeBoard();
    const backlog = state.columns[0].id;
    const [a] = addCards(state, backlog, ['Print me']);
    run(state, { type: 'markPrinted', opId: op(), cardIds: [a], layout: 'a4-8' });
    expect(needsReprint(state.cards[a])).toBe(false);
    run(state, { type: 'moveCard', opId: op(), cardId: a, toColumnId: state.columns[1].id });
    expect(needsReprint(state.cards[a])).toBe(false);
    run(state, { type: 'updateCard', opId: op(), cardId: a, changes: { description: 'not printed' } });
    expect(needsReprint(state.cards[a])).toBe(false);
    run(state, { type: 'updateCard', opId: op(), cardId: a, changes: { title: '  Printed   title ', tags: ['x', 'x', ' y '] } });
    expect(state.cards[a]).toMatchObject({ title: 'Printed title', tags: ['x', 'y'] });
    expect(needsReprint(state.cards[a])).toBe(true);
    run(state, { type: 'archiveCard', opId: op(), cardId: a });
    expect(state.order[state.columns[1].id]).toEqual([]);
    expect(decide(state, { type: 'moveCard', opId: op(), cardId: a, toColumnId: backlog }, testContext())).toMatchObject({
      ok: false,
      rejection: { code: 'ARCHIVED' }
    });
    run(state, { type: 'restoreCard', opId: op(), cardId: a, toColumnId: backlog });
    expect(state.order[backlog]).toEqual([a]);
  });

  it('refuses bad fields with INVALID', () => {
    const { state } = makeBoard();
    const bad: Command[] = [
      { type: 'createCard', opId: op(), title: '   ' },
      { type: 'createCard', opId: op(), title: 'x', due: '2026-02-30' },
      { type: 'createCard', opId: op(), title: 'x', estimate: -1 },
      { type: 'createCard', opId: op(), title: 'x'.repeat(201) },
      { type: 'addColumn', opId: op(), name: ' ' },
      { type: 'renameBoard', opId: op(), name: '' }
    ];
    for (const c of bad) expect(decide(state, c, testContext())).toMatchObject({ ok: false, rejection: { code: 'INVALID' } });
  });

  it('adds, renames, reorders and removes columns; a column with cards is not removed', () => {
    const { state } = makeBoard();
    run(state, { type: 'addColumn', opId: op(), name: 'QA', index: 2, wipLimit: 2 });
    expect(state.columns.map((c) => c.name)).toEqual(['Backlog', 'Doing', 'QA', 'Done']);
    const qa = state.columns[2];
    expect(qa.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{6,8}$/);
    run(state, { type: 'renameColumn', opId: op(), columnId: qa.id, name: 'Testing' });
    run(state, { type: 'moveColumn', opId: op(), columnId: qa.id, toIndex: 0 });
    expect(state.columns.map((c) => c.name)).toEqual(['Testing', 'Backlog', 'Doing', 'Done']);
    addCards(state, qa.id, ['in QA']);
    expect(decide(state, { type: 'removeColumn', opId: op(), columnId: qa.id }, testContext())).toMatchObject({
      ok: false,
      rejection: { code: 'COLUMN_NOT_EMPTY' }
    });
    const empty = state.columns[3].id;
    run(state, { type: 'removeColumn', opId: op(), columnId: empty });
    expect(state.columns.map((c) => c.name)).toEqual(['Testing', 'Backlog', 'Doing']);
  });
});

// ---- property tests ---------------------------------------------------------------------

type Gen = (state: BoardState) => fc.Arbitrary<Command>;

/** Random commands that refer to the board's real ids (and sometimes to bogus ones). */
function commandArb(state: BoardState): fc.Arbitrary<Command> {
  const cardIds = Object.keys(state.cards) as CardId[];
  const colIds = state.columns.map((c) => c.id);
  const card = cardIds.length
    ? fc.oneof(fc.constantFrom(...cardIds), fc.constant('c_missing' as CardId))
    : fc.constant('c_missing' as CardId);
  const col = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...colIds) },
    { weight: 1, arbitrary: fc.constant('l_missing' as ColumnId) }
  );
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const gens: Gen[] = [
    () =>
      fc.record({
        type: fc.constant('createCard' as const),
        opId: fc.constant(op()),
        columnId: col,
        title: fc.string({ minLength: 1, maxLength: 20 }),
        override: fc.boolean(),
        beforeCardId: maybe(card),
        afterCardId: maybe(card)
      }),
    () =>
      fc.record({
        type: fc.constant('moveCard' as const),
        opId: fc.constant(op()),
        cardId: card,
        toColumnId: col,
        override: fc.boolean(),
        beforeCardId: maybe(card),
        afterCardId: maybe(card)
      }),
    () => fc.record({ type: fc.constant('archiveCard' as const), opId: fc.constant(op()), cardId: card }),
    () => fc.record({ type: fc.constant('restoreCard' as const), opId: fc.constant(op()), cardId: card, toColumnId: maybe(col) }),
    () =>
      fc.record({
        type: fc.constant('updateCard' as const),
        opId: fc.constant(op()),
        cardId: card,
        changes: fc.record({ title: maybe(fc.string({ minLength: 1, maxLength: 10 })) })
      }),
    () =>
      fc.record({
        type: fc.constant('setWipLimit' as const),
        opId: fc.constant(op()),
        columnId: col,
        wipLimit: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
        hard: fc.boolean()
      }),
    () =>
      fc.record({
        type: fc.constant('moveColumn' as const),
        opId: fc.constant(op()),
        columnId: col,
        toIndex: fc.integer({ min: 0, max: 6 })
      }),
    () => fc.record({ type: fc.constant('addColumn' as const), opId: fc.constant(op()), name: fc.string({ minLength: 1, maxLength: 8 }) }),
    () => fc.record({ type: fc.constant('removeColumn' as const), opId: fc.constant(op()), columnId: col })
  ];
  return fc.oneof(...gens.map((g) => g(state))) as fc.Arbitrary<Command>;
}

function checkInvariants(state: BoardState, revisions: number[]) {
  const live = Object.values(state.cards).filter((c) => !c.archived);
  const listed = state.columns.flatMap((c) => state.order[c.id]);
  // each live card in exactly one column, the one it names
  expect(new Set(listed).size).toBe(listed.length);
  expect(listed.length).toBe(live.length);
  for (const col of state.columns) for (const id of state.order[col.id]) expect(state.cards[id].columnId).toBe(col.id);
  // archived cards point at an existing column or keep their old one (never listed)
  for (const c of Object.values(state.cards)) if (c.archived) expect(listed).not.toContain(c.id);
  // order keys strictly increasing
  for (const col of state.columns) {
    const ranks = state.order[col.id].map((id) => state.cards[id].rank);
    for (let i = 1; i < ranks.length; i++) expect(ranks[i - 1] < ranks[i]).toBe(true);
  }
  // revisions gapless from 1
  revisions.forEach((r, i) => expect(r).toBe(i + 1));
  expect(state.revision).toBe(revisions.length);
}

describe('properties', () => {
  it('random command sequences keep the invariants, and replay gives the same state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 60 }), fc.integer(), (steps, seed) => {
        const { state, events } = makeBoard();
        for (let i = 0; i < steps; i++) {
          const [command] = fc.sample(commandArb(state), { numRuns: 1, seed: seed + i });
          const before = cloneBoard(state);
          const d = decide(state, command, testContext());
          expect(state).toEqual(before); // decide is pure
          if (!d.ok) continue;
          const evs = stamp(state, d.events, command.opId);
          for (const e of evs) evolve(state, e);
          events.push(...evs);
        }
        checkInvariants(
          state,
          events.map((e) => e.revision)
        );
        expect(replay(state.id, events)).toEqual(state);
      }),
      { numRuns: 150 }
    );
  });

  it('order keys stay strictly increasing under many inserts at the same spot', () => {
    const { state } = makeBoard([{ name: 'Only' }]);
    const col = state.columns[0].id;
    const [first] = addCards(state, col, ['first']);
    for (let i = 0; i < 300; i++) run(state, { type: 'createCard', opId: op(), columnId: col, title: `t${i}`, afterCardId: first });
    checkInvariants(
      state,
      Array.from({ length: state.revision }, (_, i) => i + 1)
    );
    expect(titlesOf(state, col)[0]).toBe('first');
    expect(titlesOf(state, col)[1]).toBe('t299');
  });
});

describe('text hygiene', () => {
  it('drops control characters (NUL and friends) from everything people type, keeping newlines in descriptions', () => {
    const { state } = makeBoard();
    const [e] = run(state, {
      type: 'createCard',
      opId: op(),
      title: 'Nul\u0000 in\u0007 title',
      description: 'line one\nline\u0000 two',
      tags: ['t\u0000ag']
    });
    const card = state.cards[(e as { card: { id: string } }).card.id];
    expect(card).toMatchObject({ title: 'Nul in title', description: 'line one\nline two', tags: ['tag'] });
    run(state, { type: 'renameColumn', opId: op(), columnId: state.columns[0].id, name: 'To\u0000do' });
    expect(state.columns[0].name).toBe('Todo');
  });
});
