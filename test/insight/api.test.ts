/**
 * The insight API in process: metrics, portfolio, card history, export, and import (Kanbridge
 * round trip, the Trello fixture, and refused files that must leave nothing behind).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, type BoardEvent, type Card } from '../../src/lib/domain';
import { boardMetrics, type BoardMetrics } from '../../src/lib/insight/board-metrics';
import type { PortfolioRow } from '../../src/lib/insight/portfolio';
import type { BoardJson } from '../../src/lib/protocol';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../server/import/kanbridge-file';
import { MAX_IMPORT_BYTES } from '../../server/import/limits';
import { startTestApp, type TestApp } from '../helpers/app';
import { api } from '../helpers/server';
import { PERIOD, scenario } from './scenario';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

type Imported = BoardJson & { warnings: string[] };
type Refusal = { error: { code: string; message: string; details?: { issues: { path: string; message: string }[] } } };

async function post(p: string, body: string | Uint8Array<ArrayBuffer>) {
  const res = await fetch(t.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as unknown };
}

const command = (boardId: string, c: Record<string, unknown>) =>
  api(t.url, 'POST', `/api/boards/${boardId}/commands`, { opId: newOpId(), ...c });

function fileOf(events: BoardEvent[], name = 'Scenario') {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    board: { id: 'b_old', name, code: 'AAAAAA', revision: events.length },
    events
  };
}

/** A live board with some of everything: edits, moves, an archived card, columns changed, stages and project figures. */
async function busyBoard(): Promise<BoardJson> {
  const board = (
    await api<BoardJson>(t.url, 'POST', '/api/boards', {
      name: 'Round trip',
      columns: [{ name: 'To do' }, { name: 'Doing', wipLimit: 2 }, { name: 'Done' }]
    })
  ).body;
  const [todo, doing, done] = board.columns.map((c) => c.id);
  const ids: string[] = [];
  for (const [title, extra] of [
    ['Alpha', { tags: ['x', 'y'], due: '2026-12-24', estimate: 3 }],
    ['Beta', { assignee: 'Lena' }],
    ['Gamma', {}],
    ['Delta', { description: 'Line one\nline "two", with commas' }]
  ] as const) {
    ids.push((await api<{ card: Card }>(t.url, 'POST', `/api/boards/${board.id}/cards`, { title, ...extra })).body.card.id);
  }
  await command(board.id, { type: 'moveCard', cardId: ids[0], toColumnId: doing });
  await command(board.id, { type: 'moveCard', cardId: ids[1], toColumnId: done });
  await command(board.id, { type: 'moveCard', cardId: ids[3], toColumnId: todo, beforeCardId: ids[2] });
  await command(board.id, { type: 'updateCard', cardId: ids[2], changes: { title: 'Gamma (renamed)', estimate: 5 } });
  await command(board.id, { type: 'archiveCard', cardId: ids[2] });
  await command(board.id, { type: 'addColumn', name: 'Review', index: 2 });
  await command(board.id, { type: 'renameColumn', columnId: todo, name: 'Backlog' });
  await command(board.id, { type: 'setColumnStage', columnId: doing, stage: 'doing' });
  await command(board.id, { type: 'setWipLimit', columnId: doing, wipLimit: 3, hard: true });
  await command(board.id, { type: 'markPrinted', cardIds: [ids[0]], layout: 'a4' });
  const project = {
    budget: 1000,
    currency: 'EUR',
    plannedStart: '2026-01-01',
    plannedEnd: '2026-12-31',
    actualCost: 200,
    thresholds: { green: 1, amber: 0.8 }
  };
  expect((await command(board.id, { type: 'setProject', project })).status).toBe(200);
  return (await api<BoardJson>(t.url, 'GET', `/api/boards/${board.id}`)).body;
}

/** What must survive a round trip: everything but ids, codes and revisions of the board itself. */
function shape(b: BoardJson) {
  const colIndex = new Map(b.columns.map((c, i) => [c.id, i]));
  const card = (c: Card) => ({
    title: c.title,
    description: c.description,
    assignee: c.assignee,
    tags: c.tags,
    due: c.due,
    estimate: c.estimate,
    rank: c.rank,
    column: colIndex.get(c.columnId),
    archived: c.archived,
    createdAt: c.createdAt,
    revision: c.revision,
    printedRevision: c.printedRevision,
    printedAt: c.printedAt,
    printedFieldsRevision: c.printedFieldsRevision
  });
  return {
    name: b.name,
    revision: b.revision,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    columns: b.columns.map((c) => ({
      name: c.name,
      wipLimit: c.wipLimit,
      wipHard: c.wipHard,
      stage: (c as { stage?: string }).stage,
      count: c.count
    })),
    cards: b.cards.map(card),
    archivedCards: b.archivedCards.map(card)
  };
}

