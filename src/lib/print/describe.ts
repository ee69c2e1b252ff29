/**
 * What a printed card, column sign or board sign looks like, described once: every line of
 * text (already wrapped, hyphenated and cut), the QR code, tag chips and marks, placed in
 * millimetres from the item's top-left corner. The PDF renderer (server/print/render.ts)
 * paints a description with pdfkit; the print page's preview paints the same description with
 * absolutely placed elements. Neither decides where anything goes.
 *
 * The module is pure: text is measured by the `Measure` it is given (the renderer's reads the
 * real fonts; the preview's reads a table generated from them, src/lib/print/metrics.ts), so
 * both sides wrap a title at the same places.
 */
import LineBreaker from 'linebreak';
import type { Card, Code, Column } from '../domain';
import { encodePayload, payloadPath } from '../qr/payload';
import { PT_PER_MM, type CardSheetLayout, type SignLayout } from './layouts';
import { qrFor, quietZone } from './qr';

export type Weight = 'regular' | 'bold';

/** Advance width of `text` in em (sum of glyph advances, no kerning). */
export interface Measure {
  widthEm(text: string, weight: Weight): number;
}

export const INK = '#111111';
export const INK_SOFT = '#3d3d3d';
export const INK_FAINT = '#6b6b6b';
export const RULE = '#9a9a9a';

/** Noto Sans's ascender and descender (hhea), in em: the box a line of text occupies. */
export const FONT_ASCENT = 1.069;
export const FONT_DESCENT = 0.293;

const toMm = (pt: number): number => pt / PT_PER_MM;

/** One line of text. Lengths in mm; `sizePt` and `spacingPt` in points, as type is sized. */
export interface TextLine {
  text: string;
  /** Start of the line (left edge of its first glyph's advance). */
  x: number;
  baseline: number;
  /** Advance width, without the spacing after the last character. */
  w: number;
  sizePt: number;
  weight: Weight;
  color: string;
  /** Extra space after each character. */
  spacingPt: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface QrBox extends Box {
  payload: string;
}

export interface Chip extends Box {
  r: number;
  label: TextLine;
}

export interface CardDescription {
  kind: 'card';
  /** The card's size (its cut outline); everything else is relative to its top-left corner. */
  w: number;
  h: number;
  qr: QrBox;
  code: TextLine;
  title: { sizePt: number; lines: TextLine[]; ellipsised: boolean };
  /** The head-and-shoulders mark before the assignee: left edge and baseline. */
  person: { x: number; baseline: number; sizePt: number } | null;
  assignee: TextLine | null;
  facts: TextLine | null;
  chips: Chip[];
  more: TextLine | null;
  stamp: TextLine;
}

export interface SignDescription {
  kind: 'column-sign' | 'board-sign';
  w: number;
  h: number;
  qr: QrBox;
  /** The name (column or board), wrapped and sized to fit. */
  title: { sizePt: number; lines: TextLine[]; ellipsised: boolean };
  /** The other lines, top to bottom. */
  lines: TextLine[];
}

export type Description = CardDescription | SignDescription;

/** The box a line of text occupies (as pdftotext and the browser measure it), in mm. */
export function textBox(t: TextLine): Box {
  const size = toMm(t.sizePt);
  return { x: t.x, y: t.baseline - FONT_ASCENT * size, w: t.w, h: (FONT_ASCENT + FONT_DESCENT) * size };
}

/* ------------------------------------------------------------------------------------------ */
/* Fitting text                                                                                */

/** Glyph extent above and below the baseline, and baseline-to-baseline, in em. */
const ASCENT = 0.95;
const DESCENT = 0.27;
const LEADING = 1.22;
const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

interface Segment {
  text: string;
  /** Width with and without the trailing spaces (which hang past the line's end). */
  em: number;
  trimmedEm: number;
}

/** Pieces of text between Unicode line-break opportunities (UAX #14; CJK breaks per character). */
function segmentsOf(text: string, weight: Weight, m: Measure): Segment[] {
  const out: Segment[] = [];
  const breaker = new LineBreaker(text);
  let last = 0;
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
    const piece = text.slice(last, bk.position);
    last = bk.position;
    if (piece) out.push({ text: piece, em: m.widthEm(piece, weight), trimmedEm: m.widthEm(piece.trimEnd(), weight) });
  }
  return out;
}

