/**
 * What the analysis does with codes it must not act on: archived cards, a card seen twice, a
 * card under another board's column sign, strangers' QR codes, a photo without column signs.
 * None of them is placed or moved; each says why.
 */
import { describe, expect, it } from 'vitest';
import { newOpId, type BoardState, type CardId } from '../../src/lib/domain';
import { encodePayload, type PayloadKind } from '../../src/lib/qr/payload';
import { analyseWall } from '../../src/lib/wall/analyse';
import type { Corners } from '../../src/lib/wall/types';
import { makeBoard, run } from '../domain/fixtures';

const URL = 'http://192.168.1.20:3000';
const square = (x: number, y: number, s: number): Corners => [
  { x, y },
  { x: x + s, y },
  { x: x + s, y: y + s },
  { x, y: y + s }
];
const at = (kind: PayloadKind, code: string, x: number, y: number, s = 60) => ({
  text: encodePayload(URL, { kind, code: code as never }),
  corners: square(x, y, s)
});

function board(): { state: BoardState; ids: CardId[] } {
  const { state } = makeBoard([{ name: 'Todo' }, { name: 'Done' }]);
  const ids: CardId[] = [];
  for (let i = 0; i < 5; i++) {
    const [e] = run(state, { type: 'createCard', opId: newOpId(), title: `Card ${i}`, columnId: state.columns[0].id });
    if (e.type === 'cardCreated') ids.push(e.card.id);
  }
  return { state, ids };
}

describe('codes the wall analysis leaves alone', () => {
  it('reports each with its reason and plans nothing for them', () => {
    const { state, ids } = board();
    const [c0, c1, c2, c3, c4] = ids.map((id) => state.cards[id]);
    run(state, { type: 'archiveCard', opId: newOpId(), cardId: c4.id });
    const [todo, done] = state.columns;
    const detections = [
      at('board', state.code, 0, 0, 120),
      at('column', todo.code, 200, 0, 120),
      at('column', done.code, 700, 0, 120),
      at('column', 'ZZZZZZ', 1200, 0, 120), // another board's lane, to the right
      at('card', c0.code, 220, 300),
      at('card', c1.code, 720, 300), // Todo → Done
      at('card', c2.code, 230, 420),
      at('card', c2.code, 730, 420), // the same card hung twice
      at('card', c3.code, 1210, 300), // under the other board's sign
      at('card', c4.code, 240, 540), // archived
      { text: 'https://example.com/menu?table=4', corners: square(500, 700, 60) }
    ];
    const result = analyseWall(state, detections);
    const noteOf = (id: CardId) => result.codes.filter((c) => c.cardId === id).map((c) => [c.status, c.note]);
    expect(noteOf(c2.id)).toEqual([
      ['unplaced', 'Seen twice in the photo'],
      ['unplaced', 'Seen twice in the photo']
    ]);
    expect(noteOf(c3.id)).toEqual([['unplaced', "In another board's lane"]]);
    expect(noteOf(c4.id)).toEqual([['unplaced', 'Archived card: it is not on the board']]);
    expect(result.codes.find((c) => c.kind === 'unknown')).toMatchObject({ status: 'unknown', code: null, note: 'Not a Kanbridge code' });
    expect(result.codes.find((c) => c.code === 'ZZZZZZ')).toMatchObject({ kind: 'column', status: 'foreign' });
    expect(result.codes.find((c) => c.kind === 'board')).toMatchObject({ status: 'agrees' });
    expect(result.plan.map((m) => m.cardId)).toEqual([c1.id]);
    expect(result.cards.map((c) => c.cardId)).toEqual([c0.id, c1.id]);
    // Seen, even if not placed: c2 and c3 are not in "not seen"; nothing else is live and unseen.
    expect(result.notSeen).toEqual([]);
    expect(result.columns.map((c) => c.columnId)).toEqual([todo.id, done.id]);
    expect(result.ownCodes).toBe(9);
  });

  it('without a column sign in the photo, no card is placed', () => {
    const { state, ids } = board();
    const result = analyseWall(
      state,
      ids.slice(0, 3).map((id, i) => at('card', state.cards[id].code, 100, 100 + 150 * i))
    );
    expect(result.cards).toEqual([]);
    expect(result.plan).toEqual([]);
    expect(result.codes.map((c) => c.note)).toEqual(Array(3).fill('No column sign in the photo'));
    expect(result.notSeen).toEqual(ids.slice(3));
  });
});