/**
 * Metrics without ids and codes (new after an import) and without what moves with the clock
 * between two requests (the report's instant and planned value, which grows with it).
 */
function anonymous(m: BoardMetrics & { board?: unknown }) {
  const drop = ['cardId', 'columnId', 'code', 'id', 'asOf', 'pv', 'spi'];
  return JSON.parse(JSON.stringify({ ...m, board: undefined }, (k, v) => (drop.includes(k) ? undefined : v)));
}

const boardCount = async () => (await api<{ boards: unknown[] }>(t.url, 'GET', '/api/boards')).body.boards.length;

describe('export and import, Kanbridge format', () => {
  it('round-trips a board: same columns, cards, order and fields, with new ids and new codes', async () => {
    const original = await busyBoard();
    const exported = await fetch(`${t.url}/api/boards/${original.id}/export?format=json`);
    expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename="round-trip-\d{4}-\d{2}-\d{2}\.json"/);
    const text = await exported.text();
    const imported = await post('/api/import?format=kanbridge', text);
    expect(imported.status).toBe(201);
    const copy = imported.body as Imported;
    expect(copy.warnings).toEqual([]);
    expect(shape(copy)).toEqual(shape(original));
    expect(shape(copy).cards.map((c) => c.title)).toEqual(['Delta', 'Alpha', 'Beta']);
    expect(shape(copy).archivedCards.map((c) => c.title)).toEqual(['Gamma (renamed)']);

    const codes = (b: BoardJson) => [
      b.code,
      ...b.columns.map((c) => c.code),
      ...b.cards.map((c) => c.code),
      ...b.archivedCards.map((c) => c.code)
    ];
    const ids = (b: BoardJson) => [b.id, ...b.columns.map((c) => c.id), ...b.cards.map((c) => c.id), ...b.archivedCards.map((c) => c.id)];
    expect(codes(copy).filter((c) => codes(original).includes(c))).toEqual([]);
    expect(ids(copy).filter((c) => ids(original).includes(c))).toEqual([]);
    for (const code of codes(copy)) {
      const owner = await api<{ boardId: string }>(t.url, 'GET', `/api/codes/${code}`);
      expect(owner.body.boardId).toBe(copy.id);
    }

    // The history came along: same events, same times and actors, now from the source "import".
    const again = JSON.parse(await (await fetch(`${t.url}/api/boards/${copy.id}/export?format=json`)).text()) as { events: BoardEvent[] };
    const before = JSON.parse(text) as { events: BoardEvent[] };
    expect(again.events.map((e) => [e.revision, e.type, e.at, e.actor.name])).toEqual(
      before.events.map((e) => [e.revision, e.type, e.at, e.actor.name])
    );
    expect(new Set(again.events.map((e) => e.source))).toEqual(new Set(['import']));

    // …so the flow metrics are the same too.
    const q = '?from=2026-01-01&to=2026-12-31';
    const m1 = await api<BoardMetrics>(t.url, 'GET', `/api/boards/${original.id}/metrics${q}`);
    const m2 = await api<BoardMetrics>(t.url, 'GET', `/api/boards/${copy.id}/metrics${q}`);
    expect(anonymous(m2.body)).toEqual(anonymous(m1.body));
    expect(m1.body.earnedValue?.budget).toBe(1000);
  });

  it('imports a hand-made history, whose metrics the API then computes from the log', async () => {
    const h = scenario();
    const res = await post('/api/import?format=kanbridge', JSON.stringify(fileOf(h.events)));
    expect(res.status).toBe(201);
    const board = res.body as Imported;
    const m = await api<BoardMetrics>(t.url, 'GET', `/api/boards/${board.id}/metrics?from=${PERIOD.from}&to=${PERIOD.to}`);
    expect(m.status).toBe(200);
    // The period is long past, so the report ends with its last day whatever the clock says.
    expect(m.body.asOf).toBe('2026-03-15T23:59:59.999Z');
    const expected = boardMetrics(h.events, PERIOD, Date.parse('2026-03-16T00:00:00Z'));
    expect(anonymous(m.body)).toEqual(anonymous(expected));
    expect(m.body.cycleTime.percentiles).toEqual({ count: 4, p50: 3.5, p70: 6, p85: 8, p95: 8 });
  });

  it('refuses broken files with what is wrong and where, and creates nothing', async () => {
    const events = scenario().events;
    const good = JSON.stringify(fileOf(events));
    const edit = (f: (file: ReturnType<typeof fileOf>) => void) => {
      const file = structuredClone(fileOf(events));
      f(file);
      return JSON.stringify(file);
    };
    const moved = events.findIndex((e) => e.type === 'cardMoved');
    const created = events
      .map((e, i) => [e, i] as const)
      .filter(([e]) => e.type === 'cardCreated')
      .map(([, i]) => i);
    const rankOf = (f: ReturnType<typeof fileOf>, i: number) => (f.events[i] as { card: { rank: string } }).card;
    const cases: [string, string, RegExp, string?][] = [
      ['truncated JSON', good.slice(0, good.length / 2), /not valid JSON/],
      ['empty body', '', /the file is empty/],
      ['not an export', JSON.stringify({ hello: 'world' }), /format: must be "kanbridge-board"/, 'format'],
      ['events cut short', edit((f) => f.events.splice(-3)), /revision 34 but the file holds 31 events/, 'events'],
      [
        'a card without a title',
        edit((f) => ((f.events[5] as { card: { title: string } }).card.title = '  ')),
        /must not be empty/,
        'events.5.card.title'
      ],
      [
        'a move of a card that does not exist',
        edit((f) => ((f.events[moved] as { cardId: string }).cardId = 'c_ghost')),
        /no card c_ghost at this point/,
        `events.${moved}`
      ],
      ['a revision out of place', edit((f) => (f.events[3].revision = 9)), /revision is 9, expected 4/, 'events.3'],
      [
        'an unknown event type',
        edit((f) => ((f.events[2] as { type: string }).type = 'cardTeleported')),
        /events.2.type: Invalid discriminator value/,
        'events.2.type'
      ],
      [
        'a second board',
        edit((f) => f.events.splice(4, 0, { ...f.events[0], revision: 5 })),
        /boardCreated may only be the first event/,
        'events.4'
      ],
      [
        'a rank that is not an order key',
        edit((f) => (rankOf(f, created[1]).rank = '!!')),
        /rank "!!" is not an order key/,
        `events.${created[1]}`
      ],
      // Equal ranks would break ties by id, and ids are new after an import: the order could change.
      // H then A are created in Backlog, one after the other.
      [
        'two cards with one rank',
        edit((f) => (rankOf(f, created[3]).rank = rankOf(f, created[2]).rank)),
        /is already held by card/,
        `events.${created[3]}`
      ]
    ];
    expect(events.length).toBe(34);
    const before = await boardCount();
    for (const [name, body, message, where] of cases) {
      const res = await post('/api/import?format=kanbridge', body);
      const err = (res.body as Refusal).error;
      expect([name, res.status, err.code]).toEqual([name, 400, 'INVALID_FILE']);
      expect(err.message, name).toMatch(message);
      if (where !== undefined)
        expect(
          err.details!.issues.map((i) => i.path),
          name
        ).toContain(where);
    }
    expect(await boardCount()).toBe(before);
  });

  it('caps the body size and asks for a format', async () => {
    const before = await boardCount();
    const huge = await post('/api/import?format=kanbridge', new Uint8Array(MAX_IMPORT_BYTES + 1).fill(32));
    expect(huge.status).toBe(413);
    const noFormat = await post('/api/import', '{}');
    expect(noFormat).toMatchObject({ status: 400, body: { error: { code: 'INVALID', message: 'format must be kanbridge or trello' } } });
    expect(await boardCount()).toBe(before);
  });
});

