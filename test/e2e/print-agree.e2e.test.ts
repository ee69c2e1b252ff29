/**
 * The print page's preview paints the same description as the PDF (src/lib/print/describe.ts;
 * test/print/agree.test.ts holds the PDF to it): in real Chromium against the built server,
 * for every layout, each title line (its text and its box), code and QR symbol sits where the
 * description says, within 0.5 mm of the page. Titles wrap where the PDF wraps them: a word
 * that fits on a line is never broken ("Shipp ed").
 * Build first: `npm run build`.
 */
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card, Column } from '../../src/lib/domain';
import {
  describeBoardSign,
  describeCard,
  describeColumnSign,
  textBox,
  type Box,
  type Description,
  type TextLine
} from '../../src/lib/print/describe';
import { LAYOUTS, LAYOUT_IDS, PT_PER_MM, type LayoutId } from '../../src/lib/print/layouts';
import { tableMeasure } from '../../src/lib/print/measure';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';

const TOLERANCE_MM = 0.5;

let server: RunningServer;
let browser: Browser;
let board: BoardJson;
const contexts: BrowserContext[] = [];

const CARDS = [
  { title: 'Shipped' },
  { title: 'Shipped invoices reconciled against the warehouse ledger', assignee: 'Marguerite Okonkwo-Lindqvist', tags: ['billing', 'q4'] },
  { title: 'Internationalisation of the notification preferences dialogue', due: '2026-12-15', estimate: 5 },
  { title: 'Antidisestablishmentarianismus', tags: ['customer-facing'] },
  { title: 'Deploy v2.4 to staging, then run the smoke tests and tell the support team what changed in billing' },
  { title: 'Café menu: crème brûlée', assignee: 'Ana' }
];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ demo: false }), launchBrowser()]);
  const created = await api<BoardJson>(server.url, 'POST', '/api/boards', { name: 'Platform team — customer onboarding' });
  expect(created.status).toBe(201);
  const first = created.body.columns[0].id;
  for (const c of CARDS) {
    const r = await api(server.url, 'POST', `/api/boards/${created.body.id}/cards`, { ...c, columnId: first });
    expect(r.status).toBe(201);
  }
  board = (await api<BoardJson>(server.url, 'GET', `/api/boards/${created.body.id}`)).body;
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.stop();
});

/** An element's box in millimetres from `origin`'s top-left corner, at `mmPerPx`. */
async function boxMm(el: Locator, origin: { x: number; y: number }, mmPerPx: number): Promise<Box> {
  const b = await el.boundingBox();
  if (!b) throw new Error('element is not visible');
  return { x: (b.x - origin.x) * mmPerPx, y: (b.y - origin.y) * mmPerPx, w: b.width * mmPerPx, h: b.height * mmPerPx };
}

/**
 * The box the browser gives a line of text: as the description's, but including the letter
 * spacing after the last character (CSS adds it there; the PDF's extent ends at the glyph).
 */
function lineBox(line: TextLine): Box {
  const b = textBox(line);
  return { ...b, w: b.w + line.spacingPt / PT_PER_MM };
}

/** The lines' texts, without the space each keeps after it (out of the flow, for reading). */
const texts = (all: string[]) => all.map((t) => t.trimEnd());

function expectClose(actual: Box, expected: Box, what: string): void {
  for (const k of ['x', 'y', 'w', 'h'] as const) {
    expect(
      Math.abs(actual[k] - expected[k]),
      `${what}: ${k} is ${actual[k].toFixed(2)} mm, described ${expected[k].toFixed(2)} mm`
    ).toBeLessThanOrEqual(TOLERANCE_MM);
  }
}