interface Line {
  text: string;
  /** The line ends inside a word that was too long for any line (shown with a hyphen). */
  hyphenated: boolean;
}

const WORDISH = /[\p{L}\p{N}]/u;

/**
 * Cuts the longest head off `word` that fits in `maxEm`, with a hyphen when the cut falls
 * between letters or digits. Always takes at least one grapheme.
 */
function cutWord(word: string, maxEm: number, weight: Weight, m: Measure): { head: Line; rest: string } {
  const parts = [...graphemes.segment(word)].map((s) => s.segment);
  const hyphenEm = m.widthEm('-', weight);
  let em = 0;
  let i = 0;
  for (; i < parts.length - 1; i++) {
    const next = em + m.widthEm(parts[i], weight);
    const hyphen = WORDISH.test(parts[i]) && WORDISH.test(parts[i + 1]);
    if (i > 0 && next + (hyphen ? hyphenEm : 0) > maxEm) break;
    em = next;
  }
  const headText = parts.slice(0, i).join('');
  const hyphenated = WORDISH.test(parts[i - 1] ?? '') && WORDISH.test(parts[i] ?? '');
  return { head: { text: headText + (hyphenated ? '-' : ''), hyphenated }, rest: parts.slice(i).join('') };
}

/** Greedy wrap; `maxEmAt(i)` is the width available to line i. */
function wrap(segments: Segment[], maxEmAt: (line: number) => number, weight: Weight, m: Measure): Line[] {
  const lines: Line[] = [];
  let cur = '';
  let curEm = 0;
  const flush = () => {
    lines.push({ text: cur.trimEnd(), hyphenated: false });
    cur = '';
    curEm = 0;
  };
  for (const seg of segments) {
    if (cur && curEm + seg.trimmedEm > maxEmAt(lines.length)) flush();
    if (cur || seg.trimmedEm <= maxEmAt(lines.length)) {
      cur += seg.text;
      curEm += seg.em;
      continue;
    }
    // A word wider than a whole line: the only case where a word is split across lines.
    let rest = seg.text;
    while (m.widthEm(rest.trimEnd(), weight) > maxEmAt(lines.length)) {
      const cut = cutWord(rest, maxEmAt(lines.length), weight, m);
      lines.push(cut.head);
      rest = cut.rest;
    }
    cur = rest;
    curEm = m.widthEm(rest, weight);
  }
  if (cur.trim()) flush();
  return lines;
}

/** Shortens `text` until `text…` fits in `maxEm`; cuts between graphemes. */
function withEllipsis(text: string, maxEm: number, weight: Weight, m: Measure): string {
  const parts = [...graphemes.segment(text)].map((s) => s.segment);
  const ellipsisEm = m.widthEm(ELLIPSIS, weight);
  let em = m.widthEm(text, weight);
  while (parts.length && em + ellipsisEm > maxEm) em -= m.widthEm(parts.pop()!, weight);
  return parts.join('').trimEnd() + ELLIPSIS;
}

/**
 * User text as one plain line: line breaks, tabs and other control characters become single
 * spaces (the domain already collapses whitespace in titles; imported or older data may not).
 */