describe('import from Trello', () => {
  const fixture = readFileSync(path.join(__dirname, 'fixtures', 'trello-board.json'), 'utf8');

  it('turns open lists into columns by position and cards into cards with their fields', async () => {
    const res = await post('/api/import?format=trello', fixture);
    expect(res.status).toBe(201);
    const b = res.body as Imported;
    expect(b.name).toBe('Platform roadmap');
    expect(b.columns.map((c) => [c.name, c.wipLimit, (c as { stage?: string }).stage])).toEqual([
      ['Ideas', null, 'todo'],
      ['Review', null, 'doing'],
      ['In progress', 3, 'doing'],
      ['Done ✅', null, 'done']
    ]);
    const where = (c: Card) => b.columns.find((col) => col.id === c.columnId)!.name;
    expect(b.cards.map((c) => [where(c), c.title])).toEqual([
      ['Ideas', 'Research competitor onboarding'],
      ['Ideas', 'Write the import guide'],
      ['Review', 'Review the API docs'],
      ['In progress', 'Fix invoice rounding'],
      ['In progress', 'Migrate the database'],
      ['Done ✅', 'Dark mode'],
      ['Done ✅', 'Launch the beta']
    ]);
    const fix = b.cards.find((c) => c.title === 'Fix invoice rounding')!;
    expect(fix).toMatchObject({
      tags: ['backend', 'red'],
      due: '2026-12-04',
      assignee: 'Priya Nair',
      description: 'Totals are off by a cent.\n\nSteps\n☑ Reproduce with the March invoices\n☐ Write a regression test\n☐ Ship the fix'
    });
    expect(b.cards.find((c) => c.title === 'Research competitor onboarding')!.tags).toEqual(['Customer request']);
    expect(b.archivedCards.map((c) => [where(c), c.title])).toEqual([['In progress', 'Old experiment']]);
    expect(b.warnings).toEqual(['1 card in archived lists left out']);
    const events = (await api<{ events: BoardEvent[] }>(t.url, 'GET', `/api/boards/${b.id}/events?since=0`)).body.events;
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['import']));
  });

  it('refuses a Trello file with broken references or missing parts, and creates nothing', async () => {
    const before = await boardCount();
    const board = JSON.parse(fixture) as { cards: { idList: string }[]; lists?: unknown };
    board.cards[2].idList = 'nowhere';
    const badRef = await post('/api/import?format=trello', JSON.stringify(board));
    expect(badRef.status).toBe(400);
    expect((badRef.body as Refusal).error.details!.issues).toEqual([{ path: 'cards.2.idList', message: 'no list nowhere in the file' }]);
    delete board.lists;
    const noLists = await post('/api/import?format=trello', JSON.stringify(board));
    expect((noLists.body as Refusal).error.details!.issues.map((i) => i.path)).toEqual(['lists']);
    const truncated = await post('/api/import?format=trello', fixture.slice(0, 5000));
    expect((truncated.body as Refusal).error.message).toMatch(/not valid JSON/);
    expect(await boardCount()).toBe(before);
  });
});

