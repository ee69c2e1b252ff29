/**
 * PDF renderer for printable card sets, column signs and the board sign.
 *
 * Decisions (each measured on this renderer):
 * - pdfkit, piped straight to the output: pages are written as they are finished and the
 *   renderer waits while the reader is slow, so a 2,000-card job never sits in memory whole.
 * - Fonts: Noto Sans (Latin, Cyrillic, Greek) then Noto Sans SC (Chinese, kana), picked per
 *   code point. The files ship in npm packages (nothing is downloaded at run time) and are
 *   parsed once per process; pdfkit subsets them per document.
 * - QR codes are vector paths (one filled path of module runs per code), so they stay sharp
 *   at any printer resolution. Payloads are upper-case URLs encoded as one alphanumeric
 *   segment at error correction M: the smallest symbol, readable from farthest away.
 * - User text (titles, names, tags) is only ever drawn as glyphs: nothing in it is parsed as
 *   markup, a link or a command.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { finished } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import type QRCode from 'qrcode';
import type { BoardState, Card, Column } from '../../src/lib/domain';
import { localDate } from '../../src/lib/print/date';
import { qrFor, quietZone } from '../../src/lib/print/qr';
import { encodePayload, payloadPath } from '../../src/lib/qr/payload';
import { LAYOUTS, mm, pageSizePt, slotBox, type CardSheetLayout, type LayoutId, type SignLayout, type SlotBox } from './layouts';
import { NothingToPrintError } from './select';

// The renderer's QR helpers, where its tests and benchmarks look for them.
export { qrFor, quietZone };

const require = createRequire(import.meta.url);

/* ------------------------------------------------------------------------------------------ */
/* Fonts                                                                                       */

export type Weight = 'regular' | 'bold';

/** Fallback order per weight: the first font that has a code point's glyph draws it. */
const FONT_FILES: Record<Weight, string[]> = {
  regular: [
    '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
    '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'
  ],
  bold: [
    '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
    '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'
  ]
};

interface Face {
  /** Name the face is registered under in each document. */
  name: string;
  font: fontkit.Font;
}

/** Which face draws a code point, and its advance in em (cached: titles repeat glyphs). */
interface GlyphInfo {
  face: number;
  em: number;
}

interface FontStack {
  faces: Face[];
  glyphs: Map<number, GlyphInfo | null>;
}

let stacks: Record<Weight, FontStack> | null = null;

function loadFace(name: string, file: string): Face {
  const parsed = fontkit.create(readFileSync(require.resolve(file)));
  if ('fonts' in parsed) throw new Error(`${file} is a font collection, expected a single font`);
  return { name, font: parsed };
}

/** Parses the four fonts on first use (about 22 MB of TrueType), then reuses them. */
function fontStacks(): Record<Weight, FontStack> {
  stacks ??= {
    regular: { faces: FONT_FILES.regular.map((f, i) => loadFace(`regular-${i}`, f)), glyphs: new Map() },
    bold: { faces: FONT_FILES.bold.map((f, i) => loadFace(`bold-${i}`, f)), glyphs: new Map() }
  };
  return stacks;
}

// Zero-width joiners, variation selectors and the like: dropped when no font has them,
// rather than drawn as empty boxes.
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/** The face for a code point (null: leave it out), falling back to the first face (a box). */
function glyphInfo(stack: FontStack, cp: number): GlyphInfo | null {
  let info = stack.glyphs.get(cp);
  if (info !== undefined) return info;
  let face = stack.faces.findIndex((f) => f.font.hasGlyphForCodePoint(cp));
  if (face < 0 && IGNORABLE.test(String.fromCodePoint(cp))) {
    info = null;
  } else {
    if (face < 0) face = 0;
    const font = stack.faces[face].font;
    info = { face, em: font.glyphForCodePoint(cp).advanceWidth / font.unitsPerEm };
  }
  stack.glyphs.set(cp, info);
  return info;
}

interface Run {
  face: number;
  text: string;
  em: number;
}

/** Splits text into runs of one face each. */
function runsOf(text: string, weight: Weight): Run[] {
  const stack = fontStacks()[weight];
  const runs: Run[] = [];
  for (const ch of text) {
    const info = glyphInfo(stack, ch.codePointAt(0)!);
    if (!info) continue;
    const last = runs[runs.length - 1];
    if (last && last.face === info.face) {
      last.text += ch;
      last.em += info.em;
    } else {
      runs.push({ face: info.face, text: ch, em: info.em });
    }
  }
  return runs;
}

