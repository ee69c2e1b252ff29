/** How the review page colours and labels the codes on the photo. */
import { describe, expect, it } from 'vitest';
import type { CardId, Code } from '../../src/lib/domain';
import { labelOf, placeLabels, toneOf } from '../../src/lib/components/wall/tone';
import type { Corners, FoundCode } from '../../src/lib/wall/types';

const square = (x: number, y: number, s = 60): Corners => [
  { x, y },
  { x: x + s, y },
  { x: x + s, y: y + s },
  { x, y: y + s }
];
const card = (status: FoundCode['status'], note?: string): FoundCode => ({
  kind: 'card',
  code: 'ABC123' as Code,
  text: 'HTTP://X/C/ABC123',
  corners: square(0, 0),
  status,
  cardId: 'c_1' as CardId,
  note
});

describe('tones', () => {
  it('green agrees, orange for a kept move, grey when unticked, red for problems and refusals; applied turns green', () => {
    const kept = new Set(['c_1' as CardId]);
    expect(toneOf(card('agrees'), kept, undefined)).toBe('ok');
    expect(toneOf(card('moves'), kept, undefined)).toBe('move');
    expect(toneOf(card('moves'), new Set(), undefined)).toBe('off');
    expect(toneOf(card('unplaced'), kept, undefined)).toBe('bad');
    expect(toneOf(card('moves'), kept, { cardId: 'c_1' as CardId, status: 'applied' })).toBe('ok');
    expect(toneOf(card('moves'), kept, { cardId: 'c_1' as CardId, status: 'stale', code: 'STALE', message: 'x' })).toBe('bad');
    expect(labelOf(card('moves', 'Ready → Doing'), 'move', undefined)).toBe('Ready → Doing');
    expect(labelOf(card('agrees'), 'ok', undefined)).toBeNull();
    expect(labelOf(card('moves'), 'bad', { cardId: 'c_1' as CardId, status: 'refused', code: 'WIP_LIMIT', message: 'x' })).toBe('Refused');
  });
});

describe('label placement', () => {
  it('labels of codes close together do not cover each other', () => {
    // Three codes side by side, closer than a label is wide, and one just below the first.
    const items = [square(100, 300), square(150, 305), square(200, 298), square(100, 340)].map((corners, i) => ({
      key: `k${i}`,
      text: 'Review → Doing',
      corners
    }));
    const spots = placeLabels(items, 1);
    const boxes = items.map((it) => {
      const s = spots.get(it.key)!;
      const w = Math.min(it.text.length, 22) * 11.5 * 0.56 + 16;
      return { x0: s.x - w / 2, x1: s.x + w / 2, y0: s.y, y1: s.y + 11.5 * 1.3 + 6 };
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i],
          b = boxes[j];
        expect(a.x0 < b.x1 && a.x1 > b.x0 && a.y0 < b.y1 && a.y1 > b.y0, `labels ${i} and ${j} overlap`).toBe(false);
      }
    }
    // A lone label sits just above its code.
    const lone = placeLabels([{ key: 'a', text: 'Moved', corners: square(500, 500) }], 1).get('a')!;
    expect(lone.y).toBeLessThan(500);
    expect(lone.y).toBeGreaterThan(470);
  });
});
