/**
 * One description of each printed card and sign (src/lib/print/describe.ts), painted by the
 * PDF renderer and by the print page's preview. Here the PDF half: for every layout, where the
 * PDF actually draws each title line, code and QR symbol (text read back with
 * `pdftotext -bbox-layout`, QR modules caught from pdfkit's rect calls) agrees with the
 * description within 0.5 mm; and the preview's font table measures as the real fonts do, so
 * the preview's description is the PDF's.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BoardState, Card, CardId, Code, Column, ColumnId, BoardId } from '../../src/lib/domain';
import { localDate } from '../../src/lib/print/date';
import {
  describeBoardSign,
  describeCard,
  describeColumnSign,
  textBox,
  type Box,
  type Description,
  type TextLine
} from '../../src/lib/print/describe';
import { LAYOUTS, LAYOUT_IDS, PT_PER_MM, slotBox, type LayoutId } from '../../src/lib/print/layouts';
import { tableMeasure } from '../../src/lib/print/measure';
import { fontMeasure, renderPdf, textWidthEm } from '../../server/print/render';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const PUBLIC_URL = 'http://192.168.1.20:3000';
const PRINTED_AT = new Date('2026-11-26T09:30:00');
const TOLERANCE_MM = 0.5;

const dir = mkdtempSync(path.join(tmpdir(), 'kanbridge-agree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TITLES = [
  'Shipped',
  'Shipped invoices reconciled against the warehouse ledger before the quarterly close',
  'Fix login',
  'Internationalisation of the notification preferences dialogue',
  'Antidisestablishmentarianismus',
  'Deploy v2.4 to staging, then run the smoke tests and tell the support team what changed in the billing flow and the exports',
  'Café menu: crème brûlée',
  'Write release notes'
];

function card(i: number, title: string): Card {
  return {
    id: `c_${i}` as CardId,
    code: `K${String(i).padStart(2, '0')}QR7X` as Code,
    title,
    description: '',
    assignee: i % 2 ? 'Marguerite Okonkwo-Lindqvist' : '',
    tags: i % 3 ? ['billing', 'q4', 'customer-facing'] : [],
    due: i % 4 === 1 ? '2026-12-15' : null,
    estimate: i % 3 === 0 ? 5 : null,
    columnId: 'l_1' as ColumnId,
    rank: `a${i}`,
    archived: false,
    createdAt: '2026-11-20T10:00:00.000Z',
    revision: 3 + i,
    printedFieldsRevision: 3,
    printedRevision: null,
    printedAt: null
  };
}

const CARDS = TITLES.map((t, i) => card(i + 1, t));
const COLUMNS: Column[] = [
  { id: 'l_1' as ColumnId, name: 'Backlog', code: 'COL1BKL' as Code, wipLimit: null, wipHard: false },
  { id: 'l_2' as ColumnId, name: 'Waiting for customer confirmation', code: 'COL2WFC' as Code, wipLimit: 4, wipHard: true },
  { id: 'l_3' as ColumnId, name: 'Shipped', code: 'COL3SHP' as Code, wipLimit: 12, wipHard: false }
];
const BOARD: BoardState = {
  id: 'b_agree' as BoardId,
  code: 'BRD7AGR' as Code,
  name: 'Platform team — customer onboarding',
  revision: 42,
  createdAt: '',
  updatedAt: '',
  columns: COLUMNS,
  cards: Object.fromEntries(CARDS.map((c) => [c.id, c])),
  order: {}
};

/** Each item's description and where the item's top-left corner sits on which page (mm). */
function describeJob(id: LayoutId, measure = fontMeasure): { page: number; x: number; y: number; d: Description }[] {
  const layout = LAYOUTS[id];
  const printedOn = localDate(PRINTED_AT);
  const ctx = { origin: PUBLIC_URL, boardName: BOARD.name, printedOn, revision: BOARD.revision };
  const at = (i: number) => {
    const b = slotBox(id, i);
    return { page: b.page, x: b.x / PT_PER_MM, y: b.y / PT_PER_MM };
  };
  if (layout.kind === 'cards') return CARDS.map((c, i) => ({ ...at(i), d: describeCard(layout, c, ctx, measure) }));
  if (layout.kind === 'column-signs') return COLUMNS.map((c, i) => ({ ...at(i), d: describeColumnSign(layout, c, ctx, measure) }));
  return [{ ...at(0), d: describeBoardSign(layout, BOARD, ctx, measure) }];
}