/**
 * Width of `text` in em, from glyph advances (cached per code point; shaping every candidate
 * line with `font.layout` costs about a second more per 500 cards). Kerning is left out: it
 * changes a line by a hair, mostly narrower, so text measured to fit still fits when drawn.
 */
export function textWidthEm(text: string, weight: Weight): number {
  const stack = fontStacks()[weight];
  let em = 0;
  for (const ch of text) em += glyphInfo(stack, ch.codePointAt(0)!)?.em ?? 0;
  return em;
}

/** Draws text in the font stack on one document, switching fonts only when a run needs it. */
export class Pen {
  private current = '';

  constructor(readonly doc: PDFKit.PDFDocument) {
    const all = fontStacks();
    for (const weight of ['regular', 'bold'] as const) {
      for (const face of all[weight].faces) {
        // pdfkit 0.20 accepts a parsed fontkit font (it checks for `layout`), which saves
        // re-parsing 22 MB per document; @types/pdfkit 0.17 does not know that yet.
        doc.registerFont(face.name, face.font as unknown as PDFKit.Mixins.PDFFontSource);
      }
    }
  }

  /** Width in points. `spacing` is extra space after each character, as pdfkit adds it. */
  width(text: string, weight: Weight, size: number, spacing = 0): number {
    return textWidthEm(text, weight) * size + spacing * [...text].length;
  }

  /** Draws one line with its baseline at `baseline`; returns its width in points. */
  line(text: string, x: number, baseline: number, weight: Weight, size: number, color: string, spacing = 0): number {
    const faces = fontStacks()[weight].faces;
    let cx = x;
    for (const run of runsOf(text, weight)) {
      const name = faces[run.face].name;
      if (name !== this.current) {
        this.doc.font(name);
        this.current = name;
      }
      this.doc.fontSize(size).fillColor(color).text(run.text, cx, baseline, {
        lineBreak: false, baseline: 'alphabetic', characterSpacing: spacing
      });
      cx += run.em * size + spacing * [...run.text].length;
    }
    return cx - x;
  }

