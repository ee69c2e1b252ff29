/**
 * The print API over real HTTP, in process: every layout as a PDF (pdfinfo for pages and page
 * size, pdftotext for what is on them), JSON errors instead of half PDFs, the record of what
 * was printed (the "new" and reprint queues, recorded by a POST after the download), and where
 * the QR origin comes from. test/api/print-record.test.ts has the POST's own checks.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { newOpId, type BoardEvent, type BoardId, type CardId } from '../../src/lib/domain';
import { LAYOUT_IDS, pageCount, pageSizePt, type LayoutId } from '../../src/lib/print/layouts';
import type { BoardJson } from '../../src/lib/protocol';
import { contentDisposition, markPrinted } from '../../server/gateway/routes/print';
import { startTestApp, type TestApp } from '../helpers/app';
import { api } from '../helpers/server';

const run = promisify(execFile);
type Err = { error: { code: string; message: string } };

let t: TestApp;
let tmp: string;
let files = 0;

beforeAll(async () => {
  t = await startTestApp();
  tmp = mkdtempSync(path.join(tmpdir(), 'kanbridge-print-api-'));
});
afterAll(async () => {
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET with full control of the headers (fetch does not allow setting Host). */
function get(base: string, p: string, host?: string, headers: http.OutgoingHttpHeaders = {}): Promise<Reply> {
  const url = new URL(p, base);
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, headers: host === undefined ? headers : { ...headers, host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      }
    );
    req.on('error', reject);
  });
}

const json = <T>(r: Reply): T => JSON.parse(r.body.toString('utf8')) as T;

function pdfFile(r: Reply): string {
  expect(r.status, r.body.subarray(0, 300).toString()).toBe(200);
  expect(r.headers['content-type']).toBe('application/pdf');
  expect(r.body.subarray(0, 5).toString()).toBe('%PDF-');
  const file = path.join(tmp, `${++files}.pdf`);
  writeFileSync(file, r.body);
  return file;
}

async function pdfInfo(r: Reply): Promise<{ pages: number; size: [number, number] }> {
  const { stdout } = await run('pdfinfo', [pdfFile(r)]);
  const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(stdout);
  return { pages: Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1]), size: [Number(size?.[1]), Number(size?.[2])] };
}

/** The text of each page, with runs of white space as one space (titles wrap). */
async function pdfPages(r: Reply): Promise<string[]> {
  const { stdout } = await run('pdftotext', [pdfFile(r), '-']);
  return stdout
    .split('\f')
    .slice(0, -1)
    .map((page) => page.replace(/\s+/g, ' ').trim());
}

const pdfText = async (r: Reply): Promise<string> => (await pdfPages(r)).join(' ');

interface Board {
  id: string;
  json: BoardJson;
  /** Column ids by name. */
  col: Record<string, string>;
  /** Card ids by title. */
  card: Record<string, string>;
}

/** A board with columns To do, Doing, Done and the given cards (column → titles). */
async function makeBoard(
  cards: Record<string, string[]>,
  name = `Print ${Math.random().toString(36).slice(2, 7)}`,
  base = t.url
): Promise<Board> {
  const created = await api<BoardJson>(base, 'POST', '/api/boards', {
    name,
    columns: [{ name: 'To do' }, { name: 'Doing' }, { name: 'Done' }]
  });
  expect(created.status).toBe(201);
  const col = Object.fromEntries(created.body.columns.map((c) => [c.name, c.id]));
  const card: Record<string, string> = {};
  for (const [column, titles] of Object.entries(cards)) {
    for (const title of titles) {
      const r = await api<{ card: { id: string } }>(base, 'POST', `/api/boards/${created.body.id}/cards`, { title, columnId: col[column] });
      expect(r.status).toBe(201);
      card[title] = r.body.card.id;
    }
  }
  return { id: created.body.id, json: created.body, col, card };
}

const printPath = (b: Board, query: string) => `/api/boards/${b.id}/print.pdf?${query}`;
const print = (b: Board, query: string, base = t.url) => get(base, printPath(b, query));