describe('print preview', () => {
  it.each(LAYOUT_IDS)('%s: title lines, code and QR symbol where the description puts them, within 0.5 mm', async (id: LayoutId) => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/boards/${board.id}/print?layout=${id}`);
    const layout = LAYOUTS[id];
    const selector =
      layout.kind === 'cards'
        ? '[data-preview-card]'
        : layout.kind === 'column-signs'
          ? '[data-preview-sign="column"]'
          : '[data-preview-sign="board"]';
    await expect.poll(() => page.locator(selector).count()).toBeGreaterThan(0);
    // On screen a preview page is a few hundred pixels wide, a pixel about 0.6 mm of paper, and
    // Chromium rounds a font's ascent and descent to whole pixels. Pages shown 1400 px wide
    // (everything on a page scales with its width) keep that rounding under 0.2 mm, so the
    // comparison below measures the layout, not the screen's pixel grid.
    await page.addStyleTag({ content: 'section.preview figure { width: 1400px !important; max-width: none !important; }' });
    // The PDF's font, served by the app: glyph widths as measured.
    await page.evaluate(() => document.fonts.ready);
    await expect.poll(() => page.evaluate(() => document.fonts.check('700 20px "Kanbridge Print Noto Sans"'))).toBe(true);

    const ctx = { origin: server.url, boardName: board.name, revision: board.revision, printedOn: '2026-01-01' };
    const cardsById = new Map<string, Card>(board.cards.map((c) => [c.id, c as Card]));
    const sheets = page.locator('[data-preview-page]');
    let index = 0;
    for (let s = 0; s < (await sheets.count()); s++) {
      const sheet = sheets.nth(s);
      const sheetBox = (await sheet.boundingBox())!;
      const mmPerPx = layout.page.wMm / sheetBox.width;
      const items = sheet.locator(selector);
      for (let j = 0; j < (await items.count()); j++, index++) {
        const i = index;
        const item = items.nth(j);
        let d: Description;
        let origin = sheetBox;
        if (layout.kind === 'cards') {
          const card = cardsById.get((await item.getAttribute('data-card-id'))!)!;
          d = describeCard(layout, card, ctx, tableMeasure);
          origin = (await item.boundingBox())!;
        } else if (layout.kind === 'column-signs') {
          d = describeColumnSign(layout, board.columns[i] as unknown as Column, ctx, tableMeasure);
        } else {
          d = describeBoardSign(layout, board as unknown as Parameters<typeof describeBoardSign>[1], ctx, tableMeasure);
        }
        const name = `${id} item ${i + 1}`;

        const titles = item.locator('[data-print-text="title"]');
        expect(texts(await titles.allTextContents()), `${name} title lines`).toEqual(d.title.lines.map((l) => l.text));
        for (const [k, line] of d.title.lines.entries()) {
          expectClose(await boxMm(titles.nth(k), origin, mmPerPx), lineBox(line), `${name} title line ${k + 1} (${line.text})`);
        }
        const codeLine: TextLine =
          d.kind === 'card'
            ? d.code
            : d.lines.find((l) => l.text === (d.kind === 'column-sign' ? board.columns[i].code : `Board code ${board.code}`))!;
        const code = item.locator('[data-print-text="code"]');
        expect((await code.textContent())?.trimEnd(), `${name} code`).toBe(codeLine.text);
        expectClose(await boxMm(code, origin, mmPerPx), lineBox(codeLine), `${name} code`);
        expectClose(await boxMm(item.locator('svg.qr'), origin, mmPerPx), d.qr, `${name} QR symbol`);
      }
    }
    expect(index, `${id}: every item previewed`).toBe(
      layout.kind === 'cards' ? CARDS.length : layout.kind === 'column-signs' ? board.columns.length : 1
    );
    if (layout.kind === 'cards') {
      // "Shipped" alone on a card: one line, whole.
      const shipped = board.cards.find((c) => c.title === 'Shipped')!;
      await expect
        .poll(() => page.locator(`[data-card-id="${shipped.id}"] [data-print-text="title"]`).allTextContents().then(texts))
        .toEqual(['Shipped']);
    }
  });
});