  /** Draws one line centred on `cx`. */
  centred(text: string, cx: number, baseline: number, weight: Weight, size: number, color: string, spacing = 0): void {
    // pdfkit adds the spacing after the last character too: leave it out when centring.
    const w = this.width(text, weight, size, spacing) - spacing;
    this.line(text, cx - w / 2, baseline, weight, size, color, spacing);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Fitting text                                                                                */

/** Glyph extent above and below the baseline, and baseline-to-baseline, in em. */
const ASCENT = 0.95;
const DESCENT = 0.27;
const LEADING = 1.22;
const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const LineBreaker = require('linebreak') as new (text: string) => {
  nextBreak(): { position: number; required: boolean } | null;
};

interface Segment {
  text: string;
  /** Width with and without the trailing spaces (which hang past the line's end). */
  em: number;
  trimmedEm: number;
}

/** Pieces of text between Unicode line-break opportunities (UAX #14; CJK breaks per character). */
function segmentsOf(text: string, weight: Weight): Segment[] {
  const out: Segment[] = [];
  const breaker = new LineBreaker(text);
  let last = 0;
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
    const piece = text.slice(last, bk.position);
    last = bk.position;
    if (piece) out.push({ text: piece, em: textWidthEm(piece, weight), trimmedEm: textWidthEm(piece.trimEnd(), weight) });
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
function cutWord(word: string, maxEm: number, weight: Weight): { head: Line; rest: string } {
  const parts = [...graphemes.segment(word)].map((s) => s.segment);
  const hyphenEm = textWidthEm('-', weight);
  let em = 0;
  let i = 0;
  for (; i < parts.length - 1; i++) {
    const next = em + textWidthEm(parts[i], weight);
    const hyphen = WORDISH.test(parts[i]) && WORDISH.test(parts[i + 1]);
    if (i > 0 && next + (hyphen ? hyphenEm : 0) > maxEm) break;
    em = next;
  }
  const headText = parts.slice(0, i).join('');
  const hyphenated = WORDISH.test(parts[i - 1] ?? '') && WORDISH.test(parts[i] ?? '');
  return { head: { text: headText + (hyphenated ? '-' : ''), hyphenated }, rest: parts.slice(i).join('') };
}

/** Greedy wrap; `maxEmAt(i)` is the width available to line i. */
function wrap(segments: Segment[], maxEmAt: (line: number) => number, weight: Weight): Line[] {
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
    while (textWidthEm(rest.trimEnd(), weight) > maxEmAt(lines.length)) {
      const cut = cutWord(rest, maxEmAt(lines.length), weight);
      lines.push(cut.head);
      rest = cut.rest;
    }
    cur = rest;
    curEm = textWidthEm(rest, weight);
  }
  if (cur.trim()) flush();
  return lines;
}

/** Shortens `text` until `text…` fits in `maxEm`; cuts between graphemes. */
function withEllipsis(text: string, maxEm: number, weight: Weight): string {
  const parts = [...graphemes.segment(text)].map((s) => s.segment);
  const ellipsisEm = textWidthEm(ELLIPSIS, weight);
  let em = textWidthEm(text, weight);
  while (parts.length && em + ellipsisEm > maxEm) em -= textWidthEm(parts.pop()!, weight);
  return parts.join('').trimEnd() + ELLIPSIS;
}

/**
 * User text as one plain line: line breaks, tabs and other control characters become single
 * spaces (the domain already collapses whitespace in titles; imported or older data may not).
 */
function plain(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

/** `text` if it fits on one line of `maxWidth` points, else its start and an ellipsis. */
export function fitLine(raw: string, weight: Weight, size: number, maxWidth: number): string {
  const text = plain(raw);
  const maxEm = maxWidth / size;
  return textWidthEm(text, weight) <= maxEm ? text : withEllipsis(text, maxEm, weight);
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
 * at which it fits. Words are never split, except a word wider than a whole line (split with
 * a hyphen). When even `minPt` is too large, the lines that fit are kept and the last one
 * ends with "…".
 */
export function fitText(text: string, opts: FitOptions): FittedText {
  const segments = segmentsOf(plain(text), opts.weight);
  const linesFor = (size: number) => {
    const widthAt = (i: number) =>
      (opts.narrow && i * LEADING * size < opts.narrow.until ? opts.narrow.width : opts.width) / size;
    return { widthAt, lines: wrap(segments, widthAt, opts.weight) };
  };
  const heightOf = (n: number, size: number) => ((n - 1) * LEADING + ASCENT + DESCENT) * size;
  const result = (size: number, lines: string[], ellipsised: boolean): FittedText =>
    ({ size, lines, firstBaseline: ASCENT * size, leading: LEADING * size, ellipsised });

  for (let size = opts.maxPt; size >= opts.minPt; size -= 0.5) {
    const { lines } = linesFor(size);
    if (heightOf(lines.length, size) <= opts.height) return result(size, lines.map((l) => l.text), false);
  }
  const size = opts.minPt;
  const { lines, widthAt } = linesFor(size);
  const keep = Math.max(1, Math.floor((opts.height / size - ASCENT - DESCENT) / LEADING) + 1);
  if (lines.length <= keep) return result(size, lines.map((l) => l.text), false);
  const last = lines[keep - 1];
  const lastText = last.hyphenated ? last.text.slice(0, -1) : last.text;
  const kept = lines.slice(0, keep - 1).map((l) => l.text);
  return result(size, [...kept, withEllipsis(lastText, widthAt(keep - 1), opts.weight)], true);
}

/* ------------------------------------------------------------------------------------------ */
/* QR codes                                                                                    */

/** Draws the symbol (no quiet zone: the caller keeps that area white) as one filled path. */
function drawQr(doc: PDFKit.PDFDocument, qr: QRCode.QRCode, x: number, y: number, side: number): void {
  const n = qr.modules.size;
  const d = qr.modules.data;
  const m = side / n;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!d[row * n + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && d[row * n + col]) col++;
      doc.rect(x + start * m, y + row * m, (col - start) * m, m);
    }
  }
  doc.fillColor(INK).fill();
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing                                                                                     */

const INK = '#111111';
const INK_SOFT = '#3d3d3d';
const INK_FAINT = '#6b6b6b';
const RULE = '#9a9a9a';

interface JobContext {
  pen: Pen;
  board: BoardState;
  publicUrl: string;
  printedAt: Date;
}

/** Cut marks: short lines in the margin continuing each cut line, clear of the cards. */
function drawCutMarks(doc: PDFKit.PDFDocument, layout: CardSheetLayout): void {
  const gap = mm(1.5);
  const len = mm(5);
  const left = mm(layout.originMm.x);
  const top = mm(layout.originMm.y);
  const right = left + mm(layout.card.wMm * layout.cols);
  const bottom = top + mm(layout.card.hMm * layout.rows);
  for (let c = 0; c <= layout.cols; c++) {
    const x = left + mm(layout.card.wMm * c);
    doc.moveTo(x, top - gap - len).lineTo(x, top - gap);
    doc.moveTo(x, bottom + gap).lineTo(x, bottom + gap + len);
  }
  for (let r = 0; r <= layout.rows; r++) {
    const y = top + mm(layout.card.hMm * r);
    doc.moveTo(left - gap - len, y).lineTo(left - gap, y);
    doc.moveTo(right + gap, y).lineTo(right + gap + len, y);
  }
  doc.lineWidth(0.3).strokeColor(INK).stroke();
}

/** A small head-and-shoulders mark before the assignee's name. */
function drawPersonIcon(doc: PDFKit.PDFDocument, x: number, baseline: number, size: number): number {
  const r = size * 0.2;
  const cx = x + size * 0.33;
  doc.circle(cx, baseline - size * 0.62, r).fillColor(INK_FAINT).fill();
  doc.moveTo(cx - size * 0.33, baseline)
    .bezierCurveTo(cx - size * 0.33, baseline - size * 0.42, cx + size * 0.33, baseline - size * 0.42, cx + size * 0.33, baseline)
    .closePath().fillColor(INK_FAINT).fill();
  return size * 0.66;
}

/**
 * One card: code (top left, for typing when a camera is not at hand), title (wrapped round
 * the QR code, as large as fits), then from the bottom up: the revision stamp, tags, and
 * assignee with due date and estimate. Rows without data are left out, giving the title room.
 */
function drawCard(ctx: JobContext, layout: CardSheetLayout, card: Card, box: SlotBox): void {
  const { pen } = ctx;
  const { doc } = pen;
  const st = layout.style;
  const pad = mm(st.padMm);
  const left = box.x + pad;
  const right = box.x + box.w - pad;

  const qr = qrFor(encodePayload(ctx.publicUrl, { kind: 'card', code: card.code }));
  const side = mm(st.qrMm);
  const quiet = quietZone(qr, side);
  const edge = Math.max(pad, quiet);
  const qx = box.x + box.w - edge - side;
  const qy = box.y + edge;
  drawQr(doc, qr, qx, qy, side);
  // Text stays out of the quiet zone; below it, rows get the full width.
  const qrZoneBottom = qy + side + quiet;
  const besideQr = qx - quiet;
  const rightAt = (top: number) => (top < qrZoneBottom ? besideQr : right);

  const codeSize = st.codePt;
  const codeBaseline = box.y + pad + codeSize * 0.74;
  pen.line(card.code, left, codeBaseline, 'bold', codeSize, INK_SOFT, codeSize * 0.08);

  // Bottom-up rows.
  const meta = st.metaPt;
  let bottom = box.y + box.h - pad;

  const stampSize = Math.max(5.5, meta * 0.68);
  const stampBaseline = bottom - stampSize * 0.22;
  const stampTail = ` · rev ${card.revision} · printed ${localDate(ctx.printedAt)}`;
  const stampTop = stampBaseline - stampSize * 0.74;
  const tailWidth = pen.width(stampTail, 'regular', stampSize);
  const boardName = fitLine(ctx.board.name, 'regular', stampSize, Math.max(0, rightAt(stampTop) - left - tailWidth));
  pen.line(boardName + stampTail, left, stampBaseline, 'regular', stampSize, INK_FAINT);
  bottom = stampTop - meta * 0.55;

  if (card.tags.length) {
    const tagSize = meta * 0.86;
    const chipH = tagSize * 1.55;
    const chipTop = bottom - chipH;
    drawTags(pen, card.tags, left, chipTop, rightAt(chipTop) - left, tagSize, chipH);
    bottom = chipTop - meta * 0.45;
  }

  const facts = [card.due ? `Due ${card.due}` : '', card.estimate !== null ? `Est. ${card.estimate}` : '']
    .filter(Boolean).join('  ·  ');
  if (card.assignee || facts) {
    const baseline = bottom - meta * 0.25;
    const rowTop = baseline - meta * 0.8;
    const rowRight = rightAt(rowTop);
    const factsWidth = facts ? pen.width(facts, 'bold', meta) : 0;
    if (facts) pen.line(facts, rowRight - factsWidth, baseline, 'bold', meta, INK);
    if (card.assignee) {
      const icon = drawPersonIcon(doc, left, baseline, meta);
      const room = rowRight - left - icon - meta * 0.35 - (facts ? factsWidth + meta : 0);
      pen.line(fitLine(card.assignee, 'regular', meta, room), left + icon + meta * 0.35, baseline, 'regular', meta, INK);
    }
    bottom = rowTop - meta * 0.5;
  }

  const titleTop = codeBaseline + codeSize * 0.55;
  const fitted = fitText(card.title, {
    weight: 'bold', maxPt: st.titleMaxPt, minPt: st.titleMinPt,
    width: right - left, height: bottom - titleTop,
    narrow: { width: besideQr - left, until: qrZoneBottom - titleTop }
  });
  fitted.lines.forEach((text, i) => {
    pen.line(text, left, titleTop + fitted.firstBaseline + i * fitted.leading, 'bold', fitted.size, INK);
  });
}

/** Tags as outlined chips on one row; those that do not fit are counted ("+3"). */
function drawTags(pen: Pen, tags: string[], x: number, top: number, width: number, size: number, h: number): void {
  const { doc } = pen;
  const padX = size * 0.5;
  const gap = size * 0.4;
  const baseline = top + h / 2 + size * 0.34;
  const moreWidth = (n: number) => pen.width(`+${n}`, 'bold', size);
  let cx = x;
  for (let i = 0; i < tags.length; i++) {
    const remaining = tags.length - i - 1;
    const reserve = remaining ? gap + moreWidth(remaining) : 0;
    const room = x + width - cx - reserve - 2 * padX;
    const label = fitLine(tags[i], 'regular', size, Math.min(room, width * 0.5));
    const labelWidth = pen.width(label, 'regular', size);
    if (room < size * 2 || labelWidth > room) {
      pen.line(`+${tags.length - i}`, cx, baseline, 'bold', size, INK_SOFT);
      return;
    }
    doc.roundedRect(cx, top, labelWidth + 2 * padX, h, h * 0.3).lineWidth(0.6).strokeColor(RULE).stroke();
    pen.line(label, cx + padX, baseline, 'regular', size, INK_SOFT);
    cx += labelWidth + 2 * padX + gap;
  }
}

/**
 * A column sign, A4 landscape: board name, column name as large as fits, WIP limit, code,
 * and a 120 mm QR code on the right that a phone reads from across the room.
 */
function drawColumnSign(ctx: JobContext, layout: SignLayout, column: Column): void {
  const { pen } = ctx;
  const [w, h] = pageSizePt(layout.id);
  const margin = mm(15);
  const qr = qrFor(encodePayload(ctx.publicUrl, { kind: 'column', code: column.code }));
  const side = mm(layout.qrMm);
  const quiet = quietZone(qr, side);
  const qx = w - Math.max(margin, quiet) - side;
  const qy = (h - side) / 2;
  drawQr(pen.doc, qr, qx, qy, side);

  const left = margin;
  const textWidth = qx - quiet - left;
  pen.line(fitLine(ctx.board.name, 'regular', 16, textWidth), left, mm(24), 'regular', 16, INK_FAINT);

  const nameTop = mm(34);
  const nameBottom = mm(128);
  const fitted = fitText(column.name, { weight: 'bold', maxPt: 96, minPt: 30, width: textWidth, height: nameBottom - nameTop });
  fitted.lines.forEach((text, i) => {
    pen.line(text, left, nameTop + fitted.firstBaseline + i * fitted.leading, 'bold', fitted.size, INK);
  });

  const wip = column.wipLimit === null ? 'No WIP limit' : `WIP limit ${column.wipLimit}${column.wipHard ? ' (hard)' : ''}`;
  pen.line(wip, left, mm(146), 'bold', 30, column.wipLimit === null ? INK_FAINT : INK);

  pen.line(column.code, left, mm(176), 'bold', 30, INK_SOFT, 2.5);
  pen.line('Scan to move the selected cards into this column', left, mm(186), 'regular', 13, INK_FAINT);
  pen.line(`Printed ${localDate(ctx.printedAt)} · board rev ${ctx.board.revision}`, left, h - mm(12), 'regular', 8, INK_FAINT);
}

/**
 * The board sign, A4 portrait: board name, a 120 mm QR code that opens the board's scanner
 * (join a stand-up), and the same address typed out for a laptop without a camera.
 */
function drawBoardSign(ctx: JobContext, layout: SignLayout): void {
  const { pen } = ctx;
  const { board } = ctx;
  const [w, h] = pageSizePt(layout.id);
  const margin = mm(18);
  const cx = w / 2;

  const fitted = fitText(board.name, { weight: 'bold', maxPt: 60, minPt: 24, width: w - 2 * margin, height: mm(44) });
  const nameTop = mm(22);
  fitted.lines.forEach((text, i) => {
    const baseline = nameTop + fitted.firstBaseline + i * fitted.leading;
    pen.centred(text, cx, baseline, 'bold', fitted.size, INK);
  });
  pen.centred('Scan to open the board scanner', cx, mm(76), 'regular', 18, INK_SOFT);

  // The symbol sits low enough that its quiet zone clears the line above.
  const qr = qrFor(encodePayload(ctx.publicUrl, { kind: 'board', code: board.code }));
  const side = mm(layout.qrMm);
  const top = mm(82) + quietZone(qr, side);
  drawQr(pen.doc, qr, cx - side / 2, top, side);
  const below = top + side + quietZone(qr, side);

  // The address as a person types it: the origin as configured, then the payload's path.
  const url = ctx.publicUrl.replace(/\/+$/, '') + payloadPath({ kind: 'board', code: board.code });
  // Shrunk rather than cut: half an address cannot be typed.
  const urlSize = Math.max(9, Math.min(20, Math.floor(((w - 2 * margin) / textWidthEm(url, 'bold')) * 2) / 2));
  pen.centred(fitLine(url, 'bold', urlSize, w - 2 * margin), cx, below + mm(6), 'bold', urlSize, INK);
  pen.centred(`Board code ${board.code}`, cx, below + mm(15), 'regular', 14, INK_FAINT);
  pen.centred(`Printed ${localDate(ctx.printedAt)} · rev ${board.revision}`, cx, h - mm(12), 'regular', 8, INK_FAINT);
}

/* ------------------------------------------------------------------------------------------ */
/* Documents                                                                                   */

export interface RenderInput {
  board: BoardState;
  /** Cards in print order (card layouts; ignored by signs). */
  cards: Card[];
  layout: LayoutId;
  /** The origin printed into QR codes (PUBLIC_URL). */
  publicUrl: string;
  printedAt: Date;
  /** Columns to make signs for (`column-signs`); default: every column in board order. */
  columns?: Column[];
}

/**
 * Renders a print job as PDF into `out`, page by page. Resolves when `out` has finished;
 * rejects (and stops rendering) if `out` fails or closes early, e.g. a client that went away.
 * Throws NothingToPrintError before writing anything when there is nothing to draw.
 */
export async function renderPdf(input: RenderInput, out: NodeJS.WritableStream): Promise<{ pages: number }> {
  const layout = LAYOUTS[input.layout];
  const columns = input.columns ?? input.board.columns;
  const count = layout.kind === 'cards' ? input.cards.length : layout.kind === 'column-signs' ? columns.length : 1;
  if (count === 0) {
    throw new NothingToPrintError(layout.kind === 'cards' ? 'Nothing to print: no cards were given' : 'Nothing to print: the board has no columns');
  }

  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    info: { Title: `${input.board.name}: ${layout.label}`, Creator: 'Kanbridge', CreationDate: input.printedAt }
  });
  const ctx: JobContext = { pen: new Pen(doc), board: input.board, publicUrl: input.publicUrl, printedAt: input.printedAt };

  // Settles when `out` has finished; rejects as soon as it fails or closes early.
  const done = finished(out);
  doc.pipe(out);

  const [pw, ph] = pageSizePt(input.layout);
  let pages = 0;
  for (let i = 0; i < count; i++) {
    const box = slotBox(input.layout, i);
    if (box.page === pages) {
      // pdfkit writes a page out when the next one starts. Between pages: wait while a slow
      // reader catches up (rather than buffer the rest of the document), else still give the
      // event loop a turn (a long job must not stall the server's sockets); and stop here if
      // the reader failed or went away.
      await Promise.race([doc.isPaused() ? once(out, 'drain') : setImmediate(), done]);
      doc.addPage({ size: [pw, ph], margin: 0 });
      pages++;
      if (layout.kind === 'cards' && layout.cutMarks) drawCutMarks(doc, layout);
    }
    if (layout.kind === 'cards') drawCard(ctx, layout, input.cards[i], box);
    else if (layout.kind === 'column-signs') drawColumnSign(ctx, layout, columns[i]);
    else drawBoardSign(ctx, layout);
  }
  doc.end();
  await done;
  return { pages };
}