interface Word extends Box {
  text: string;
}

/** Words of each page in mm, from `pdftotext -bbox-layout`. */
async function wordsOf(file: string): Promise<Word[][]> {
  const html = path.join(dir, `${path.basename(file)}.html`);
  await run('pdftotext', ['-bbox-layout', file, html]);
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  return readFileSync(html, 'utf8')
    .split('<page ')
    .slice(1)
    .map((page) =>
      [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => {
        const [x0, y0, x1, y1] = m.slice(1, 5).map((v) => Number(v) / PT_PER_MM);
        return { x: x0, y: y0, w: x1 - x0, h: y1 - y0, text: unescape(m[5]) };
      })
    );
}

/** The PDF's words that make up `line` (same row, within its extent) and the box round them. */
function drawnLine(words: Word[], line: TextLine, ox: number, oy: number): { text: string; box: Box } {
  const want = textBox(line);
  const top = oy + want.y;
  const left = ox + want.x;
  const mine = words.filter(
    (w) => Math.abs(w.y + w.h / 2 - (top + want.h / 2)) < want.h / 4 && w.x > left - 1 && w.x + w.w < left + want.w + 1
  );
  if (!mine.length) return { text: '', box: { x: NaN, y: NaN, w: NaN, h: NaN } };
  const x0 = Math.min(...mine.map((w) => w.x));
  const y0 = Math.min(...mine.map((w) => w.y));
  const x1 = Math.max(...mine.map((w) => w.x + w.w));
  const y1 = Math.max(...mine.map((w) => w.y + w.h));
  return { text: mine.map((w) => w.text).join(' '), box: { x: x0 - ox, y: y0 - oy, w: x1 - x0, h: y1 - y0 } };
}

function expectClose(actual: Box, expected: Box, what: string): void {
  for (const k of ['x', 'y', 'w', 'h'] as const) {
    expect(
      Math.abs(actual[k] - expected[k]),
      `${what}: ${k} is ${actual[k].toFixed(2)} mm, described ${expected[k].toFixed(2)} mm`
    ).toBeLessThanOrEqual(TOLERANCE_MM);
  }
}

