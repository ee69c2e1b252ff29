/**
 * PDF renderer for printable card sets, column signs and the board sign.
 *
 * Where everything goes is decided by src/lib/print/describe.ts (shared with the print page's
 * preview); this module measures text with the real fonts and paints descriptions with pdfkit.
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
import {
  INK,
  INK_FAINT,
  RULE,
  describeBoardSign,
  describeCard,
  describeColumnSign,
  fitLine as fitLineWith,
  fitText as fitTextWith,
  type CardDescription,
  type FitOptions,
  type FittedText,
  type Measure,
  type QrBox,
  type SignDescription,
  type TextLine,
  type Weight
} from '../../src/lib/print/describe';
import { qrFor, quietZone } from '../../src/lib/print/qr';
import { LAYOUTS, mm, pageSizePt, slotBox, type CardSheetLayout, type LayoutId, type SlotBox } from './layouts';
import { NothingToPrintError } from './select';

// The renderer's QR helpers, where its tests and benchmarks look for them.
export { qrFor, quietZone };

const require = createRequire(import.meta.url);

/* ------------------------------------------------------------------------------------------ */
/* Fonts                                                                                       */

export type { FitOptions, FittedText, Weight };

/** Fallback order per weight: the first font that has a code point's glyph draws it. */
const FONT_FILES: Record<Weight, string[]> = {
  regular: [
    '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
    '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'
  ],
  bold: ['@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf', '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf']
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
        lineBreak: false,
        baseline: 'alphabetic',
        characterSpacing: spacing
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

/** Text measured with the real fonts, for src/lib/print/describe.ts. */
export const fontMeasure: Measure = { widthEm: textWidthEm };

/** `text` if it fits on one line of `maxWidth` points, else its start and an ellipsis. */
export function fitLine(raw: string, weight: Weight, size: number, maxWidth: number): string {
  return fitLineWith(raw, weight, size, maxWidth, fontMeasure);
}

/** Wraps text into a box at the largest size that fits (see describe.ts), measured with the real fonts. */
export function fitText(text: string, opts: FitOptions): FittedText {
  return fitTextWith(text, opts, fontMeasure);
}

/* ------------------------------------------------------------------------------------------ */
/* QR codes                                                                                    */

/** Draws the symbol (no quiet zone: the caller keeps that area white) as one filled path. */
function drawQr(doc: PDFKit.PDFDocument, qr: QRCode.QRCode, x: number, y: number, side: number): void {
  const n = qr.modules.size;
  const d = qr.modules.data;
  const m = side / n;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n;) {
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
  doc
    .circle(cx, baseline - size * 0.62, r)
    .fillColor(INK_FAINT)
    .fill();
  doc
    .moveTo(cx - size * 0.33, baseline)
    .bezierCurveTo(cx - size * 0.33, baseline - size * 0.42, cx + size * 0.33, baseline - size * 0.42, cx + size * 0.33, baseline)
    .closePath()
    .fillColor(INK_FAINT)
    .fill();
  return size * 0.66;
}

/**
 * One card: code (top left, for typing when a camera is not at hand), title (wrapped round

/** A line of a description, placed `(ox, oy)` points from the page's top-left corner. */
function paintLine(pen: Pen, t: TextLine, ox: number, oy: number): void {
  pen.line(t.text, ox + mm(t.x), oy + mm(t.baseline), t.weight, t.sizePt, t.color, t.spacingPt);
}

function paintQr(doc: PDFKit.PDFDocument, q: QrBox, ox: number, oy: number): void {
  drawQr(doc, qrFor(q.payload), ox + mm(q.x), oy + mm(q.y), mm(q.w));
}

/** Paints a card's description into its slot. */
function paintCard(pen: Pen, d: CardDescription, box: SlotBox): void {
  const { doc } = pen;
  const { x, y } = box;
  paintQr(doc, d.qr, x, y);
  paintLine(pen, d.code, x, y);
  paintLine(pen, d.stamp, x, y);
  for (const chip of d.chips) {
    doc
      .roundedRect(x + mm(chip.x), y + mm(chip.y), mm(chip.w), mm(chip.h), mm(chip.r))
      .lineWidth(0.6)
      .strokeColor(RULE)
      .stroke();
    paintLine(pen, chip.label, x, y);
  }
  if (d.more) paintLine(pen, d.more, x, y);
  if (d.facts) paintLine(pen, d.facts, x, y);
  if (d.person) drawPersonIcon(doc, x + mm(d.person.x), y + mm(d.person.baseline), d.person.sizePt);
  if (d.assignee) paintLine(pen, d.assignee, x, y);
  for (const line of d.title.lines) paintLine(pen, line, x, y);
}

/** Paints a sign's description on its page. */
function paintSign(pen: Pen, d: SignDescription): void {
  paintQr(pen.doc, d.qr, 0, 0);
  for (const line of d.title.lines) paintLine(pen, line, 0, 0);
  for (const line of d.lines) paintLine(pen, line, 0, 0);
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
    throw new NothingToPrintError(
      layout.kind === 'cards' ? 'Nothing to print: no cards were given' : 'Nothing to print: the board has no columns'
    );
  }

  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    info: { Title: `${input.board.name}: ${layout.label}`, Creator: 'Kanbridge', CreationDate: input.printedAt }
  });
  const pen = new Pen(doc);
  const printedOn = localDate(input.printedAt);
  const cardContext = { origin: input.publicUrl, boardName: input.board.name, printedOn };
  const signContext = { ...cardContext, revision: input.board.revision };

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
    if (layout.kind === 'cards') paintCard(pen, describeCard(layout, input.cards[i], cardContext, fontMeasure), box);
    else if (layout.kind === 'column-signs') paintSign(pen, describeColumnSign(layout, columns[i], signContext, fontMeasure));
    else paintSign(pen, describeBoardSign(layout, input.board, signContext, fontMeasure));
  }
  doc.end();
  await done;
  return { pages };
}
