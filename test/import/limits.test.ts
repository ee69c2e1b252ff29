/**
 * The import limits (server/import/limits.ts) against the exports they must take back: a
 * board at the card and event limits exports to less than the byte limit, an export padded to
 * exactly the byte limit imports, one byte more is refused with 413 and the limit in words,
 * and files over the card or event limits are refused with 413 before they are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardJson } from '../../src/lib/protocol';
import { exportFile } from '../../server/import/kanbridge-file';
import { MAX_IMPORT_BYTES, MAX_IMPORT_CARDS, MAX_IMPORT_EVENTS } from '../../server/import/limits';
import { startTestApp, type TestApp } from '../helpers/app';
import { kanbridgeExport, trelloExport } from './big-files';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

type Refusal = { error: { code: string; message: string; details?: Record<string, unknown> } };

async function post(format: string, body: string | Uint8Array<ArrayBuffer>) {
  const res = await fetch(`${t.url}/api/import?format=${format}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function boardCount(): Promise<number> {
  return (await t.app.service.listBoards()).length;
}

/** `text` followed by spaces up to `size` bytes: still the same JSON. */
function padded(text: string, size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size).fill(0x20);
  const written = new TextEncoder().encodeInto(text, bytes).written;
  expect(written).toBe(Buffer.byteLength(text));
  return bytes;
}

describe('the byte limit fits the largest board the other limits allow', () => {
  it('a board at MAX_IMPORT_CARDS cards and MAX_IMPORT_EVENTS events exports to less than MAX_IMPORT_BYTES', () => {
    const file = kanbridgeExport(MAX_IMPORT_CARDS, MAX_IMPORT_EVENTS);
    const board = { id: file.board.id, name: file.board.name, code: file.board.code, revision: file.board.revision };
    expect(file.events.filter((e) => e.type === 'cardCreated')).toHaveLength(MAX_IMPORT_CARDS);
    expect(file.events).toHaveLength(MAX_IMPORT_EVENTS);
    const size = Buffer.byteLength(JSON.stringify(exportFile(board, file.events, new Date())));
    // About 66 MB; the limit leaves room for longer titles and descriptions than these.
    expect(size).toBeGreaterThan(MAX_IMPORT_BYTES / 2);
    expect(size).toBeLessThan(MAX_IMPORT_BYTES * 0.8);
  }, 60_000);
});

describe('export → import at the byte limit', () => {
  let exported: string;
  let source: BoardJson;

  beforeAll(async () => {
    const made = await post('kanbridge', JSON.stringify(kanbridgeExport(3_001, 6_000)));
    expect(made.status, JSON.stringify(made.body).slice(0, 300)).toBe(201);
    source = made.body as BoardJson;
    const res = await fetch(`${t.url}/api/boards/${source.id}/export?format=json`);
    expect(res.status).toBe(200);
    exported = await res.text();
  }, 120_000);

  it('an export of exactly MAX_IMPORT_BYTES imports back, the same board', async () => {
    const res = await post('kanbridge', padded(exported, MAX_IMPORT_BYTES));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
    const copy = res.body as BoardJson;
    expect(copy.id).not.toBe(source.id);
    expect(copy.revision).toBe(source.revision);
    expect(copy.columns.map((c) => [c.name, c.count])).toEqual(source.columns.map((c) => [c.name, c.count]));
    expect(copy.cards.map((c) => [c.title, c.rank])).toEqual(source.cards.map((c) => [c.title, c.rank]));
  }, 120_000);

  it('one byte more is refused with 413, the limit in words, and nothing is created', async () => {
    const before = await boardCount();
    const res = await post('kanbridge', padded(exported, MAX_IMPORT_BYTES + 1));
    expect(res.status).toBe(413);
    const { error } = res.body as Refusal;
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe(
      'The file is 100,663,297 bytes; at most 100,663,296 bytes (96 MB, a board of up to 100,000 cards) can be imported'
    );
    expect(error.details).toEqual({ maxBytes: MAX_IMPORT_BYTES });
    expect(await boardCount()).toBe(before);
  }, 60_000);
});

describe('the card and event limits', () => {
  it('a Trello board of more than MAX_IMPORT_CARDS cards is refused with 413', async () => {
    const before = await boardCount();
    const res = await post('trello', JSON.stringify(trelloExport(MAX_IMPORT_CARDS + 1)));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      error: { code: 'TOO_LARGE', message: 'The file holds 100,001 cards; at most 100,000 can be imported into one board' }
    });
    expect(await boardCount()).toBe(before);
  }, 120_000);

  it('a Kanbridge file of more than MAX_IMPORT_EVENTS events is refused with 413', async () => {
    const file = kanbridgeExport(10, 2);
    // Counted before anything else is checked: the events need not even be events.
    const body = JSON.stringify({ ...file, events: Array.from({ length: MAX_IMPORT_EVENTS + 1 }, () => 0) });
    const res = await post('kanbridge', body);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      error: { code: 'TOO_LARGE', message: 'The file holds 200,001 events; at most 200,000 can be imported into one board' }
    });
  }, 60_000);
});
