/**
 * Print layouts: page and card geometry for printable card sets and signs.
 *
 * Geometry is defined in millimetres (what a ruler, a guillotine and a box of index cards
 * speak) and converted to PDF points only at the edge, so a card on paper is the size its
 * layout says to the point. Boxes use a top-left origin with y growing downwards, as pdfkit
 * and `pdftotext -x -y` do.
 *
 * Invariants (checked by test/print):
 * - on sheet layouts the card grid plus its margins fills the page exactly, so the cut lines
 *   between cards are shared (one guillotine cut per line, no gutters);
 * - on one-per-page layouts the page *is* the card, so a card printer or a stack of index
 *   cards gets the exact size.
 */

export const PT_PER_MM = 72 / 25.4;

/** Millimetres to PDF points. */
export const mm = (v: number): number => v * PT_PER_MM;

/** How a card's content is sized on a layout (cards differ too much for one scale). */
export interface CardStyle {
  /** Side of the QR symbol without its quiet zone (at least 20 mm, so phones read it from afar). */
  qrMm: number;
  /** White space kept inside the cut edge. */
  padMm: number;
  titleMaxPt: number;
  titleMinPt: number;
  codePt: number;
  metaPt: number;
}

export interface CardSheetLayout {
  id: LayoutId;
  kind: 'cards';
  label: string;
  page: { wMm: number; hMm: number };
  card: { wMm: number; hMm: number };
  cols: number;
  rows: number;
  /** Top-left corner of the card grid. */
  originMm: { x: number; y: number };
  /** Sheets are cut by hand: marks in the margin show where. One-per-page cards need none. */
  cutMarks: boolean;
  style: CardStyle;
}

export interface SignLayout {
  id: LayoutId;
  kind: 'column-signs' | 'board-sign';
  label: string;
  page: { wMm: number; hMm: number };
  /** Side of the QR symbol: signs are read across a room. */
  qrMm: number;
}

export type Layout = CardSheetLayout | SignLayout;

export const LAYOUT_IDS = ['a4-8', 'letter-6', 'index-3x5', 'a6', 'sticky-76', 'column-signs', 'board-sign'] as const;
export type LayoutId = (typeof LAYOUT_IDS)[number];

const A4 = { wMm: 210, hMm: 297 };
const LETTER = { wMm: 215.9, hMm: 279.4 };
const INCH = 25.4;

/** A sheet of equal cards with equal margins all round. */
function sheet(
  id: LayoutId,
  label: string,
  page: { wMm: number; hMm: number },
  cols: number,
  rows: number,
  marginMm: number,
  style: CardStyle
): CardSheetLayout {
  return {
    id,
    kind: 'cards',
    label,
    page,
    cols,
    rows,
    cutMarks: true,
    style,
    card: { wMm: (page.wMm - 2 * marginMm) / cols, hMm: (page.hMm - 2 * marginMm) / rows },
    originMm: { x: marginMm, y: marginMm }
  };
}

/** One card per page, the page cut to the card. */
function single(id: LayoutId, label: string, wMm: number, hMm: number, style: CardStyle): CardSheetLayout {
  return {
    id,
    kind: 'cards',
    label,
    page: { wMm, hMm },
    card: { wMm, hMm },
    cols: 1,
    rows: 1,
    originMm: { x: 0, y: 0 },
    cutMarks: false,
    style
  };
}

export const LAYOUTS: Record<LayoutId, Layout> = {
  'a4-8': sheet('a4-8', 'A4, 8 cards (95 × 69.25 mm)', A4, 2, 4, 10, {
    qrMm: 24,
    padMm: 4,
    titleMaxPt: 22,
    titleMinPt: 10,
    codePt: 15,
    metaPt: 9
  }),
  'letter-6': sheet('letter-6', 'US Letter, 6 cards (3.75 × 3.33 in)', LETTER, 2, 3, INCH / 2, {
    qrMm: 26,
    padMm: 4.5,
    titleMaxPt: 24,
    titleMinPt: 10,
    codePt: 16,
    metaPt: 9.5
  }),
  'index-3x5': single('index-3x5', 'Index card, 5 × 3 in', 5 * INCH, 3 * INCH, {
    qrMm: 28,
    padMm: 5,
    titleMaxPt: 26,
    titleMinPt: 10,
    codePt: 17,
    metaPt: 10
  }),
  a6: single('a6', 'A6 card (105 × 148 mm)', 105, 148, { qrMm: 32, padMm: 6, titleMaxPt: 34, titleMinPt: 11, codePt: 18, metaPt: 11 }),
  'sticky-76': single('sticky-76', 'Sticky note, 76 × 76 mm', 76, 76, {
    qrMm: 22,
    padMm: 4,
    titleMaxPt: 20,
    titleMinPt: 9,
    codePt: 14,
    metaPt: 8.5
  }),
  'column-signs': {
    id: 'column-signs',
    kind: 'column-signs',
    label: 'Column signs (A4 landscape)',
    page: { wMm: A4.hMm, hMm: A4.wMm },
    qrMm: 120
  },
  'board-sign': { id: 'board-sign', kind: 'board-sign', label: 'Board sign (A4)', page: A4, qrMm: 120 }
};

export function isLayoutId(s: string): s is LayoutId {
  return (LAYOUT_IDS as readonly string[]).includes(s);
}

/** Page size in points, [width, height]. */
export function pageSizePt(id: LayoutId): [number, number] {
  const { page } = LAYOUTS[id];
  return [mm(page.wMm), mm(page.hMm)];
}

/** Items (cards or signs) on one page. */
export function slotsPerPage(id: LayoutId): number {
  const layout = LAYOUTS[id];
  return layout.kind === 'cards' ? layout.cols * layout.rows : 1;
}

export function pageCount(id: LayoutId, items: number): number {
  return Math.ceil(items / slotsPerPage(id));
}

export interface SlotBox {
  /** 0-based page index. */
  page: number;
  /** Points from the page's left edge. */
  x: number;
  /** Points from the page's top edge. */
  y: number;
  w: number;
  h: number;
}

/**
 * Where the `index`-th item of a print job lands: cards fill a sheet row by row, left to
 * right (reading order, so a team can sort a stack by eye); a sign fills its page.
 */
export function slotBox(id: LayoutId, index: number): SlotBox {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`slot index must be a whole number ≥ 0, got ${index}`);
  const layout = LAYOUTS[id];
  if (layout.kind !== 'cards') {
    return { page: index, x: 0, y: 0, w: mm(layout.page.wMm), h: mm(layout.page.hMm) };
  }
  const perPage = layout.cols * layout.rows;
  const i = index % perPage;
  const col = i % layout.cols;
  const row = Math.floor(i / layout.cols);
  return {
    page: Math.floor(index / perPage),
    x: mm(layout.originMm.x + col * layout.card.wMm),
    y: mm(layout.originMm.y + row * layout.card.hMm),
    w: mm(layout.card.wMm),
    h: mm(layout.card.hMm)
  };
}