describe('the PDF draws what the description says', () => {
  it.each(LAYOUT_IDS)('%s: every title line, code and QR symbol within 0.5 mm', async (id) => {
    const rects: { page: number; x: number; y: number; w: number; h: number }[] = [];
    let pages = -1;
    const realAddPage = PDFDocument.prototype.addPage;
    const realRect = PDFDocument.prototype.rect;
    const addSpy = vi.spyOn(PDFDocument.prototype, 'addPage').mockImplementation(function (this: PDFKit.PDFDocument, ...args) {
      pages++;
      return realAddPage.apply(this, args);
    });
    const rectSpy = vi.spyOn(PDFDocument.prototype, 'rect').mockImplementation(function (this: PDFKit.PDFDocument, ...args: unknown[]) {
      const [x, y, w, h] = args as [number, number, number, number];
      rects.push({ page: pages, x: x / PT_PER_MM, y: y / PT_PER_MM, w: w / PT_PER_MM, h: h / PT_PER_MM });
      return realRect.call(this, x, y, w, h);
    });
    const file = path.join(dir, `${id}.pdf`);
    try {
      await renderPdf({ board: BOARD, cards: CARDS, layout: id, publicUrl: PUBLIC_URL, printedAt: PRINTED_AT }, createWriteStream(file));
    } finally {
      addSpy.mockRestore();
      rectSpy.mockRestore();
    }
    const words = await wordsOf(file);
    const job = describeJob(id);
    for (const [i, { page, x, y, d }] of job.entries()) {
      const name = `${id} item ${i + 1}`;
      // Titles: the text the PDF holds on each line, where the description puts it.
      expect(d.title.lines.length, `${name} has a title`).toBeGreaterThan(0);
      for (const [n, line] of d.title.lines.entries()) {
        const drawn = drawnLine(words[page], line, x, y);
        expect(drawn.text, `${name} title line ${n + 1}`).toBe(line.text);
        expectClose(drawn.box, textBox(line), `${name} title line ${n + 1} (${line.text})`);
      }
      const code = d.kind === 'card' ? d.code : d.lines.find((l) => l.text.includes(id === 'board-sign' ? 'BRD7AGR' : COLUMNS[i].code))!;
      const drawnCode = drawnLine(words[page], code, x, y);
      expect(drawnCode.text, `${name} code`).toBe(code.text);
      expectClose(drawnCode.box, textBox(code), `${name} code`);
      // The QR symbol: the extent of its dark modules (its finder patterns mark three corners).
      const mine = rects.filter((r) => r.page === page && r.x >= x && r.y >= y && r.x < x + d.w && r.y < y + d.h);
      const qx0 = Math.min(...mine.map((r) => r.x));
      const qy0 = Math.min(...mine.map((r) => r.y));
      const qr = {
        x: qx0 - x,
        y: qy0 - y,
        w: Math.max(...mine.map((r) => r.x + r.w)) - qx0,
        h: Math.max(...mine.map((r) => r.y + r.h)) - qy0
      };
      expectClose(qr, d.qr, `${name} QR symbol`);
    }
    // Everything the job holds was checked: one description per item, on the PDF's pages.
    expect(new Set(job.map((j) => j.page)).size).toBe(words.length);
  });

  it('wraps a title at spaces, never inside a word that fits on a line ("Shipped", not "Shipp ed")', () => {
    for (const id of LAYOUT_IDS) {
      const layout = LAYOUTS[id];
      if (layout.kind !== 'cards') continue;
      const ctx = { origin: PUBLIC_URL, boardName: BOARD.name, printedOn: '2026-11-26' };
      const d = describeCard(layout, card(1, 'Shipped Shipped Shipped Shipped Shipped Shipped'), ctx, fontMeasure);
      expect(d.title.lines.join(' ').length).toBeGreaterThan(0);
      for (const line of d.title.lines)
        expect(
          line.text.split(' ').every((w) => w === 'Shipped'),
          `${id}: ${line.text}`
        ).toBe(true);
    }
  });
});

describe('the preview measures text as the PDF does', () => {
  it('the font table gives every Noto Sans advance the renderer reads from the font files', () => {
    const sample = 'Shipped invoices — Café crème brûlée, Ærøskøbing, Łódź, Ελληνικά, Кириллица, 0123456789 +-/·…';
    for (const weight of ['regular', 'bold'] as const) {
      for (const ch of sample) expect(tableMeasure.widthEm(ch, weight), `${weight} ${ch}`).toBeCloseTo(textWidthEm(ch, weight), 6);
    }
  });

  it('the font table holds every character of both Noto Sans files, at the advance the font gives it', () => {
    for (const [weight, file] of [
      ['regular', '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'],
      ['bold', '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf']
    ] as const) {
      const font = fontkit.create(readFileSync(require.resolve(file))) as fontkit.Font;
      for (const cp of font.characterSet) {
        const ch = String.fromCodePoint(cp);
        expect(tableMeasure.widthEm(ch, weight), `${weight} U+${cp.toString(16)}`).toBe(
          font.glyphForCodePoint(cp).advanceWidth / font.unitsPerEm
        );
      }
    }
  });

  it.each(LAYOUT_IDS)('%s: the description from the font table is the PDF’s', (id) => {
    expect(describeJob(id, tableMeasure)).toEqual(describeJob(id, fontMeasure));
  });
});

describe('titles', () => {
  it('shrinks a title rather than split a word that fits on a full line ("reworde-d" on A6)', () => {
    const layout = LAYOUTS.a6;
    if (layout.kind !== 'cards') throw new Error('a6 is a card layout');
    const ctx = { origin: PUBLIC_URL, boardName: BOARD.name, printedOn: '2026-11-26' };
    const d = describeCard(layout, card(3, 'Task 3, reworded'), ctx, fontMeasure);
    expect(d.title.lines.map((l) => l.text).join(' ')).toBe('Task 3, reworded');
    expect(d.title.sizePt).toBeLessThan(layout.style.titleMaxPt);
  });
});