/** Downloads the PDF, then records its cards as printed as the print page does (a same-site POST). */
async function printAndRecord(b: Board, query: string): Promise<Reply> {
  const pdf = await print(b, query);
  pdfFile(pdf);
  const q = new URLSearchParams(query);
  const body = JSON.stringify({
    layout: q.get('layout'),
    select: q.get('select') ?? 'all',
    revision: Number(pdf.headers['x-board-revision'])
  });
  const res = await fetch(`${t.url}/api/boards/${b.id}/printed`, {
    method: 'POST',
    headers: { origin: t.url, 'content-type': 'application/json' },
    body
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return pdf;
}

async function events(b: Board, since = 0): Promise<BoardEvent[]> {
  return (await api<{ events: BoardEvent[] }>(t.url, 'GET', `/api/boards/${b.id}/events?since=${since}`)).body.events;
}

async function command(b: Board, body: Record<string, unknown>): Promise<void> {
  const r = await api(t.url, 'POST', `/api/boards/${b.id}/commands`, { opId: newOpId(), ...body });
  expect(r.status).toBe(200);
}

async function expectError(r: Reply, status: number, code: string): Promise<void> {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  const body = json<Err>(r);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(r.body.includes('%PDF')).toBe(false);
}

/** Titles of the cards on the board that `select` would print now, read from the PDF. */
async function titlesIn(b: Board, select: string): Promise<string[]> {
  const text = await pdfText(await print(b, `layout=a4-8&select=${select}&preview=1`));
  return Object.keys(b.card).filter((title) => text.includes(title));
}

describe('GET /api/boards/:boardId/print.pdf', () => {
  it('returns every layout as a PDF with the layout’s page size and page count, named after the board', async () => {
    const titles = Array.from({ length: 10 }, (_, i) => `Card number ${i + 1}`);
    const b = await makeBoard({ 'To do': titles.slice(0, 4), Doing: titles.slice(4, 9), Done: titles.slice(9) }, 'Team Wall');
    const items: Record<LayoutId, number> = {
      'a4-8': 10,
      'letter-6': 10,
      'index-3x5': 10,
      a6: 10,
      'sticky-76': 10,
      'column-signs': 3,
      'board-sign': 1
    };
    for (const layout of LAYOUT_IDS) {
      const r = await print(b, `layout=${layout}&select=all`);
      expect(r.headers['content-disposition']).toBe(`attachment; filename="team-wall-${layout}.pdf"`);
      // Streamed as it renders: no length is known up front.
      expect(r.headers['content-length']).toBeUndefined();
      const info = await pdfInfo(r);
      expect([layout, info.pages]).toEqual([layout, pageCount(layout, items[layout])]);
      const [w, h] = pageSizePt(layout);
      expect(info.size[0]).toBeCloseTo(w, 1);
      expect(info.size[1]).toBeCloseTo(h, 1);
    }
    // Sheets hold 8 and 6 cards: the 10 cards really are on 2 pages each, and all of them.
    const text = await pdfText(await print(b, 'layout=letter-6&select=all&preview=1'));
    for (const title of titles) expect(text).toContain(title);
  });

  it('prints what the selection names: a column, chosen cards in the order given', async () => {
    const b = await makeBoard({ 'To do': ['Alpha task', 'Beta task'], Doing: ['Gamma task'], Done: ['Delta task'] });
    expect(await titlesIn(b, `column:${b.col['To do']}`)).toEqual(['Alpha task', 'Beta task']);
    const chosen = await print(b, `layout=sticky-76&select=cards:${b.card['Delta task']},${b.card['Alpha task']}&preview=1`);
    const pages = await pdfPages(chosen);
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain('Delta task');
    expect(pages[1]).toContain('Alpha task');
    const signs = await pdfText(await print(b, `layout=column-signs&select=column:${b.col.Doing}`));
    expect(signs).toContain('Doing');
    expect(signs).not.toContain('To do');
  });

  it('reduces the file name to safe characters and keeps the board’s own letters in filename*', async () => {
    expect(contentDisposition('attachment', 'Q3 / Ops "Wall" — Überblick', 'a4-8')).toBe(
      `attachment; filename="q3-ops-wall-uberblick-a4-8.pdf"; filename*=UTF-8''q3-ops-wall-%C3%BCberblick-a4-8.pdf`
    );
    expect(contentDisposition('inline', '看板', 'a6')).toBe(`inline; filename="board-a6.pdf"; filename*=UTF-8''%E7%9C%8B%E6%9D%BF-a6.pdf`);
    expect(contentDisposition('attachment', '../../etc/passwd\r\nX: y', 'sticky-76')).toBe(
      'attachment; filename="etc-passwd-x-y-sticky-76.pdf"'
    );
    expect(contentDisposition('attachment', '!!!', 'board-sign')).toBe('attachment; filename="board-board-sign.pdf"');
    const long = contentDisposition('attachment', 'x'.repeat(300), 'a4-8');
    expect(long).toBe(`attachment; filename="${'x'.repeat(60)}-a4-8.pdf"`);

    const b = await makeBoard({ 'To do': ['One'] }, 'Straße <Ops>');
    const r = await print(b, 'layout=a4-8&preview=1');
    expect(r.headers['content-disposition']).toBe(`inline; filename="strasse-ops-a4-8.pdf"; filename*=UTF-8''stra%C3%9Fe-ops-a4-8.pdf`);
  });

  it('answers an unknown layout, a bad selection or flag with a 400 JSON error and records nothing', async () => {
    const b = await makeBoard({ 'To do': ['One', 'Two'] });
    const before = (await events(b)).length;
    const cases: [string, number, string][] = [
      ['', 400, 'UNKNOWN_LAYOUT'],
      ['layout=a5', 400, 'UNKNOWN_LAYOUT'],
      ['layout=%3Cscript%3E', 400, 'UNKNOWN_LAYOUT'],
      ['layout=a4-8&select=everything', 400, 'INVALID_SELECTION'],
      ['layout=a4-8&select=column:', 400, 'INVALID_SELECTION'],
      ['layout=a4-8&select=cards:%3Cb%3E', 400, 'INVALID_SELECTION'],
      ['layout=a4-8&select=new:3', 400, 'INVALID_SELECTION'],
      ['layout=board-sign&select=new', 400, 'INVALID_SELECTION'],
      ['layout=column-signs&select=reprint', 400, 'INVALID_SELECTION'],
      ['layout=a4-8&select=cards:c_nothere', 400, 'NOT_FOUND'],
      ['layout=a4-8&select=column:l_nothere', 400, 'NOT_FOUND'],
      ['layout=a4-8&preview=yes', 400, 'INVALID']
    ];
    for (const [query, status, code] of cases) {
      const r = await print(b, query);
      expect([query, r.status]).toEqual([query, status]);
      await expectError(r, status, code);
    }
    expect(json<Err>(await print(b, 'layout=a5')).error.message).toContain(
      'a4-8, letter-6, index-3x5, a6, sticky-76, column-signs, board-sign'
    );
    await expectError(await get(t.url, '/api/boards/b_nothere/print.pdf?layout=a4-8'), 404, 'NOT_FOUND');
    expect(await events(b)).toHaveLength(before);
  });

  it('says plainly when a selection holds nothing, instead of sending an empty PDF', async () => {
    const empty = await makeBoard({});
    await expectError(await print(empty, 'layout=a4-8&select=all'), 422, 'NOTHING_TO_PRINT');
    await expectError(await print(empty, `layout=a6&select=column:${empty.col.Doing}`), 422, 'NOTHING_TO_PRINT');
    expect(json<Err>(await print(empty, 'layout=a4-8')).error.message).toBe('Nothing to print: the board has no cards');
    // The board sign and column signs need no cards.
    expect((await pdfInfo(await print(empty, 'layout=board-sign'))).pages).toBe(1);

    const b = await makeBoard({ 'To do': ['Only card'] });
    await expectError(await print(b, 'layout=a4-8&select=reprint'), 422, 'NOTHING_TO_PRINT');
    expect(json<Err>(await print(b, 'layout=a4-8&select=reprint')).error.message).toContain('no printed card has changed');
    await printAndRecord(b, 'layout=a4-8&select=new');
    await expectError(await print(b, 'layout=a4-8&select=new'), 422, 'NOTHING_TO_PRINT');
    expect(json<Err>(await print(b, 'layout=a4-8&select=new')).error.message).toContain('every card has been printed already');
  });

  it('records printed cards as one cardsPrinted event from source print, which empties the "new" queue', async () => {
    const b = await makeBoard({ 'To do': ['First', 'Second'], Doing: ['Third'] });
    expect(await titlesIn(b, 'new')).toEqual(['First', 'Second', 'Third']);
    const revision = (await api<BoardJson>(t.url, 'GET', `/api/boards/${b.id}`)).body.revision;
    // The download alone records nothing.
    pdfFile(await print(b, `layout=index-3x5&select=column:${b.col['To do']}`));
    expect(await events(b, revision)).toEqual([]);
    expect(await titlesIn(b, 'new')).toEqual(['First', 'Second', 'Third']);
    await printAndRecord(b, `layout=index-3x5&select=column:${b.col['To do']}`);

    const printed = await events(b, revision);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatchObject({
      type: 'cardsPrinted',
      cardIds: [b.card.First, b.card.Second],
      layout: 'index-3x5',
      source: 'print',
      actor: { id: 'api' },
      revision: revision + 1
    });
    const cards = (await api<BoardJson>(t.url, 'GET', `/api/boards/${b.id}`)).body.cards;
    const first = cards.find((c) => c.id === b.card.First)!;
    expect(first).toMatchObject({ printedRevision: revision + 1, printedAt: printed[0].at });
    expect(cards.find((c) => c.id === b.card.Third)?.printedRevision).toBeNull();
    expect(await titlesIn(b, 'new')).toEqual(['Third']);
  });

  it('queues a printed card when a printed field changes; printing the queue empties it', async () => {
    const b = await makeBoard({ 'To do': ['Wash the car', 'Buy milk', 'Call Ann'] });
    await printAndRecord(b, 'layout=a4-8&select=all');
    await expectError(await print(b, 'layout=a4-8&select=reprint'), 422, 'NOTHING_TO_PRINT');

    await command(b, { type: 'updateCard', cardId: b.card['Buy milk'], changes: { title: 'Buy oat milk' } });
    await command(b, { type: 'updateCard', cardId: b.card['Call Ann'], changes: { tags: ['phone'] } });
    const text = await pdfText(await print(b, 'layout=a4-8&select=reprint&preview=1'));
    expect(text).toContain('Buy oat milk');
    expect(text).toContain('Call Ann');
    expect(text).not.toContain('Wash the car');

    const queued = await printAndRecord(b, 'layout=a4-8&select=reprint');
    expect((await pdfInfo(queued)).pages).toBe(1);
    const last = (await events(b)).at(-1);
    expect(last).toMatchObject({ type: 'cardsPrinted', source: 'print', cardIds: [b.card['Buy milk'], b.card['Call Ann']] });
    await expectError(await print(b, 'layout=a4-8&select=reprint'), 422, 'NOTHING_TO_PRINT');
  });

  it('does not queue a card that only moved, or whose unprinted description changed', async () => {
    const b = await makeBoard({ 'To do': ['Mover', 'Writer'] });
    await printAndRecord(b, 'layout=a6&select=all');
    await command(b, { type: 'moveCard', cardId: b.card.Mover, toColumnId: b.col.Done });
    await command(b, { type: 'updateCard', cardId: b.card.Writer, changes: { description: 'Notes that stay on the screen' } });
    await expectError(await print(b, 'layout=a4-8&select=reprint'), 422, 'NOTHING_TO_PRINT');
    // The same queue catches a printed field, so the 422 above is not a broken queue.
    await command(b, { type: 'updateCard', cardId: b.card.Mover, changes: { assignee: 'Priya' } });
    expect(await titlesIn(b, 'reprint')).toEqual(['Mover']);
  });

  it('records nothing for a download, wherever it was started from, a preview or signs', async () => {
    const b = await makeBoard({ 'To do': ['One'], Doing: ['Two'] });
    const before = (await events(b)).length;
    const path = printPath(b, 'layout=a4-8');
    for (const site of ['cross-site', 'same-site', 'same-origin']) {
      const download = await get(t.url, path, undefined, { 'sec-fetch-site': site });
      expect(download.headers['content-disposition']).toMatch(/^attachment; filename=".+-a4-8\.pdf"$/);
      expect(download.headers['x-board-revision']).toBe(String(b.json.revision + 2));
      pdfFile(download);
    }
    const preview = await print(b, 'layout=a4-8&select=all&preview=1');
    expect(preview.headers['content-disposition']).toMatch(/^inline; filename=".+-a4-8\.pdf"$/);
    expect((await pdfInfo(preview)).pages).toBe(1);
    expect((await pdfInfo(await print(b, 'layout=column-signs'))).pages).toBe(3);
    expect((await pdfInfo(await print(b, 'layout=board-sign'))).pages).toBe(1);
    expect(await events(b)).toHaveLength(before);
    expect(await titlesIn(b, 'new')).toEqual(['One', 'Two']);
  });

  it('prints QR codes for the request’s own address, from a strictly checked Host header', async () => {
    const b = await makeBoard({ 'To do': ['One'] });
    const code = b.json.code;
    const sign = async (host: string) => pdfText(await get(t.url, printPath(b, 'layout=board-sign'), host));
    expect(await sign('kanban.example:8080')).toContain(`http://kanban.example:8080/B/${code}`);
    expect(await sign('Wall.Example.ORG')).toContain(`http://wall.example.org/B/${code}`);
    expect(await sign('192.168.1.20:3000')).toContain(`http://192.168.1.20:3000/B/${code}`);
    expect(await sign('[fe80::1]:3000')).toContain(`http://[fe80::1]:3000/B/${code}`);

    const bad = [
      'evil.example/path',
      'user@evil.example',
      'evil.example:0',
      'evil.example:65536',
      'evil.example:080',
      'evil_host.example',
      '-evil.example',
      'evil-.example',
      'evil.example:80:81',
      'evil.example?x=1',
      'evil.example#x',
      '%65vil.example',
      '1.2.3.999',
      '[::1',
      '[evil.example]',
      'ev il.example',
      'evil..example',
      `${'a'.repeat(64)}.example`,
      '<script>'
    ];
    for (const host of bad) {
      const r = await get(t.url, printPath(b, 'layout=a4-8&select=all'), host);
      expect([host, r.status]).toEqual([host, 400]);
      await expectError(r, 400, 'INVALID_HOST');
    }
    // None of those printed anything, so none recorded a print.
    expect(await titlesIn(b, 'new')).toEqual(['One']);
  });

  it('prints PUBLIC_URL into QR codes when it is set, whatever the Host header says', async () => {
    const pub = await startTestApp({ publicUrl: 'https://kanban.example.org' });
    try {
      const b = await makeBoard({ 'To do': ['One'] }, 'Public', pub.url);
      for (const host of ['evil.example', 'evil.example/path']) {
        const text = await pdfText(await get(pub.url, printPath(b, 'layout=board-sign'), host));
        expect(text).toContain(`https://kanban.example.org/B/${b.json.code}`);
        expect(text).not.toContain('evil');
      }
    } finally {
      await pub.close();
    }
  });

  describe('a client that leaves mid-download', () => {
    // Counting pages started tells how far the renderer got, whatever is buffered on the way.
    const pdfkit = PDFDocument as unknown as { prototype: PDFKit.PDFDocument };
    let addPage: MockInstance<PDFKit.PDFDocument['addPage']>;
    afterEach(() => addPage?.mockRestore());

    it('stops the render and records nothing', async () => {
      const created = await api<BoardJson>(t.url, 'POST', '/api/boards', { name: 'Big wall' });
      const boardId = created.body.id as BoardId;
      for (let i = 0; i < 300; i++) {
        const outcome = await t.app.service.execute(
          boardId,
          { type: 'createCard', opId: newOpId(), title: `Card ${i}` },
          { actor: { id: 'api', name: 'API' }, source: 'api' }
        );
        expect(outcome.ok).toBe(true);
      }
      const revision = (await t.app.service.getBoard(boardId))!.revision;
      addPage = vi.spyOn(pdfkit.prototype, 'addPage');
      const served = new Promise<void>((resolve) =>
        t.server.once('request', (_req, res: http.ServerResponse) => res.once('close', resolve))
      );
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${t.url}/api/boards/${boardId}/print.pdf?layout=a6&select=all`, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      });
      await served;
      // Wait until the renderer stops starting pages.
      for (let last = -1, still = 0; still < 5;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        still = addPage.mock.calls.length === last ? still + 1 : 0;
        last = addPage.mock.calls.length;
      }
      expect(addPage.mock.calls.length).toBeLessThan(300);
      expect((await t.app.service.getBoard(boardId))!.revision).toBe(revision);
      // And the server is fine: the whole job downloads.
      expect((await pdfInfo(await get(t.url, `/api/boards/${boardId}/print.pdf?layout=a6&select=all`))).pages).toBe(300);
    });
  });
});

describe('with accounts', () => {
  const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };
  let acc: TestApp;
  const cookies: Record<string, string> = {};

  async function call(method: string, p: string, who: string, body?: unknown) {
    const res = await fetch(acc.url + p, {
      method,
      headers: {
        cookie: `kb_session=${cookies[who] ?? ''}`,
        origin: acc.url,
        ...(body === undefined ? {} : { 'content-type': 'application/json' })
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: Buffer.from(await res.arrayBuffer()),
      setCookie: res.headers.get('set-cookie')
    };
  }
  async function login(who: string, email: string, password: string) {
    const r = await call('POST', '/api/auth/login', who, { email, password });
    expect(r.status).toBe(200);
    cookies[who] = /kb_session=([^;]+)/.exec(r.setCookie!)![1];
  }

  beforeAll(async () => {
    acc = await startTestApp({ admin: ADMIN });
    await login('admin', ADMIN.email, ADMIN.password);
    for (const who of ['viewer', 'editor']) {
      expect(
        (await call('POST', '/api/users', 'admin', { email: `${who}@example.test`, name: `The ${who}`, password: `${who}-password-1` }))
          .status
      ).toBe(201);
      await login(who, `${who}@example.test`, `${who}-password-1`);
    }
  });
  afterAll(async () => acc.close());

  it('lets a viewer preview and download but not record a print; an editor records it under their own name', async () => {
    const board = JSON.parse((await call('POST', '/api/boards', 'admin', { name: 'Team' })).body.toString()) as BoardJson;
    for (const [who, role] of [
      ['viewer', 'viewer'],
      ['editor', 'editor']
    ]) {
      expect((await call('POST', `/api/boards/${board.id}/members`, 'admin', { email: `${who}@example.test`, role })).status).toBe(200);
    }
    expect((await call('POST', `/api/boards/${board.id}/cards`, 'admin', { title: 'A card' })).status).toBe(201);
    const pdf = `/api/boards/${board.id}/print.pdf?layout=a4-8`;

    const preview = await call('GET', `${pdf}&preview=1`, 'viewer');
    expect([preview.status, preview.type]).toEqual([200, 'application/pdf']);
    const downloaded = await call('GET', pdf, 'viewer');
    expect([downloaded.status, downloaded.type]).toEqual([200, 'application/pdf']);
    expect((await call('GET', pdf, 'anonymous')).status).toBe(401);
    const revision = (JSON.parse((await call('GET', `/api/boards/${board.id}`, 'admin')).body.toString()) as BoardJson).revision;
    const refused = await call('POST', `/api/boards/${board.id}/printed`, 'viewer', { layout: 'a4-8', revision });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body.toString()).error.code).toBe('FORBIDDEN');

    const printed = await call('GET', pdf, 'editor');
    expect([printed.status, printed.body.subarray(0, 5).toString()]).toEqual([200, '%PDF-']);
    expect((await call('POST', `/api/boards/${board.id}/printed`, 'editor', { layout: 'a4-8', revision })).status).toBe(200);
    const events = JSON.parse((await call('GET', `/api/boards/${board.id}/events?since=0`, 'admin')).body.toString())
      .events as BoardEvent[];
    const records = events.filter((e) => e.type === 'cardsPrinted');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ source: 'print', actor: { name: 'The editor' } });
  });
});

describe('markPrinted', () => {
  const PRINTER = { id: 'u_printer', name: 'Printer person' };

  it('leaves out cards whose printed fields changed during the render, and records the rest', async () => {
    const b = await makeBoard({ 'To do': ['Edited', 'Moved', 'Described', 'Untouched'] });
    const boardId = b.id as BoardId;
    const id = (title: string) => b.card[title] as CardId;
    await printAndRecord(b, `layout=a4-8&select=cards:${id('Edited')}`);
    const rendered = (await t.app.service.getBoard(boardId))!.revision;

    // While the PDF renders from the snapshot at `rendered`, people keep working.
    await command(b, { type: 'updateCard', cardId: id('Edited'), changes: { title: 'Edited again' } });
    await command(b, { type: 'moveCard', cardId: id('Moved'), toColumnId: b.col.Doing });
    await command(b, { type: 'updateCard', cardId: id('Described'), changes: { description: 'only on screen' } });

    await markPrinted(t.app.service, boardId, [id('Edited'), id('Moved'), id('Described'), id('Untouched')], 'a4-8', rendered, PRINTER);
    const recorded = (await events(b, rendered)).filter((e) => e.type === 'cardsPrinted');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      cardIds: [id('Moved'), id('Described'), id('Untouched')],
      source: 'print',
      layout: 'a4-8',
      actor: PRINTER
    });
    // The edited card's paper shows its old title: it stays in the reprint queue.
    expect(await titlesIn(b, 'reprint')).toEqual(['Edited']);
    expect(await pdfText(await print(b, 'layout=a4-8&select=reprint&preview=1'))).toContain('Edited again');
  });

  it('records nothing when every card changed', async () => {
    const b = await makeBoard({ 'To do': ['Only'] });
    const rendered = (await t.app.service.getBoard(b.id as BoardId))!.revision;
    await command(b, { type: 'updateCard', cardId: b.card.Only, changes: { due: '2031-01-02' } });
    const before = (await events(b)).length;
    await markPrinted(t.app.service, b.id as BoardId, [b.card.Only as CardId], 'a6', rendered, PRINTER);
    expect(await events(b)).toHaveLength(before);
    expect(await titlesIn(b, 'new')).toEqual(['Only']);
  });
});
