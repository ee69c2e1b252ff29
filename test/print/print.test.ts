/**
 * Printable cards and signs, checked the way a wall uses them: the PDF's page and card sizes
 * against millimetres (pdfinfo), every QR code decoded from rasters at 150 and 300 dpi by two
 * independent decoders (zxing-wasm on whole pages, jsQR on each card's cut-out), and every
 * title and code found as text (pdftotext), for all layouts.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { prepareZXingModule, readBarcodes, type ReadResult } from 'zxing-wasm/reader';
import {
  CROCKFORD,
  cardsInOrder,
  decide,
  decideCreateBoard,
  emptyBoard,
  evolve,
  needsReprint,
  type BoardEvent,
  type BoardId,
  type BoardState,
  type CardId,
  type Code,
  type ColumnId,
  type Command,
  type DecideContext,
  type Decision,
  type OpId
} from '../../src/lib/domain';
import { encodePayload, parsePayload, type Payload } from '../../src/lib/qr/payload';
import { LAYOUTS, LAYOUT_IDS, mm, pageCount, slotBox, type LayoutId } from '../../server/print/layouts';
import { Pen, fitLine, fitText, qrFor, renderPdf, textWidthEm } from '../../server/print/render';
import { NothingToPrintError, PrintRequestError, parseLayout, parseSelection, planPrint, selectCards } from '../../server/print/select';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const PUBLIC_URL = 'http://192.168.1.20:3000';
const PRINTED_AT = new Date('2026-11-26T09:30:00');
const DPIS = [150, 300] as const;
/** Rendering and decoding 50 pages share two cores with other test files: allow for that. */
const HEAVY = 180_000;

/* ------------------------------------------------------------------------------------------ */
/* A board built through the domain                                                            */

/** Deterministic ids and install-unique codes (a fixed xorshift stream, plus one all-digit code). */
function testContext(): DecideContext {
  let seed = 0x2545f491;
  let n = 0;
  const used = new Set<string>();
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  return {
    newCardId: () => `c_${String(++n).padStart(4, '0')}` as CardId,
    newColumnId: () => `l_${String(++n).padStart(4, '0')}` as ColumnId,
    newCode: () => {
      // One card's code is all digits: left alone, `qrcode` would encode it in numeric mode.
      let code = used.size === 20 ? '2345678' : '';
      while (!code || used.has(code)) code = Array.from({ length: 7 }, () => CROCKFORD[next() % 32]).join('');
      used.add(code);
      return code as Code;
    }
  };
}

type WithoutOpId<T> = T extends unknown ? Omit<T, 'opId'> : never;

class TestBoard {
  readonly id = 'b_print' as BoardId;
  state: BoardState = emptyBoard(this.id);
  private readonly ctx = testContext();
  private ops = 0;

  apply(decision: Decision): void {
    if (!decision.ok) throw new Error(`rejected: ${decision.rejection.message}`);
    for (const body of decision.events) {
      const event = {
        ...body,
        boardId: this.id,
        revision: this.state.revision + 1,
        at: '2026-11-20T10:00:00.000Z',
        source: 'api',
        actor: { id: 'u_test', name: 'Test' },
        opId: `op_${++this.ops}` as OpId
      } as BoardEvent;
      evolve(this.state, event);
    }
  }

  create(name: string, columns: { name: string; wipLimit?: number; wipHard?: boolean }[]): this {
    this.apply(decideCreateBoard(name, columns, this.ctx));
    return this;
  }

  do(command: WithoutOpId<Command>): void {
    this.apply(decide(this.state, { ...command, opId: `op_${this.ops + 1}` } as Command, this.ctx));
  }

  column(name: string): ColumnId {
    const col = this.state.columns.find((c) => c.name === name);
    if (!col) throw new Error(`no column ${name}`);
    return col.id;
  }
}

const TITLES = [
  'Fix login redirect loop on Safari',
  'Исправить экспорт CSV для длинных названий',
  'Διόρθωση της εξαγωγής αναφορών τριμήνου',
  '修复看板导出时中文标题被截断的问题',
  'カンバンの印刷レイアウトを改善する',
  'Ship the Ελληνικά and Русский help pages',
  '支持 PostgreSQL 存储与多实例部署',
  '<b>Bold?</b> & %s {{title}} javascript:alert(1)',
  'Write onboarding guide for new team members joining in spring',
  'Обновить зависимости и проверить сборку на Node 20',
  'ユーザー設定画面のアクセシビリティを確認する（スクリーンリーダー）',
  'Supercalifragilisticexpialidociousandanevenlongerwordthatfitsnowhere'
];
/** Long titles (within the 200-character limit) that small cards must shrink or cut with "…". */
const LONG_TITLES = [
  'Migrate every remaining report from the legacy reporting service to the new event-sourced pipeline, keeping the old CSV columns so that finance scripts keep working until the end of the quarter',
  'Перенести все оставшиеся отчёты со старого сервиса отчётности на новый конвейер событий, сохранив прежние колонки CSV, чтобы скрипты бухгалтерии работали до конца квартала без изменений',
  'Μεταφορά όλων των υπόλοιπων αναφορών από την παλιά υπηρεσία στη νέα ροή συμβάντων, διατηρώντας τις παλιές στήλες CSV ώστε τα σενάρια του λογιστηρίου να λειτουργούν έως το τέλος του τριμήνου',
  '将所有剩余报表从旧的报表服务迁移到新的事件溯源流水线，同时保留原有的CSV列，确保财务脚本在季度结束前继续正常运行，并为每个报表补充自动化测试和文档说明，以便团队成员能够独立维护和排查问题，避免再次出现数据不一致的情况',
  '残りのすべてのレポートを旧レポートサービスから新しいイベントソーシングのパイプラインへ移行し、経理のスクリプトが四半期末まで動くように従来のCSV列を維持する。各レポートには自動テストとドキュメントを追加する'
];
const ASSIGNEES = ['Alice Martin', 'Алиса Петрова', '王小明', 'Νίκος Παπαδόπουλος', '佐藤 花子', ''];
const TAGS = [[], ['backend'], ['frontend', 'a11y'], ['срочно', '客户'], ['ops', 'infra', 'postgres', 'observability', 'q3']];