export function plain(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

/** `text` if it fits on one line of `maxWidth` points, else its start and an ellipsis. */
export function fitLine(raw: string, weight: Weight, size: number, maxWidth: number, m: Measure): string {
  const text = plain(raw);
  const maxEm = maxWidth / size;
  return m.widthEm(text, weight) <= maxEm ? text : withEllipsis(text, maxEm, weight, m);
}

export interface FitOptions {
  weight: Weight;
  maxPt: number;
  minPt: number;
  /** Box in points. */
  width: number;
  height: number;
  /** The top `until` points of the box are only `width` wide (text flows round the QR code). */
  narrow?: { width: number; until: number };
}

export interface FittedText {
  size: number;
  lines: string[];
  /** Distance from the box top to the first baseline, and between baselines, in points. */
  firstBaseline: number;
  leading: number;
  /** Some of the text did not fit and the last line ends with "…". */
  ellipsised: boolean;
}

/**
 * Wraps text into a box at the largest size from `maxPt` down to `minPt` (half-point steps)
 * at which it fits. Words are never split, except a word wider than a whole line at every size
 * that fits (split with a hyphen): a smaller size that keeps every word whole wins over a
 * larger one that splits one. When even `minPt` is too large, the lines that fit are kept and the last one
 * ends with "…".
 */
export function fitText(text: string, opts: FitOptions, m: Measure): FittedText {
  const segments = segmentsOf(plain(text), opts.weight, m);
  const linesFor = (size: number) => {
    const widthAt = (i: number) => (opts.narrow && i * LEADING * size < opts.narrow.until ? opts.narrow.width : opts.width) / size;
    return { widthAt, lines: wrap(segments, widthAt, opts.weight, m) };
  };
  const heightOf = (n: number, size: number) => ((n - 1) * LEADING + ASCENT + DESCENT) * size;
  const result = (size: number, lines: string[], ellipsised: boolean): FittedText => ({
    size,
    lines,
    firstBaseline: ASCENT * size,
    leading: LEADING * size,
    ellipsised
  });

  // The largest size at which no word is split; failing that, the largest at which the text
  // fits with a word split (a word too long for any line at any size).
  let split: FittedText | null = null;
  for (let size = opts.maxPt; size >= opts.minPt; size -= 0.5) {
    const { lines } = linesFor(size);
    if (heightOf(lines.length, size) > opts.height) continue;
    const fitted = result(
      size,
      lines.map((l) => l.text),
      false
    );
    if (!lines.some((l) => l.hyphenated)) return fitted;
    split ??= fitted;
  }
  if (split) return split;
  const size = opts.minPt;
  const { lines, widthAt } = linesFor(size);
  const keep = Math.max(1, Math.floor((opts.height / size - ASCENT - DESCENT) / LEADING) + 1);
  if (lines.length <= keep)
    return result(
      size,
      lines.map((l) => l.text),
      false
    );
  const last = lines[keep - 1];
  const lastText = last.hyphenated ? last.text.slice(0, -1) : last.text;
  const kept = lines.slice(0, keep - 1).map((l) => l.text);
  return result(size, [...kept, withEllipsis(lastText, widthAt(keep - 1), opts.weight, m)], true);
}

/* ------------------------------------------------------------------------------------------ */
/* Describing                                                                                  */

const mmPt = (v: number): number => v * PT_PER_MM;

/** Lines are placed in points below, as type is set, and handed out in millimetres. */
class Setter {
  constructor(readonly m: Measure) {}

  /** Width in points. `spacing` is extra space after each character. */
  width(text: string, weight: Weight, size: number, spacing = 0): number {
    return this.m.widthEm(text, weight) * size + spacing * [...text].length;
  }

  line(text: string, x: number, baseline: number, weight: Weight, size: number, color: string, spacing = 0): TextLine {
    const w = this.width(text, weight, size, spacing) - (text ? spacing : 0);
    return { text, x: toMm(x), baseline: toMm(baseline), w: toMm(w), sizePt: size, weight, color, spacingPt: spacing };
  }

  centred(text: string, cx: number, baseline: number, weight: Weight, size: number, color: string, spacing = 0): TextLine {
    const w = this.width(text, weight, size, spacing) - spacing;
    return this.line(text, cx - w / 2, baseline, weight, size, color, spacing);
  }
}

const qrBox = (payload: string, x: number, y: number, side: number): QrBox => ({
  payload,
  x: toMm(x),
  y: toMm(y),
  w: toMm(side),
  h: toMm(side)
});

export interface CardContext {
  /** The origin printed into QR codes (PUBLIC_URL). */
  origin: string;
  boardName: string;
  /** The day stamped on the card (YYYY-MM-DD). */
  printedOn: string;
}

/**
 * One card: code (top left, for typing when a camera is not at hand), title (wrapped round
 * the QR code, as large as fits), then from the bottom up: the revision stamp, tags, and
 * assignee with due date and estimate. Rows without data are left out, giving the title room.
 */
export function describeCard(layout: CardSheetLayout, card: Card, ctx: CardContext, m: Measure): CardDescription {
  const s = new Setter(m);
  const st = layout.style;
  const boxW = mmPt(layout.card.wMm);
  const boxH = mmPt(layout.card.hMm);
  const pad = mmPt(st.padMm);
  const left = pad;
  const right = boxW - pad;

  const payload = encodePayload(ctx.origin, { kind: 'card', code: card.code });
  const qr = qrFor(payload);
  const side = mmPt(st.qrMm);
  const quiet = quietZone(qr, side);
  const edge = Math.max(pad, quiet);
  const qx = boxW - edge - side;
  const qy = edge;
  // Text stays out of the quiet zone; below it, rows get the full width.
  const qrZoneBottom = qy + side + quiet;
  const besideQr = qx - quiet;
  const rightAt = (top: number) => (top < qrZoneBottom ? besideQr : right);

  const codeSize = st.codePt;
  const codeBaseline = pad + codeSize * 0.74;
  const code = s.line(card.code, left, codeBaseline, 'bold', codeSize, INK_SOFT, codeSize * 0.08);

  // Bottom-up rows.
  const meta = st.metaPt;
  let bottom = boxH - pad;

  const stampSize = Math.max(5.5, meta * 0.68);
  const stampBaseline = bottom - stampSize * 0.22;
  const stampTail = ` · rev ${card.revision} · printed ${ctx.printedOn}`;
  const stampTop = stampBaseline - stampSize * 0.74;
  const tailWidth = s.width(stampTail, 'regular', stampSize);
  const boardName = fitLine(ctx.boardName, 'regular', stampSize, Math.max(0, rightAt(stampTop) - left - tailWidth), m);
  const stamp = s.line(boardName + stampTail, left, stampBaseline, 'regular', stampSize, INK_FAINT);
  bottom = stampTop - meta * 0.55;

  let chips: Chip[] = [];
  let more: TextLine | null = null;
  if (card.tags.length) {
    const tagSize = meta * 0.86;
    const chipH = tagSize * 1.55;
    const chipTop = bottom - chipH;
    ({ chips, more } = describeTags(s, card.tags, left, chipTop, rightAt(chipTop) - left, tagSize, chipH));
    bottom = chipTop - meta * 0.45;
  }

  const factsText = [card.due ? `Due ${card.due}` : '', card.estimate !== null ? `Est. ${card.estimate}` : '']
    .filter(Boolean)
    .join('  ·  ');
  let person: CardDescription['person'] = null;
  let assignee: TextLine | null = null;
  let facts: TextLine | null = null;
  if (card.assignee || factsText) {
    const baseline = bottom - meta * 0.25;
    const rowTop = baseline - meta * 0.8;
    const rowRight = rightAt(rowTop);
    const factsWidth = factsText ? s.width(factsText, 'bold', meta) : 0;
    if (factsText) facts = s.line(factsText, rowRight - factsWidth, baseline, 'bold', meta, INK);
    if (card.assignee) {
      person = { x: toMm(left), baseline: toMm(baseline), sizePt: meta };
      const icon = meta * 0.66;
      const room = rowRight - left - icon - meta * 0.35 - (factsText ? factsWidth + meta : 0);
      assignee = s.line(fitLine(card.assignee, 'regular', meta, room, m), left + icon + meta * 0.35, baseline, 'regular', meta, INK);
    }
    bottom = rowTop - meta * 0.5;
  }

  const titleTop = codeBaseline + codeSize * 0.55;
  const fitted = fitText(
    card.title,
    {
      weight: 'bold',
      maxPt: st.titleMaxPt,
      minPt: st.titleMinPt,
      width: right - left,
      height: bottom - titleTop,
      narrow: { width: besideQr - left, until: qrZoneBottom - titleTop }
    },
    m
  );
  const lines = fitted.lines.map((text, i) =>
    s.line(text, left, titleTop + fitted.firstBaseline + i * fitted.leading, 'bold', fitted.size, INK)
  );

  return {
    kind: 'card',
    w: layout.card.wMm,
    h: layout.card.hMm,
    qr: qrBox(payload, qx, qy, side),
    code,
    title: { sizePt: fitted.size, lines, ellipsised: fitted.ellipsised },
    person,
    assignee,
    facts,
    chips,
    more,
    stamp
  };
}

/** Tags as outlined chips on one row; those that do not fit are counted ("+3"). */
function describeTags(
  s: Setter,
  tags: string[],
  x: number,
  top: number,
  width: number,
  size: number,
  h: number
): { chips: Chip[]; more: TextLine | null } {
  const padX = size * 0.5;
  const gap = size * 0.4;
  const baseline = top + h / 2 + size * 0.34;
  const moreWidth = (n: number) => s.width(`+${n}`, 'bold', size);
  const chips: Chip[] = [];
  let cx = x;
  for (let i = 0; i < tags.length; i++) {
    const remaining = tags.length - i - 1;
    const reserve = remaining ? gap + moreWidth(remaining) : 0;
    const room = x + width - cx - reserve - 2 * padX;
    const label = fitLine(tags[i], 'regular', size, Math.min(room, width * 0.5), s.m);
    const labelWidth = s.width(label, 'regular', size);
    if (room < size * 2 || labelWidth > room) {
      return { chips, more: s.line(`+${tags.length - i}`, cx, baseline, 'bold', size, INK_SOFT) };
    }
    chips.push({
      x: toMm(cx),
      y: toMm(top),
      w: toMm(labelWidth + 2 * padX),
      h: toMm(h),
      r: toMm(h * 0.3),
      label: s.line(label, cx + padX, baseline, 'regular', size, INK_SOFT)
    });
    cx += labelWidth + 2 * padX + gap;
  }
  return { chips, more: null };
}

export interface SignContext {
  origin: string;
  boardName: string;
  /** The board's revision, stamped on the sign. */
  revision: number;
  printedOn: string;
}

/**
 * A column sign, A4 landscape: board name, column name as large as fits, WIP limit, code,
 * and a 120 mm QR code on the right that a phone reads from across the room.
 */
export function describeColumnSign(layout: SignLayout, column: Column, ctx: SignContext, m: Measure): SignDescription {
  const s = new Setter(m);
  const w = mmPt(layout.page.wMm);
  const h = mmPt(layout.page.hMm);
  const margin = mmPt(15);
  const payload = encodePayload(ctx.origin, { kind: 'column', code: column.code });
  const qr = qrFor(payload);
  const side = mmPt(layout.qrMm);
  const quiet = quietZone(qr, side);
  const qx = w - Math.max(margin, quiet) - side;
  const qy = (h - side) / 2;

  const left = margin;
  const textWidth = qx - quiet - left;
  const lines: TextLine[] = [];
  lines.push(s.line(fitLine(ctx.boardName, 'regular', 16, textWidth, m), left, mmPt(24), 'regular', 16, INK_FAINT));

  const nameTop = mmPt(34);
  const nameBottom = mmPt(128);
  const fitted = fitText(column.name, { weight: 'bold', maxPt: 96, minPt: 30, width: textWidth, height: nameBottom - nameTop }, m);
  const title = fitted.lines.map((text, i) =>
    s.line(text, left, nameTop + fitted.firstBaseline + i * fitted.leading, 'bold', fitted.size, INK)
  );

  const wip = column.wipLimit === null ? 'No WIP limit' : `WIP limit ${column.wipLimit}${column.wipHard ? ' (hard)' : ''}`;
  lines.push(s.line(wip, left, mmPt(146), 'bold', 30, column.wipLimit === null ? INK_FAINT : INK));
  lines.push(s.line(column.code, left, mmPt(176), 'bold', 30, INK_SOFT, 2.5));
  lines.push(s.line('Scan to move the selected cards into this column', left, mmPt(186), 'regular', 13, INK_FAINT));
  lines.push(s.line(`Printed ${ctx.printedOn} · board rev ${ctx.revision}`, left, h - mmPt(12), 'regular', 8, INK_FAINT));
  return {
    kind: 'column-sign',
    w: layout.page.wMm,
    h: layout.page.hMm,
    qr: qrBox(payload, qx, qy, side),
    title: { sizePt: fitted.size, lines: title, ellipsised: fitted.ellipsised },
    lines
  };
}

/**
 * The board sign, A4 portrait: board name, a 120 mm QR code that opens the board's scanner
 * (join a stand-up), and the same address typed out for a laptop without a camera.
 */
export function describeBoardSign(layout: SignLayout, board: { name: string; code: Code }, ctx: SignContext, m: Measure): SignDescription {
  const s = new Setter(m);
  const w = mmPt(layout.page.wMm);
  const h = mmPt(layout.page.hMm);
  const margin = mmPt(18);
  const cx = w / 2;

  const fitted = fitText(board.name, { weight: 'bold', maxPt: 60, minPt: 24, width: w - 2 * margin, height: mmPt(44) }, m);
  const nameTop = mmPt(22);
  const title = fitted.lines.map((text, i) =>
    s.centred(text, cx, nameTop + fitted.firstBaseline + i * fitted.leading, 'bold', fitted.size, INK)
  );
  const lines: TextLine[] = [];
  lines.push(s.centred('Scan to open the board scanner', cx, mmPt(76), 'regular', 18, INK_SOFT));

  // The symbol sits low enough that its quiet zone clears the line above.
  const payload = encodePayload(ctx.origin, { kind: 'board', code: board.code });
  const qr = qrFor(payload);
  const side = mmPt(layout.qrMm);
  const top = mmPt(82) + quietZone(qr, side);
  const below = top + side + quietZone(qr, side);

  // The address as a person types it: the origin as configured, then the payload's path.
  const url = ctx.origin.replace(/\/+$/, '') + payloadPath({ kind: 'board', code: board.code });
  // Shrunk rather than cut: half an address cannot be typed.
  const urlSize = Math.max(9, Math.min(20, Math.floor(((w - 2 * margin) / m.widthEm(url, 'bold')) * 2) / 2));
  lines.push(s.centred(fitLine(url, 'bold', urlSize, w - 2 * margin, m), cx, below + mmPt(6), 'bold', urlSize, INK));
  lines.push(s.centred(`Board code ${board.code}`, cx, below + mmPt(15), 'regular', 14, INK_FAINT));
  lines.push(s.centred(`Printed ${ctx.printedOn} · rev ${ctx.revision}`, cx, h - mmPt(12), 'regular', 8, INK_FAINT));
  return {
    kind: 'board-sign',
    w: layout.page.wMm,
    h: layout.page.hMm,
    qr: qrBox(payload, cx - side / 2, top, side),
    title: { sizePt: fitted.size, lines: title, ellipsised: fitted.ellipsised },
    lines
  };
}