describe('metrics, portfolio, history and CSV', () => {
  it('answers the portfolio with one row per board, and project figures where a board has them', async () => {
    const board = await busyBoard();
    const res = await api<{ period: { from: string; to: string }; boards: PortfolioRow[] }>(
      t.url,
      'GET',
      '/api/portfolio?from=2026-01-01&to=2026-12-31'
    );
    expect(res.status).toBe(200);
    expect(res.body.boards.length).toBe(await boardCount());
    const row = res.body.boards.find((r) => r.boardId === board.id)!;
    expect(row).toMatchObject({ name: 'Round trip', throughput: 1, wip: 1 });
    expect(row.earnedValue).toMatchObject({ budget: 1000, ac: 200, currency: 'EUR' });
    expect((await api(t.url, 'GET', '/api/portfolio?from=2026-13-01')).status).toBe(400);
  });

  it('gives a card its history, oldest first', async () => {
    const board = await busyBoard();
    const alpha = board.cards.find((c) => c.title === 'Alpha')!;
    const res = await api<{ events: { text: string; source: string }[] }>(
      t.url,
      'GET',
      `/api/boards/${board.id}/cards/${alpha.id}/history`
    );
    expect(res.body.events.map((e) => e.text)).toEqual([
      'Created “Alpha” in To do',
      'Moved “Alpha” from To do to Doing',
      'Printed “Alpha” (a4)'
    ]);
    expect((await api(t.url, 'GET', `/api/boards/${board.id}/cards/c_nothing/history`)).status).toBe(404);
  });

  it('exports cards and events as CSV', async () => {
    const board = await busyBoard();
    const cards = await (await fetch(`${t.url}/api/boards/${board.id}/export?format=csv&what=cards`)).text();
    const lines = cards.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Code,Title,Column,Stage,Position,Assignee,Tags,Due,Estimate,Archived,Created,Started,Done,Description');
    expect(lines[1]).toMatch(/^[0-9A-Z]{6},Delta,Backlog,todo,1,,,,,no,\S+,,,"Line one\nline ""two"", with commas"$/);
    expect(lines.find((l) => l.includes(',Alpha,'))).toMatch(/,Alpha,Doing,doing,1,,x; y,2026-12-24,3,no,/);
    const events = await (await fetch(`${t.url}/api/boards/${board.id}/export?format=csv&what=events`)).text();
    expect(
      events
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
    ).toHaveLength(board.revision + 1);
    expect((await api(t.url, 'GET', `/api/boards/${board.id}/export?format=xml`)).status).toBe(400);
  });
});