/** The print-test board: 50 live cards (one more archived), 10 printed, 2 of those changed since. */
function buildBoard(): { state: BoardState; printed: CardId[]; reprint: CardId[] } {
  const b = new TestBoard().create('Platform team — Sprint 42', [
    { name: 'Backlog' },
    { name: 'To do' },
    { name: 'In progress', wipLimit: 8 },
    { name: 'Review', wipLimit: 3, wipHard: true },
    { name: 'Done' }
  ]);
  b.do({ type: 'addColumn', name: 'レビュー待ち / 待审核' });
  const targets = ['Backlog', 'To do', 'In progress', 'Done', 'Backlog', 'To do'];
  for (let i = 0; i < 51; i++) {
    const title = i % 7 === 6 ? LONG_TITLES[((i / 7) % LONG_TITLES.length) | 0] : TITLES[i % TITLES.length];
    b.do({
      type: 'createCard',
      title: `${title}${i >= TITLES.length && i % 7 !== 6 ? ` ${i}` : ''}`,
      columnId: b.column(i < 3 ? 'Review' : targets[i % targets.length]),
      assignee: ASSIGNEES[i % ASSIGNEES.length],
      tags: TAGS[i % TAGS.length],
      due: i % 3 === 0 ? `2026-12-${String((i % 28) + 1).padStart(2, '0')}` : null,
      estimate: i % 4 === 0 ? (i % 13) + 1 : null,
      override: true
    });
  }
  const ids = cardsInOrder(b.state).map((c) => c.id);
  b.do({ type: 'archiveCard', cardId: ids[5] });
  b.do({ type: 'markPrinted', cardIds: ids.slice(10, 20), layout: 'a4-8' });
  b.do({ type: 'updateCard', cardId: ids[11], changes: { title: 'Renamed after printing' } });
  b.do({ type: 'updateCard', cardId: ids[12], changes: { due: '2027-01-15' } });
  b.do({ type: 'updateCard', cardId: ids[13], changes: { description: 'Not printed: no reprint needed' } });
  b.do({ type: 'moveCard', cardId: ids[30], toColumnId: b.column('Done') });
  return { state: b.state, printed: ids.slice(10, 20), reprint: [ids[11], ids[12]] };
}

/* ------------------------------------------------------------------------------------------ */
/* PDF tools                                                                                   */

const tmp = mkdtempSync(path.join(tmpdir(), 'kanbridge-print-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  // From the package's own wasm file: never fetched from a network.
  const wasmBinary = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  await prepareZXingModule({ overrides: { wasmBinary: new Uint8Array(wasmBinary).buffer }, fireImmediately: true });
}, HEAVY);

async function renderToFile(name: string, input: Parameters<typeof renderPdf>[0]): Promise<{ file: string; pages: number }> {
  const file = path.join(tmp, `${name}.pdf`);
  const { pages } = await renderPdf(input, createWriteStream(file));
  return { file, pages };
}

async function pageSizes(file: string): Promise<[number, number][]> {
  const { stdout } = await run('pdfinfo', ['-f', '1', '-l', '9999', file]);
  return [...stdout.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => [Number(m[1]), Number(m[2])]);
}

async function textIn(file: string, page: number, box: { x: number; y: number; w: number; h: number }): Promise<string> {
  const { stdout } = await run('pdftotext', [
    '-r',
    '72',
    '-x',
    String(Math.floor(box.x)),
    '-y',
    String(Math.floor(box.y)),
    '-W',
    String(Math.ceil(box.w)),
    '-H',
    String(Math.ceil(box.h)),
    '-f',
    String(page + 1),
    '-l',
    String(page + 1),
    file,
    '-'
  ]);
  return stdout;
}

/** pdftotext drops a hyphen when it joins a broken word: compare without spaces and hyphens. */
const squash = (s: string) => s.replace(/[\s-]/g, '');

interface Gray {
  width: number;
  height: number;
  data: Uint8Array;
}

function readPgm(file: string): Gray {
  const buf = readFileSync(file);
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.subarray(0, 64).toString('latin1'));
  if (!m) throw new Error(`${file} is not an 8-bit PGM`);
  return { width: Number(m[1]), height: Number(m[2]), data: buf.subarray(m[0].length) };
}

/** RGBA pixels of a region (both decoders read RGBA). */
function rgba(img: Gray, x0 = 0, y0 = 0, w = img.width, h = img.height): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const row = (y + y0) * img.width + x0;
    for (let x = 0; x < w; x++) {
      const v = img.data[row + x];
      const i = (y * w + x) * 4;
      out[i] = out[i + 1] = out[i + 2] = v;
      out[i + 3] = 255;
    }
  }
  return out;
}

