import { describe, expect, it } from 'vitest';
import { initialState, step, type ScanInput, type ScanState } from '../../src/lib/scanner/modes';

const card = (cardId: string, via: 'camera' | 'manual' = 'camera'): ScanInput => ({ type: 'card', cardId, via });
const column = (columnId: string): ScanInput => ({ type: 'column', columnId });

/** Feeds inputs in order; returns the last state and every effect. */
function feed(state: ScanState, inputs: ScanInput[]) {
  const effects = [];
  for (const input of inputs) {
    const r = step(state, input);
    state = r.state;
    effects.push(r.effect);
  }
  return { state, effects };
}

describe('card then column (batch)', () => {
  it('collects cards in scan order and moves them all to the column sign scanned next', () => {
    const { state, effects } = feed(initialState('batch'), [card('a'), card('b', 'manual'), card('c'), column('review')]);
    expect(effects.slice(0, 3).map((e) => e.type)).toEqual(['picked', 'picked', 'picked']);
    expect(effects[3]).toEqual({
      type: 'move',
      columnId: 'review',
      picks: [
        { cardId: 'a', via: 'camera' },
        { cardId: 'b', via: 'manual' },
        { cardId: 'c', via: 'camera' }
      ]
    });
    expect(state.tray).toEqual([]);
  });

  it('keeps a card once however often it is scanned, and says it was already there', () => {
    const { state, effects } = feed(initialState('batch'), [card('a'), card('b'), card('a')]);
    expect(state.tray.map((p) => p.cardId)).toEqual(['a', 'b']);
    expect(effects[2]).toEqual({ type: 'picked', pick: { cardId: 'a', via: 'camera' }, again: true });
  });

  it('asks for a card when a column comes first, and moves nothing', () => {
    const { state, effects } = feed(initialState('batch'), [column('review')]);
    expect(effects).toEqual([{ type: 'needCard', columnId: 'review' }]);
    expect(state).toEqual(initialState('batch'));
  });

  it('drops a card from the tray, or empties it', () => {
    const s = feed(initialState('batch'), [card('a'), card('b'), card('c'), { type: 'drop', cardId: 'b' }]).state;
    expect(s.tray.map((p) => p.cardId)).toEqual(['a', 'c']);
    expect(step(s, { type: 'clear' }).state.tray).toEqual([]);
    expect(step(s, column('done')).effect).toMatchObject({ type: 'move', picks: [{ cardId: 'a' }, { cardId: 'c' }] });
  });
});

describe('card then tap', () => {
  it('holds one card: a new scan replaces it, a column moves it', () => {
    const { state, effects } = feed(initialState('tap'), [card('a'), card('b'), column('done')]);
    expect(effects[1]).toEqual({ type: 'picked', pick: { cardId: 'b', via: 'camera' }, again: false });
    expect(effects[2]).toEqual({ type: 'move', picks: [{ cardId: 'b', via: 'camera' }], columnId: 'done' });
    expect(state.tray).toEqual([]);
  });
});

describe('walk the wall', () => {
  it('moves every card scanned after a column sign into that column, one by one in scan order', () => {
    const { state, effects } = feed(initialState('walk'), [column('doing'), card('a'), card('b'), column('done'), card('c')]);
    expect(effects).toEqual([
      { type: 'walk', columnId: 'doing' },
      { type: 'move', picks: [{ cardId: 'a', via: 'camera' }], columnId: 'doing' },
      { type: 'move', picks: [{ cardId: 'b', via: 'camera' }], columnId: 'doing' },
      { type: 'walk', columnId: 'done' },
      { type: 'move', picks: [{ cardId: 'c', via: 'camera' }], columnId: 'done' }
    ]);
    expect(state.tray).toEqual([]);
    expect(state.walkColumn).toBe('done');
  });

  it('asks for a column sign when a card comes first', () => {
    expect(step(initialState('walk'), card('a')).effect).toEqual({ type: 'needColumn', cardId: 'a' });
  });
});

describe('switching modes', () => {
  const withTray = feed(initialState('batch'), [card('a'), card('b')]).state;

  it('keeps the tray for batch, only its last card for tap, nothing for walk', () => {
    const tap = step(withTray, { type: 'mode', mode: 'tap' }).state;
    expect(tap).toEqual({ mode: 'tap', tray: [{ cardId: 'b', via: 'camera' }], walkColumn: null });
    expect(step(tap, { type: 'mode', mode: 'batch' }).state.tray).toEqual([{ cardId: 'b', via: 'camera' }]);
    expect(step(withTray, { type: 'mode', mode: 'walk' }).state).toEqual({ mode: 'walk', tray: [], walkColumn: null });
  });

  it('forgets the walked column on leaving walk mode', () => {
    const walking = feed(initialState('walk'), [column('doing')]).state;
    expect(step(walking, { type: 'mode', mode: 'batch' }).state.walkColumn).toBeNull();
    expect(step(walking, { type: 'mode', mode: 'walk' }).state).toBe(walking);
  });
});
