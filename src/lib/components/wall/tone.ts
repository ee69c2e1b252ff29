/**
 * How a found code is drawn on the photo and in the lists: its tone (green, orange, red, or
 * grey for a move the user unticked) and the few words beside it. Pure, so the photo, the
 * lists and the tests agree.
 */
import type { CardId } from '$lib/domain';
import type { Corners, FoundCode, MoveResult, Point } from '$lib/wall/types';

export type Tone = 'ok' | 'move' | 'off' | 'bad';

export function toneOf(code: FoundCode, kept: ReadonlySet<CardId>, result: MoveResult | undefined): Tone {
  if (code.status === 'agrees') return 'ok';
  if (code.status === 'moves') {
    if (result?.status === 'applied' || result?.status === 'unchanged') return 'ok';
    if (result?.status === 'refused' || result?.status === 'stale') return 'bad';
    return code.cardId && kept.has(code.cardId) ? 'move' : 'off';
  }
  return 'bad';
}

/** The label beside a code on the photo (none for green ones: the photo stays readable). */
export function labelOf(code: FoundCode, tone: Tone, result: MoveResult | undefined): string | null {
  if (tone === 'ok') return result ? 'Moved' : null;
  if (tone === 'off') return 'Stays';
  if (result?.status === 'stale') return 'Changed since the photo';
  if (result?.status === 'refused') return 'Refused';
  return code.note ?? null;
}

/** A code the scan cannot use for this board (red before anything is applied). */
export function isProblem(c: FoundCode): boolean {
  return c.status === 'unplaced' || c.status === 'foreign' || c.status === 'unknown';
}

export function centre(c: Corners): Point {
  return { x: (c[0].x + c[1].x + c[2].x + c[3].x) / 4, y: (c[0].y + c[1].y + c[2].y + c[3].y) / 4 };
}

export interface LabelSpot {
  /** Centre of the label, across; photo pixels. */
  x: number;
  /** Top of the label; photo pixels. */
  y: number;
}

/**
 * Where each label goes so that none covers another: above its code if there is room, else
 * below it, else higher up. `scale` is screen pixels per photo pixel (labels have a fixed
 * screen size, so they take more of the photo when it is shown small).
 */
export function placeLabels(
  items: readonly { key: string; text: string; corners: Corners }[],
  scale: number,
  font = 11.5
): Map<string, LabelSpot> {
  const h = (font * 1.3 + 6) / scale,
    gap = 5 / scale;
  const width = (text: string) => (Math.min(text.length, 22) * font * 0.56 + 16) / scale;
  const taken: { x0: number; x1: number; y0: number; y1: number }[] = [];
  const out = new Map<string, LabelSpot>();
  const byHeight = [...items].sort((a, b) => top(a.corners) - top(b.corners));
  for (const item of byHeight) {
    const x = centre(item.corners).x,
      w = width(item.text);
    const above = top(item.corners) - gap - h,
      below = bottom(item.corners) + gap;
    const tries = [above, below, above - (h + gap), below + (h + gap), above - 2 * (h + gap)];
    const free = (y: number) => !taken.some((r) => x - w / 2 < r.x1 && x + w / 2 > r.x0 && y < r.y1 && y + h > r.y0);
    const y = tries.find(free) ?? above;
    taken.push({ x0: x - w / 2, x1: x + w / 2, y0: y, y1: y + h });
    out.set(item.key, { x, y });
  }
  return out;
}

const top = (c: Corners) => Math.min(c[0].y, c[1].y, c[2].y, c[3].y);
const bottom = (c: Corners) => Math.max(c[0].y, c[1].y, c[2].y, c[3].y);

export function points(c: Corners): string {
  return c.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/** A key for a code on the photo: its card when it is one, else its place in the list. */
export function codeKey(code: FoundCode, index: number): string {
  return code.cardId ?? `code-${index}`;
}