/** Renders all pages to grey PGM files, two pdftoppm processes side by side; paths by page. */
async function rasterise(file: string, pages: number, dpi: number): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmp, `r${dpi}-`));
  const half = Math.ceil(pages / 2);
  const ranges =
    pages > 1
      ? [
          [1, half],
          [half + 1, pages]
        ]
      : [[1, 1]];
  await Promise.all(
    ranges.map(([f, l]) => run('pdftoppm', ['-r', String(dpi), '-gray', '-f', String(f), '-l', String(l), file, path.join(dir, 'p')]))
  );
  // pdftoppm zero-pads page numbers from 10 pages on: sort numerically.
  const files = readdirSync(dir).sort((a, b) => Number(/(\d+)\.pgm$/.exec(a)![1]) - Number(/(\d+)\.pgm$/.exec(b)![1]));
  expect(files).toHaveLength(pages);
  return files.map((f) => path.join(dir, f));
}

async function zxing(img: Gray): Promise<ReadResult[]> {
  const imageData = { data: rgba(img), width: img.width, height: img.height, colorSpace: 'srgb' } as ImageData;
  // Printed pages are upright black on white: skip rotated and inverted passes (4× faster).
  return readBarcodes(imageData, { formats: ['QRCode'], maxNumberOfSymbols: 255, tryHarder: true, tryRotate: false, tryInvert: false });
}

/** A region of a page in pixels, cut out for jsQR (which reads one code per image). */
function crop(img: Gray, box: { x: number; y: number; w: number; h: number }, dpi: number): Gray {
  const s = dpi / 72;
  const x0 = Math.max(0, Math.floor(box.x * s));
  const y0 = Math.max(0, Math.floor(box.y * s));
  const width = Math.min(img.width - x0, Math.ceil(box.w * s));
  const height = Math.min(img.height - y0, Math.ceil(box.h * s));
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(img.data.subarray((y + y0) * img.width + x0, (y + y0) * img.width + x0 + width), y * width);
  return { width, height, data };
}

/**
 * jsQR is plain JavaScript and the slowest step by far (about 250 ms for a 300 dpi A6 page):
 * it runs on two worker threads while the main thread rasterises and runs zxing.
 */
class JsQrPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (text: string | null) => void; reject: (e: Error) => void }>();
  private jobs = 0;

  constructor(size: number) {
    const source = `
      const { parentPort } = require('node:worker_threads');
      const jsQR = require(${JSON.stringify(require.resolve('jsqr'))});
      parentPort.on('message', ({ id, gray, width, height }) => {
        const rgba = new Uint8ClampedArray(width * height * 4);
        for (let i = 0; i < width * height; i++) {
          rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = gray[i];
          rgba[4 * i + 3] = 255;
        }
        const found = jsQR(rgba, width, height, { inversionAttempts: 'dontInvert' });
        parentPort.postMessage({ id, text: found ? found.data : null });
      });`;
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(source, { eval: true });
      worker.on('message', ({ id, text }: { id: number; text: string | null }) => {
        this.pending.get(id)?.resolve(text);
        this.pending.delete(id);
      });
      worker.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      return worker;
    });
  }

  decode(img: Gray): Promise<string | null> {
    const id = ++this.jobs;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[id % this.workers.length].postMessage({ id, gray: img.data, width: img.width, height: img.height }, [
        img.data.buffer as ArrayBuffer
      ]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let jsqrPool: JsQrPool;
beforeAll(() => {
  jsqrPool = new JsQrPool(2);
});
afterAll(() => jsqrPool.close());

function centre(r: ReadResult): { x: number; y: number } {
  const p = r.position;
  return {
    x: (p.topLeft.x + p.topRight.x + p.bottomLeft.x + p.bottomRight.x) / 4,
    y: (p.topLeft.y + p.topRight.y + p.bottomLeft.y + p.bottomRight.y) / 4
  };
}

/**
 * The symbol's side in pixels, from zxing's corners, and whether the 4-module quiet zone
 * round it is white.
 */
function symbolCheck(img: Gray, r: ReadResult): { sidePx: number; quietDark: number } {
  const p = r.position;
  const xs = [p.topLeft.x, p.topRight.x, p.bottomLeft.x, p.bottomRight.x];
  const ys = [p.topLeft.y, p.topRight.y, p.bottomLeft.y, p.bottomRight.y];
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sidePx = (x1 - x0 + (y1 - y0)) / 2;
  const modules = 17 + 4 * Number(r.version);
  const module = sidePx / modules;
  // The ring between 1 and 4 modules outside the symbol (1 module of slack for the corner fit).
  let quietDark = 0;
  const ox0 = Math.floor(x0 - 4 * module),
    ox1 = Math.ceil(x1 + 4 * module);
  const oy0 = Math.floor(y0 - 4 * module),
    oy1 = Math.ceil(y1 + 4 * module);
  for (let y = Math.max(0, oy0); y < Math.min(img.height, oy1); y++) {
    for (let x = Math.max(0, ox0); x < Math.min(img.width, ox1); x++) {
      const inside = x > x0 - module && x < x1 + module && y > y0 - module && y < y1 + module;
      if (!inside && img.data[y * img.width + x] < 128) quietDark++;
    }
  }
  return { sidePx, quietDark };
}

/* ------------------------------------------------------------------------------------------ */
/* Geometry                                                                                    */

/** Millimetres as a ruler reads them, written out independently of layouts.ts. */
const GEOMETRY: Record<
  LayoutId,
  { page: [number, number]; pagePt: [number, number]; card?: [number, number]; origin?: [number, number]; cols?: number; rows?: number }
> = {
  'a4-8': { page: [210, 297], pagePt: [595.276, 841.89], card: [95, 69.25], origin: [10, 10], cols: 2, rows: 4 },
  'letter-6': { page: [215.9, 279.4], pagePt: [612, 792], card: [95.25, 254 / 3], origin: [12.7, 12.7], cols: 2, rows: 3 },
  'index-3x5': { page: [127, 76.2], pagePt: [360, 216], card: [127, 76.2], origin: [0, 0], cols: 1, rows: 1 },
  a6: { page: [105, 148], pagePt: [297.638, 419.528], card: [105, 148], origin: [0, 0], cols: 1, rows: 1 },
  'sticky-76': { page: [76, 76], pagePt: [215.433, 215.433], card: [76, 76], origin: [0, 0], cols: 1, rows: 1 },
  'column-signs': { page: [297, 210], pagePt: [841.89, 595.276] },
  'board-sign': { page: [210, 297], pagePt: [595.276, 841.89] }
};

const CARD_LAYOUTS = LAYOUT_IDS.filter((id) => LAYOUTS[id].kind === 'cards');

describe('layouts', () => {
  it('covers every layout, with the page size in points', () => {
    expect([...LAYOUT_IDS].sort()).toEqual(Object.keys(GEOMETRY).sort());
    expect(CARD_LAYOUTS).toEqual(['a4-8', 'letter-6', 'index-3x5', 'a6', 'sticky-76']);
    for (const id of LAYOUT_IDS) {
      const g = GEOMETRY[id];
      expect(mm(g.page[0])).toBeCloseTo(g.pagePt[0], 2);
      expect(mm(g.page[1])).toBeCloseTo(g.pagePt[1], 2);
    }
  });

  it.each(CARD_LAYOUTS)('%s: each card slot is the layout’s millimetres, in reading order', (id) => {
    const g = GEOMETRY[id];
    const [cw, ch] = g.card!;
    const perPage = g.cols! * g.rows!;
    for (let i = 0; i < 50; i++) {
      const box = slotBox(id, i);
      const col = (i % perPage) % g.cols!;
      const row = Math.floor((i % perPage) / g.cols!);
      expect(box.page).toBe(Math.floor(i / perPage));
      expect(box.x).toBeCloseTo(mm(g.origin![0] + col * cw), 3);
      expect(box.y).toBeCloseTo(mm(g.origin![1] + row * ch), 3);
      expect(box.w).toBeCloseTo(mm(cw), 3);
      expect(box.h).toBeCloseTo(mm(ch), 3);
    }
    // The grid and its margins fill the page exactly: cuts are shared, nothing hangs off.
    expect(g.origin![0] * 2 + g.cols! * cw).toBeCloseTo(g.page[0], 6);
    expect(g.origin![1] * 2 + g.rows! * ch).toBeCloseTo(g.page[1], 6);
    expect(pageCount(id, 50)).toBe(Math.ceil(50 / perPage));
  });

  it('gives card QR codes at least 20 mm', () => {
    for (const id of CARD_LAYOUTS) {
      const layout = LAYOUTS[id];
      if (layout.kind === 'cards') expect(layout.style.qrMm).toBeGreaterThanOrEqual(20);
    }
  });

  it('rejects a slot index that is not a whole number', () => {
    expect(() => slotBox('a4-8', -1)).toThrow(RangeError);
    expect(() => slotBox('a4-8', 1.5)).toThrow(RangeError);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* QR payloads                                                                                 */

describe('QR payloads', () => {
  const board = buildBoard().state;

  it('encodes every card payload as one alphanumeric segment, version ≤ 3, EC level M', () => {
    // Upper case is what lets qrcode pick alphanumeric mode at all; lower case needs bytes.
    const typical = encodePayload(PUBLIC_URL.toLowerCase(), { kind: 'card', code: '7KQ2M9X' as Code });
    expect(typical).toBe('HTTP://192.168.1.20:3000/C/7KQ2M9X');
    expect(QRCode.create(typical).segments.map((s) => s.mode.id)).toEqual(['Alphanumeric']);
    expect(QRCode.create(typical.toLowerCase()).segments.map((s) => s.mode.id)).toContain('Byte');
    for (const card of cardsInOrder(board)) {
      const qr = qrFor(encodePayload(PUBLIC_URL, { kind: 'card', code: card.code }));
      expect(qr.segments.map((s) => s.mode.id)).toEqual(['Alphanumeric']);
      expect(qr.version).toBeLessThanOrEqual(3);
      expect(qr.errorCorrectionLevel.bit).toBe(QRCode.create('X', { errorCorrectionLevel: 'M' }).errorCorrectionLevel.bit);
    }
  });

  it('keeps an all-digit code alphanumeric, where qrcode alone would switch to numeric', () => {
    const digits = cardsInOrder(board).find((c) => /^\d+$/.test(c.code));
    expect(digits).toBeDefined();
    const payload = encodePayload(PUBLIC_URL, { kind: 'card', code: digits!.code });
    expect(QRCode.create(payload).segments.map((s) => s.mode.id)).toContain('Numeric');
    expect(qrFor(payload).segments.map((s) => s.mode.id)).toEqual(['Alphanumeric']);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Card layouts: 50 cards each                                                                 */

describe.each(CARD_LAYOUTS)('%s: 50 mixed-script cards', (id) => {
  const board = buildBoard().state;
  const cards = cardsInOrder(board);
  const layout = LAYOUTS[id];
  let file = '';
  let pages = 0;

  beforeAll(async () => {
    ({ file, pages } = await renderToFile(id, { board, cards, layout: id, publicUrl: PUBLIC_URL, printedAt: PRINTED_AT }));
  }, HEAVY);

  it('uses the layout’s page size on every page (pdfinfo)', async () => {
    expect(cards).toHaveLength(50);
    expect(pages).toBe(pageCount(id, 50));
    const sizes = await pageSizes(file);
    expect(sizes).toHaveLength(pages);
    for (const [w, h] of sizes) {
      expect(w).toBeCloseTo(GEOMETRY[id].pagePt[0], 2);
      expect(h).toBeCloseTo(GEOMETRY[id].pagePt[1], 2);
    }
  });

  it(
    'prints each card’s code and title, or its visible start before “…”, in its slot (pdftotext)',
    async () => {
      const texts = await Promise.all(
        cards.map((_, i) => {
          const box = slotBox(id, i);
          return textIn(file, box.page, box);
        })
      );
      let cut = 0;
      cards.forEach((card, i) => {
        const text = squash(texts[i]);
        expect(text, `slot ${i}`).toContain(card.code);
        const title = squash(card.title);
        if (text.includes(title)) return;
        // Cut to fit: what is visible is the title's start, then the ellipsis.
        cut++;
        const before = text.slice(0, text.indexOf('…'));
        expect(before, `slot ${i}: ${card.title}`).not.toBe(text);
        const start = before.indexOf(title.slice(0, 8));
        expect(start, `slot ${i}: ${card.title}`).toBeGreaterThanOrEqual(0);
        const visible = before.slice(start);
        expect(title.startsWith(visible), `slot ${i}`).toBe(true);
        expect(visible.length).toBeGreaterThanOrEqual(Math.min(30, title.length - 1));
      });
      // Only the long titles may be cut, and titles that fit are all there in full.
      const long = cards.filter((c) => LONG_TITLES.includes(c.title)).length;
      expect(cut).toBeLessThanOrEqual(long);
    },
    HEAVY
  );

  it.each(DPIS)(
    'decodes every card’s QR code exactly once, in its own slot, at %i dpi (zxing and jsQR)',
    async (dpi) => {
      const files = await rasterise(file, pages, dpi);
      const found = new Map<string, number>();
      const jsqrChecks: Promise<void>[] = [];
      const px = dpi / 72;
      for (let page = 0; page < pages; page++) {
        const img = readPgm(files[page]);
        const onPage = cards.map((c, i) => ({ card: c, box: slotBox(id, i) })).filter((s) => s.box.page === page);
        for (const { card, box } of onPage) {
          jsqrChecks.push(
            jsqrPool.decode(crop(img, box, dpi)).then((text) => {
              expect(text, `jsQR, ${card.code} on page ${page + 1}`).not.toBeNull();
              expect(parsePayload(text!)).toEqual<Payload>({ kind: 'card', code: card.code });
            })
          );
        }
        const results = await zxing(img);
        expect(results.length, `page ${page + 1}`).toBe(onPage.length);
        for (const r of results) {
          expect(r.ecLevel).toBe('M');
          const payload = parsePayload(r.text);
          expect(payload?.kind).toBe('card');
          const slot = onPage.find((s) => s.card.code === payload!.code);
          expect(slot, `${r.text} belongs on page ${page + 1}`).toBeDefined();
          const c = centre(r);
          expect(c.x / px).toBeGreaterThan(slot!.box.x);
          expect(c.x / px).toBeLessThan(slot!.box.x + slot!.box.w);
          expect(c.y / px).toBeGreaterThan(slot!.box.y);
          expect(c.y / px).toBeLessThan(slot!.box.y + slot!.box.h);
          const { sidePx, quietDark } = symbolCheck(img, r);
          if (layout.kind === 'cards') expect((sidePx / dpi) * 25.4).toBeCloseTo(layout.style.qrMm, 0);
          expect(quietDark, `quiet zone of ${r.text}`).toBe(0);
          found.set(payload!.code, (found.get(payload!.code) ?? 0) + 1);
        }
      }
      await Promise.all(jsqrChecks);
      expect(jsqrChecks).toHaveLength(50);
      expect(found.size).toBe(50);
      for (const card of cards) expect(found.get(card.code), card.code).toBe(1);
    },
    HEAVY
  );
});

/* ------------------------------------------------------------------------------------------ */
/* Signs                                                                                       */

interface SignDecode {
  zx: ReadResult[];
  js: string | null;
  sideMm: number;
  quietDark: number;
}

async function decodeSignPages(file: string, pages: number, dpi: number): Promise<SignDecode[]> {
  const out: Promise<SignDecode>[] = [];
  for (const f of await rasterise(file, pages, dpi)) {
    const img = readPgm(f);
    const js = jsqrPool.decode(crop(img, { x: 0, y: 0, w: (img.width * 72) / dpi, h: (img.height * 72) / dpi }, dpi));
    const zx = await zxing(img);
    const { sidePx, quietDark } = zx.length ? symbolCheck(img, zx[0]) : { sidePx: 0, quietDark: -1 };
    out.push(js.then((text) => ({ zx, js: text, sideMm: (sidePx / dpi) * 25.4, quietDark })));
  }
  return Promise.all(out);
}

function expectSign(d: SignDecode, expected: Payload): void {
  expect(d.zx).toHaveLength(1);
  expect(d.zx[0].ecLevel).toBe('M');
  expect(parsePayload(d.zx[0].text)).toEqual(expected);
  expect(parsePayload(d.js ?? '')).toEqual(expected);
  expect(d.sideMm).toBeCloseTo(120, 0);
  expect(d.quietDark).toBe(0);
}

describe('column signs', () => {
  const board = buildBoard().state;
  let file = '';
  let pages = 0;

  beforeAll(async () => {
    ({ file, pages } = await renderToFile('column-signs', {
      board,
      cards: [],
      layout: 'column-signs',
      publicUrl: PUBLIC_URL,
      printedAt: PRINTED_AT
    }));
  }, HEAVY);

  it(
    'makes one A4 landscape page per column, with name and WIP limit',
    async () => {
      expect(pages).toBe(board.columns.length);
      for (const [w, h] of await pageSizes(file)) {
        expect(w).toBeCloseTo(841.89, 2);
        expect(h).toBeCloseTo(595.276, 2);
      }
      for (const [i, col] of board.columns.entries()) {
        const text = await textIn(file, i, slotBox('column-signs', i));
        expect(squash(text)).toContain(squash(col.name));
        expect(squash(text)).toContain(col.code);
        expect(text).toContain(col.wipLimit === null ? 'No WIP limit' : `WIP limit ${col.wipLimit}${col.wipHard ? ' (hard)' : ''}`);
      }
    },
    HEAVY
  );

  it.each(DPIS)(
    'each sign decodes to its column at %i dpi (zxing and jsQR)',
    async (dpi) => {
      const decoded = await decodeSignPages(file, pages, dpi);
      decoded.forEach((d, i) => expectSign(d, { kind: 'column', code: board.columns[i].code }));
    },
    HEAVY
  );

  it('prints only the chosen column when asked', async () => {
    const plan = planPrint(board, 'column-signs', `column:${board.columns[2].id}`);
    const { pages: one } = await renderToFile('column-sign-one', { board, ...plan, publicUrl: PUBLIC_URL, printedAt: PRINTED_AT });
    expect(one).toBe(1);
  });
});

describe('board sign', () => {
  const board = buildBoard().state;
  let file = '';

  beforeAll(async () => {
    ({ file } = await renderToFile('board-sign', {
      board,
      cards: [],
      layout: 'board-sign',
      publicUrl: `${PUBLIC_URL}/`,
      printedAt: PRINTED_AT
    }));
  }, HEAVY);

  it(
    'is one A4 page with the board name and the address typed out',
    async () => {
      const sizes = await pageSizes(file);
      expect(sizes).toHaveLength(1);
      expect(sizes[0][0]).toBeCloseTo(595.276, 2);
      expect(sizes[0][1]).toBeCloseTo(841.89, 2);
      const text = await textIn(file, 0, slotBox('board-sign', 0));
      expect(squash(text)).toContain(squash(board.name));
      expect(text).toContain(`${PUBLIC_URL}/B/${board.code}`);
    },
    HEAVY
  );

  it.each(DPIS)(
    'decodes to the board at %i dpi (zxing and jsQR)',
    async (dpi) => {
      const [d] = await decodeSignPages(file, 1, dpi);
      expectSign(d, { kind: 'board', code: board.code });
    },
    HEAVY
  );
});

/* ------------------------------------------------------------------------------------------ */
/* Text                                                                                        */

describe('fonts', () => {
  // Only ink on the page catches blank glyphs (a broken subset still extracts as text).
  it('draws every sample character with ink, in both weights', async () => {
    const sample = [...'AaÅéßœ€…ЖщЁёΩμέγαΣςΆ看板任务體驗カンバンひらがな々（），。'];
    const cell = 36;
    const cols = 12;
    const file = path.join(tmp, 'glyphs.pdf');
    const doc = new PDFDocument({ autoFirstPage: false, margin: 0 });
    const done = new Promise<void>((resolve) => doc.pipe(createWriteStream(file)).on('finish', () => resolve()));
    const pen = new Pen(doc);
    const rows = Math.ceil(sample.length / cols);
    doc.addPage({ size: [cols * cell, rows * cell * 2], margin: 0 });
    (['regular', 'bold'] as const).forEach((weight, w) => {
      sample.forEach((ch, i) => {
        pen.line(ch, (i % cols) * cell + 6, (w * rows + Math.floor(i / cols)) * cell + 28, weight, 24, '#000000');
      });
    });
    doc.end();
    await done;
    await run('pdftoppm', ['-r', '72', '-gray', '-singlefile', file, path.join(tmp, 'glyphs')]);
    const img = readPgm(path.join(tmp, 'glyphs.pgm'));
    const blank: string[] = [];
    for (let w = 0; w < 2; w++) {
      sample.forEach((ch, i) => {
        const x0 = (i % cols) * cell;
        const y0 = (w * rows + Math.floor(i / cols)) * cell;
        let dark = 0;
        for (let y = y0; y < y0 + cell; y++) for (let x = x0; x < x0 + cell; x++) if (img.data[y * img.width + x] < 128) dark++;
        if (dark < 4) blank.push(`${ch} (${w ? 'bold' : 'regular'})`);
      });
    }
    expect(blank).toEqual([]);
  });
});

describe('fitText', () => {
  const widthPt = (s: string, size: number) => textWidthEm(s, 'bold') * size;
  /** Lines back into text: a line ending in a hyphen continues the word, others end one. */
  const rejoin = (lines: string[]) =>
    lines.reduce((text, line) => (text.endsWith('-') ? text.slice(0, -1) + line : text ? `${text} ${line}` : line), '');
  const box = { weight: 'bold' as const, maxPt: 22, minPt: 10, width: 160, height: 110 };

  it('keeps a short title at the largest size, whole', () => {
    const f = fitText('Fix login', box);
    expect(f).toMatchObject({ size: 22, lines: ['Fix login'], ellipsised: false });
  });

  it('shrinks a longer title and breaks it only between words', () => {
    const title = TITLES[8];
    const f = fitText(title, box);
    expect(f.size).toBeLessThan(22);
    expect(f.size).toBeGreaterThanOrEqual(10);
    expect(f.ellipsised).toBe(false);
    expect(f.lines.some((l) => l.endsWith('-'))).toBe(false);
    expect(rejoin(f.lines)).toBe(title);
    for (const line of f.lines) expect(widthPt(line, f.size)).toBeLessThanOrEqual(box.width);
    expect(f.firstBaseline + (f.lines.length - 1) * f.leading).toBeLessThanOrEqual(box.height);
  });

  it('breaks CJK between characters and keeps every character', () => {
    const f = fitText(LONG_TITLES[3].slice(0, 40), box);
    expect(f.lines.join('')).toBe(LONG_TITLES[3].slice(0, 40));
    expect(f.lines.length).toBeGreaterThan(1);
  });

  it('flows round the QR code: top lines use the narrow width', () => {
    const f = fitText(LONG_TITLES[0], { ...box, width: 240, height: 200, narrow: { width: 120, until: 60 } });
    f.lines.forEach((line, i) => {
      const max = i * f.leading < 60 ? 120 : 240;
      expect(widthPt(line, f.size), line).toBeLessThanOrEqual(max);
    });
    expect(f.lines.some((line, i) => i * f.leading >= 60 && widthPt(line, f.size) > 120)).toBe(true);
  });

  it('cuts a title that cannot fit with “…”, at the smallest size, inside the box', () => {
    for (const title of LONG_TITLES) {
      const f = fitText(title, { ...box, height: 60 });
      expect(f.size).toBe(10);
      expect(f.ellipsised).toBe(true);
      const last = f.lines[f.lines.length - 1];
      expect(last.endsWith('…')).toBe(true);
      expect(f.firstBaseline + (f.lines.length - 1) * f.leading).toBeLessThanOrEqual(60);
      for (const line of f.lines) expect(widthPt(line, 10)).toBeLessThanOrEqual(box.width);
      // Everything shown is the title's start, in order.
      expect(squash(title).startsWith(squash(f.lines.join('')).replace(/…$/, ''))).toBe(true);
    }
  });

  it('draws line breaks, tabs and control characters in user text as plain spaces', () => {
    expect(fitText('Line one\nline\ttwo\u0000\u0007 end ', box).lines.join(' ')).toBe('Line one line two end');
    expect(fitLine('Alice\r\nMartin', 'regular', 9, 200)).toBe('Alice Martin');
  });

  it('splits a word wider than the line with a hyphen, and only such a word', () => {
    const title = `${TITLES[11]} is done`;
    const f = fitText(title, { ...box, maxPt: 20, width: 100 });
    expect(f.lines.filter((l) => l.endsWith('-')).length).toBeGreaterThanOrEqual(2);
    expect(rejoin(f.lines)).toBe(title);
    for (const line of f.lines) expect(widthPt(line, f.size)).toBeLessThanOrEqual(100);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Selections                                                                                  */

describe('selections', () => {
  const built = buildBoard();
  const board = built.state;
  const live = cardsInOrder(board);

  it('parses every form', () => {
    expect(parseSelection('all')).toEqual({ kind: 'all' });
    expect(parseSelection(' NEW ')).toEqual({ kind: 'new' });
    expect(parseSelection('reprint')).toEqual({ kind: 'reprint' });
    expect(parseSelection('column:l_0002')).toEqual({ kind: 'column', columnId: 'l_0002' });
    expect(parseSelection('cards:c_1, c_2,c_1,')).toEqual({ kind: 'cards', cardIds: ['c_1', 'c_2'] });
    expect(parseLayout(' A4-8 ')).toBe('a4-8');
  });

  it.each(['', 'everything', 'all:1', 'column:', 'column:<script>', 'cards:c_1,not an id', 'new:x'])(
    'rejects the selection %j with a typed error that lists the forms',
    (text) => {
      const error = catchError(() => parseSelection(text));
      expect(error).toBeInstanceOf(PrintRequestError);
      expect((error as PrintRequestError).code).toBe('INVALID_SELECTION');
      expect((error as Error).message).toMatch(/all, column:<columnId>, cards:<id>,<id>…, new or reprint/);
    }
  );

  it('rejects an unknown layout, naming the layouts there are', () => {
    const error = catchError(() => parseLayout('a3-12'));
    expect(error).toBeInstanceOf(PrintRequestError);
    expect((error as PrintRequestError).code).toBe('UNKNOWN_LAYOUT');
    expect((error as Error).message).toContain('a3-12');
    for (const id of LAYOUT_IDS) expect((error as Error).message).toContain(id);
  });

  it('selects all live cards in board order, without archived ones', () => {
    const all = selectCards(board, { kind: 'all' });
    expect(all.map((c) => c.id)).toEqual(live.map((c) => c.id));
    expect(all.some((c) => c.archived)).toBe(false);
    expect(Object.values(board.cards).filter((c) => c.archived)).toHaveLength(1);
  });

  it('selects one column top to bottom', () => {
    const col = board.columns.find((c) => c.name === 'Done')!;
    const cards = selectCards(board, parseSelection(`column:${col.id}`));
    expect(cards.map((c) => c.id)).toEqual(board.order[col.id]);
    expect(cards.every((c) => c.columnId === col.id)).toBe(true);
  });

  it('selects cards by id in the order given', () => {
    const ids = [live[7].id, live[2].id, live[40].id];
    expect(selectCards(board, parseSelection(`cards:${ids.join(',')}`)).map((c) => c.id)).toEqual(ids);
  });

  it('selects never-printed cards for "new" and changed printed cards for "reprint"', () => {
    const fresh = selectCards(board, { kind: 'new' });
    expect(fresh).toHaveLength(40);
    expect(fresh.some((c) => built.printed.includes(c.id))).toBe(false);
    expect(fresh.every((c) => c.printedRevision === null)).toBe(true);
    const again = selectCards(board, { kind: 'reprint' });
    // Title and due date changed after printing; a description change is not printed, so no reprint.
    expect(again.map((c) => c.id)).toEqual(live.filter((c) => built.reprint.includes(c.id)).map((c) => c.id));
    expect(again.map((c) => c.id).sort()).toEqual([...built.reprint].sort());
    expect(again.every(needsReprint)).toBe(true);
  });

  it('names ids that are not on the board', () => {
    const error = catchError(() => selectCards(board, parseSelection('cards:c_0001x,c_9999')));
    expect(error).toBeInstanceOf(PrintRequestError);
    expect((error as PrintRequestError).code).toBe('NOT_FOUND');
    expect((error as Error).message).toContain('c_9999');
    expect(catchError(() => selectCards(board, parseSelection('column:l_nope')))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('says "nothing to print" when a valid selection is empty', () => {
    const fresh = new TestBoard().create('Empty', [{ name: 'To do' }]).state;
    for (const text of ['all', 'new', 'reprint', `column:${fresh.columns[0].id}`, 'cards:']) {
      const error = catchError(() => selectCards(fresh, parseSelection(text)));
      expect(error, text).toBeInstanceOf(NothingToPrintError);
      expect((error as Error).message).toMatch(/^Nothing to print: /);
    }
  });

  it('plans card jobs and sign jobs, refusing selections that make no sense for signs', () => {
    expect(planPrint(board, 'a6', 'reprint').cards).toHaveLength(2);
    expect(planPrint(board, 'column-signs').columns).toEqual(board.columns);
    expect(planPrint(board, 'board-sign', 'all')).toEqual({ layout: 'board-sign', cards: [], columns: [] });
    expect(catchError(() => planPrint(board, 'column-signs', 'new'))).toMatchObject({ code: 'INVALID_SELECTION' });
    expect(catchError(() => planPrint(board, 'board-sign', `column:${board.columns[0].id}`))).toMatchObject({ code: 'INVALID_SELECTION' });
    expect(catchError(() => planPrint(board, 'poster', 'all'))).toMatchObject({ code: 'UNKNOWN_LAYOUT' });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/* ------------------------------------------------------------------------------------------ */
/* Streaming                                                                                   */

describe('streaming', () => {
  const board = buildBoard().state;
  const cards = cardsInOrder(board);
  const input = { board, cards: [...cards, ...cards, ...cards], layout: 'a4-8' as const, publicUrl: PUBLIC_URL, printedAt: PRINTED_AT };
  // Counting pages started tells how far the renderer got, whatever pdfkit buffers inside.
  const pdfkit = PDFDocument as unknown as { prototype: PDFKit.PDFDocument };
  let addPage: MockInstance<PDFKit.PDFDocument['addPage']>;
  beforeEach(() => {
    addPage = vi.spyOn(pdfkit.prototype, 'addPage');
  });
  afterEach(() => addPage.mockRestore());

  it('waits for a slow reader instead of rendering ahead', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chunks: Buffer[] = [];
    const sink = new Writable({
      highWaterMark: 4096,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        gate.then(() => cb(), cb);
      }
    });
    const rendering = renderPdf(input, sink);
    // Wait until the renderer stops making progress (or has made every page).
    let pagesWhileStalled = -1;
    for (let still = 0; still < 5 && pagesWhileStalled < 19;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      still = addPage.mock.calls.length === pagesWhileStalled ? still + 1 : 0;
      pagesWhileStalled = addPage.mock.calls.length;
    }
    release();
    const { pages } = await rendering;
    expect(pages).toBe(19);
    expect(pagesWhileStalled).toBeGreaterThanOrEqual(1);
    expect(pagesWhileStalled).toBeLessThanOrEqual(3);
    expect(addPage).toHaveBeenCalledTimes(19);
    const pdf = Buffer.concat(chunks);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
  });

  it('stops and rejects when the reader fails', async () => {
    let writes = 0;
    const sink = new Writable({
      write(_chunk, _enc, cb) {
        cb(++writes === 3 ? new Error('client went away') : null);
      }
    });
    await expect(renderPdf(input, sink)).rejects.toThrow('client went away');
    expect(addPage.mock.calls.length).toBeLessThan(5);
  });

  it('stops and rejects when the reader goes away without an error', async () => {
    let writes = 0;
    const sink: Writable = new Writable({
      write(_chunk, _enc, cb) {
        if (++writes === 3) sink.destroy();
        cb();
      }
    });
    await expect(renderPdf(input, sink)).rejects.toThrow(/premature close/i);
    expect(addPage.mock.calls.length).toBeLessThan(5);
  });

  it('refuses an empty job before writing anything', async () => {
    let written = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        cb();
      }
    });
    await expect(renderPdf({ ...input, cards: [] }, sink)).rejects.toBeInstanceOf(NothingToPrintError);
    expect(written).toBe(0);
    expect(addPage).not.toHaveBeenCalled();
  });
});
